import CLIWording
import Foundation
import NIOCore
import NIOSSL
import Testing
import TestSupport
import TFESandbox
@testable import TFEClient

/// A write is sent again only when it provably never reached the server; everything else that
/// ends it without an answer is an unknown outcome, said as such. And no error, whatever path it
/// takes to a message, carries a secret of the request that caused it.
@Suite("Writes: sent once unless provably unsent; errors carry no secret")
struct WriteOutcomeTests {
    static func client(_ transport: ScriptedTransport) throws -> TFEClient {
        TFEClient(configuration: try ClientConfiguration(address: URL(string: "https://tfe.example.com")!, token: SecretString("fake-token-write-1")),
                  transport: transport, environment: FakeClock().environment)
    }

    static let orgAnswer = HTTPResponse(status: 200, body: Data(#"{"data":{"id":"my-org","type":"organizations","attributes":{"name":"my-org"}}}"#.utf8))

    @Test("a reset, a refused connection, an unclean TLS close: only what happens before a connection exists counts as unsent")
    func classification() {
        #expect(AsyncHTTPTransport.classify(IOError(errnoCode: ECONNRESET, reason: "read")).kind == .dropped)
        #expect(AsyncHTTPTransport.classify(IOError(errnoCode: EPIPE, reason: "write")).kind == .dropped)
        #expect(AsyncHTTPTransport.classify(IOError(errnoCode: ECONNREFUSED, reason: "connect")).kind == .connect)
        #expect(AsyncHTTPTransport.classify(NIOSSLError.uncleanShutdown).kind == .dropped)
        #expect(TransportError(.connect, "x").provablyNotSent && TransportError(.tls, "x").provablyNotSent)
        for kind in [TransportError.Kind.dropped, .timeout, .cancelled, .other, .tooLarge] {
            #expect(!TransportError(kind, "x").provablyNotSent, "\(kind)")
        }
    }

    @Test("an organization PATCH that met a drop or a 5xx is not sent again by the client: its outcome is unknown")
    func patchNotResent() async throws {
        for first in [Result<HTTPResponse, TransportError>.failure(TransportError(.dropped, "reset")), RetryTests.status(502), RetryTests.status(503),
                      .failure(TransportError(.timeout, "no answer in time"))] {
            let transport = ScriptedTransport([first, .success(Self.orgAnswer)])
            let error = await failure { try await Self.client(transport).updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil) }
            #expect(transport.count == 1, "\(first)")
            #expect(error?.leavesWriteOutcomeUnknown == true, "\(String(describing: error))")
        }
        // A 429 is the server's refusal: nothing was done, so the same write goes again.
        let limited = ScriptedTransport([RetryTests.status(429, [("Retry-After", "1")]), .success(Self.orgAnswer)])
        _ = try await Self.client(limited).updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil)
        #expect(limited.count == 2)
        // Reads are still retried after a drop.
        let read = ScriptedTransport([.failure(TransportError(.dropped, "reset")), .success(Self.orgAnswer)])
        _ = try await Self.client(read).organization("my-org")
        #expect(read.count == 2)
    }

    @Test("a reset after the server created the first admin: one POST, the outcome unknown, no claim that nothing was created")
    func firstAdminReset() async throws {
        try await SandboxFixture.with(FirstInstallClientTests.fresh()) { f in
            let client = try FirstInstallClientTests.tokenless(f)
            let iact = try await client.retrieveIACT()
            await f.server.store.arm(SandboxFault(method: "POST", path: APIPath.initialAdminUser, status: 200, drop: .reset, after: true))
            let error = await failure {
                try await client.createInitialAdmin(iact: iact, username: "admin", email: "admin@example.com", password: SecretString("fake-admin-password-7"))
            }
            #expect(await f.requests().filter { $0.path == APIPath.initialAdminUser }.count == 1, "the POST went once")
            #expect(error?.leavesWriteOutcomeUnknown == true, "\(String(describing: error))")
            let text = error?.description ?? ""
            #expect(!text.contains("nothing") && !text.contains(iact.exposedValue), "\(text)")
        }
    }

    @Test("a reset after the server saved the SMTP settings: one PATCH, one test email")
    func smtpReset() async throws {
        try await SandboxFixture.with { f in
            await f.server.store.arm(SandboxFault(method: "PATCH", path: APIPath.smtpSettings, status: 200, drop: .reset, after: true))
            let update = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .none,
                                            testEmailAddress: "ops@example.com")
            let error = await failure { try await f.client(.siteAdmin).updateSMTPSettings(update, current: nil) }
            #expect(error?.leavesWriteOutcomeUnknown == true, "\(String(describing: error))")
            #expect(await f.requests().filter { $0.method == "PATCH" }.count == 1)
            #expect(await f.server.store.sentEmails.count == 1, "one test email")
        }
    }

    @Test("a redirect of the first-admin POST: the Location's query (the IACT) never reaches the message")
    func redirectHidesIACT() async throws {
        try await SandboxFixture.with(FirstInstallClientTests.fresh()) { f in
            let client = try FirstInstallClientTests.tokenless(f)
            let iact = try await client.retrieveIACT()
            await f.server.store.arm(SandboxFault(method: "POST", path: APIPath.initialAdminUser, status: 307,
                                                  headers: ["Location": "https://user:pw@elsewhere.example/admin/initial-admin-user?token=\(iact.exposedValue)"]))
            let error = await failure {
                try await client.createInitialAdmin(iact: iact, username: "admin", email: "admin@example.com", password: SecretString("fake-admin-password-7"))
            }
            let text = (error?.description ?? "") + (error?.commandLineDescription ?? "")
            #expect(text.contains("elsewhere.example"), "\(text)")
            #expect(!text.contains(iact.exposedValue) && !text.contains("user:pw"), "\(text)")
        }
    }

    @Test("secrets a server echoes in any error: the IACT in a 401, the admin password in a 403, the SMTP password in the relay's 401")
    func echoedSecrets() async throws {
        try await SandboxFixture.with(FirstInstallClientTests.fresh()) { f in
            let client = try FirstInstallClientTests.tokenless(f)
            let iact = try await client.retrieveIACT()
            for status in [401, 403] {
                let body = #"{"errors":[{"status":"\#(status)","title":"no","detail":"token \#(iact.exposedValue) and fake-admin-password-7 refused"}]}"#
                await f.server.store.arm(SandboxFault(method: "POST", path: APIPath.initialAdminUser, status: status, body: body))
                let error = await failure {
                    try await client.createInitialAdmin(iact: iact, username: "admin", email: "admin@example.com", password: SecretString("fake-admin-password-7"))
                }
                let text = error?.description ?? ""
                #expect(text.contains("refused") && !text.contains(iact.exposedValue) && !text.contains("fake-admin-password-7"), "\(status): \(text)")
            }
        }
        try await SandboxFixture.with { f in
            let body = #"{"errors":[{"status":"401","title":"relay","detail":"535 auth failed for smtp-bot/fake-smtp-pw-echo-9"}]}"#
            await f.server.store.arm(SandboxFault(method: "PATCH", path: APIPath.smtpSettings, status: 401, body: body))
            let update = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                            username: "smtp-bot", password: SecretString("fake-smtp-pw-echo-9"))
            let error = await failure { try await f.client(.siteAdmin).updateSMTPSettings(update, current: nil) }
            let text = error?.description ?? ""
            #expect(text.contains("535 auth failed") && !text.contains("fake-smtp-pw-echo-9"), "\(text)")
        }
    }
}
