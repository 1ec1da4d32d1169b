import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The built binary against a hostile server (the sandbox's `/_sandbox/hostile`): every string
/// the server sends carries CRLF-wrapped Terraform, OSC title and clipboard sequences, CSI,
/// C1, bidi controls and a line separator. Nothing the tool prints, draws or writes may obey
/// them, and nothing may crash.
extension TerminalSuite {
@Suite("Hostile server")
struct HostileServerTests {

    /// Appended to every string the hostile server sends.
    static let text = "\r\ndata \"external\" \"pwn\" { program = [\"sh\", \"-c\", \"touch /tmp/tfe-setup-pwned; echo {}\"] }\r\n#"
        + "\u{1B}]0;PWNED\u{07}\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}[31m\u{9B}2J\u{202E}evil\u{2066}\u{2028}All settings applied successfully.\u{1B}[8m"

    static let hostile = SandboxHostile(text: text, keep: ["auth", "default-execution-mode", "organizations.name", "token-type"],
                                        extraTokenType: "metrics" + text)

    /// Characters no output may hold raw (our own line breaks aside): C0, DEL, C1, bidi and
    /// format characters, the separators. Written out here rather than taken from the product.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { s in
            let v = s.value
            return (v < 0x20 && s != "\n") || (0x7F...0x9F).contains(v) || (0x200B...0x200F).contains(v) || (0x2028...0x202E).contains(v)
                || (0x2060...0x2069).contains(v) || v == 0xFEFF
        }.map { "U+" + String($0.value, radix: 16) }
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// Runs `tfe-setup` with stdout and stderr kept apart (stdout of `--json` must parse).
    static func run(_ server: SandboxServer, _ dir: String, _ args: [String], env: [String: String] = [:]) async -> Output {
        let tokenFile = dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
        let id = UUID().uuidString.prefix(8)
        let out = dir + "/out-\(id)", err = dir + "/err-\(id)"
        let command = ["/usr/bin/env"] + env.map { "\($0.key)=\($0.value)" } + [TmuxSession.binary] + args
            + ["--address", server.address, "--token-file", tokenFile]
        let r = await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " >\(out) 2>\(err)"])
        func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return Output(status: r.status, stdout: read(out), stderr: read(err))
    }

    /// A sandbox with the seed scenario applied (so every section has values), then made hostile.
    static func hostileServer(_ hostile: SandboxHostile = hostile, _ body: (SandboxServer, String) async throws -> Void) async throws {
        try await CLI.with { server, dir in
            let seed = CLI.write(dir, "seed.json", CLI.seed)
            let applied = await CLI.run(server, dir, ["apply", "--answers", seed, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(applied.status == 0, "\(applied.output)")
            await server.store.setHostile(hostile)
            try await body(server, dir)
        }
    }

    static func expectClean(_ output: Output, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status < 128, "\(what) crashed (status \(output.status)): \(output.all)", sourceLocation: sourceLocation)
        #expect(rawControls(output.stdout).isEmpty, "\(what) stdout: \(rawControls(output.stdout)) in \(output.stdout)", sourceLocation: sourceLocation)
        #expect(rawControls(output.stderr).isEmpty, "\(what) stderr: \(rawControls(output.stderr)) in \(output.stderr)", sourceLocation: sourceLocation)
    }

    @Test("plan, plan --json, apply: server text shown as visible escapes, never raw; short TTLs warned")
    func planAndApply() async throws {
        try await Self.hostileServer { server, dir in
            let answers = CLI.write(dir, "answers.json", """
                {"organization":"my-org","smtp":{"host":"smtp.example.com"},
                 "execution_defaults":{"mode":"agent","agent_pool_id":"apool-def456"},"token_ttl":{"user":"30m"}}
                """)
            let plan = await Self.run(server, dir, ["plan", "--answers", answers])
            Self.expectClean(plan, "plan")
            #expect([1, 2].contains(plan.status), "\(plan.all)")
            #expect(plan.stdout.contains(#"\x1b]0;PWNED\x07"#) && plan.stdout.contains(#"\u{202e}"#), "the hostile text is shown, inert: \(plan.stdout)")
            #expect(plan.stdout.contains("Warning ($.token_ttl.user): 30m is under one hour"), "\(plan.stdout)")
            #expect(plan.stderr.contains("tfe-setup: \(server.address) · organization my-org · token from token file"), "the target is named first: \(plan.stderr)")

            let json = await Self.run(server, dir, ["plan", "--answers", answers, "--json"])
            Self.expectClean(json, "plan --json")
            let parsed = try #require(JSONValue.parse(Data(json.stdout.utf8)), "\(json.stdout)")
            let changes = parsed["changes"]?.arrayValue ?? []
            #expect(changes.contains { $0["field"] == .string("host") && $0["current"]?.stringValue?.hasSuffix(Self.text) == true },
                    "JSON keeps the server's exact value, escaped: \(json.stdout)")

            // A refusal whose detail tries to clear the screen and fake a success line.
            let detail = JSONValue.string("no\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{1B}[H\r\nAll settings applied successfully.\u{9B}8m").jsonText
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org", status: 422, count: 1,
                                                body: #"{"errors":[{"status":"422","title":"bad","detail":\#(detail)}]}"#))
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            Self.expectClean(apply, "apply")
            #expect(apply.status == 1, "\(apply.all)")
            #expect(apply.stdout.contains(#"no\x1b]0;PWNED\x07\x1b[2J\x1b[H\r\nAll settings applied successfully.\u{9b}8m"#), "\(apply.stdout)")
            #expect(!apply.stdout.split(separator: "\n").contains { $0.hasPrefix("All settings applied") }, "no forged line of its own")
        }
    }

    @Test("export, both formats: no raw control in any output; the Terraform file parses to exactly the expected blocks")
    func exports() async throws {
        try await Self.hostileServer { server, dir in
            let answers = await Self.run(server, dir, ["export", "--organization", "my-org"])
            Self.expectClean(answers, "export answers")
            #expect(answers.status == 0, "\(answers.all)")
            let exported = try #require(JSONValue.parse(Data(answers.stdout.utf8)))
            #expect(exported["smtp"]?["host"]?.stringValue == "smtp.example.com" + Self.text, "the exact value, escaped in JSON")

            let tf = dir + "/main.tf"
            let terraform = await Self.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", tf])
            Self.expectClean(terraform, "export terraform")
            #expect(terraform.status == 0, "\(terraform.all)")
            let file = String(decoding: FileManager.default.contents(atPath: tf) ?? Data(), as: UTF8.self)
            #expect(Self.rawControls(file).isEmpty, "\(Self.rawControls(file))")
            let hcl = try await HCLParser.summary(of: tf)
            #expect(hcl["blocks"] == .array(["import", "provider", "resource", "terraform", "variable"].map(JSONValue.string)), "no data block: \(hcl)")
            #expect(Set(hcl["resources"]?.objectValue?.keys ?? [:].keys) == ["tfe_admin_smtp_settings.this", "tfe_organization_default_settings.this",
                                                                        "tfe_organization.this", "tfe_org_max_token_ttl_policy.this"])
            #expect(hcl["resources"]?["tfe_admin_smtp_settings.this"]?["host"]?.stringValue == "smtp.example.com" + Self.text, "the value round-trips through HCL")
            // Outside strings and comments the file holds nothing but the expected structure.
            for line in file.split(separator: "\n") where line.contains("external") {
                #expect(line.trimmingCharacters(in: .whitespaces).hasPrefix("#") || line.contains(#"= ""#), "live code: \(line)")
            }
            #expect(!FileManager.default.fileExists(atPath: "/tmp/tfe-setup-pwned"))
        }
    }

    @Test("numbers no TTL can be (0, negative, Int64.max) and duplicate policies: a comment or a clear error, never a crash",
          arguments: [Int64(0), -86_400_000, .max])
    func impossibleNumbers(ms: Int64) async throws {
        try await Self.hostileServer(SandboxHostile(text: "", maxTTLMs: ms)) { server, dir in
            let tf = dir + "/main.tf"
            let r = await Self.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", tf])
            Self.expectClean(r, "export terraform")
            #expect(r.status == 0, "\(r.all)")
            let file = String(decoding: FileManager.default.contents(atPath: tf) ?? Data(), as: UTF8.self)
            #expect(file.contains("no TTL can be") || file.contains("cannot be stated exactly"), "\(file)")
            let answers = await Self.run(server, dir, ["export", "--organization", "my-org"])
            Self.expectClean(answers, "export answers")
            #expect(answers.status == 0, "\(answers.all)")
        }
    }

    @Test("two policies of one token type: export says which and where, exit 1, no crash") func duplicates() async throws {
        try await Self.hostileServer(SandboxHostile(text: "", duplicateLists: true)) { server, dir in
            let r = await Self.run(server, dir, ["export", "--organization", "my-org"])
            Self.expectClean(r, "export")
            #expect(r.status == 1)
            #expect(r.stderr.contains("listed twice") && r.stderr.contains("data[1].attributes.token-type"), "\(r.stderr)")
        }
    }

    @Test("an organization answer with a hostile name is refused before anything is written") func hostileOrganizationName() async throws {
        try await Self.hostileServer(SandboxHostile(text: Self.text, keep: ["auth"])) { server, dir in
            let tf = dir + "/main.tf"
            let r = await Self.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", tf])
            Self.expectClean(r, "export terraform")
            #expect(r.status == 1)
            #expect(r.stderr.contains("instead of \"my-org\""), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: tf))
        }
    }

    @Test("Retry-After: 1e19 on every read: a rate-limit error within seconds, not a trap") func hugeRetryAfter() async throws {
        try await CLI.with { server, dir in
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/ping", status: 429, count: 20, headers: ["Retry-After": "1e19"]))
            let started = ContinuousClock.now
            let r = await Self.run(server, dir, ["export", "--organization", "my-org"])
            Self.expectClean(r, "export")
            #expect(r.status == 1)
            #expect(r.stderr.contains("rate limit"), "\(r.stderr)")
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    // MARK: - In a terminal

    /// The pane's title and tmux's paste buffers: what OSC 0 and OSC 52 would have changed.
    static func terminalSideEffects(_ t: TmuxSession) -> (title: String, buffers: String) {
        let title = Subprocess.run(["tmux", "-L", t.socket, "display-message", "-p", "-t", t.name, "#{pane_title}"]).output
        let buffers = Subprocess.run(["tmux", "-L", t.socket, "list-buffers"]).output
        return (title, buffers)
    }

    /// Lets applications set tmux's clipboard (OSC 52), so a leak would be seen.
    static func allowClipboard(_ t: TmuxSession) {
        _ = Subprocess.run(["tmux", "-L", t.socket, "set-option", "-g", "set-clipboard", "on"])
    }

    /// The wizard in tmux against `server` (the token in `dir/token`), with tmux's clipboard open
    /// to applications so a leak would show.
    static func terminal(_ server: SandboxServer, _ dir: String, extra: String = "", term: String = "xterm-256color") throws -> TmuxSession {
        let tokenFile = dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
        let command = "cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --organization my-org --token-file \(TmuxSession.quote(tokenFile)) \(extra)"
        let t = try TmuxSession(command, environment: ["LANG": "C.UTF-8", "TERM": term, "XDG_STATE_HOME": dir + "/state", "HOME": dir])
        allowClipboard(t)
        return t
    }

    @Test("the full-screen wizard: hostile names drawn inert; the title, the clipboard and the colors untouched")
    func wizard() async throws {
        try await Self.hostileServer { server, dir in
            let t = try Self.terminal(server, dir, extra: "--no-color")
            #expect(t.waitFor("› Enabled:"))
            // A long value shows its start, cut with … (it used to show its end).
            #expect(t.waitFor(#"Host:                smtp.example.comdata "external" "pwn""#) && t.waitFor("…"), "the hostile host is shown as text: \(t.capture())")
            var screens = [t.capture(escapes: true)]
            // The server's SMTP values are not valid (that is the point): type valid ones to go on.
            t.keys("Tab", "C-u"); t.type("smtp.example.com")
            t.keys("Tab", "Tab", "C-u"); t.type("noreply@example.com")
            t.keys("Tab", "Tab", "C-u"); t.type("smtp-bot")
            t.keys("Tab", "Tab", "Enter")
            #expect(t.waitFor("› Mode:"), "\(t.capture())")
            t.keys("Tab")
            #expect(t.waitFor("› Agent pool:          ◂ primarydata \"external\""), "the pool's hostile name, inert: \(t.capture())")
            screens.append(t.capture(escapes: true))
            t.keys("Enter")
            #expect(t.waitFor("› Enforce max TTL:"))
            #expect(t.waitFor(#"Metrics\r\ndata "external""#), "the unknown token type, escaped: \(t.capture())")
            screens.append(t.capture(escapes: true))
            for screen in screens {
                #expect(!screen.contains("\u{1B}[31m") && !screen.contains("\u{1B}[8m"), "no color or hidden text from the server: \(screen)")
                #expect(!screen.contains("\u{202E}") && !screen.contains("\u{2066}"), "no bidi control reaches the terminal")
            }
            let effects = Self.terminalSideEffects(t)
            #expect(!effects.title.contains("PWNED"), "title: \(effects.title)")
            #expect(effects.buffers.isEmpty, "clipboard: \(effects.buffers)")
            t.keys("C-c")
            #expect(t.waitFor("Quit without applying?") || t.waitFor("EXIT="))
            t.keys("y")
            #expect(t.waitFor("EXIT="))
            t.kill()
        }
    }

    @Test("a start-up 401 whose detail clears the screen and fakes success: printed inert after the screen closes")
    func wizardClosingMessage() async throws {
        try await CLI.with { server, dir in
            let detail = JSONValue.string("\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{1B}[HAll settings applied successfully.\u{1B}[8m").jsonText
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/account/details", status: 401, count: 20,
                                                body: #"{"errors":[{"status":"401","title":"unauthorized","detail":\#(detail)}]}"#))
            let t = try Self.terminal(server, dir)
            #expect(t.waitFor("refused the API token"))
            t.keys("Enter")
            #expect(t.waitFor("EXIT=1"))
            let screen = t.capture()
            let joined = screen.replacingOccurrences(of: "\n", with: "")   // the message wraps at 100 columns
            #expect(joined.contains(#"\x1b]0;PWNED\x07\x1b[2J\x1b[HAll settings applied successfully.\x1b[8m"#), "\(screen)")
            #expect(!screen.split(separator: "\n").contains { $0.hasPrefix("All settings applied") }, "no forged line: \(screen)")
            #expect(!Self.terminalSideEffects(t).title.contains("PWNED"))
            t.kill()
        }
    }

    @Test("plain mode: prompts show hostile pool names inert; title and clipboard untouched") func plain() async throws {
        try await Self.hostileServer { server, dir in
            let t = try Self.terminal(server, dir, extra: "--screens execution_defaults", term: "dumb")
            #expect(t.waitFor("Mode (1 remote, 2 local, 3 agent) [agent]:"))
            t.keys("Enter")
            #expect(t.waitFor("Agent pool ("))
            let raw = t.capture(escapes: true)
            #expect(t.capture().contains(#"\x1b]0;PWNED\x07"#), "shown as escapes: \(t.capture())")
            #expect(!raw.contains("\u{1B}[31m") && !raw.contains("\u{1B}[8m"), "\(raw)")
            let effects = Self.terminalSideEffects(t)
            #expect(!effects.title.contains("PWNED"), "title: \(effects.title)")
            #expect(effects.buffers.isEmpty, "clipboard: \(effects.buffers)")
            kill(try #require(t.programPID()), SIGINT)   // what Ctrl-C sends (to the program alone, see below)
            #expect(t.waitFor("EXIT=130"))
            t.kill()
        }
    }

    @Test("plain mode: Ctrl-C or Ctrl-\\ at the hidden password prompt gives the shell its echo back, with no crash screen",
          arguments: [SIGINT, SIGQUIT])
    func plainPasswordCtrlC(signal: Int32) async throws {
        try await TerminalSuite.TerminalWizardTests.session(extra: "--screens smtp", environment: ["LANG": "C.UTF-8", "TERM": "dumb"]) { t, _, _ in
            #expect(t.waitFor("Enabled (y/n) [n]:")); t.type("y"); t.keys("Enter")
            #expect(t.waitFor("Host []:")); t.type("smtp.example.com"); t.keys("Enter")
            #expect(t.waitFor("Port [25]:")); t.keys("Enter")
            #expect(t.waitFor("Sender []:")); t.type("noreply@example.com"); t.keys("Enter")
            #expect(t.waitFor("Auth (1 none, 2 plain, 3 login) [none]:")); t.type("login"); t.keys("Enter")
            #expect(t.waitFor("Username []:")); t.type("smtp-bot"); t.keys("Enter")
            #expect(t.waitFor("Password (hidden"))
            // The SIGINT Ctrl-C sends, to the program alone: the terminal would send it to the
            // test's `sh -c` too, which would then not live to print the exit code and stty.
            let pid = try #require(t.programPID())
            kill(pid, signal)
            #expect(t.waitFor("EXIT=\(128 + signal)"))
            let modes = t.modesAfterExit()
            #expect(modes.contains("echo"), "stty -a after the signal: \(modes)")
            #expect(!t.capture().contains("crashed"), "no runtime crash screen: \(t.capture())")
        }
    }

    @Test("core dumps are off in the running wizard (they would hold the token)") func noCoreDumps() async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            let pid = try #require(t.programPID())
            let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
            let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") } ?? ""
            #expect(Array(core.split(separator: " ").dropFirst(4).prefix(2).map(String.init)) == ["0", "0"], "soft and hard limit 0: \(core)")
        }
    }

    @Test("a crash (SIGSEGV, SIGABRT) in the full screen leaves the shell usable", arguments: [SIGSEGV, SIGABRT])
    func crashRestoresTerminal(signal: Int32) async throws {
        try await TerminalSuite.TerminalWizardTests.session { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            let pid = try #require(t.programPID())
            kill(pid, signal)
            #expect(t.waitFor("EXIT=\(128 + signal)"))
            let modes = t.modesAfterExit()
            #expect(modes.contains("icanon") && modes.contains("echo"), "stty -a: \(modes)")
            #expect(!t.capture().contains("› Enabled:"), "the full screen is gone")
        }
    }
}
}
