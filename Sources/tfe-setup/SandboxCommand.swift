import ArgumentParser
import Foundation
import TFESandbox

/// `tfe-setup sandbox`: runs the strict TFE stand-in alone.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the built-in TFE sandbox on 127.0.0.1 (for trying the tool and for tests).",
        discussion: """
            When listening it prints one JSON line on stdout with its address and the three role tokens
            (site-admin, owner, member), then serves until SIGINT/SIGTERM. Logs go to stderr.

            Example:
              tfe-setup sandbox --port 0 --latency-ms 50 --state /tmp/sandbox-state.json
            """)

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0
    @Option(name: .customLong("latency-ms"), help: "Delay added to every API request, in milliseconds.")
    var latencyMs: Int = 0
    @Option(name: .customLong("rate-limit"), help: "Requests per second per token before 429 (0 = off).")
    var rateLimit: Int = 30
    @Flag(help: "Behave like HCP Terraform (no admin API: SMTP settings answer 404).")
    var hcp = false
    @Option(help: "A JSON file shaped like GET /_sandbox/state to start from instead of the default seed.")
    var seed: String?
    @Option(help: "Persist the state to this file after every write, and load it at start.")
    var state: String?
    @Option(help: #"A JSON file {"site-admin":…,"owner":…,"member":…} with the tokens to accept."#)
    var tokens: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must be 0 or more.") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 (off) or more.") }
    }

    func run() async throws {
        let seedState = try seed.map { try Self.load(SandboxState.self, from: $0, what: "seed") } ?? .defaultSeed
        let tokenSet = try tokens.map { try Self.load(SandboxTokens.self, from: $0, what: "tokens") } ?? .generate()
        let options = SandboxOptions(port: port, latencyMs: latencyMs, rateLimit: rateLimit, hcp: hcp, statePath: state)
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(options: options, seed: seedState, tokens: tokenSet)
        } catch let error as SandboxError {
            FileHandle.standardError.write(Data("tfe-setup sandbox: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        FileHandle.standardOutput.write(Data((server.readyLine + "\n").utf8))
        FileHandle.standardError.write(Data("tfe-setup sandbox: serving \(server.address)\(hcp ? " as HCP Terraform" : ""); stop with Ctrl-C\n".utf8))
        let signal = await SignalWaiter.wait(for: [SIGINT, SIGTERM])
        FileHandle.standardError.write(Data("tfe-setup sandbox: stopping (signal \(signal))\n".utf8))
        await server.stop()
    }

    static func load<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read the \(what) file \(path).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ValidationError("The \(what) file \(path) is not in the expected shape: \(error)")
        }
    }
}
