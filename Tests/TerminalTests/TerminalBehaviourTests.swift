import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// Restoring the terminal, resizing, colors, the plain mode and the no-terminal mode.
extension TerminalSuite {
@Suite("Terminal behaviour")
struct TerminalBehaviourTests {
    @Test("Ctrl-C with edits asks, then restores the terminal and says nothing was applied") func ctrlC() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, server, _ in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "C-c")
            #expect(t.waitFor("Quit without applying? [y/N]"))
            t.keys("y")
            #expect(t.waitFor("EXIT=1"))
            #expect(t.waitFor("icanon"))
            let screen = t.capture()
            #expect(screen.contains("Nothing applied. What you typed is kept as a draft for next time."))
            #expect(!screen.contains("› Enabled:"), "the full screen is gone")
            let modes = screen.split(separator: "\n").last { $0.contains("icanon") }.map(String.init) ?? ""
            #expect(modes.split(separator: " ").contains("icanon") && modes.split(separator: " ").contains("echo"), "stty -a: \(modes)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("SIGTERM and SIGHUP during apply restore the terminal and report which steps completed", arguments: [("SIGTERM", SIGTERM), ("SIGHUP", SIGHUP), ("SIGQUIT", SIGQUIT)])
    func signalDuringApply(name: String, signal: Int32) async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, server, _ in
            // The TTL PATCH hangs, so the apply is still running when the signal arrives.
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org/token-ttl-policies", status: 200, delayMs: 20_000))
            await TerminalSuite.TerminalWizardTests.typeSeed(t)
            #expect(t.waitFor("Apply sends 3 requests"))
            t.keys("Enter")
            #expect(t.waitFor("✓ Organization defaults"))
            #expect(t.waitFor("✓ SMTP settings"))
            let pid = try #require(t.programPID())
            kill(pid, signal)
            #expect(t.waitFor("EXIT=\(128 + signal)"))
            #expect(t.waitFor("icanon"))
            let screen = t.capture().replacingOccurrences(of: "\n", with: "")
            #expect(screen.contains("Stopped by \(name)."), "\(screen)")
            #expect(screen.contains("2 of 3 requests saved; unknown (sent, no answer): Token TTL policies."), "what completed: \(screen)")
            #expect(!screen.contains("Applying…"), "the full screen is gone")
            #expect(!screen.contains("crashed") && !screen.contains("to debug"), "no runtime crash screen: \(screen)")
            let modes = t.capture().split(separator: "\n").last { $0.contains("icanon") }.map(String.init) ?? ""
            #expect(modes.split(separator: " ").contains("icanon") && modes.split(separator: " ").contains("echo"), "stty -a: \(modes)")
        }
    }

    @Test("a terminal type this machine has no terminfo for (TERM=xterm-ghostty over SSH) is drawn as xterm-256color, and the admin is told")
    func unknownTerminalType() async throws {
        // ncurses' initscr would end the process with "Error opening terminal: …".
        let term = "xterm-tfe-setup-test-unknown"
        try await TerminalSuite.TerminalWizardTests.session(environment: ["LANG": "C.UTF-8", "TERM": term]) { t, _, _ in
            #expect(t.waitFor("› Enabled:"), "the full screen is drawn")
            t.keys("C-c")
            #expect(t.waitFor("EXIT=0"))
            let screen = t.capture().replacingOccurrences(of: "\n", with: "")
            #expect(screen.contains("Note: this machine has no terminfo entry for your terminal (TERM=\(term)), so the screen was drawn as xterm-256color."), "\(screen)")
            #expect(screen.contains("infocmp -x -- \(term) | ssh THIS-HOST -- tic -x -"))
            #expect(!screen.contains("Error opening terminal"))
        }
    }

    @Test("a TERM that starts with '-' is never pasted into the infocmp advice (it would be read as an option)")
    func dashTerminalType() async throws {
        let term = "-Aevil"
        try await TerminalSuite.TerminalWizardTests.session(environment: ["LANG": "C.UTF-8", "TERM": term]) { t, _, _ in
            #expect(t.waitFor("› Enabled:"), "the full screen is drawn")
            t.keys("C-c")
            #expect(t.waitFor("EXIT=0"))
            let screen = t.capture().replacingOccurrences(of: "\n", with: "")
            #expect(screen.contains("(TERM=-Aevil), so the screen was drawn as"), "\(screen)")
            #expect(!screen.contains("infocmp"), "no command line built from it: \(screen)")
        }
    }

    @Test("SIGHUP restores the terminal too") func sighup() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            let pid = try #require(t.programPID())
            kill(pid, SIGHUP)
            #expect(t.waitFor("EXIT=129"))
            #expect(t.capture().contains("Stopped by SIGHUP. Nothing changed."))
        }
    }

    @Test("closing the terminal ends the wizard (hang-up), with what it typed kept as a draft") func terminalClosed() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, server, dir in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "Tab"); t.type("smtp.example.com")
            let draftPath = dir + "/state/tfe-setup/draft.json"
            #expect(await eventually { ((try? String(contentsOfFile: draftPath, encoding: .utf8)) ?? "").contains("smtp.example.com") })
            let pid = try #require(t.programPID())
            t.closeTerminal()
            #expect(await eventually { TmuxSession.hasEnded(pid) }, "the wizard ended when its terminal went away")
            let draft = (try? String(contentsOfFile: draftPath, encoding: .utf8)) ?? ""
            #expect(draft.contains("smtp.example.com"), "nothing typed is lost")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing was sent")
        }
    }

    @Test("a resize redraws; below 60x16 the too-small message; nothing typed is lost") func resize() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "Tab"); t.type("smtp.example.com")
            t.resize(width: 50, height: 12)
            #expect(t.waitFor("Terminal too small: need"))
            t.resize(width: 100, height: 30)
            #expect(t.waitFor("› Host:                smtp.example.com"))
            #expect(!t.capture().contains("Terminal too small"))
        }
    }

    @Test("NO_COLOR: no color codes; focus and errors still marked") func noColor() async throws {
        try await TerminalSuite.TerminalWizardTests.session(environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "NO_COLOR": "1"]) { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "Tab", "Tab", "C-u"); t.type("0"); t.keys("Tab")
            #expect(t.waitFor("✗ Port must be"))
            let raw = t.capture(escapes: true)
            // Every SGR parameter: none may set a color (30–37, 40–47, 90–97, 100–107, 38, 48).
            let regex = try Regex("\u{1B}\\[([0-9;]*)m")
            var parameters: [Int] = []
            for match in raw.matches(of: regex) {
                parameters += String(raw[match.range]).dropFirst(2).dropLast().split(separator: ";").compactMap { Int($0) }
            }
            let colors = parameters.filter { (30...37).contains($0) || (40...47).contains($0) || (90...97).contains($0) || (100...107).contains($0) || $0 == 38 || $0 == 48 }
            #expect(colors.isEmpty, "color parameters: \(colors)")
            #expect(parameters.contains(7), "reverse video marks the focus")
            #expect(parameters.contains(1), "bold marks the error")
        }
    }

    @Test("a non-UTF-8 locale and TERM=vt100: ASCII only, and the seed scenario done with the keys a vt100 has") func asciiVT100() async throws {
        try await TerminalSuite.TerminalWizardTests.session(environment: ["LANG": "C", "LC_ALL": "C", "TERM": "vt100"]) { t, server, _ in
            #expect(t.waitFor("> Enabled:"))
            let first = t.capture()
            #expect(first.contains("tfe-setup - 127.0.0.1:") && first.contains(" - my-org - Terraform Enterprise 2.1.0"), "the server's host first, then the organization: \(first)")
            #expect(first.unicodeScalars.allSatisfy { $0.isASCII })
            // A vt100 has arrows, Tab, Return, Ctrl keys and PF1-PF4, but no F-keys, Home/End or Shift-Tab:
            // the wizard needs none of those (? is help, Esc goes back).
            t.keys("?")
            #expect(t.waitFor("any key: close help"))
            t.keys("Escape")
            #expect(await eventually { !t.capture().contains("close help") }, "any key closes the help")
            await TerminalSuite.TerminalWizardTests.typeSeed(t, ascii: true)
            #expect(t.capture().unicodeScalars.allSatisfy { $0.isASCII })
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."))
            #expect(t.capture().unicodeScalars.allSatisfy { $0.isASCII })
            t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("n")
            #expect(t.waitFor("EXIT=0"))
            let differences = SeedTarget.differences(await server.store.state)
            #expect(differences.isEmpty, "\(differences)")
        }
    }

    @Test("TERM=dumb: line prompts; Enter keeps; < goes back; the review, then a question") func plain() async throws {
        try await TerminalSuite.TerminalWizardTests.session(extra: "--screens execution_defaults", environment: ["LANG": "C.UTF-8", "TERM": "dumb"]) { t, server, _ in
            #expect(t.waitFor("Mode (1 remote, 2 local, 3 agent) [remote]:"))
            let host = String(server.address.dropFirst("http://".count))
            #expect(t.capture().contains("\(host) · Terraform Enterprise 2.1.0 · my-org"), "the first line names the server: \(t.capture())")
            t.type("agent"); t.keys("Enter")
            #expect(t.waitFor("Agent pool (1 (choose a pool), 2 primary (apool-abc123, 3 agents)"))
            t.type("<"); t.keys("Enter")
            #expect(t.waitFor("Mode (1 remote, 2 local, 3 agent) [agent]:"))
            t.keys("Enter")
            t.type("2"); t.keys("Enter")
            #expect(t.waitFor("Execution defaults · Agent pool: (none) → primary (apool-abc123)"))
            #expect(t.waitFor("Apply these changes? [y/N]:"))
            t.type("y"); t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("Enter")
            #expect(t.waitFor("EXIT=0"))
            #expect(await server.store.state.organizations["my-org"]?.defaultAgentPoolID == "apool-abc123")
        }
    }

    @Test("Esc goes back a screen and keeps the values") func escape() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "Tab"); t.type("smtp.example.com")
            t.keys("Tab", "Tab"); t.type("noreply@example.com")
            t.keys("Tab", "Tab", "Enter")
            #expect(t.waitFor("› Mode:"))
            t.keys("Right")
            t.keys("Escape")
            #expect(t.waitFor("Test email address:"))
            let smtp = t.capture()
            #expect(smtp.contains("smtp.example.com"))
            #expect(smtp.contains("noreply@example.com"))
            t.keys("Enter")
            #expect(t.waitFor("◂ local ▸"), "the mode chosen before is still there")
        }
    }

    @Test("TERM=dumb completes the seed scenario as prompts") func plainSeed() async throws {
        try await TerminalSuite.TerminalWizardTests.session(environment: ["LANG": "C.UTF-8", "TERM": "dumb", "SMTP_PW": "x"]) { t, server, _ in
            func answer(_ prompt: String, _ value: String) {
                #expect(t.waitFor(prompt), "\(prompt)\n\(t.capture())")
                t.type(value)
                t.keys("Enter")
            }
            answer("Enabled (y/n) [n]:", "y")
            answer("Host []:", "smtp.example.com")
            answer("Port [25]:", "587")
            answer("Sender []:", "noreply@example.com")
            answer("Auth (1 none, 2 plain, 3 login) [none]:", "login")
            answer("Username []:", "smtp-bot")
            answer("Password (hidden; required: nothing stored yet):", "fake-dumb-pw-5")
            answer("Test email address []:", "ops@example.com")
            answer("Mode (1 remote, 2 local, 3 agent) [remote]:", "3")
            answer("Agent pool (1 (choose a pool), 2 primary", "2")
            answer("Enforce max TTL (y/n) [n]:", "y")
            answer("Organization [2y]:", "1y")
            answer("Team [2y]:", "90d")
            answer("User [2y]:", "30d")
            answer("Audit trails [2y]:", "2y")
            answer("Apply these changes? [y/N]:", "y")
            answer("Save these answers", "n")
            #expect(t.waitFor("EXIT=0"))
            #expect(!t.capture().contains("fake-dumb-pw-5"))
            let state = await server.store.state
            #expect(state.smtp.host == "smtp.example.com" && state.smtp.port == 587 && state.smtp.auth == "login" && state.smtp.passwordSet)
            #expect(state.organizations["my-org"]?.defaultAgentPoolID == "apool-abc123")
            #expect(state.organizations["my-org"]?.tokenTTLMs["team"] == 7_776_000_000)
            #expect(await server.store.sentEmails.map(\.to) == ["ops@example.com"])
        }
    }

    @Test("the password prompt does not echo") func plainPassword() async throws {
        try await TerminalSuite.TerminalWizardTests.session(extra: "--plain --screens smtp") { t, server, _ in
            // Each answer only after its prompt shows, so nothing typed races the program.
            for (prompt, value) in [("Enabled (y/n) [n]:", "y"), ("Host []:", "smtp.example.com"), ("Port [25]:", "587"),
                                    ("Sender []:", "noreply@example.com"), ("Auth (1 none, 2 plain, 3 login) [none]:", "3"),
                                    ("Username []:", "smtp-bot")] {
                #expect(t.waitFor(prompt), "\(prompt)\n\(t.capture())")
                t.type(value); t.keys("Enter")
            }
            #expect(t.waitFor("Password (hidden; required: nothing stored yet):"))
            t.type("fake-plain-pw-3"); t.keys("Enter")
            #expect(t.waitFor("Test email address []:"))
            #expect(!t.capture().contains("fake-plain-pw-3"))
            t.keys("Enter")
            #expect(t.waitFor("Apply these changes? [y/N]:"))
            t.keys("Enter")
            #expect(t.waitFor("EXIT=1"))
            #expect(t.capture().contains("Nothing applied."))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("not a terminal: a pointer to plan/apply, exit 1") func noTTY() {
        let result = Subprocess.run(["/bin/sh", "-c", "\(TmuxSession.quote(TmuxSession.binary)) --address http://127.0.0.1:9 --organization my-org 2>&1 </dev/null"])
        #expect(result.status == 1)
        #expect(result.output.contains("standard input is not one"))
        #expect(result.output.contains("tfe-setup apply --answers FILE --auto-approve"))
        let demo = Subprocess.run(["/bin/sh", "-c", "\(TmuxSession.quote(TmuxSession.binary)) demo 2>&1 </dev/null"])
        #expect(demo.status == 1)
    }

    @Test("demo: the wizard against the built-in sandbox, then what changed and the test email") func demo() async throws {
        let t = try TmuxSession(TmuxSession.quote(TmuxSession.binary) + " demo", environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": NSTemporaryDirectory()])
        defer { t.kill() }
        await TerminalSuite.TerminalWizardTests.typeSeed(t, requests: "Apply sends 4 requests with y")
        // The demo's tokens live as a real server's do: the seed's 30-day user cap rejects the
        // token in use, so Enter alone applies nothing; t shows the way through: a new token
        // within the cap (kept in the demo's folder), then the apply with it.
        t.keys("Enter")
        #expect(t.waitFor("Not applied: t new token, y anyway, Esc back;"), "\(t.capture())")
        t.keys("t")
        #expect(t.waitFor("All changes applied."), "\(t.capture())")
        #expect(t.waitFor("New token:"), "the Result names the new token: \(t.capture())")
        #expect(t.captureUnwrapped().contains("renewed-token-"), "stored in the demo's own folder: \(t.capture())")
        t.keys("Enter", "n")
        #expect(t.waitFor("EXIT=0"))
        let screen = t.capture()
        #expect(screen.contains("organizations.my-org.default_agent_pool_id: null → \"apool-abc123\""))
        #expect(screen.contains("smtp.port: 25 → 587"))
        #expect(screen.contains("Next, on your server: tfe-setup --address"))
        #expect(screen.contains("to ops@example.com from noreply@example.com via smtp.example.com:587 as smtp-bot"))
    }
}
}
