import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A signal during a one-organization `apply`, once it has started writing: the report still
/// comes (what was saved, what was cut short), the exit status is 1, and the same command run
/// again sends only what is left.
@Suite("apply stopped by a signal")
struct ApplySignalTests {
    static let ttlPath = "/api/v2/organizations/my-org/token-ttl-policies"

    /// Starts the seed's apply as a process (output to a file), the token in a 0600 file and the
    /// SMTP password in the environment.
    static func start(_ server: SandboxServer, _ dir: String, _ answers: String, extra: [String] = []) throws -> (Process, String) {
        let tokenFile = dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
        let out = dir + "/apply.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TmuxSession.binary)
        process.arguments = ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com",
                             "--address", server.address, "--token-file", tokenFile] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["SMTP_PASSWORD": "fake-signal-pw-3"]) { $1 }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, out)
    }

    /// Whether the log holds a PATCH of `path` and, after it, a GET of the same path (the read-back);
    /// the log holds a request once it has been answered.
    static func readBack(_ path: String, in log: [SandboxRequestRecord]) -> Bool {
        guard let patch = log.firstIndex(where: { $0.method == "PATCH" && $0.path == path }) else { return false }
        return log[(patch + 1)...].contains { $0.method == "GET" && $0.path == path }
    }

    /// Polls, with a deadline, until `condition` holds or the apply has ended.
    static func wait(for process: Process, until condition: () async -> Bool) async {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, await !condition() { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Starts the apply, waits (with a deadline) until `ready` holds while it still runs, then
    /// sends `signal`: what it wrote, its exit status and how many seconds it took to end.
    static func stopped(by signal: Int32, _ server: SandboxServer, _ dir: String, _ answers: String, extra: [String] = [],
                        waitingFor what: String, once ready: (String) async -> Bool) async throws -> (report: String, status: Int32, took: Double) {
        let (process, out) = try start(server, dir, answers, extra: extra)
        await wait(for: process) { await ready(out) }
        try #require(process.isRunning, "the apply waits for \(what)")
        let took = try #require(await process.stopped(by: signal), "the apply ended after the signal")
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "", process.terminationStatus, took)
    }

    @Test("SIGINT while a 429 asks to wait 119 s (which the command announces): ends within seconds, the TTLs reported INTERRUPTED; what the report says of the other two is what the server holds; the rerun sends only what is left")
    func duringRetryAfter() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            // One 429 with a long Retry-After: the second attempt would come only after 119 s.
            await server.store.arm(SandboxFault(method: "PATCH", path: Self.ttlPath, status: 429, headers: ["Retry-After": "119"]))
            // Before it goes quiet for 119 s, the command says why and how to stop it.
            let notice = "tfe-setup: 429 rate limited on PATCH \(Self.ttlPath): trying again in 119 s (Ctrl-C stops)."
            let (report, status, took) = try await Self.stopped(by: SIGINT, server, dir, answers, waitingFor: "the Retry-After") { out in
                ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains(notice)
            }
            #expect(took < 20, "ended soon after the signal, not after the 119 s wait")
            #expect(report.contains(notice), "\(report.prefix(1_500))")
            #expect(status == 1, "\(report.suffix(1_500))")
            #expect(report.contains("INTERRUPTED Token TTL policies"), "\(report.suffix(1_500))")
            #expect(report.contains("): Stopped while waiting to retry (429"), "one sentence says why: \(report.suffix(1_500))")
            #expect(report.contains("Run the same command again: it plans again and sends only what still differs."))
            #expect(!report.contains("fake-signal-pw-3"), "the password never printed")

            // The relay's and the organization's PATCHes run beside the TTLs'. Each may have been
            // answered before the 429, in flight when the signal came, or held behind the
            // server's Retry-After (every request to it waits): all three are true accounts, so
            // the test holds each line to what the server kept rather than to one timing.
            let state = await server.store.state
            let held = (smtp: state.smtp.host == "smtp.example.com", organization: state.organizations["my-org"]!.defaultExecutionMode == "agent")
            let sent = await server.store.requestLog.filter { $0.method == "PATCH" }.map(\.path)
            var tally = (saved: 0, unknown: 0, notSaved: 1)  // the TTLs: refused and never sent again
            for (title, path, kept) in [("SMTP settings", FaultMatrix.smtpPath, held.smtp), ("Organization defaults", FaultMatrix.orgPath, held.organization)] {
                let line = report.split(separator: "\n").first { $0.hasPrefix("ok \(title)") || $0.hasPrefix("INTERRUPTED \(title)") }.map(String.init) ?? ""
                if line.hasPrefix("ok ") {
                    tally.saved += 1
                    #expect(kept, "reported saved, and the server holds it: \(line)")
                } else if line.contains("Stopped before the request was sent.") {
                    tally.notSaved += 1
                    #expect(!kept && !sent.contains(path), "reported not sent, and it was not: \(line)")
                } else {
                    tally.unknown += 1
                    #expect(line.contains("The change may or may not have been saved."), "the only other true account: \(line)")
                }
            }
            let counts = [tally.unknown > 0 ? "\(tally.unknown) unknown (sent, no answer)" : nil, "\(tally.notSaved) not saved"].compactMap { $0 }
            #expect(report.contains("Stopped by SIGINT with \(tally.saved) of 3 requests saved, \(counts.joined(separator: ", "))."), "\(report.suffix(1_500))")

            let before = await server.store.requestLog.count
            // Without a second test email the relay has nothing left to send once it is saved.
            let rerun = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--no-test-email", "--smtp-relay", "smtp.example.com"])
            #expect(rerun.status == 0, "\(rerun.output.suffix(1_500))")
            let rerunWrites = Set(await server.store.requestLog.dropFirst(before).filter { $0.method == "PATCH" }.map(\.path))
            let left = Set([held.smtp ? nil : FaultMatrix.smtpPath, held.organization ? nil : FaultMatrix.orgPath, Self.ttlPath].compactMap { $0 })
            #expect(rerunWrites == left, "only what the stop left")
        }
    }

    @Test("SIGINT once the caps were saved and the accepted rejection's switch is unanswered: the report says the server may now reject this token, before the rerun line")
    func stopAfterCapsSaved() async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real
        try await CLI.with(options) { server, dir in
            let answers = CLI.write(dir, "ttl.json", #"{"organization":"my-org","token_ttl":{"enabled":true,"user":"30d"}}"#)
            // The policies go first; the switch after them is saved, then its answer waits 20 s.
            await server.store.arm(SandboxFault(method: "PATCH", path: FaultMatrix.orgPath, status: 200, delayMs: 20_000, after: true))
            let (report, status, _) = try await Self.stopped(by: SIGINT, server, dir, answers, extra: ["--accept-token-rejection"],
                                                             waitingFor: "the switch's answer") { _ in await server.store.armedFaults.isEmpty }
            #expect(status == 1, "\(report.suffix(1_500))")
            #expect(report.contains("ok Token TTL policies"), "\(report.suffix(1_500))")
            let caution = try #require(report.range(of: "The token caps or the switch were saved before the stop, so the server may now reject this token"),
                                       "\(report.suffix(1_500))")
            let rerun = try #require(report.range(of: "Run the same command again"))
            #expect(caution.lowerBound < rerun.lowerBound, "the caution comes before the rerun advice")
        }
    }

    @Test("SIGTERM with the TTL request sent and not answered: INTERRUPTED, saying it may or may not have been saved")
    func duringRequest() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            await server.store.arm(SandboxFault(method: "PATCH", path: Self.ttlPath, status: 503, delayMs: 15_000))
            // The fault leaves the armed list when its request arrives: the answer is 15 s away.
            // The other two PATCHes answered and read back first (the log holds a request once answered).
            let (report, status, _) = try await Self.stopped(by: SIGTERM, server, dir, answers, waitingFor: "the answer") { _ in
                let log = await server.store.requestLog
                return await server.store.armedFaults.isEmpty
                    && Self.readBack(FaultMatrix.smtpPath, in: log) && Self.readBack(FaultMatrix.orgPath, in: log)
            }
            #expect(status == 1, "\(report.suffix(1_500))")
            #expect(report.contains("INTERRUPTED Token TTL policies"), "\(report.suffix(1_500))")
            #expect(report.contains("The change may or may not have been saved."), "\(report.suffix(1_500))")
            #expect(report.contains("Stopped by SIGTERM with 2 of 3 requests saved, 1 unknown (sent, no answer)."), "\(report.suffix(1_500))")
        }
    }

    @Test("SIGINT while every write was saved and no answer had come: the report says unknown, never that nothing was saved")
    func savedButUnanswered() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            // Each PATCH is handled (saved), then its answer waits 20 s.
            for path in [FaultMatrix.smtpPath, FaultMatrix.orgPath, Self.ttlPath] {
                await server.store.arm(SandboxFault(method: "PATCH", path: path, status: 200, delayMs: 20_000, after: true))
            }
            let (report, status, _) = try await Self.stopped(by: SIGINT, server, dir, answers, waitingFor: "the answers") { _ in
                await server.store.armedFaults.isEmpty
            }
            #expect(status == 1, "\(report.suffix(1_500))")
            #expect(report.contains("Stopped by SIGINT with 0 of 3 requests saved, 3 unknown (sent, no answer)."), "\(report.suffix(1_500))")
            #expect(!report.contains("None of this request's values was saved") && !report.contains("Not saved:"), "\(report.suffix(1_500))")
            #expect(SeedTarget.differences(await server.store.state).isEmpty, "the server did save all three")
        }
    }
}

/// Two runs on one server and organization from this machine: the second does not read or write
/// while the first holds the lock, and says who holds it.
@Suite("apply: one run at a time")
struct RunLockTests {

    @Test("a second apply of the same organization stops at once naming the first; with --lock-timeout it waits and then plans from what the first left")
    func secondApplyWaits() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            // The first apply's TTL PATCH is saved, then answered 4 s later: it holds the lock.
            await server.store.arm(SandboxFault(method: "PATCH", path: ApplySignalTests.ttlPath, delayMs: 4_000, after: true))
            let (first, out) = try ApplySignalTests.start(server, dir, answers)
            await ApplySignalTests.wait(for: first) { await server.store.armedFaults.isEmpty }
            try #require(first.isRunning, "the first apply is waiting for its answer")
            let refused = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--no-test-email"])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("nothing read or sent: another run on this machine is changing organization my-org on \(server.address)"), "\(refused.output)")
            #expect(refused.output.contains("process \(first.processIdentifier) (tfe-setup apply)"), "\(refused.output)")
            #expect(refused.output.contains("--lock-timeout"))
            // The line printed before the first request never came: it stopped before reading.
            #expect(!refused.output.contains("· organization my-org · token from"), "\(refused.output)")
            // Waiting: it starts once the first ends, reads what the first saved, and has nothing to send.
            let started = server.store.nowMs()
            let waited = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--no-test-email", "--lock-timeout", "60"])
            #expect(waited.status == 0, "\(waited.output)")
            #expect(!first.isRunning)
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(report.contains("ok Token TTL policies"), "\(report.suffix(800))")
            let patches = await server.store.requestLog.filter { $0.method == "PATCH" && $0.startMs >= started }
            #expect(patches.isEmpty, "the waiting run planned from the first one's result: \(patches.map(\.path))")
        }
    }
}
