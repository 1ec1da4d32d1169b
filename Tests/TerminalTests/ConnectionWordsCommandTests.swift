import Foundation
import Glibc
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// What a person reads when the connection fails, and when a run is refused, as the built
/// binary prints it against real sockets, a real CA made at test time and the sandbox.
@Suite("the words of a failed connection and of a refused run")
struct ConnectionWordsCommandTests {
    static let fakeToken = "fake-token-words-4821"

    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `check` with a debug log; the log's text comes back with the run.
    static func check(_ address: String, token: String = fakeToken, _ dir: String, _ extra: [String] = []) async -> (run: CLI.Run, log: String) {
        let log = dir + "/run-\(UUID().uuidString.prefix(6)).log"
        let run = await CLI.run(address: address, token: token, dir, ["check", "--organization", "my-org", "--log-file", log, "--log-level", "debug"] + extra)
        return (run, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    static func count(_ text: String, _ what: String) -> Int { text.components(separatedBy: what).count - 1 }

    @Test("a certificate for another name: \"the certificate is for localhost, not 127.0.0.1\" and what to do, no NIOSSL words")
    func certificateForAnotherName() async throws {
        let certs = try TestCertificates.make(names: "DNS:localhost")
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, tls: (certs.cert, certs.key)))
        let port = try #require(URL(string: server.address)?.port)
        let (r, _) = await Self.check("https://127.0.0.1:\(port)", token: server.tokens.owner, try Self.directory(), ["--ca-cert", certs.ca])
        await server.stop()
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("tfe-setup: check failed: Could not talk to the server: the certificate is for localhost, not 127.0.0.1. "
                                  + "Use the name on the certificate in --address (https://localhost:\(port)), or get a certificate that names 127.0.0.1."), "\(r.output)")
        #expect(!r.output.contains("NIOSSL") && !r.output.contains("<none>") && !r.output.contains("that the server is running"), "\(r.output)")
        #expect(!r.output.contains(server.tokens.owner))
    }

    @Test("https:// to a server that speaks plain HTTP: said so, with the http:// address to use")
    func httpsToPlainHTTP() async throws {
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
        let port = try #require(URL(string: server.address)?.port)
        let (r, _) = await Self.check("https://127.0.0.1:\(port)", token: server.tokens.owner, try Self.directory())
        await server.stop()
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("Could not talk to the server: the server at 127.0.0.1:\(port) answered in plain HTTP, not TLS. "
                                  + "Use --address http://127.0.0.1:\(port), or enable TLS on the server."), "\(r.output)")
        #expect(!r.output.contains("that the server is running"), "\(r.output)")
    }

    @Test("a refused connection on loopback is reported at once: the debug log shows no second try")
    func refusedOnLoopback() async throws {
        let dir = try Self.directory()
        let (r, log) = await Self.check("https://127.0.0.1:\(try closedLoopbackPort())", dir)
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("Could not talk to the server: the connection was refused (nothing listens at that address and port on this machine). Check the address"), "\(r.output)")
        #expect(Self.count(log, "no response") >= 1, "the failures are logged: \(log)")
        #expect(Self.count(log, "connecting again") == 0, "tried again: \(log)")
        #expect(Self.count(log, "connect attempts") == 0, "\(log)")
        #expect(!log.contains(Self.fakeToken) && !r.output.contains(Self.fakeToken))
    }

    @Test("a name that does not exist (.invalid) is reported at once, naming it: no second try")
    func nameNotFound() async throws {
        let (r, log) = await Self.check("https://tfe-setup-test.invalid", try Self.directory())
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("Could not talk to the server: the host name tfe-setup-test.invalid does not exist (DNS has no address for it). "
                                  + "Check how the host name is spelled in --address (or TFE_ADDRESS)."), "\(r.output)")
        #expect(Self.count(log, "no response") >= 1, "\(log)")
        #expect(Self.count(log, "connecting again") == 0, "tried again: \(log)")
    }

    @Test("check with a refused token shows the server's release and health (read without it), then the token's problem, exit 1")
    func checkWithBadToken() async throws {
        try await CLI.with { server, dir in
            let bad = "fake-refused-token-1357"
            let (r, log) = await Self.check(server.address, token: bad, dir)
            #expect(r.status == 1, "\(r.output)")
            let lines = r.output.split(separator: "\n").map(String.init)
            let serverLine = try #require(lines.firstIndex { $0.hasPrefix("Server:        Terraform Enterprise 2.1.0 at \(server.address)") }, "\(r.output)")
            let health = try #require(lines.firstIndex { $0 == "Health:        ready (GET /_health_check)" }, "\(r.output)")
            let token = try #require(lines.firstIndex { $0.hasPrefix("Token:         refused by the server (401)") }, "\(r.output)")
            let failed = try #require(lines.firstIndex { $0.hasPrefix("tfe-setup: check failed: The server refused the API token (401") }, "\(r.output)")
            #expect(serverLine < health && health < token && token < failed, "what could be read first, then the token's problem: \(r.output)")
            #expect(!r.output.contains(bad) && !log.contains(bad), "the token is never shown")
            // What was read again went without the refused token.
            let anonymous = await server.store.requestLog.filter { $0.path == "/_health_check" || $0.path == "/api/v2/ping" }
            #expect(anonymous.contains { $0.path == "/_health_check" && $0.status == 200 }, "\(anonymous)")
        }
    }

    @Test("a refused apply in CI names every flag and variable it lacks at once; with all of them it applies")
    func ciRefusalNamesEverything() async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real   // the seed's caps then reject the admin's own token
        try await CLI.with(options) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            // No terminal (stdin is /dev/null), no --auto-approve, SMTP_PASSWORD unset, a relay
            // host the server does not use yet, and caps that reject the token in use.
            let refused = await CLI.run(server, dir, ["apply", "--answers", file], env: [:])
            #expect(refused.status == 1, "\(refused.output)")
            let expected = [
                "tfe-setup: nothing applied: this run needs 4 things, all named here (see the plan above for why):",
                "  - SMTP_PASSWORD set (or --smtp-password-file FILE): the SMTP password would be sent, and SMTP_PASSWORD is not set (or is empty).",
                "  - --renew-token or --accept-token-rejection: applying this rejects the token this tool runs with.",
                "  - --smtp-relay smtp.example.com: the answers file sends the SMTP password to smtp.example.com, a relay this server does not use yet.",
                "  - --auto-approve: there is no terminal to ask for confirmation (read the plan first).",
            ]
            #expect(refused.output.contains(expected.joined(separator: "\n")), "\(refused.output)")
            #expect(Self.count(refused.output, "nothing applied") == 1, "one refusal, not one per flag: \(refused.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing written")

            // Everything it named, and nothing else: the run goes through.
            let password = "fake-auto-pw-8"   // CLI.run's SMTP_PASSWORD
            let applied = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--accept-token-rejection", "--smtp-relay", "smtp.example.com"])
            #expect(applied.status == 0, "\(applied.output)")
            #expect(!applied.output.contains("nothing applied"), "\(applied.output)")
            #expect(await server.store.requestLog.contains { $0.method == "PATCH" })
            #expect(!applied.output.contains(password) && !refused.output.contains(password))
        }
    }

    @Test("one thing lacking keeps its own sentence")
    func oneNeed() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "answers.json", #"{"organization":"my-org","execution_defaults":{"mode":"local"}}"#)
            let r = await CLI.run(server, dir, ["apply", "--answers", file])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("tfe-setup: not applying without confirmation: there is no terminal to ask. Add --auto-approve."), "\(r.output)")
            #expect(!r.output.contains("this run needs"), "\(r.output)")
        }
    }
}
