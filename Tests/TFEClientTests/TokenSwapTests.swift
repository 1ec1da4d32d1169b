import Foundation
import Testing
import TestSupport
import TFEClient

/// A client can start without a token (a fresh installation has none) and switch to one later.
@Suite("Clients without a token, and switching tokens")
struct TokenSwapTests {
    /// Records each request's Authorization header (nil when it has none) on its way through.
    final class AuthorizationRecorder: HTTPTransport, @unchecked Sendable {
        let inner: any HTTPTransport
        private let lock = NSLock()
        private var seen: [String?] = []
        init(_ inner: any HTTPTransport) { self.inner = inner }
        var authorizations: [String?] { lock.withLock { seen } }
        func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
            lock.withLock { seen.append(request.headers.first { $0.0.lowercased() == "authorization" }?.1) }
            return try await inner.execute(request, timeout: timeout)
        }
        func shutdown() async {}
    }

    @Test("without a token no Authorization header goes out (not an empty Bearer); using(token:) sends the new one, same server and pace")
    func tokenlessThenToken() async throws {
        try await SandboxFixture.with { f in
            let recorder = AuthorizationRecorder(f.transport)
            let configuration = try ClientConfiguration(address: URL(string: f.server.address)!, token: SecretString(""))
            let limiter = RateLimiter()
            let none = TFEClient(configuration: configuration, transport: recorder, environment: .instant, limiter: limiter)
            _ = try await none.ping()
            #expect(recorder.authorizations == [nil], "\(recorder.authorizations)")
            let error = await failure { try await none.accountDetails() }
            if case .unauthorized? = error {} else { Issue.record("a token-less account read is refused: \(String(describing: error))") }

            let admin = none.using(token: SecretString(f.token(.siteAdmin)))
            let account = try await admin.accountDetails()
            #expect(account.isSiteAdmin)
            #expect(recorder.authorizations.last == "Bearer \(f.token(.siteAdmin))")
            #expect(admin.configuration.address == none.configuration.address && admin.limiter === limiter, "the same server and pace")
            #expect(none.configuration.token.isEmpty, "the first client is unchanged")
        }
    }
}
