import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The built binary in a real terminal (tmux) against a sandbox the test starts.
extension TerminalSuite {
@Suite("Terminal end to end")
struct TerminalWizardTests {
    /// Starts a sandbox and the wizard in tmux with a token file (nothing secret is typed).
    static func session(options: SandboxOptions = SandboxOptions(rateLimit: 0), extra: String = "", width: Int = 100, height: Int = 30,
                        environment: [String: String] = ["LANG": "C.UTF-8", "TERM": "xterm-256color"],
                        _ body: (TmuxSession, SandboxServer, String) async throws -> Void) async throws {
        let server = try await SandboxServer.start(options: options)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("term-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tokenFile = dir + "/token"
        FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
        var env = environment
        env["XDG_STATE_HOME"] = dir + "/state"
        env["HOME"] = dir
        let command = "cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --organization my-org --token-file \(TmuxSession.quote(tokenFile)) --log-file \(TmuxSession.quote(dir + "/tfe.log")) --log-level debug \(extra)"
        let tmux = try TmuxSession(command, width: width, height: height, environment: env)
        do {
            try await body(tmux, server, dir)
        } catch {
            tmux.kill()
            await server.stop()
            throw error
        }
        tmux.kill()
        await server.stop()
    }

    static let password = "fake-term-pw-77"

    /// The seed scenario's SMTP screen, key by key, ending by leaving the screen.
    static func typeSMTPSeed(_ t: TmuxSession, password: String = password, ascii: Bool = false, afterPassword: () async -> Void = {}) async {
        let focus = ascii ? ">" : "›"
        #expect(t.waitFor("\(focus) Enabled:"))
        t.keys("Space", "Tab"); t.type("smtp.example.com")
        t.keys("Tab", "C-u"); t.type("587")
        t.keys("Tab"); t.type("noreply@example.com")
        t.keys("Tab", "Right", "Right", "Tab"); t.type("smtp-bot")
        t.keys("Tab"); t.type(password)
        #expect(t.waitFor(String(repeating: ascii ? "*" : "•", count: password.count)), "the password shows masked: \(t.capture())")
        await afterPassword()
        t.keys("Tab"); t.type("ops@example.com")
        t.keys("Enter")
    }

    /// seed-scenario.json's values, key by key, ending on the Review.
    /// - Parameters:
    ///   - ascii: the terminal shows the ASCII glyphs (`>` for the focus).
    ///   - afterPassword: runs once the password is typed (the canary test looks around then).
    static func typeSeed(_ t: TmuxSession, password: String = password, ascii: Bool = false, requests: String = "Apply sends 3 requests",
                         afterPassword: () async -> Void = {}) async {
        let focus = ascii ? ">" : "›"
        await typeSMTPSeed(t, password: password, ascii: ascii, afterPassword: afterPassword)
        #expect(t.waitFor("\(focus) Mode:"))
        t.keys("Right", "Right", "Tab", "Right")
        #expect(t.waitFor("primary (apool-abc123, 3 agents)"))
        t.keys("Enter")
        await typeTTLSeed(t, ascii: ascii)
        #expect(t.waitFor(requests), "\(t.capture())")
    }

    /// The seed scenario's token TTL screen, key by key, ending by leaving the screen.
    static func typeTTLSeed(_ t: TmuxSession, ascii: Bool = false) async {
        #expect(t.waitFor("\(ascii ? ">" : "›") Enforce max TTL:"))
        t.keys("Space", "Tab", "C-u"); t.type("1y")
        t.keys("Tab", "C-u"); t.type("90d")
        t.keys("Tab", "C-u"); t.type("30d")
        t.keys("Tab", "C-u"); t.type("2y")
        t.keys("Enter")
    }

    @Test("the seed scenario typed through all three screens and Review: the sandbox ends exactly as intended") func seed() async throws {
        try await Self.session { t, server, dir in
            await Self.typeSeed(t)
            #expect(t.waitFor("Apply sends 3 requests"))
            #expect(!t.capture().contains(Self.password))
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."))
            t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("y")
            #expect(t.waitFor("EXIT=0"))
            #expect(t.capture().contains("All 3 change requests succeeded."))
            let state = await server.store.state
            var smtp = SandboxState.SMTP()
            (smtp.enabled, smtp.host, smtp.port, smtp.sender, smtp.auth, smtp.username, smtp.passwordSet) = (true, "smtp.example.com", 587, "noreply@example.com", "login", "smtp-bot", true)
            var org = SandboxState.defaultSeed.organizations["my-org"]!
            org.defaultExecutionMode = "agent"
            org.defaultAgentPoolID = "apool-abc123"
            org.maxTTLEnabled = true
            org.tokenTTLMs = ["organization": 31_536_000_000, "team": 7_776_000_000, "user": 2_592_000_000, "audit_trails": 63_072_000_000]
            #expect(state == SandboxState(smtp: smtp, organizations: ["my-org": org, "other-org": SandboxState.defaultSeed.organizations["other-org"]!]))
            #expect(await server.store.sentEmails.map(\.to) == ["ops@example.com"])
            // Nothing secret in anything the program wrote.
            for file in ["tfe.log", "tfe-setup-answers.json"] {
                let text = (try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? ""
                #expect(!text.isEmpty, "\(file)")
                #expect(!text.contains(Self.password), "\(file)")
                #expect(!text.contains(server.tokens.siteAdmin), "\(file)")
            }
            // The saved answers file is a drift check: after its own apply it plans clean, with
            // the password's variable set or not (the password goes only when asked).
            for env in [["SMTP_PASSWORD": "fake-auto-pw-8"], [:]] {
                let plan = await CLI.run(server, dir, ["plan", "--answers", dir + "/tfe-setup-answers.json"], env: env)
                #expect(plan.status == 0, "the wizard's answers re-plan clean (\(env.keys.sorted())): \(plan.output)")
                #expect(plan.output.contains("Nothing to change"), "\(plan.output)")
            }
        }
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var steps: @Sendable (TmuxSession) -> Void
        var message: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "invalid port", steps: { t in
            t.keys("Space", "Tab"); t.type("smtp.example.com"); t.keys("Tab", "C-u"); t.type("0"); t.keys("Tab")
        }, message: "Port must be a whole number from 1 to 65535"),
        Invalid(name: "invalid sender", steps: { t in
            t.keys("Space", "Tab"); t.type("smtp.example.com"); t.keys("Tab", "Tab"); t.type("nobody"); t.keys("Tab")
        }, message: "Sender must be an email address with exactly one @"),
        Invalid(name: "agent mode without a pool", steps: { t in
            t.keys("Enter", "Right", "Right", "Tab", "Enter")
        }, message: "Agent mode needs an agent pool"),
        Invalid(name: "a TTL of 0d", steps: { t in
            t.keys("Enter", "Enter", "Tab", "C-u"); t.type("0d"); t.keys("Tab")
        }, message: "Organization must be greater than zero."),
    ]

    @Test("an invalid value shows its message on screen and sends nothing", arguments: invalid)
    func invalidValue(_ c: Invalid) async throws {
        try await Self.session { t, server, _ in
            #expect(t.waitFor("› Enabled:"))
            c.steps(t)
            #expect(t.waitFor(c.message), "\(t.capture())")
            // Try to go on: the screen does not let go.
            t.keys("Enter", "Enter", "Enter", "Enter", "Enter", "Enter", "Enter", "Enter")
            #expect(t.waitFor(c.message))
            #expect(!t.capture().contains("Apply sends"))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
            t.keys("C-c", "C-c")
            #expect(t.waitFor("EXIT=1"))
        }
    }
}
}
