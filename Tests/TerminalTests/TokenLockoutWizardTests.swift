import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// The real binary in tmux, against tokens as a server in service has them.
@Suite("Terminal: whom a tighter token policy rejects")
struct TokenLockoutWizardTests {
    /// PgDn on the Review until `text` shows (at 60x16 the Tokens section is a page or two down).
    static func pageDown(_ t: TmuxSession, until text: String) -> Bool {
        for _ in 0..<6 where !t.capture().contains(text) {
            t.keys("NPage")
            _ = t.waitFor("▲ more", timeout: 2)
        }
        return t.capture().contains(text)
    }

    @Test("80x24 and 60x16: the Token TTLs note as the user TTL goes to 30d, the Review's confirmation, y applies and the check sees the rejection", arguments: [(80, 24), (60, 16)])
    func lockoutInTmux(width: Int, height: Int) async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real
        try await TerminalWizardTests.session(options: options, extra: "--screens token_ttl", width: width, height: height) { t, server, _ in
            #expect(t.waitFor("› Enforce max TTL:"))
            t.keys("Space", "Tab", "Tab", "Tab", "C-u"); t.type("30d")
            #expect(t.waitFor("Applying this rejects the token"), "\(t.capture())")
            // The note wraps where the width says: the label is read with line breaks as spaces.
            let note = t.captureUnwrapped().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(note.contains("\"site-admin workstation\""), "\(note)")
            t.keys("Enter", "Enter")
            #expect(t.waitFor("These changes will be applied on"), "\(t.capture())")
            #expect(Self.pageDown(t, until: "Tokens: with enforcement on"), "\(t.capture())")
            #expect(t.capture().contains("y apply anyway"), "the footer names the key: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Not applied: t new token, y anyway, Esc back;"), "\(t.capture())")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "Enter alone sent nothing")
            t.keys("y")
            #expect(t.waitFor("now rejects this token"), "\(t.capture())")
            #expect(!t.captureUnwrapped().contains("keep their expiry"))
            // The Result offers nothing that would 401: no retry, no reopened screen.
            let footer = t.capture().split(separator: "\n").last.map(String.init) ?? ""
            #expect(footer.contains("Enter finish") && !footer.contains("reopen") && !footer.contains("retry"), "\(footer)")
            let sent = await server.store.requestLog.count
            t.keys("1")
            #expect(t.waitFor("This token is now rejected"), "\(t.capture())")
            #expect(await server.store.requestLog.count == sent, "a key on the Result sent nothing with the rejected token")
            let state = await server.store.state.organizations["my-org"]
            #expect(state?.maxTTLEnabled == true && state?.tokenTTLMs["user"] == 2_592_000_000)
        }
    }

    @Test("80x24 and 60x16: t on the Review makes a new token within the cap, stores it in the token file, applies with it; the Result names its place, id and expiry; no token on screen or in the log",
          arguments: [(80, 24), (60, 16)])
    func renewalInTmux(width: Int, height: Int) async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real
        try await TerminalWizardTests.session(options: options, extra: "--screens token_ttl", width: width, height: height) { t, server, dir in
            let old = server.tokens.siteAdmin
            #expect(t.waitFor("› Enforce max TTL:"))
            t.keys("Space", "Tab", "Tab", "Tab", "C-u"); t.type("30d")
            #expect(t.waitFor("Applying this rejects the token"), "\(t.capture())")
            t.keys("Enter", "Enter")
            #expect(t.waitFor("These changes will be applied on"), "\(t.capture())")
            #expect(Self.pageDown(t, until: "Tokens: with enforcement on"), "\(t.capture())")
            #expect(t.capture().contains("t new token, apply"), "the footer offers the way through: \(t.capture())")
            t.keys("t")
            #expect(t.waitFor("New token:"), "\(t.capture())")
            let result = t.captureUnwrapped().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(result.contains("/token (a new file in its place, mode 0600)"), "\(result)")
            #expect(result.contains("expires"), "\(result)")
            let stored = try String(contentsOfFile: dir + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored != old, "the token file holds the new token")
            let made = try #require((await server.store.tokenRecords.user[.siteAdmin] ?? []).first { $0.description.hasPrefix("tfe-setup renewal") })
            #expect(result.contains(made.id), "the Result names the new token's id: \(result)")
            #expect(try #require(made.expiredAt).timeIntervalSince(made.createdAt) <= 30 * 86_400)
            let writes = await server.store.requestLog.filter { $0.method == "PATCH" }
            #expect(!writes.isEmpty && writes.allSatisfy { $0.tokenID == made.id }, "every write with the new token: \(writes.map { $0.tokenID ?? "-" })")
            let state = await server.store.state.organizations["my-org"]
            #expect(state?.maxTTLEnabled == true && state?.tokenTTLMs["user"] == 2_592_000_000)
            // The canary: neither token on the screen or in the debug log.
            let log = (try? String(contentsOfFile: dir + "/tfe.log", encoding: .utf8)) ?? ""
            for secret in [old, stored] {
                #expect(!t.captureUnwrapped().contains(secret) && !log.contains(secret))
            }
            #expect(!log.isEmpty, "the log was written")
        }
    }

    @Test("no help text, README or docs page repeats the old claim that issued tokens keep their expiry")
    func noOldClaim() throws {
        var texts: [(String, String)] = []
        for command in ["", "wizard", "demo", "check", "plan", "apply", "export", "sandbox"] {
            let r = Subprocess.run([TmuxSession.binary] + (command.isEmpty ? [] : [command]) + ["--help"])
            texts.append(("\(command) --help", r.output))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        for page in ["README.md"] + docs.filter { $0.hasSuffix(".md") }.map { "docs/" + $0 } {
            texts.append((page, (try? String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)) ?? ""))
        }
        #expect(texts.count > 9)
        for (name, text) in texts {
            #expect(!text.lowercased().contains("keep their expiry"), "\(name)")
            #expect(!text.lowercased().contains("only new tokens are capped"), "\(name)")
        }
    }
}
}
