import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The wizard on a freshly installed server (`--profile fresh`: no users, no organization, no
/// token anywhere), in a real terminal: the wait, the first admin, its stored token, the first
/// organization and the three settings without restarting; Ctrl-C on the way and a rerun that
/// goes on from what exists; the SMTP relay alone. Secrets typed are searched for everywhere.
extension TerminalSuite {
@Suite("First install in the wizard")
struct FirstInstallWizardTests {
    static let adminPassword = "fake-first-admin-pw-1"
    static let smtpPassword = "fake-first-smtp-pw-2"

    /// A fresh sandbox and a home folder of the test's own (another host's credentials in it).
    static func fresh(bootDelayMs: Int = 0, _ body: (SandboxServer, String) async throws -> Void) async throws {
        var options = SandboxOptions(rateLimit: 0, profile: .fresh)
        options.bootDelayMs = bootDelayMs
        let server = try await SandboxServer.start(options: options)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("first-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir + "/.terraform.d", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/.terraform.d/credentials.tfrc.json",
                                       contents: Data(#"{"credentials":{"app.terraform.io":{"token":"fake-other-host-token"}}}"#.utf8),
                                       attributes: [.posixPermissions: 0o600])
        do { try await body(server, dir) } catch { await server.stop(); throw error }
        await server.stop()
    }

    /// The wizard with no token: only the address (and `extra`), HOME the test's folder.
    static func wizard(_ server: SandboxServer, _ dir: String, extra: String = "", width: Int = 80, height: Int = 24) throws -> TmuxSession {
        let command = "cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --log-file \(TmuxSession.quote(dir + "/wizard.log")) --log-level debug \(extra)"
        return try TmuxSession(command, width: width, height: height,
                               environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": dir, "XDG_STATE_HOME": dir + "/state"])
    }

    /// The admin's four fields, ending on the review.
    static func typeAdmin(_ t: TmuxSession) {
        #expect(t.waitFor("› Username:"))
        t.type("admin"); t.keys("Tab")
        t.type("admin@example.com"); t.keys("Tab")
        t.type(adminPassword); t.keys("Tab")
        t.type(adminPassword); t.keys("Enter")
    }

    @Test("SIGTERM while the first admin is created: the wizard waits for the answer, stores the token, then quits saying so")
    func signalWhileCreatingAdmin() async throws {
        try await Self.fresh { server, dir in
            // The admin is created at once; its answer comes 3 s later.
            await server.store.arm(SandboxFault(method: "POST", path: APIPath.initialAdminUser, delayMs: 3_000, after: true))
            let t = try Self.wizard(server, dir, extra: "--first-install")
            Self.typeAdmin(t)
            #expect(t.waitFor("Review: create the first admin"), "\(t.capture())")
            t.keys("Enter")
            #expect(await eventually(.seconds(10)) { await server.store.armedFaults.isEmpty }, "the POST reached the server")
            let pid = try #require(t.programPID())
            kill(pid, SIGTERM)
            #expect(t.waitFor("EXIT=1"), "\(t.capture())")
            let screen = t.capture().replacingOccurrences(of: "\n", with: "")
            #expect(screen.contains("Created the first admin admin"), "\(screen)")
            let credentials = (try? String(contentsOfFile: dir + "/.terraform.d/credentials.tfrc.json", encoding: .utf8)) ?? ""
            #expect(credentials.contains("\"token\""), "the token was stored before quitting")
        }
    }

    @Test("--first-install on a server still starting: waits, creates the admin, stores its token, creates the organization, applies the three settings on the new token")
    func wholeChain() async throws {
        try await Self.fresh(bootDelayMs: 4000) { server, dir in
            let t = try Self.wizard(server, dir, extra: "--first-install", width: 100, height: 40)
            var screens: [String] = []
            #expect(t.waitFor("Waiting for 127.0.0.1:"), "\(t.capture())")
            #expect(t.waitFor("Last answer: 502"), "\(t.capture())")
            Self.typeAdmin(t)
            #expect(t.waitFor("Review: create the first admin"), "\(t.capture())")
            screens.append(t.capture())
            #expect(t.capture().contains("stored in \(dir)/.terraform.d/credentials.tfrc.json"))
            if let pid = t.programPID() { screens.append(SecretCanaryTests.procText(pid)) } else { Issue.record("no wizard process") }
            t.keys("Enter")
            #expect(t.waitFor("Create the first organization"), "\(t.capture())")
            #expect(t.capture().contains("First admin admin created"))
            t.type("my-org"); t.keys("Enter")
            #expect(t.waitFor("› Organization email:  admin@example.com"), "\(t.capture())")
            t.keys("C-u"); t.type("ops@example.com"); t.keys("Enter")

            // The settings of the new organization, with the admin's token, without a restart.
            await TerminalSuite.TerminalWizardTests.typeSMTPSeed(t, password: Self.smtpPassword) { screens.append(t.capture()) }
            #expect(t.waitFor("› Mode:"), "\(t.capture())")
            t.keys("Right")
            #expect(t.waitFor("local"))
            t.keys("Enter")
            await TerminalSuite.TerminalWizardTests.typeTTLSeed(t)
            #expect(t.waitFor("Apply sends 3 requests"), "\(t.capture())")
            screens.append(t.capture())
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("n")
            #expect(t.waitFor("EXIT=0"), "\(t.capture())")
            let closing = t.captureUnwrapped()
            #expect(closing.contains("Created the first admin admin (admin@example.com); its token is stored in \(dir)/.terraform.d/credentials.tfrc.json"), "\(closing)")
            #expect(closing.contains("Created the organization my-org.") && closing.contains("All 3 change requests succeeded."), "\(closing)")
            screens.append(closing)

            // What the server kept, and the token where terraform login puts it.
            let admin = try #require(await server.store.firstInstall?.admin)
            #expect(admin.username == "admin" && admin.email == "admin@example.com")
            let path = dir + "/.terraform.d/credentials.tfrc.json"
            let stored = try #require(JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: path))))
            let host = TokenLookup.credentialsHost(for: URL(string: server.address)!)
            #expect(stored["credentials"]?[host]?["token"]?.stringValue == admin.token)
            #expect(stored["credentials"]?["app.terraform.io"]?["token"]?.stringValue == "fake-other-host-token")
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
            let state = await server.store.state
            let org = try #require(state.organizations["my-org"])
            #expect(org.email == "ops@example.com" && org.defaultExecutionMode == "local" && org.maxTTLEnabled)
            #expect(org.tokenTTLMs == ["organization": 31_536_000_000, "team": 7_776_000_000, "user": 2_592_000_000, "audit_trails": 63_072_000_000])
            #expect(state.smtp.enabled && state.smtp.host == "smtp.example.com" && state.smtp.username == "smtp-bot" && state.smtp.passwordSet)

            // The secrets: the admin's password, the IACT, the new token, the SMTP password.
            let log = (try? String(contentsOfFile: dir + "/wizard.log", encoding: .utf8)) ?? ""
            #expect(log.contains("initial-admin-user"), "the debug log covers the admin's request")
            let searched = screens + [log] + SecretCanaryTests.writtenFiles(under: dir, except: [path]).map(\.value)
            for secret in [Self.adminPassword, Self.smtpPassword, server.store.firstInstallIACT ?? "no-iact", admin.token] {
                for text in searched { #expect(!text.contains(secret), "a secret leaked: \(text.prefix(300))") }
            }
            t.kill()
        }
    }

    @Test("no token and a server with no users: the wizard starts the first install by itself; Ctrl-C at each step says what exists; a rerun goes on; Esc sets the relay alone")
    func stopsAndReruns() async throws {
        try await Self.fresh { server, dir in
            // Stopped before anything is typed: nothing created, exit 1.
            var t = try Self.wizard(server, dir)
            #expect(t.waitFor("› Username:"), "\(t.capture())")
            t.keys("C-c")
            #expect(t.waitFor("EXIT=1"), "\(t.capture())")
            #expect(t.captureUnwrapped().contains("Nothing created: the server still has no users."))
            t.kill()

            // Typed, then stopped: asked first; the server still has no admin.
            t = try Self.wizard(server, dir)
            #expect(t.waitFor("› Username:"))
            t.type("admin")
            t.keys("C-c")
            #expect(t.waitFor("Quit without applying? [y/N]"))
            t.keys("y")
            #expect(t.waitFor("EXIT=1"))
            #expect(await server.store.firstInstall?.admin == nil)
            t.kill()

            // The admin created, then stopped at the organization: not a finished set-up (exit 1),
            // and what exists said: the admin and where its token is.
            t = try Self.wizard(server, dir)
            Self.typeAdmin(t)
            #expect(t.waitFor("Review: create the first admin"))
            t.keys("Enter")
            #expect(t.waitFor("Create the first organization"))
            t.keys("C-c")
            #expect(t.waitFor("Quit without applying? [y/N]"))
            t.keys("y")
            #expect(t.waitFor("EXIT=1"), "\(t.capture())")
            let stopped = t.captureUnwrapped()
            #expect(stopped.contains("Created the first admin admin") && stopped.contains("No organization was created"), "\(stopped)")
            #expect(stopped.contains("its token is stored in \(dir)/.terraform.d/credentials.tfrc.json"), "\(stopped)")
            t.kill()

            // A rerun: the stored token signs in; the server has no organization, so one is
            // offered; Esc takes the SMTP relay alone (the organization's screens skipped).
            t = try Self.wizard(server, dir)
            #expect(t.waitFor("Create the first organization"), "\(t.capture())")
            #expect(t.capture().contains("This server has no organization yet"))
            #expect(!t.capture().contains("First admin admin created"), "the admin was made by the earlier run")
            t.keys("Escape")
            #expect(t.waitFor("› Enabled:"), "\(t.capture())")
            let header = t.capture()
            #expect(header.contains("SMTP relay › Review") && !header.contains("Execution defaults"), "\(header)")
            t.keys("Space", "Tab"); t.type("smtp.example.com")
            t.keys("Tab", "C-u"); t.type("587")
            t.keys("Tab"); t.type("noreply@example.com")
            t.keys("Enter", "Enter", "Enter")   // Auth, the test email, then the Review
            #expect(t.waitFor("Apply sends 1 request"), "\(t.capture())")
            #expect(t.capture().contains("These changes will be applied on 127.0.0.1:"))
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("y")
            #expect(t.waitFor("EXIT=0"), "\(t.capture())")
            let state = await server.store.state
            #expect(state.smtp.enabled && state.smtp.host == "smtp.example.com" && state.organizations.isEmpty)
            // The saved file names no organization, and plans clean site-wide.
            let saved = (try? String(contentsOfFile: dir + "/tfe-setup-answers.json", encoding: .utf8)) ?? ""
            #expect(saved.contains("smtp.example.com") && !saved.contains("\"organization\""), "\(saved)")
            let plan = await FirstInstallCommandTests.run(server, home: dir, ["plan", "--answers", dir + "/tfe-setup-answers.json"])
            #expect(plan.status == 0 && plan.output.contains("Nothing to change"), "\(plan.output)")
            t.kill()
        }
    }

    @Test("plain mode: the first install as prompts, the secrets read without echo, then the screens")
    func plain() async throws {
        try await Self.fresh { server, dir in
            let t = try Self.wizard(server, dir, extra: "--plain")
            #expect(t.waitFor("Username []:"), "\(t.capture())")
            t.type("admin"); t.keys("Enter")
            #expect(t.waitFor("Email []:"))
            t.type("admin@example.com"); t.keys("Enter")
            #expect(t.waitFor("Password (hidden):"))
            t.type(Self.adminPassword); t.keys("Enter")
            #expect(t.waitFor("Password again (hidden):"))
            t.type(Self.adminPassword); t.keys("Enter")
            #expect(t.waitFor("Create this admin? [y/N]:"), "\(t.capture())")
            #expect(t.capture().contains("Review: create the first admin"))
            t.type("y"); t.keys("Enter")
            #expect(t.waitFor("Organization name [] (< skips: SMTP relay only):"), "\(t.capture())")
            t.type("my-org"); t.keys("Enter")
            #expect(t.waitFor("Organization email [admin@example.com]:"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("== SMTP relay =="), "\(t.capture())")
            #expect(!t.captureUnwrapped().contains(Self.adminPassword))
            #expect(await server.store.state.organizations["my-org"] != nil)
            t.kill()
        }
    }

    @Test("demo --profile fresh walks the chain on its own sandbox; the token goes to the demo's folder, not the user's credentials")
    func demo() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("first-demo-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let t = try TmuxSession("cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) demo --profile fresh", width: 80, height: 24,
                                environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": dir])
        #expect(t.waitFor("Waiting for 127.0.0.1:"), "\(t.capture())")
        Self.typeAdmin(t)
        #expect(t.waitFor("Review: create the first admin"), "\(t.capture())")
        #expect(t.capture().contains("removed at the end"), "the token's place is named as the demo's own: \(t.capture())")
        t.keys("Enter")
        #expect(t.waitFor("Create the first organization"))
        t.type("my-org"); t.keys("Enter", "Enter")
        #expect(t.waitFor("› Enabled:"), "\(t.capture())")
        t.keys("C-c")
        #expect(t.waitFor("EXIT=0"), "\(t.capture())")
        let out = t.captureUnwrapped()
        #expect(out.contains("First admin on the sandbox: admin (admin@example.com)"), "\(out)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.terraform.d"), "the user's credentials are not touched")
        t.kill()
    }
}
}
