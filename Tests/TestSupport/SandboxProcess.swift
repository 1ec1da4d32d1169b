import Foundation
import TFEClient
import TFESandbox

/// `tfe-setup sandbox` as a process of its own, so that a test can kill it outright (SIGKILL)
/// and start it again with its `--state` and `--tokens`, as an admin's flaky server would.
public final class SandboxProcess: @unchecked Sendable {
    public let address: String
    public let tokens: SandboxTokens
    let process: Process
    let transport: AsyncHTTPTransport

    /// Starts the sandbox and waits (polling, with a deadline) for its ready line.
    public static func start(port: Int = 0, statePath: String, tokensPath: String, extra: [String] = []) throws -> SandboxProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TmuxSession.binary)
        process.arguments = ["sandbox", "--port", String(port), "--rate-limit", "0", "--state", statePath, "--tokens", tokensPath, "--token-lifetimes", "short"] + extra
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        let end = Date().addingTimeInterval(30)
        while Date() < end, !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += chunk
        }
        guard let line = buffer.split(separator: UInt8(ascii: "\n")).first, let ready = JSONValue.parse(Data(line)),
              let address = ready["address"]?.stringValue, let t = ready["tokens"],
              let sa = t["site-admin"]?.stringValue, let ow = t["owner"]?.stringValue, let me = t["member"]?.stringValue else {
            process.terminate()
            throw SandboxError("the sandbox process printed no ready line")
        }
        return SandboxProcess(address: address, tokens: SandboxTokens(siteAdmin: sa, owner: ow, member: me), process: process, transport: try AsyncHTTPTransport())
    }

    init(address: String, tokens: SandboxTokens, process: Process, transport: AsyncHTTPTransport) {
        self.address = address
        self.tokens = tokens
        self.process = process
        self.transport = transport
    }

    public var port: Int { Int(address.split(separator: ":").last ?? "") ?? 0 }

    /// SIGKILL: no clean-up, connections cut, only what `--state` already holds survives.
    public func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        await transport.shutdown()
    }

    /// SIGTERM, for the end of a test.
    public func stop() async {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        await transport.shutdown()
    }

    /// Calls the control API (`/_sandbox/...`).
    public func control(_ method: String, _ path: String, body: String? = nil) async throws -> JSONValue? {
        let request = HTTPRequest(method: method, url: URL(string: address + path)!, headers: [("Content-Type", "application/json")], body: body.map { Data($0.utf8) })
        return JSONValue.parse(try await transport.execute(request, timeout: .seconds(10)).body)
    }

    public func arm(_ fault: SandboxFault) async throws {
        let data = try JSONEncoder().encode(fault)
        _ = try await control("POST", "/_sandbox/faults", body: String(decoding: data, as: UTF8.self))
    }

    /// The request log as (method, path, status).
    public func requests() async throws -> [(method: String, path: String, status: Int)] {
        let list = try await control("GET", "/_sandbox/requests")?["requests"]?.arrayValue ?? []
        return list.compactMap { r in
            guard let m = r["method"]?.stringValue, let p = r["path"]?.stringValue else { return nil }
            return (m, p, Int(r["status"]?.integerValue ?? 0))
        }
    }

    public func state() async throws -> SandboxState {
        let request = HTTPRequest(method: "GET", url: URL(string: address + "/_sandbox/state")!, headers: [("Content-Type", "application/json")], body: nil)
        return try JSONDecoder().decode(SandboxState.self, from: try await transport.execute(request, timeout: .seconds(10)).body)
    }
}
