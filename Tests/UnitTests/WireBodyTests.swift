import Foundation
import Testing
@testable import TFEClient

/// The exact bodies sent for the seed scenario's values, field by field against the contract.
@Suite("Request bodies (seed scenario)")
struct WireBodyTests {
    func json<T: Encodable>(_ value: T) throws -> JSONValue {
        try #require(JSONValue.parse(WireEncoding.encoder().encode(value)))
    }

    @Test("SMTP with login and a test email") func smtp() throws {
        let update = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                        username: "smtp-bot", password: SecretString("fake-smtp-password-1"), testEmailAddress: "ops@example.com")
        let body = try json(WireEncoding.smtpBody(update))
        let data = try #require(body["data"]?.objectValue)
        #expect(data.keys.sorted() == ["attributes", "type"])
        #expect(data["type"] == .string("smtp-settings"))
        #expect(data["attributes"] == .object([
            "enabled": .bool(true), "host": .string("smtp.example.com"), "port": .integer(587),
            "sender": .string("noreply@example.com"), "auth": .string("login"), "username": .string("smtp-bot"),
            "password": .string("fake-smtp-password-1"), "test-email-address": .string("ops@example.com"),
        ]))
    }

    @Test("SMTP: only the values set; an empty password is left out; never null") func smtpMinimal() throws {
        let body = try json(WireEncoding.smtpBody(SMTPSettingsUpdate(port: 2525, password: SecretString(""))))
        #expect(body["data"]?["attributes"] == .object(["port": .integer(2525)]))
        #expect(!(try WireEncoding.encoder().encode(WireEncoding.smtpBody(SMTPSettingsUpdate(port: 1)))).contains(Data("null".utf8)))
    }

    @Test("mode agent + pool + max-ttl-enabled in ONE organization PATCH") func organization() throws {
        let body = try json(WireEncoding.organizationBody(OrganizationDefaultsUpdate(mode: .agent, agentPool: .set("apool-abc123"), maxTTLEnabled: true)))
        #expect(body == .object(["data": .object([
            "type": .string("organizations"),
            "attributes": .object(["default-execution-mode": .string("agent"), "max-ttl-enabled": .bool(true)]),
            "relationships": .object(["default-agent-pool": .object(["data": .object(["type": .string("agent-pools"), "id": .string("apool-abc123")])])]),
        ])]))
    }

    @Test("the pool's three intents") func poolIntents() throws {
        let unchanged = try json(WireEncoding.organizationBody(.init(maxTTLEnabled: false)))
        #expect(unchanged["data"]?["relationships"] == nil)
        let cleared = try json(WireEncoding.organizationBody(.init(mode: .remote, agentPool: .clear)))
        #expect(cleared["data"]?["relationships"] == nil)
        #expect(cleared["data"]?["attributes"] == .object(["default-execution-mode": .string("remote")]))
    }

    @Test("the four TTLs in one spec-form PATCH") func ttl() throws {
        let update = TokenTTLUpdate([
            .organization: try TTLDuration.parse("1y"), .team: try TTLDuration.parse("90d"),
            .user: try TTLDuration.parse("30d"), .auditTrails: try TTLDuration.parse("2y"),
        ])
        let body = try json(WireEncoding.tokenTTLBody(update))
        #expect(body == .object(["data": .object([
            "type": .string("organization-token-ttl-policies"),
            "attributes": .object(["token-ttl-policies": .array([
                .object(["token-type": .string("organization"), "max-ttl-ms": .integer(31_536_000_000)]),
                .object(["token-type": .string("team"), "max-ttl-ms": .integer(7_776_000_000)]),
                .object(["token-type": .string("user"), "max-ttl-ms": .integer(2_592_000_000)]),
                .object(["token-type": .string("audit_trails"), "max-ttl-ms": .integer(63_072_000_000)]),
            ])]),
        ])]))
    }

    @Test("422 pointers map to field keys") func pointers() {
        #expect(WireEncoding.smtpField(forPointer: "/data/attributes/port") == .smtpPort)
        #expect(WireEncoding.smtpField(forPointer: "/data/attributes/test-email-address") == .smtpTestEmail)
        #expect(WireEncoding.smtpField(forPointer: "/data/attributes/nope") == nil)
        #expect(WireEncoding.organizationField(forPointer: "/data/relationships/default-agent-pool") == .agentPool)
        #expect(WireEncoding.organizationField(forPointer: "/data/attributes/default-agent-pool-id") == .agentPool)
        #expect(WireEncoding.organizationField(forPointer: "/data/attributes/default-execution-mode") == .executionMode)
        #expect(WireEncoding.organizationField(forPointer: "/data/attributes/max-ttl-enabled") == .ttlEnabled)
        #expect(WireEncoding.tokenTTLField(forPointer: "/data/attributes/token-ttl-policies/1/max-ttl-ms", sent: [.team, .auditTrails]) == .ttl(.auditTrails))
        #expect(WireEncoding.tokenTTLField(forPointer: "/data/attributes/token-ttl-policies/7/max-ttl-ms", sent: [.team]) == nil)
    }

    @Test("responses decode; unknown token types are kept; bad bodies are decoding errors") func decoding() throws {
        let ttl = Data(#"{"data":[{"id":"a","type":"organization-token-ttl-policies","attributes":{"token-type":"metrics","max-ttl-ms":5}}]}"#.utf8)
        #expect(try WireDecoding.tokenTTLPolicies(ttl) == [TokenTTLPolicy(id: "a", tokenType: TokenType(rawValue: "metrics"), maxTTLMilliseconds: 5)])
        #expect(throws: TFEError.decoding(what: "token TTL policies", where: "data.[0].attributes.max-ttl-ms")) {
            try WireDecoding.tokenTTLPolicies(Data(#"{"data":[{"id":"a","type":"x","attributes":{"token-type":"team","max-ttl-ms":"5"}}]}"#.utf8))
        }
        #expect(throws: TFEError.self) { try WireDecoding.smtpSettings(Data("<html>".utf8)) }
        let errors = WireDecoding.errors(Data(#"{"errors":[{"status":422,"detail":"bad","source":{"pointer":"/data/attributes/port"}}]}"#.utf8))
        #expect(errors == [JSONAPIError(status: "422", title: nil, detail: "bad", pointer: "/data/attributes/port")])
    }
}
