import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// The form as the best form tools behave, driven in tmux: typing replaces a filled
/// value, Home/End as tmux sends them, the pool list with its filter, a failure fixed with `e`
/// and sent with `r`, read-only screens that offer no change.
@Suite("Form editing in a real terminal")
struct FormEditingTests {
    typealias W = TerminalSuite.TerminalWizardTests

    /// Types the seed's SMTP screen with the relay armed to fail, and applies it: on the results.
    static func applySMTP(_ t: TmuxSession, _ server: SandboxServer, relayStatus: Int) async {
        await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/admin/smtp-settings", status: relayStatus))
        await W.typeSMTPSeed(t)
        #expect(t.waitFor("Apply sends 1 request"))
        t.keys("Enter")
        #expect(t.waitFor("✗ SMTP settings"))
    }

    /// The key-hint row (the screen's last line with text).
    static func footer(_ t: TmuxSession) -> String {
        t.capture().split(separator: "\n").last.map(String.init) ?? ""
    }

    @Test("Tab into Port and type 587: 587 (not 25587); Home and End, as tmux sends them, move the cursor") func replaceAndHomeEnd() async throws {
        try await W.session(extra: "--screens smtp") { t, _, _ in
            #expect(t.waitFor("› Enabled:"))
            t.keys("Space", "Tab"); t.type("smtp.example.com")
            t.keys("Tab"); t.type("587")
            #expect(t.waitFor("› Port:                587\n"), "\(t.capture())")
            #expect(!t.capture().contains("25587"))
            t.keys("Home"); t.type("1")
            #expect(t.waitFor("› Port:                1587"), "Home went to the start: \(t.capture())")
            t.keys("End", "BSpace")
            #expect(t.waitFor("› Port:                158\n"), "End went to the end: \(t.capture())")
            t.keys("C-a"); t.type("2")
            #expect(t.waitFor("› Port:                2158"), "Ctrl-A is Home: \(t.capture())")
        }
    }

    @Test("choosing like whiptail: a letter picks the next option that starts with it (closed or open); / filters (gp → gpu); Enter picks")
    func poolList() async throws {
        try await W.session(extra: "--screens execution_defaults") { t, server, _ in
            #expect(t.waitFor("› Mode:"))
            // Closed: a picks agent (not local, which only contains an a); l local; r remote.
            t.type("a")
            #expect(t.waitFor("◂ agent ▸"), "\(t.capture())")
            t.type("l")
            #expect(t.waitFor("◂ local ▸"), "\(t.capture())")
            t.type("r")
            #expect(t.waitFor("◂ remote ▸"), "\(t.capture())")
            // Open: the letter moves the highlight; Enter picks.
            t.keys("Space")
            #expect(t.waitFor("letter jumps"), "Space opens the list: \(t.capture())")
            t.type("a"); t.keys("Enter")
            #expect(t.waitFor("◂ agent ▸"))
            // The pool: g picks gpu at once; p primary.
            t.keys("Tab"); t.type("g")
            #expect(t.waitFor("◂ gpu (apool-def456, 1 agent) ▸"), "\(t.capture())")
            t.type("p")
            #expect(t.waitFor("◂ primary (apool-abc123, 3 agents) ▸"), "\(t.capture())")
            // A filter by any part of the name: / then the text.
            t.keys("Space"); t.type("/gp")
            #expect(t.waitFor("Filter: gp"))
            #expect(t.waitFor("gpu (apool-def456, 1 agent)"))
            // Filtered out of the list: primary is only on the field's own line.
            #expect(t.capture().components(separatedBy: "primary (apool-abc123").count == 2, "filtered out: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("› Agent pool:          ◂ gpu (apool-def456, 1 agent) ▸"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Agent pool: (none) → gpu (apool-def456)"))
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."))
            #expect(await server.store.state.organizations["my-org"]?.defaultAgentPoolID == "apool-def456")
        }
    }

    @Test("a relay timeout: e lands on Host with what to check; fixed, the results again, and r succeeds") func relayTimeoutFix() async throws {
        try await W.session(extra: "--screens smtp") { t, server, _ in
            await Self.applySMTP(t, server, relayStatus: 504)
            #expect(t.waitFor("e edit the field"))
            t.type("e")
            #expect(t.waitFor("› Host:"), "\(t.capture())")
            #expect(t.waitFor("did not answer in time: check the host and port"), "\(t.capture())")
            t.type("mail.example.com")   // the value is selected: typing replaces it
            t.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter")
            #expect(t.waitFor("Press r to send the new values"), "back on the results: \(t.capture())")
            t.type("r")
            #expect(t.waitFor("✓ SMTP settings"), "\(t.capture())")
            #expect(await server.store.state.smtp.host == "mail.example.com")
        }
    }

    @Test("a 422 on the organization PATCH: Result lists Enforce max TTL as not saved; e marks only the refused pool") func organizationRefused() async throws {
        try await W.session(extra: "--screens execution_defaults,token_ttl", height: 40) { t, server, _ in
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org", status: 422,
                body: #"{"errors":[{"status":"422","title":"invalid","detail":"agent pool not found","source":{"pointer":"/data/relationships/default-agent-pool"}}]}"#))
            #expect(t.waitFor("› Mode:"))
            t.keys("Right", "Right", "Tab", "Right", "Enter")
            await W.typeTTLSeed(t)
            #expect(t.waitFor("Apply sends 2 requests"))
            t.keys("Enter")
            #expect(t.waitFor("✗ Organization defaults"))
            #expect(t.waitFor("Not saved: Mode, Agent pool, Enforce"), "\(t.capture())")
            #expect(t.waitFor("✓ Token TTL policies"))
            t.type("e")
            #expect(t.waitFor("› Agent pool:"))
            #expect(t.waitFor("The server refused this: agent pool not found"), "\(t.capture())")
            // The mode went in the same request, but changing it would not help: not marked.
            #expect(!t.capture().contains("Not saved (sent in the same request"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Press r to send the new values"))
            t.keys("2")
            #expect(t.waitFor("› Enforce max TTL:"))
            #expect(!t.capture().contains("Not saved (sent in the same request"), "the switch is not marked: \(t.capture())")
            #expect(await server.store.state.organizations["my-org"]?.maxTTLEnabled == false)
        }
    }

    @Test("r with values the relay refused says why, and sends nothing") func refusedNotResent() async throws {
        try await W.session(extra: "--screens smtp") { t, server, _ in
            await Self.applySMTP(t, server, relayStatus: 401)
            let before = await server.store.requestLog.filter { $0.method == "PATCH" }.count
            t.type("r")
            #expect(t.waitFor("would be refused again"), "\(t.capture())")
            #expect(t.waitFor("Press e to change Username, Password first."), "\(t.capture())")
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" }.count == before)
        }
    }

    @Test("plain mode: the pool chosen by name; < from the confirmation goes back to the TTLs") func plainNamesAndBack() async throws {
        try await W.session(extra: "--screens execution_defaults,token_ttl", environment: ["LANG": "C.UTF-8", "TERM": "dumb"]) { t, server, _ in
            func answer(_ prompt: String, _ value: String) {
                #expect(t.waitFor(prompt), "\(prompt)\n\(t.capture())")
                t.type(value)
                t.keys("Enter")
            }
            answer("Mode (1 remote, 2 local, 3 agent) [remote]:", "agent")
            answer("Agent pool (", "primary")
            answer("Enforce max TTL (y/n) [n]:", "")
            answer("Organization [2y]:", "")
            answer("Team [2y]:", "90d")
            #expect(t.waitFor("Team: 90d"), "the duration interpreted: \(t.capture())")
            answer("User [2y]:", "")
            answer("Audit trails [2y]:", "")
            #expect(t.waitFor("Agent pool: (none) → primary (apool-abc123)"))
            answer("Apply these changes? [y/N]:", "<")
            answer("Audit trails [2y]:", "1y")
            #expect(t.waitFor("Token TTLs · Audit trails: 2y (default) → 1y"), "\(t.capture())")
            answer("Apply these changes? [y/N]:", "y")
            answer("Save these answers", "n")
            #expect(t.waitFor("EXIT=0"))
            let org = await server.store.state.organizations["my-org"]
            #expect(org?.defaultAgentPoolID == "apool-abc123" && org?.tokenTTLMs["team"] == 7_776_000_000)
        }
    }

    /// Rows that reach the last column without the ellipsis: a word cut with nothing to say so
    /// (the rule under the breadcrumbs aside).
    static func cutRows(_ screen: String, width: Int) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, row in
            i == 2 || row.count < width || row.hasSuffix("…") ? nil : String(row)
        }
    }

    @Test("at 80x24 and 60x16 every screen of the seed scenario shows no word cut without …", arguments: [(80, 24), (60, 16)])
    func noCutWords(size: (Int, Int)) async throws {
        try await W.session(width: size.0, height: size.1) { t, server, _ in
            var screens: [String] = []
            await W.typeSMTPSeed(t, afterPassword: { screens.append(t.capture()) })
            #expect(t.waitFor("› Mode:"))
            t.keys("Space")
            #expect(t.waitFor("letter jumps"))
            screens.append(t.capture())
            t.type("a"); t.keys("Enter", "Tab"); t.type("p"); t.keys("Enter")
            #expect(t.waitFor("› Enforce max TTL:"))
            t.keys("Space", "Tab"); t.type("10m")
            t.keys("Tab")
            #expect(t.waitFor("under one hour"))
            screens.append(t.capture())
            t.keys("Tab", "Tab", "Enter")
            #expect(t.waitFor("These changes will be applied on"))
            screens.append(t.capture())
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."))
            screens.append(t.capture())
            // Every screen names the server first (host and port), so staging is never taken for production.
            let host = String(server.address.dropFirst("http://".count))
            for screen in screens {
                #expect(Self.cutRows(screen, width: size.0).isEmpty, "\(size): \(Self.cutRows(screen, width: size.0))\n\(screen)")
                let top = screen.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                #expect(top.hasPrefix(" tfe-setup · \(host) · "), "\(size): the server in the header: \(top)")
            }
            // The Review and the Result name it in their text too (wrapped lines joined).
            func body(_ screen: String) -> String {
                screen.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            }
            #expect(body(screens[screens.count - 2]).contains("These changes will be applied on \(host)"), "\(size): \(screens[screens.count - 2])")
            #expect(body(screens[screens.count - 1]).contains("On \(host)"), "\(size): \(screens[screens.count - 1])")
        }
    }

    @Test("a member's token: no change keys, dimmed read-only fields, and no answers-file offer at the end") func memberReadOnly() async throws {
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("member-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/token", contents: Data(server.tokens.member.utf8), attributes: [.posixPermissions: 0o600])
        let t = try TmuxSession("cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --organization my-org --token-file token",
                                environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_STATE_HOME": dir + "/state", "HOME": dir])
        #expect(t.waitFor("› Mode:"))
        #expect(t.waitFor("Read-only"), "\(t.capture())")
        #expect(t.waitFor("F1 help"))
        #expect(Self.footer(t).contains("F1 help") && !Self.footer(t).contains("change"), "no change keys in the footer: \(t.capture())")
        t.keys("Enter")
        #expect(t.waitFor("› Enforce max TTL:"))
        #expect(!Self.footer(t).contains("change"), "\(Self.footer(t))")
        t.keys("Enter")
        #expect(t.waitFor("Nothing to change."))
        t.keys("Enter")
        #expect(t.waitFor("EXIT=0"))
        #expect(!t.capture().contains("Save these answers"), "\(t.capture())")
        t.kill()
        await server.stop()
    }
}
}
