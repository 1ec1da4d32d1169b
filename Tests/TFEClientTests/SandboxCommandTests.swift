import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// `tfe-setup sandbox` as a separate process: the ready line, the flags, signals, exit codes.
@Suite("tfe-setup sandbox command")
struct SandboxCommandTests {
    /// The built `tfe-setup` binary, beside the test bundle.
    static var binary: String { TmuxSession.binary }

    final class Running: @unchecked Sendable {
        let process = Process()
        let stdout = Pipe()
        let stderr = Pipe()
        /// Reads the first stdout line, waiting up to `deadline` seconds (polling, not sleeping blind).
        func readyLine(deadline: Double = 30) throws -> String {
            var buffer = Data()
            let handle = stdout.fileHandleForReading
            let end = Date().addingTimeInterval(deadline)
            while Date() < end {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer += chunk
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) { return String(decoding: buffer[..<newline], as: UTF8.self) }
            }
            throw SandboxError("no ready line; stderr: \(String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self))")
        }
    }

    static func start(_ arguments: [String]) throws -> Running {
        let r = Running()
        r.process.executableURL = URL(fileURLWithPath: binary)
        // Tokens inside every cap unless a test asks for real lifetimes: the seeds here enforce tiny caps.
        r.process.arguments = ["sandbox"] + arguments + (arguments.contains("--token-lifetimes") ? [] : ["--token-lifetimes", "short"])
        r.process.standardOutput = r.stdout
        r.process.standardError = r.stderr
        try r.process.run()
        return r
    }

    static func temp(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("ready line exactly as product.md gives it; --tokens, --seed, --state; stops on SIGTERM") func readyLine() async throws {
        let tokens = try Self.temp("tokens.json", #"{"site-admin":"fake-sa-tok","owner":"fake-ow-tok","member":"fake-me-tok"}"#)
        let seed = try Self.temp("seed.json", #"{"smtp":{"enabled":false,"host":"","port":2525,"sender":"","auth":"none","username":"","password_set":true},"organizations":{"my-org":{"default_execution_mode":"local","default_agent_pool_id":null,"max_ttl_enabled":true,"token_ttl_ms":{"organization":1000,"team":2000,"user":3000,"audit_trails":4000},"agent_pools":[{"id":"apool-one1","name":"one","agent_count":1}]}}}"#)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json").path
        let running = try Self.start(["--port", "0", "--tokens", tokens, "--seed", seed, "--state", state])
        let line = try running.readyLine()
        let pattern = #"^\{"address":"http://127\.0\.0\.1:[0-9]+","organization":"my-org","tokens":\{"site-admin":"fake-sa-tok","owner":"fake-ow-tok","member":"fake-me-tok"\}\}$"#
        #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)")
        let address = try #require(JSONValue.parse(Data(line.utf8))?["address"]?.stringValue)

        let transport = try AsyncHTTPTransport()
        let client = TFEClient(configuration: try ClientConfiguration(address: URL(string: address)!, token: SecretString("fake-ow-tok")), transport: transport)
        let org = try await client.organization("my-org")
        #expect(org.defaultExecutionMode == .local)
        #expect(org.maxTTLEnabled)
        #expect(try await client.agentPools("my-org").map(\.id) == ["apool-one1"])
        try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.team: 5000]))
        await transport.shutdown()
        #expect(FileManager.default.contents(atPath: state).flatMap { JSONValue.parse($0) }?["organizations"]?["my-org"]?["token_ttl_ms"]?["team"] == .integer(5000))

        running.process.terminate()  // SIGTERM
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
    }

    @Test("a port in use: exit 1 with a message") func portInUse() async throws {
        let server = try await SandboxServer.start()
        let running = try Self.start(["--port", String(server.port)])
        running.process.waitUntilExit()
        await server.stop()
        #expect(running.process.terminationStatus == 1)
        let message = String(decoding: running.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("Is the port in use?"))
    }
}

extension SandboxCommandTests {
    @Test("--help documents every option and the control API's routes") func help() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["sandbox", "--help"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for option in ["--port", "--latency-ms", "--rate-limit", "--hcp", "--seed", "--state", "--tokens"] {
            #expect(text.contains(option), "\(option)")
        }
        for route in ["GET    /_sandbox/state", "POST   /_sandbox/reset", "GET    /_sandbox/requests", "DELETE /_sandbox/requests",
                      "GET    /_sandbox/outbox", "POST   /_sandbox/faults", "DELETE /_sandbox/faults", "before_response", "mid_body"] {
            #expect(text.contains(route), "\(route)")
        }
    }
}
