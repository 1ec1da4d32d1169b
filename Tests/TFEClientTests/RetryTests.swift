import CLIWording
import Foundation
import Testing
import TestSupport
import SetupKit
@testable import TFEClient

/// A transport that answers from a script and records what it was asked.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<HTTPResponse, TransportError>]
    private(set) var requests: [HTTPRequest] = []

    init(_ script: [Result<HTTPResponse, TransportError>]) { self.script = script }

    func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let next: Result<HTTPResponse, TransportError> = lock.withLock {
            requests.append(request)
            return script.isEmpty ? .success(HTTPResponse(status: 500)) : script.removeFirst()
        }
        return try next.get()
    }

    func shutdown() async {}
    var count: Int { lock.withLock { requests.count } }
}

/// Records the waits asked for, without waiting; a fake monotonic clock advances by them.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var waits: [Double] = []
    private var now = 0.0

    var environment: RetryEnvironment {
        RetryEnvironment(sleep: { s in self.lock.withLock { self.waits.append(s); self.now += s } },
                         random: { $0 }, now: { self.lock.withLock { self.now } },
                         wallClock: { Date(timeIntervalSince1970: 1_000_000) })
    }
}

@Suite("Retries")
struct RetryTests {
    static let ok = HTTPResponse(status: 200, body: Data(#"{"data":{"id":"smtp","type":"smtp-settings","attributes":{"enabled":false}}}"#.utf8))
    static func status(_ code: Int, _ headers: [(String, String)] = []) -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: code, headers: headers, body: Data(#"{"errors":[{"status":"\#(code)","title":"x","detail":"injected"}]}"#.utf8)))
    }

    func client(_ transport: ScriptedTransport, _ clock: FakeClock) throws -> TFEClient {
        TFEClient(configuration: try ClientConfiguration(address: URL(string: "https://tfe.example.com")!, token: SecretString("fake-token")),
                  transport: transport, environment: clock.environment)
    }

    @Test("429: Retry-After seconds, then an HTTP-date, then X-RateLimit-Reset, then backoff") func rateLimit() async throws {
        let transport = ScriptedTransport([
            Self.status(429, [("Retry-After", "3")]),
            Self.status(429, [("Retry-After", "Mon, 12 Jan 1970 13:46:45 GMT")]),  // 5 s after the fake wall clock
            Self.status(429, [("X-RateLimit-Reset", "0.25")]),
            Self.status(429),
            .success(Self.ok),
        ])
        let clock = FakeClock()
        _ = try await client(transport, clock).smtpSettings()
        #expect(transport.count == 5)
        #expect(clock.waits == [3, 5, 0.25, 4])  // backoff: 0.5 × 2³ = 4, full jitter given as its ceiling
    }

    @Test("502/503/504 and dropped connections retried for GETs, at most 5 times; a PATCH's 5xx is an unknown outcome, not re-sent") func serverErrors() async throws {
        let transport = ScriptedTransport([Self.status(502), Self.status(503), .failure(TransportError(.dropped, "closed")), Self.status(504), .success(Self.ok)])
        let clock = FakeClock()
        _ = try await client(transport, clock).smtpSettings()
        #expect(clock.waits == [0.5, 1, 2, 4])
        let many = ScriptedTransport(Array(repeating: Self.status(503), count: 10))
        let error = await failure { try await client(many, FakeClock()).organization("my-org") }
        #expect(many.count == 6)
        #expect(error == .server(status: 503, detail: "injected"))
        let patch = ScriptedTransport([Self.status(503), .success(HTTPResponse(status: 200, body: Data(#"{"data":{"id":"my-org","type":"organizations","attributes":{"name":"my-org"}}}"#.utf8)))])
        let unknown = await failure { try await client(patch, FakeClock()).updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil) }
        #expect(patch.count == 1)
        #expect(unknown?.leavesWriteOutcomeUnknown == true)
    }

    @Test("the SMTP PATCH is never retried; its 401/500/504 are the relay's") func smtpNeverRetried() async throws {
        for code in [401, 500, 503, 504, 429] {
            let transport = ScriptedTransport([Self.status(code), .success(Self.ok)])
            let error = await failure { try await client(transport, FakeClock()).updateSMTPSettings(SMTPSettingsUpdate(port: 587), current: nil) }
            // Only the PATCH counts: after a 401 one GET of the account tells a revoked token from the relay.
            #expect(transport.requests.filter { $0.method == "PATCH" }.count == 1, "status \(code)")
            switch code {
            case 401, 500, 504: #expect(error == .smtpRelay(status: code, detail: "injected"))
            case 429: #expect(error == .rateLimited(retryAfter: nil))
            default: #expect(error == .server(status: code, detail: "injected"))
            }
        }
        let relay = TFEError.smtpRelay(status: 401, detail: "x").description
        #expect(relay.contains("Your API token is fine"))
    }

    @Test("retries stop at the total deadline") func deadline() async throws {
        let transport = ScriptedTransport([Self.status(429, [("Retry-After", "100")]), Self.status(429, [("Retry-After", "100")]), .success(Self.ok)])
        let error = await failure { try await client(transport, FakeClock()).smtpSettings() }
        #expect(transport.count == 2)
        #expect(error == .rateLimited(retryAfter: 100))
    }

    @Test("timeouts and TLS failures are not retried, and carry a hint") func transportErrors() async throws {
        let transport = ScriptedTransport([.failure(TransportError(.tls, "certificate verify failed")), .success(Self.ok)])
        let error = await failure { try await client(transport, FakeClock()).smtpSettings() }
        #expect(transport.count == 1)
        #expect(error?.remedy == .trustPrivateCA)
        #expect(error?.commandLineDescription.contains("--ca-cert") == true)
    }

    @Test("every request carries the contract's headers; the token goes only to the configured host") func headers() async throws {
        let transport = ScriptedTransport([.success(Self.ok), .success(Self.ok)])
        let c = try client(transport, FakeClock())
        _ = try await c.smtpSettings()
        _ = try await c.updateSMTPSettings(SMTPSettingsUpdate(port: 2525), current: nil)
        let get = transport.requests[0], patch = transport.requests[1]
        #expect(get.url.absoluteString == "https://tfe.example.com/api/v2/admin/smtp-settings")
        #expect(get.headers.contains { $0 == ("Authorization", "Bearer fake-token") })
        #expect(get.headers.contains { $0 == ("Accept", "application/vnd.api+json") })
        #expect(get.headers.contains { $0.0 == "User-Agent" && $0.1.hasPrefix("tfe-setup/") })
        #expect(!get.headers.contains { $0.0 == "Content-Type" })
        #expect(patch.headers.contains { $0 == ("Content-Type", "application/vnd.api+json") })
        #expect(transport.requests.allSatisfy { $0.url.host == "tfe.example.com" })
    }
}
