import CLIWording
import Foundation
import Testing
import TestSupport
import SetupKit
@testable import TFEClient
@testable import TFESandbox

/// The client's error paths, produced by the sandbox's faults over real loopback HTTP.
@Suite("Client error paths through the sandbox")
struct ClientErrorPathTests {
    func arm(_ f: SandboxFixture, _ json: String) async throws {
        #expect(try await f.raw("POST", "/_sandbox/faults", role: nil, body: json).status == 201)
    }

    @Test("422 pointers arrive as field keys") func pointers() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            let pool = await failure { try await client.updateOrganization("my-org", .init(mode: .agent, agentPool: .set("apool-nope00")), current: nil) }
            #expect(pool?.fieldKeys == [.agentPool])
            try await arm(f, #"{"method":"PATCH","path":"/api/v2/organizations/my-org/token-ttl-policies","status":422,"body":"{\"errors\":[{\"status\":\"422\",\"detail\":\"too long\",\"source\":{\"pointer\":\"/data/attributes/token-ttl-policies/1/max-ttl-ms\"}}]}"}"#)
            let ttl = await failure { try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.team: 1000, .user: 2000])) }
            #expect(ttl?.fieldKeys == [.ttl(.user)])
            #expect(ttl?.description.contains("token_ttl.user: too long") == true)
            try await arm(f, #"{"method":"PATCH","path":"/api/v2/admin/smtp-settings","status":422,"body":"{\"errors\":[{\"status\":\"422\",\"detail\":\"port blocked\",\"source\":{\"pointer\":\"/data/attributes/port\"}},{\"detail\":\"odd\",\"source\":{\"pointer\":\"/data/attributes/unknown\"}}]}"}"#)
            let smtp = await failure { try await client.updateSMTPSettings(SMTPSettingsUpdate(port: 2525), current: nil) }
            #expect(smtp == .unprocessable([
                .init(field: .smtpPort, pointer: "/data/attributes/port", message: "port blocked"),
                .init(field: nil, pointer: "/data/attributes/unknown", message: "odd"),
            ]))
        }
    }

    @Test("429 retried after Retry-After, then success") func rateLimited() async throws {
        try await SandboxFixture.with { f in
            try await arm(f, #"{"path":"/api/v2/organizations/my-org","status":429,"headers":{"Retry-After":"2"}}"#)
            let clock = FakeClock()
            let client = try f.client(.owner, environment: clock.environment)
            #expect(try await client.organization("my-org").name == "my-org")
            #expect(clock.waits == [2])
            #expect(await f.requests().map(\.status) == [429, 200])
        }
    }

    @Test("503 retried for a GET; a PATCH's 503 leaves its outcome unknown and is not re-sent by the client (the applier reads first); the SMTP PATCH never") func serviceUnavailable() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            try await arm(f, #"{"method":"GET","path":"/api/v2/organizations/my-org/agent-pools","status":503,"count":2}"#)
            #expect(try await client.agentPools("my-org").count == 3)
            try await arm(f, #"{"method":"PATCH","path":"/api/v2/organizations/my-org","status":503}"#)
            let unknown = await failure { try await client.updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil) }
            #expect(unknown?.leavesWriteOutcomeUnknown == true)
            #expect(try await client.updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil).maxTTLEnabled)
            try await arm(f, #"{"method":"PATCH","path":"/api/v2/admin/smtp-settings","status":503,"count":3}"#)
            let error = await failure { try await client.updateSMTPSettings(SMTPSettingsUpdate(port: 2525), current: nil) }
            guard case .server(503, _)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
            let statuses = await f.requests().map { "\($0.method) \($0.status)" }
            #expect(statuses == ["GET 503", "GET 503", "GET 200", "PATCH 503", "PATCH 200", "PATCH 503"])
        }
    }

    @Test("a dropped connection (before the answer, or mid-body) is a transport error with a hint") func dropped() async throws {
        try await SandboxFixture.with { f in
            var configuration = try f.client(.siteAdmin).configuration
            configuration.timeout = .seconds(5)
            let client = TFEClient(configuration: configuration, transport: f.transport, environment: .instant)
            for drop in ["before_response", "mid_body"] {
                try await arm(f, #"{"path":"/api/v2/account/details","status":200,"drop":"\#(drop)","count":6}"#)
                let error = await failure { try await client.accountDetails() }
                guard case .transport? = error, let hint = error?.commandLineDescription else { Issue.record("\(drop): unexpected \(String(describing: error))"); continue }
                // Seen once under heavy parallel load: AsyncHTTPClient noticed the closed socket only at
                // its timeout. Still a transport error with a hint; see the closing note of that session.
                let timedOut = drop == "before_response" && hint.contains("--timeout")
                #expect(hint.contains("connection closed mid-answer") || timedOut, "\(drop): \(String(describing: error))")
                #expect(try await f.raw("DELETE", "/_sandbox/faults", role: nil).status == 204)
            }
            // Retried as an idempotent request: each drop was tried again.
            #expect(await f.requests().filter { $0.path == "/api/v2/account/details" }.count >= 7)
        }
    }

    @Test("a response slower than the timeout is a transport error with a hint") func timeout() async throws {
        try await SandboxFixture.with { f in
            try await arm(f, #"{"path":"/api/v2/account/details","status":200,"delay_ms":3000}"#)
            var configuration = try f.client(.siteAdmin).configuration
            configuration.timeout = .milliseconds(300)
            let client = TFEClient(configuration: configuration, transport: f.transport, environment: .instant)
            let error = await failure { try await client.accountDetails() }
            guard case .transport? = error, let hint = error?.commandLineDescription else { Issue.record("unexpected \(String(describing: error))"); return }
            #expect(hint.contains("--timeout"))
        }
    }

    @Test("a malformed, non-JSON or wrongly shaped body is a decoding error") func malformed() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            for body in [#"<html>oops</html>"#, #"{"data":{"id":"smtp","type":"smtp-settings","attributes":{"port":"25"}}}"#, #"{"data":"#, ""] {
                let escaped = JSONValue.string(body).jsonText
                try await arm(f, #"{"path":"/api/v2/admin/smtp-settings","status":200,"body":\#(escaped)}"#)
                let error = await failure { try await client.smtpSettings() }
                guard case .decoding(let what, _)? = error else { Issue.record("unexpected \(String(describing: error)) for \(body)"); continue }
                #expect(what == "smtp-settings")
            }
            let error = await failure { try await client.smtpSettings() }
            #expect(error == nil)
        }
    }
}
