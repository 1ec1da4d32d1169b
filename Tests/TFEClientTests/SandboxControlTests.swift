import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

@Suite("Sandbox control API")
struct SandboxControlTests {
    @Test("state, requests (redacted), outbox, reset") func basics() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            try await client.updateSMTPSettings(ClientSandboxTests.seedSMTP, current: SMTPSettings())
            let state = try await f.raw("GET", "/_sandbox/state", role: nil).json
            #expect(state?["smtp"]?["host"] == .string("smtp.example.com"))
            #expect(state?["smtp"]?["password_set"] == .bool(true))
            #expect(state?["organizations"]?["my-org"]?["default_agent_pool_id"] == .null)
            #expect(state?["organizations"]?["my-org"]?["token_ttl_ms"]?["audit_trails"] == .integer(63_113_904_000))
            #expect(state?["organizations"]?["my-org"]?["agent_pools"]?.arrayValue?.first == .object(["id": .string("apool-abc123"), "name": .string("primary"), "agent_count": .integer(3)]))

            let requests = try await f.raw("GET", "/_sandbox/requests", role: nil)
            let patch = try #require(requests.json?["requests"]?.arrayValue?.last)
            #expect(patch["method"] == .string("PATCH"))
            #expect(patch["path"] == .string("/api/v2/admin/smtp-settings"))
            #expect(patch["status"] == .integer(200))
            #expect(patch["body"]?["data"]?["attributes"]?["password"] == .string("<redacted>"))
            #expect(patch["body"]?["data"]?["attributes"]?["username"] == .string("smtp-bot"))
            let raw = String(decoding: try await f.transport.execute(HTTPRequest(method: "GET", url: URL(string: f.server.address + "/_sandbox/requests")!, headers: [("Content-Type", "application/json")]), timeout: .seconds(5)).body, as: UTF8.self)
            #expect(!raw.contains("fake-smtp-pass-7f3a"))
            #expect(!raw.contains("\\/"), "slashes are not escaped")

            let outbox = try await f.raw("GET", "/_sandbox/outbox", role: nil).json
            #expect(outbox?["emails"]?.arrayValue?.count == 1)
            let email = outbox?["emails"]?.arrayValue?.first
            #expect(email?["to"] == .string("ops@example.com"))
            #expect(email?["from"] == .string("noreply@example.com"))
            #expect(email?["relay"] == .string("smtp.example.com:587"))
            #expect(email?["username"] == .string("smtp-bot"))

            #expect(try await f.raw("DELETE", "/_sandbox/requests", role: nil).status == 204)
            #expect(try await f.raw("GET", "/_sandbox/requests", role: nil).json?["requests"] == .array([]))
            #expect(try await f.raw("POST", "/_sandbox/reset", role: nil, body: "").status == 204)
            #expect(await f.server.store.state == .defaultSeed)
            #expect(try await f.raw("GET", "/_sandbox/outbox", role: nil).json?["emails"] == .array([]))
        }
    }

    @Test("the relay: .invalid host → 504 and username reject → 401, nothing stored, nothing sent, one request each") func relay() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            var update = ClientSandboxTests.seedSMTP
            update.host = "smtp.example.invalid"
            let timeout = await failure { try await client.updateSMTPSettings(update, current: SMTPSettings()) }
            #expect(timeout == .smtpRelay(status: 504, detail: "Timed out connecting to the SMTP relay smtp.example.invalid:587."))
            #expect(timeout?.description.contains("did not answer in time") == true)
            update.host = "smtp.example.com"
            update.username = "reject"
            let refused = await failure { try await client.updateSMTPSettings(update, current: SMTPSettings()) }
            guard case .smtpRelay(401, _)? = refused else { Issue.record("unexpected \(String(describing: refused))"); return }
            #expect(refused?.description.contains("Your API token is fine") == true)
            #expect(await f.server.store.state.smtp == SandboxState.SMTP())
            #expect(await f.server.store.sentEmails.isEmpty)
            #expect(await f.requests().filter { $0.method == "PATCH" }.map(\.status) == [504, 401])
        }
    }

    @Test("faults: armed, matched by method and path, used count times, then gone") func faults() async throws {
        try await SandboxFixture.with { f in
            let armed = try await f.raw("POST", "/_sandbox/faults", role: nil, contentType: "application/json",
                                        body: #"{"method":"GET","path":"/api/v2/account/details","status":503,"count":2,"headers":{"X-Test":"yes"}}"#)
            #expect(armed.status == 201)
            var r = try await f.raw("PATCH", "/api/v2/account/details", body: "{}")
            #expect(r.status != 503, "method must match")
            r = try await f.raw("GET", "/api/v2/account/details")
            #expect(r.status == 503)
            #expect(r.headers.contains { $0 == ("X-Test", "yes") })
            #expect(try await f.raw("GET", "/api/v2/account/details").status == 503)
            #expect(try await f.raw("GET", "/api/v2/account/details").status == 200)
            _ = try await f.raw("POST", "/_sandbox/faults", role: nil, body: #"{"path":"/api/v2/ping","status":418,"body":"not json at all","count":5}"#)
            let raw = try await f.transport.execute(HTTPRequest(method: "GET", url: URL(string: f.server.address + "/api/v2/ping")!, headers: []), timeout: .seconds(5))
            #expect(raw.status == 418)
            #expect(String(decoding: raw.body, as: UTF8.self) == "not json at all")
            #expect(try await f.raw("DELETE", "/_sandbox/faults", role: nil).status == 204)
            #expect(try await f.raw("GET", "/api/v2/ping").status == 204)
            #expect(try await f.raw("POST", "/_sandbox/faults", role: nil, body: #"{"status":500}"#).status == 400)
        }
    }

    @Test("--state: the state survives a restart; the file holds no token and no password") func statePersistence() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-state-\(UUID().uuidString).json").path
        let tokens = SandboxTokens(siteAdmin: "fake-admin-token-1", owner: "fake-owner-token-1", member: "fake-member-token-1")
        var first = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, statePath: path), tokens: tokens)
        let transport = try AsyncHTTPTransport()
        defer { Task { await transport.shutdown() } }
        func client(_ server: SandboxServer) throws -> TFEClient {
            TFEClient(configuration: try ClientConfiguration(address: URL(string: server.address)!, token: SecretString(tokens.siteAdmin)), transport: transport)
        }
        try await client(first).updateOrganization("my-org", ClientSandboxTests.seedOrg, current: nil)
        try await client(first).updateSMTPSettings(ClientSandboxTests.seedSMTP, current: SMTPSettings())
        await first.stop()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("fake-smtp-pass-7f3a"))
        #expect(!text.contains("fake-admin-token-1"))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        first = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, statePath: path), tokens: tokens)
        let org = try await client(first).organization("my-org")
        #expect(org.defaultAgentPoolID == "apool-abc123")
        #expect(try await client(first).smtpSettings().host == "smtp.example.com")
        await first.stop()
    }
}
