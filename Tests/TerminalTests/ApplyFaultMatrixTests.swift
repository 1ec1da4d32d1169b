import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The fault matrix (docs/reliability.md) against `tfe-setup apply`, run as a process: for each
/// fault, what the admin reads, the exit code, and that running the same file again finishes the job.
@Suite("Fault matrix: apply")
struct ApplyFaultMatrixTests {

    static func tempDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apply-faults-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Checks the first run's output and exit status against the row.
    static func checkFirstRun(_ c: FaultCase, _ r: CLI.Run) {
        switch c.firstRun {
        case .completes:
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.components(separatedBy: "\nok ").count - 1 == 3, "\(r.output)")
        case .startUpFails(let message):
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains(message), "\(r.output)")
            #expect(!r.output.contains("\nok "), "nothing was applied")
        case .stepFails(let step, let message):
            #expect(r.status == 1, "\(r.output)")
            // A request sent without an answer is neither saved nor failed: its own word. A
            // server that is gone may have got the request (UNKNOWN) or not (FAILED, not saved),
            // depending on when it went; either way the label and the words agree.
            if message.contains("Could not talk") {
                let line = r.output.split(separator: "\n").first { $0.contains(" \(step) (") }.map(String.init) ?? ""
                #expect((line.hasPrefix("UNKNOWN ") && line.contains("nknown whether")) || (line.hasPrefix("FAILED ") && line.contains("Not saved")), "\(line)")
            } else {
                let unknown = ["may or may not", "Unknown whether"].contains { message.contains($0) }
                #expect(r.output.contains((unknown ? "UNKNOWN " : "FAILED ") + step), "\(r.output)")
            }
            #expect(r.output.contains(message), "\(r.output)")
            #expect(r.output.components(separatedBy: "\nok ").count - 1 == 2, "the other steps are applied: \(r.output)")
        }
        #expect(!r.output.contains("fake-auto-pw-8"))
    }

    @Test("each fault of the matrix", arguments: FaultMatrix.cases)
    func fault(_ c: FaultCase) async throws {
        if case .killedMidApply = c.kind { return try await killedMidApply(c) }
        let dir = try Self.tempDirectory()
        let statePath = dir + "/sandbox-state.json"
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, statePath: statePath))
        var current = server
        let file = CLI.write(dir, "seed.json", CLI.seed)
        let timeout = c.timeoutSeconds.map { ["--timeout", String($0)] } ?? []
        switch c.kind {
        case .armed(let faults): for fault in faults { await server.store.arm(fault) }
        case .connectionRefused: await server.kill()
        case .killedMidApply: break
        }
        let first = await CLI.run(address: server.address, token: server.tokens.siteAdmin, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"] + timeout)
        Self.checkFirstRun(c, first)
        if case .stepFails(step: "SMTP settings", _) = c.firstRun {
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" && $0.path == FaultMatrix.smtpPath }.count == 1, "the SMTP PATCH is sent once")
        }
        if let sends = c.sends {
            let sent = await server.store.requestLog.filter { $0.method == sends.method && $0.path == sends.path }.count
            #expect(sent == sends.count, "\(sends.method) \(sends.path) sent \(sent) times")
        }
        if let logged = c.loggedStatus {
            #expect(await server.store.requestLog.contains { $0.path == logged.path && $0.status == logged.status }, "the fault was met")
        }
        if case .connectionRefused = c.kind {
            current = try await SandboxServer.start(options: SandboxOptions(port: server.port, rateLimit: 0, statePath: statePath), tokens: server.tokens)
        }
        if first.status != 0 {
            let second = await CLI.run(address: current.address, token: server.tokens.siteAdmin, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(second.status == 0, "the second run finishes the job: \(second.output)")
        }
        let final = await current.store.state
        #expect(SeedTarget.differences(final).isEmpty, "\(SeedTarget.differences(final))")
        await current.stop()
        if current !== server { await server.stop() }
    }

    /// A real `tfe-setup sandbox` process, SIGKILLed while the TTL PATCH is in flight (after the
    /// SMTP and organization PATCHes were answered), then started again with its `--state`.
    func killedMidApply(_ c: FaultCase) async throws {
        let dir = try Self.tempDirectory()
        let statePath = dir + "/sandbox-state.json", tokensPath = dir + "/tokens.json"
        _ = FileManager.default.createFile(atPath: tokensPath, contents: Data(#"{"site-admin":"fake-sa-kill-1","owner":"fake-ow-kill-1","member":"fake-me-kill-1"}"#.utf8))
        let sandbox = try SandboxProcess.start(statePath: statePath, tokensPath: tokensPath)
        try await sandbox.arm(FaultMatrix.holdTTLPatch)
        let file = CLI.write(dir, "seed.json", CLI.seed)
        async let firstRun = CLI.run(address: sandbox.address, token: sandbox.tokens.siteAdmin, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
        let answered = await eventually(.seconds(30)) {
            // Both PATCHes answered and read back (a GET of the same path after the PATCH).
            let log = (try? await sandbox.requests()) ?? []
            func readBack(_ path: String) -> Bool {
                guard let patch = log.firstIndex(where: { $0.method == "PATCH" && $0.path == path }) else { return false }
                return log[(patch + 1)...].contains { $0.method == "GET" && $0.path == path }
            }
            return readBack(FaultMatrix.smtpPath) && readBack(FaultMatrix.orgPath)
        }
        #expect(answered)
        await sandbox.kill()
        let first = await firstRun
        Self.checkFirstRun(c, first)

        let again = try SandboxProcess.start(port: sandbox.port, statePath: statePath, tokensPath: tokensPath)
        let before = try await again.state()
        #expect(before.smtp.host == "smtp.example.com" && before.organizations["my-org"]?.defaultExecutionMode == "agent", "what was answered survived the kill")
        let second = await CLI.run(address: again.address, token: again.tokens.siteAdmin, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
        #expect(second.status == 0, "\(second.output)")
        let final = try await again.state()
        #expect(SeedTarget.differences(final).isEmpty, "\(SeedTarget.differences(final))")
        await again.stop()
    }
}
