import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A signal while `apply` creates the first admin: the IACT is spent and the token shown once,
/// so the first signal waits for the answer and stores the token before stopping; a second one
/// quits at once, saying the admin may exist and how to find out.
@Suite("First install stopped by a signal")
struct FirstInstallSignalTests {
    typealias Command = FirstInstallCommandTests

    /// Starts the first install's apply as a process (output to a file), HOME the test's folder.
    static func start(_ server: SandboxServer, home: String) throws -> (Process, String) {
        let answers = Command.write(home, "answers.json", Command.answers)
        let out = home + "/apply.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TmuxSession.binary)
        process.arguments = ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com", "--address", server.address]
        var environment = ProcessInfo.processInfo.environment.merging(Command.secrets) { $1 }
        environment["HOME"] = home
        environment["XDG_STATE_HOME"] = home + "/state"
        for name in ["TFE_TOKEN", "TFE_ADDRESS", "TF_CLI_CONFIG_FILE"] { environment[name] = nil }
        process.environment = environment
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, out)
    }

    /// Holds the first-admin POST: the sandbox creates the admin, then answers only after the delay.
    static func holdFirstAdmin(_ server: SandboxServer, ms: Int) async {
        await server.store.arm(SandboxFault(method: "POST", path: APIPath.initialAdminUser, delayMs: ms, after: true))
    }

    /// Polls, with a deadline, until the sandbox has made the admin (its answer is then held).
    static func waitForAdmin(_ server: SandboxServer, _ process: Process) async -> SandboxFirstInstall.Admin? {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if let admin = await server.store.firstInstall?.admin { return admin }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await server.store.firstInstall?.admin
    }

    @Test("SIGTERM while the first-admin POST is held: the answer is waited for, the token stored, exit 1 naming the admin and the file; nothing more is created")
    func firstSignal() async throws {
        try await Command.fresh { server, home in
            await Self.holdFirstAdmin(server, ms: 3_000)
            let (process, out) = try Self.start(server, home: home)
            let admin = try #require(await Self.waitForAdmin(server, process), "the POST reached the sandbox")
            try #require(process.isRunning, "the answer is held")
            let took = try #require(await process.stopped(by: SIGTERM), "the apply ended after the signal")
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 1, "\(report)")
            #expect(took < 25, "ended once the answer came, not at the timeout")
            let credentials = CredentialsFile.path(home: home)
            #expect(report.contains("Stopped by SIGTERM after creating the first admin admin (admin@example.com); its token is stored in \(credentials)"), "\(report)")
            let stored = JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: credentials)))
            let host = TokenLookup.credentialsHost(for: URL(string: server.address)!)
            #expect(stored?["credentials"]?[host]?["token"]?.stringValue == admin.token, "the token that arrived is the one stored")
            #expect(!report.contains(admin.token), "the token never printed")
            #expect(!report.contains("fake-admin-password-1"))
            #expect(await server.store.state.organizations["my-org"] == nil, "stopped: the organization not created")
            // The rerun finds the admin by its stored token.
            let plan = await Command.run(server, home: home, ["plan", "--answers", home + "/answers.json"])
            #expect(plan.output.contains("First admin: exists"), "\(plan.output)")
        }
    }

    @Test("a second signal while the POST is held: exits at once, saying the admin may exist and how to find out")
    func secondSignal() async throws {
        try await Command.fresh { server, home in
            await Self.holdFirstAdmin(server, ms: 20_000)
            let (process, out) = try Self.start(server, home: home)
            _ = try #require(await Self.waitForAdmin(server, process), "the POST reached the sandbox")
            try #require(process.isRunning, "the answer is held")
            kill(process.processIdentifier, SIGTERM)
            let took = try #require(await process.stopped(by: SIGINT), "the apply ended after the second signal")
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(took < 10, "at once, not after the held answer (20 s)")
            // Two signals sent back to back may be seen in either order: whichever came second ends it.
            #expect([128 + SIGINT, 128 + SIGTERM].contains(process.terminationStatus), "\(report)")
            #expect(report.contains("a second SIGINT: exiting now") || report.contains("a second SIGTERM: exiting now"), "\(report)")
            #expect(report.contains("may exist on \(server.address)") && report.contains("tfe-setup check --address \(server.address)"), "\(report)")
            #expect(!report.contains("fake-admin-password-1"))
        }
    }
}

