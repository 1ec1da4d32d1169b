import Foundation
import TFEClient
import TFESandbox

/// The command line as a process against a sandbox: the suites that run `plan`, `apply`,
/// `export`, `check` share these (the seed scenario's answers, one run, a sandbox with a folder,
/// a file written there).
public enum CLI {
    /// `seed-scenario.json` as an answers file (the password by its variable).
    public static let seed = """
        {"organization":"my-org",
         "smtp":{"enabled":true,"host":"smtp.example.com","port":587,"sender":"noreply@example.com","auth":"login",
                 "username":"smtp-bot","password_env":"SMTP_PASSWORD","test_email_address":"ops@example.com"},
         "execution_defaults":{"mode":"agent","agent_pool_id":"apool-abc123"},
         "token_ttl":{"enabled":true,"organization":"1y","team":"90d","user":"30d","audit_trails":"2y"}}
        """

    /// A finished run: its exit status and everything it printed (stdout and stderr).
    public struct Run: Sendable {
        public var status: Int32
        public var output: String

        public init(status: Int32, output: String) {
            self.status = status
            self.output = output
        }
    }

    public static func run(_ server: SandboxServer, _ dir: String, _ args: [String], env: [String: String] = ["SMTP_PASSWORD": "fake-auto-pw-8"]) async -> Run {
        await run(address: server.address, token: server.tokens.siteAdmin, dir, args, env: env)
    }

    /// Runs `tfe-setup` with the arguments against a server, the token in a 0600 file, and returns
    /// its exit status and everything it printed.
    public static func run(address: String, token: String, _ dir: String, _ args: [String], env: [String: String] = ["SMTP_PASSWORD": "fake-auto-pw-8"]) async -> Run {
        let tokenFile = dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        let envArgs = env.map { "\($0.key)=\($0.value)" }
        let command = ["/usr/bin/env"] + envArgs + [TmuxSession.binary] + args + ["--address", address, "--token-file", tokenFile]
        let shell = command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1"
        let r = await Subprocess.runAsync(["/bin/sh", "-c", shell])
        return Run(status: r.status, output: r.output)
    }

    /// The output without the `tfe-setup: <address> · organization … · token from …` line that
    /// plan, apply and export print to stderr before the first request (for parsing `--json`).
    public static func withoutTargetLine(_ output: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false).filter { !($0.hasPrefix("tfe-setup: ") && $0.contains(" · token from ")) }.joined(separator: "\n")
    }

    public static func with(_ options: SandboxOptions = SandboxOptions(rateLimit: 0), _ body: (SandboxServer, String) async throws -> Void) async throws {
        let server = try await SandboxServer.start(options: options)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("auto-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        do { try await body(server, dir) } catch { await server.stop(); throw error }
        await server.stop()
    }

    public static func write(_ dir: String, _ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}
