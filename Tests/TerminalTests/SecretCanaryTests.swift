import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The secret canary: a random API token (given only through a token file) and a random SMTP
/// password go through the whole wizard in tmux, `apply` and `export`, with debug logging on.
/// Then every log, every captured screen, every file the programs wrote, their argument lists and
/// environments, and all their output are searched: the canaries appear nowhere. (The sandbox and
/// the test harness hold the canaries themselves and are outside the search.)
extension TerminalSuite {
@Suite("Secret canary")
struct SecretCanaryTests {

    static func random() -> String { (0..<3).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined() }

    /// Every regular file under `dir`, except the inputs that hold a canary on purpose.
    static func writtenFiles(under dir: String, except inputs: Set<String>) -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let relative = enumerator?.nextObject() as? String {
            let path = dir + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, !inputs.contains(path) else { continue }
            files[relative] = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return files
    }

    /// `/proc/PID/cmdline` and `/proc/PID/environ` of a running process.
    static func procText(_ pid: Int32) -> String {
        ["cmdline", "environ"].map { String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/\($0)") ?? Data(), as: UTF8.self) }
            .joined(separator: "\n").replacingOccurrences(of: "\0", with: " ")
    }

    /// The pids of running `tfe-setup` processes whose arguments include `marker`.
    static func processes(containing marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            let args = String(decoding: FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data(), as: UTF8.self).split(separator: "\0")
            return args.first.map(String.init) == TmuxSession.binary && args.contains { $0.contains(marker) }
        }
    }

    /// The SMTP PATCH saved for real, then answered with the password echoed under unusual keys.
    static func echo(_ password: String, host: String, sender: String) -> SandboxFault {
        let body = #"{"data":{"id":"smtp","type":"smtp-settings","attributes":{"enabled":true,"host":"\#(host)","port":587,"sender":"\#(sender)","auth":"login","username":"smtp-bot","relay-echo-x":"\#(password)","note":"relay said: \#(password)"}}}"#
        return SandboxFault(method: "PATCH", path: "/api/v2/admin/smtp-settings", status: 200, count: 1, body: body, after: true)
    }

    @Test("no canary in any log, screen, written file, argument list, environment or output")
    func canary() async throws {
        let token = "fake-canary-tok-" + Self.random()
        let password = "fake-canary-pw-" + Self.random()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("canary-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tokenFile = dir + "/token", passwordFile = dir + "/smtp-password"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: passwordFile, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        let server = try await SandboxServer.start(options: SandboxOptions(latencyMs: 150, rateLimit: 0),
                                                   tokens: SandboxTokens(siteAdmin: token, owner: "fake-ow-canary", member: "fake-me-canary"))
        var searched: [(what: String, text: String)] = []

        // 1. The wizard in a real terminal, the password typed, debug log on.
        let command = "cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --organization my-org --token-file \(TmuxSession.quote(tokenFile)) --log-file \(TmuxSession.quote(dir + "/wizard.log")) --log-level debug"
        let t = try TmuxSession(command, environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_STATE_HOME": dir + "/state", "HOME": dir])
        func screen(_ moment: String) {
            searched.append(("screen \(moment)", t.capture()))
            searched.append(("screen \(moment) with escapes", t.capture(escapes: true)))
        }
        #expect(t.waitFor("› Enabled:"))
        screen("SMTP, empty")
        await TerminalSuite.TerminalWizardTests.typeSeed(t, password: password) {
            screen("password typed")
            #expect(await eventually { FileManager.default.fileExists(atPath: dir + "/state/tfe-setup/draft.json") }, "the draft is written while typing")
            for (name, text) in Self.writtenFiles(under: dir, except: [tokenFile, passwordFile]) { searched.append(("file while typing: \(name)", text)) }
            if let pid = t.programPID() { searched.append(("wizard /proc", Self.procText(pid))) } else { Issue.record("no wizard process found") }
        }
        screen("review")
        // A relay (or a server) that echoes the password back under a key no redaction list knows:
        // the log must scrub it anyway, because the typed password is registered as a secret.
        await server.store.arm(Self.echo(password, host: "smtp.example.com", sender: "noreply@example.com"))
        t.keys("Enter")
        #expect(t.waitFor("Applying") || t.waitFor("All changes applied."))
        screen("applying")
        #expect(t.waitFor("All changes applied."))
        screen("result")
        t.keys("Enter")
        #expect(t.waitFor("Save these answers"))
        t.keys("y")
        #expect(t.waitFor("EXIT=0"))
        screen("after exit")
        t.kill()
        #expect(await server.store.state.smtp.passwordSet, "the canary password really went through")

        // 2. apply from an answers file, the password from a file, debug log on.
        let answers = CLI.write(dir, "canary-answers.json", """
            {"organization":"my-org","smtp":{"host":"mail.example.com","auth":"login","username":"smtp-bot"},
             "token_ttl":{"team":"60d"}}
            """)
        await server.store.arm(Self.echo(password, host: "mail.example.com", sender: "noreply@example.com"))
        async let applyRun = CLI.run(address: server.address, token: token, dir, ["apply", "--answers", answers, "--smtp-password-file", passwordFile, "--auto-approve", "--smtp-relay", "mail.example.com", "--log-file", dir + "/apply.log", "--log-level", "debug"], env: [:])
        // Read its argument list and environment while it runs (the sandbox answers slowly).
        var applyPIDs: [Int32] = []
        #expect(await eventually { applyPIDs = Self.processes(containing: answers); return !applyPIDs.isEmpty })
        for pid in applyPIDs { searched.append(("apply /proc", Self.procText(pid))) }
        let applied = await applyRun
        #expect(applied.status == 0, "\(applied.output)")
        searched.append(("apply output", applied.output))

        // 3. plan and both exports.
        let plan = await CLI.run(address: server.address, token: token, dir, ["plan", "--answers", answers, "--smtp-password-file", passwordFile, "--json"], env: [:])
        searched.append(("plan output", plan.output))
        for (format, file) in [("answers", "export.json"), ("terraform", "main.tf")] {
            let r = await CLI.run(address: server.address, token: token, dir, ["export", "--organization", "my-org", "--format", format, "--output", dir + "/" + file], env: [:])
            #expect(r.status == 0, "\(r.output)")
            searched.append(("export \(format) output", r.output))
        }
        await server.stop()

        // 4. Every file the programs wrote.
        let files = Self.writtenFiles(under: dir, except: [tokenFile, passwordFile])
        for (name, text) in files { searched.append(("file \(name)", text)) }
        for expected in ["wizard.log", "apply.log", "tfe-setup-answers.json", "export.json", "main.tf"] {
            #expect(files[expected]?.isEmpty == false, "\(expected) was written")
        }
        #expect(files["wizard.log"]?.contains("PATCH") == true && files["apply.log"]?.contains("<redacted>") == true, "debug logging was on")
        for log in ["wizard.log", "apply.log"] {
            #expect(files[log]?.contains("relay-echo-x") == true, "\(log): the echoing answer was logged (its key), so the scrub was tested")
        }

        // The search itself.
        #expect(searched.count > 15)
        for (what, text) in searched {
            #expect(!text.contains(token), "the API token leaked into \(what)")
            #expect(!text.contains(password), "the SMTP password leaked into \(what)")
        }
    }
}
}
