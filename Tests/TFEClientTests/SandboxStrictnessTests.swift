import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// One case per strictness rule: the request sent, the status and pointer expected.
struct StrictCase: Sendable, CustomTestStringConvertible {
    var name: String
    var method = "PATCH"
    var path: String
    var contentType: String? = "application/vnd.api+json"
    var body: String
    var status: Int
    var pointer: String? = nil
    var detail: String? = nil
    var testDescription: String { name }
}

@Suite("Sandbox strictness")
struct SandboxStrictnessTests {
    static let smtp = "/api/v2/admin/smtp-settings"
    static let org = "/api/v2/organizations/my-org"
    static let ttl = "/api/v2/organizations/my-org/token-ttl-policies"
    static func smtpBody(_ attributes: String) -> String { #"{"data":{"type":"smtp-settings","attributes":{\#(attributes)}}}"# }
    static func orgBody(_ attributes: String, _ relationships: String? = nil) -> String {
        #"{"data":{"type":"organizations","attributes":{\#(attributes)}\#(relationships.map { #","relationships":{\#($0)}"# } ?? "")}}"#
    }
    static func ttlBody(_ entries: String) -> String { #"{"data":{"type":"organization-token-ttl-policies","attributes":{"token-ttl-policies":[\#(entries)]}}}"# }

    static let cases: [StrictCase] = [
        StrictCase(name: "415 without the JSON:API content type", path: smtp, contentType: "application/json", body: smtpBody(#""port":587"#), status: 415),
        StrictCase(name: "415 even with an empty body", path: org, contentType: nil, body: "", status: 415),
        StrictCase(name: "SMTP wrong type", path: smtp, body: #"{"data":{"type":"smtp","attributes":{"port":587}}}"#, status: 422, pointer: "/data/type"),
        StrictCase(name: "organization wrong type", path: org, body: #"{"data":{"type":"orgs","attributes":{}}}"#, status: 422, pointer: "/data/type"),
        StrictCase(name: "TTL wrong type", path: ttl, body: #"{"data":{"type":"token-ttl-policies","attributes":{"token-ttl-policies":[]}}}"#, status: 422, pointer: "/data/type"),
        StrictCase(name: "SMTP unknown attribute", path: smtp, body: smtpBody(#""portt":587"#), status: 422, pointer: "/data/attributes/portt"),
        StrictCase(name: "SMTP mistyped port", path: smtp, body: smtpBody(#""port":"587""#), status: 422, pointer: "/data/attributes/port"),
        StrictCase(name: "SMTP mistyped enabled", path: smtp, body: smtpBody(#""enabled":"true""#), status: 422, pointer: "/data/attributes/enabled"),
        StrictCase(name: "SMTP auth outside its values", path: smtp, body: smtpBody(#""auth":"cram-md5""#), status: 422, pointer: "/data/attributes/auth"),
        StrictCase(name: "SMTP port 0", path: smtp, body: smtpBody(#""port":0"#), status: 422, pointer: "/data/attributes/port"),
        StrictCase(name: "SMTP port 65536", path: smtp, body: smtpBody(#""port":65536"#), status: 422, pointer: "/data/attributes/port"),
        StrictCase(name: "SMTP null is never a value", path: smtp, body: smtpBody(#""host":null"#), status: 422, pointer: "/data/attributes/host"),
        StrictCase(name: "SMTP enabled without host", path: smtp, body: smtpBody(#""enabled":true,"sender":"a@example.com""#), status: 422, pointer: "/data/attributes/host"),
        StrictCase(name: "SMTP login without password", path: smtp,
                   body: smtpBody(#""enabled":true,"host":"smtp.example.com","sender":"a@example.com","auth":"login","username":"bot""#),
                   status: 422, pointer: "/data/attributes/password"),
        StrictCase(name: "organization mode outside its values", path: org, body: orgBody(#""default-execution-mode":"hybrid""#), status: 422, pointer: "/data/attributes/default-execution-mode"),
        StrictCase(name: "organization mistyped max-ttl-enabled", path: org, body: orgBody(#""max-ttl-enabled":"yes""#), status: 422, pointer: "/data/attributes/max-ttl-enabled"),
        StrictCase(name: "organization pool while the mode is not agent", path: org,
                   body: orgBody(#""default-execution-mode":"remote""#, #""default-agent-pool":{"data":{"type":"agent-pools","id":"apool-abc123"}}"#),
                   status: 422, pointer: "/data/relationships/default-agent-pool", detail: "must not be specified unless using 'agent' execution mode"),
        StrictCase(name: "organization pool attribute while the mode is not agent", path: org, body: orgBody(#""default-agent-pool-id":"apool-abc123""#),
                   status: 422, pointer: "/data/attributes/default-agent-pool-id", detail: "must not be specified unless using 'agent' execution mode"),
        StrictCase(name: "organization unknown pool id", path: org,
                   body: orgBody(#""default-execution-mode":"agent""#, #""default-agent-pool":{"data":{"type":"agent-pools","id":"apool-nope00"}}"#),
                   status: 422, pointer: "/data/relationships/default-agent-pool"),
        StrictCase(name: "organization agent mode with no pool", path: org, body: orgBody(#""default-execution-mode":"agent""#), status: 422, pointer: "/data/relationships/default-agent-pool"),
        StrictCase(name: "TTL array-shaped PATCH (pytfe's form)", path: ttl,
                   body: #"{"data":[{"type":"organization-token-ttl-policies","attributes":{"token-type":"team","max-ttl-ms":1000}}]}"#, status: 422, pointer: "/data"),
        StrictCase(name: "TTL token type with a hyphen (audit-trails)", path: ttl, body: ttlBody(#"{"token-type":"audit-trails","max-ttl-ms":1000}"#),
                   status: 422, pointer: "/data/attributes/token-ttl-policies/0/token-type"),
        StrictCase(name: "TTL unknown token type", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":5},{"token-type":"robots","max-ttl-ms":5}"#),
                   status: 422, pointer: "/data/attributes/token-ttl-policies/1/token-type"),
        StrictCase(name: "TTL zero", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":0}"#), status: 422, pointer: "/data/attributes/token-ttl-policies/0/max-ttl-ms"),
        StrictCase(name: "TTL negative", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":-5}"#), status: 422, pointer: "/data/attributes/token-ttl-policies/0/max-ttl-ms"),
        StrictCase(name: "TTL not an integer", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":1.5}"#), status: 422, pointer: "/data/attributes/token-ttl-policies/0/max-ttl-ms"),
        StrictCase(name: "TTL a string", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":"90d"}"#), status: 422, pointer: "/data/attributes/token-ttl-policies/0/max-ttl-ms"),
        StrictCase(name: "TTL unknown attribute", path: ttl, body: #"{"data":{"type":"organization-token-ttl-policies","attributes":{"token-ttl-policies":[{"token-type":"team","max-ttl-ms":5}],"extra":1}}}"#,
                   status: 422, pointer: "/data/attributes/extra"),
        StrictCase(name: "TTL unknown key in a policy", path: ttl, body: ttlBody(#"{"token-type":"team","max-ttl-ms":5,"ttl":5}"#), status: 422, pointer: "/data/attributes/token-ttl-policies/0/ttl"),
        StrictCase(name: "TTL empty list", path: ttl, body: ttlBody(""), status: 422, pointer: "/data/attributes/token-ttl-policies"),
        StrictCase(name: "not JSON", path: org, body: "{not json", status: 400),
    ]

    @Test("each rule", arguments: cases)
    func rule(_ c: StrictCase) async throws {
        try await SandboxFixture.with { f in
            let before = await f.server.store.state
            let (status, json, _) = try await f.raw(c.method, c.path, contentType: c.contentType, body: c.body)
            #expect(status == c.status)
            if let pointer = c.pointer { #expect(SandboxFixture.pointer(json) == pointer) }
            if let detail = c.detail { #expect(SandboxFixture.detail(json).contains(detail)) }
            #expect(await f.server.store.state == before, "a refused write changed the state")
        }
    }

    @Test("accepted: the pool attribute form, an empty organization PATCH, extra organization attributes") func accepted() async throws {
        try await SandboxFixture.with { f in
            let before = await f.server.store.state
            var r = try await f.raw("PATCH", Self.org, body: #"{"data":{"type":"organizations"}}"#)
            #expect(r.status == 200)
            r = try await f.raw("PATCH", Self.org, body: Self.orgBody(#""email":"x@example.com","collaborator-auth-policy":"password""#))
            #expect(r.status == 200)
            #expect(await f.server.store.state == before)
            r = try await f.raw("PATCH", Self.org, body: Self.orgBody(#""default-execution-mode":"agent","default-agent-pool-id":"apool-def456""#))
            #expect(r.status == 200)
            #expect(r.json?["data"]?["relationships"]?["default-agent-pool"]?["data"]?["id"] == .string("apool-def456"))
            // Switching the mode away from agent clears the pool by itself.
            r = try await f.raw("PATCH", Self.org, body: Self.orgBody(#""default-execution-mode":"local""#))
            #expect(r.json?["data"]?["relationships"]?["default-agent-pool"]?["data"] == .null)
            #expect(await f.server.store.state.organizations["my-org"]?.defaultAgentPoolID == nil)
        }
    }

    @Test("the SMTP password is never stored in clear") func passwordNotStored() async throws {
        try await SandboxFixture.with { f in
            let r = try await f.raw("PATCH", Self.smtp, body: Self.smtpBody(#""enabled":true,"host":"smtp.example.com","sender":"a@example.com","auth":"plain","username":"bot","password":"fake-stored-pw""#))
            #expect(r.status == 200)
            let state = await f.server.store.state
            #expect(state.smtp.passwordSet)
            #expect(!String(decoding: state.jsonData(), as: UTF8.self).contains("fake-stored-pw"))
            var dumped = ""
            dump(state, to: &dumped)
            #expect(!dumped.contains("fake-stored-pw"))
            #expect(r.json?["data"]?["attributes"]?["password"] == nil)
        }
    }

    @Test("as lenient as the real server: an SMTP body without type; login credentials not needed while disabled and untested")
    func realServerLeniency() async throws {
        try await SandboxFixture.with { f in
            let noType = try await f.raw("PATCH", "/api/v2/admin/smtp-settings", body: #"{"data":{"attributes":{"port":2525}}}"#)
            #expect(noType.status == 200)
            #expect(await f.server.store.state.smtp.port == 2525)
            let disabled = try await f.raw("PATCH", "/api/v2/admin/smtp-settings", body: Self.smtpBody(#""enabled":false,"auth":"login""#))
            #expect(disabled.status == 200, "\(String(describing: disabled.json))")
            #expect(await f.server.store.state.smtp.auth == "login")
            let tested = try await f.raw("PATCH", "/api/v2/admin/smtp-settings", body: Self.smtpBody(#""test-email-address":"ops@example.com""#))
            #expect(tested.status == 422, "a relay test needs the credentials")
        }
    }
}
