import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// The real binary in tmux, against tokens as a server in service has them.
@Suite("Terminal: whom a tighter token policy rejects")
struct TokenLockoutWizardTests {
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
            #expect(t.waitFor("Tokens: with enforcement on"), "\(t.capture())")
            #expect(t.capture().contains("y apply anyway"), "the footer names the key: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Not applied: y applies anyway, Esc goes back;"), "\(t.capture())")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "Enter alone sent nothing")
            t.keys("y")
            #expect(t.waitFor("now rejects this token"), "\(t.capture())")
            #expect(!t.captureUnwrapped().contains("keep their expiry"))
            let state = await server.store.state.organizations["my-org"]
            #expect(state?.maxTTLEnabled == true && state?.tokenTTLMs["user"] == 2_592_000_000)
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
