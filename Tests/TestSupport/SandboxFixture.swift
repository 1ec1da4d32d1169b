import Foundation
import Logging
import TFEClient
import TFESandbox

/// A sandbox on loopback and a real AsyncHTTPClient transport, for one test.
public struct SandboxFixture: Sendable {
    public let server: SandboxServer
    public let transport: AsyncHTTPTransport

    /// Starts a sandbox, runs the body, and always stops both.
    public static func with<T>(_ options: SandboxOptions = SandboxOptions(rateLimit: 0), seed: SandboxState? = nil,
                        _ body: (SandboxFixture) async throws -> T) async throws -> T {
        let server = try await SandboxServer.start(options: options, seed: seed)
        let transport = try AsyncHTTPTransport()
        let fixture = SandboxFixture(server: server, transport: transport)
        do {
            let result = try await body(fixture)
            await transport.shutdown()
            await server.stop()
            return result
        } catch {
            await transport.shutdown()
            await server.stop()
            throw error
        }
    }

    public func token(_ role: SandboxRole) -> String {
        switch role {
        case .siteAdmin: return server.tokens.siteAdmin
        case .owner: return server.tokens.owner
        case .member: return server.tokens.member
        }
    }

    /// A client with the token of a role (or any token).
    public func client(_ role: SandboxRole = .siteAdmin, token: String? = nil, logger: Logger? = nil,
                retry: RetryPolicy = RetryPolicy(), environment: RetryEnvironment = .instant) throws -> TFEClient {
        let configuration = try ClientConfiguration(address: URL(string: server.address)!, token: SecretString(token ?? self.token(role)), organization: "my-org")
        if let logger {
            return TFEClient(configuration: configuration, transport: transport, retryPolicy: retry, environment: environment, logger: logger)
        }
        return TFEClient(configuration: configuration, transport: transport, retryPolicy: retry, environment: environment)
    }

    /// The requests the sandbox has seen.
    public func requests() async -> [SandboxRequestRecord] { await server.store.requestLog }
}

extension RetryEnvironment {
    /// Retries without waiting (the waits asked for are still computed; see RetryTests).
    public static let instant = RetryEnvironment(sleep: { _ in }, random: { $0 / 2 }, now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }, wallClock: { Date() })
}

/// The TFEError an operation throws, or nil when it succeeds.
/// Any other error comes back as a transport error naming it, so the test's expectation fails.
public func failure<T>(_ body: () async throws -> T) async -> TFEError? {
    do {
        _ = try await body()
        return nil
    } catch let error as TFEError {
        return error
    } catch {
        return .transport(TransportError(.other, "not a TFEError: \(error)"))
    }
}

extension SandboxFixture {
    /// Sends a request exactly as given (no client rules), for the sandbox's strictness tests.
    public func raw(_ method: String, _ path: String, role: SandboxRole? = .siteAdmin, token: String? = nil,
             contentType: String? = "application/vnd.api+json", body: String? = nil) async throws -> (status: Int, json: JSONValue?, headers: [(String, String)]) {
        var headers: [(String, String)] = [("Accept", "application/vnd.api+json")]
        if let t = token ?? role.map(self.token) { headers.append(("Authorization", "Bearer \(t)")) }
        if path.hasPrefix("/_sandbox/") {
            // The control API takes only JSON requests (see SandboxRouter.controlRefusal).
            headers.append(("Content-Type", contentType == "application/vnd.api+json" ? "application/json" : (contentType ?? "")))
        } else if let contentType, body != nil {
            headers.append(("Content-Type", contentType))
        }
        let request = HTTPRequest(method: method, url: URL(string: server.address + path)!, headers: headers, body: body.map { Data($0.utf8) })
        let response = try await transport.execute(request, timeout: .seconds(10))
        return (response.status, JSONValue.parse(response.body), response.headers)
    }

    /// The first error's `source.pointer` of a JSON:API error document.
    public static func pointer(_ json: JSONValue?) -> String? {
        json?["errors"]?.arrayValue?.first?["source"]?["pointer"]?.stringValue
    }

    public static func detail(_ json: JSONValue?) -> String {
        json?["errors"]?.arrayValue?.compactMap { $0["detail"]?.stringValue }.joined(separator: " | ") ?? ""
    }
}
