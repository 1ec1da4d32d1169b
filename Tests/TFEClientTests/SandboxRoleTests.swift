import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// One cell of product.md's role matrix.
struct RoleCell: Sendable, CustomTestStringConvertible {
    var method: String
    var path: String
    var body: String?
    /// Status per caller: site-admin, owner, member, no token, unknown token.
    var expected: [Int]
    var testDescription: String { "\(method) \(path)" }
}

@Suite("Sandbox roles, HCP mode, rate limit, latency")
struct SandboxRoleTests {
    static let callers: [(SandboxRole?, String?)] = [(.siteAdmin, nil), (.owner, nil), (.member, nil), (nil, nil), (nil, "fake-unknown-token")]
    static let cells: [RoleCell] = [
        RoleCell(method: "GET", path: "/api/v2/ping", expected: [204, 204, 204, 204, 204]),
        RoleCell(method: "GET", path: "/api/v2/account/details", expected: [200, 200, 200, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/admin/smtp-settings", expected: [200, 404, 404, 401, 401]),
        RoleCell(method: "PATCH", path: "/api/v2/admin/smtp-settings", body: #"{"data":{"type":"smtp-settings","attributes":{"port":587}}}"#, expected: [200, 404, 404, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations", expected: [200, 200, 200, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/admin/organizations", expected: [200, 404, 404, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/my-org", expected: [200, 200, 200, 401, 401]),
        RoleCell(method: "PATCH", path: "/api/v2/organizations/my-org", body: #"{"data":{"type":"organizations","attributes":{"max-ttl-enabled":true}}}"#, expected: [200, 200, 404, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/other-org", expected: [200, 404, 404, 401, 401]),
        RoleCell(method: "PATCH", path: "/api/v2/organizations/other-org", body: #"{"data":{"type":"organizations","attributes":{"max-ttl-enabled":true}}}"#, expected: [404, 404, 404, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/no-such-org", expected: [404, 404, 404, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/my-org/agent-pools", expected: [200, 200, 200, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/my-org/token-ttl-policies", expected: [200, 200, 403, 401, 401]),
        RoleCell(method: "PATCH", path: "/api/v2/organizations/my-org/token-ttl-policies",
                 body: #"{"data":{"type":"organization-token-ttl-policies","attributes":{"token-ttl-policies":[{"token-type":"team","max-ttl-ms":1000}]}}}"#,
                 expected: [200, 200, 403, 401, 401]),
        RoleCell(method: "GET", path: "/api/v2/organizations/other-org/token-ttl-policies", expected: [403, 404, 404, 401, 401]),
    ]

    @Test("role × endpoint", arguments: cells)
    func cell(_ cell: RoleCell) async throws {
        try await SandboxFixture.with { f in
            for ((role, token), expected) in zip(Self.callers, cell.expected) {
                let r = try await f.raw(cell.method, cell.path, role: role, token: token, body: cell.body)
                #expect(r.status == expected, "\(role?.rawValue ?? token ?? "no token")")
            }
        }
    }

    @Test("organizations listed per token; can-update only for owners") func organizationList() async throws {
        try await SandboxFixture.with { f in
            func names(_ role: SandboxRole) async throws -> [String: Bool] {
                let list = try await f.raw("GET", "/api/v2/organizations", role: role).json?["data"]?.arrayValue ?? []
                return Dictionary(uniqueKeysWithValues: list.map { ($0["id"]?.stringValue ?? "", $0["attributes"]?["permissions"]?["can-update"]?.boolValue ?? false) })
            }
            let siteAdmin = try await names(.siteAdmin), owner = try await names(.owner), member = try await names(.member)
            #expect(siteAdmin == ["my-org": true, "other-org": false])
            #expect(owner == ["my-org": true])
            #expect(member == ["my-org": false])
        }
    }

    @Test("--hcp: app name, every admin endpoint 404, the client's clear message") func hcp() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0, hcp: true)) { f in
            let client = try f.client(.siteAdmin)
            #expect(try await client.ping().isHCP)
            #expect(try await f.raw("GET", "/api/v2/admin/smtp-settings").status == 404)
            #expect(try await f.raw("GET", "/api/v2/admin/anything").status == 404)
            let error = await failure { try await client.smtpSettings() }
            #expect(error?.description.contains("HCP Terraform has no admin API") == true)
            #expect(try await client.organization("my-org").canUpdate)
        }
    }

    @Test("--rate-limit: 429 with Retry-After and X-RateLimit-*; the client waits and succeeds") func rateLimit() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 3)) { f in
            var statuses: [Int] = []
            var limited: [(String, String)] = []
            for _ in 0..<4 {
                let r = try await f.raw("GET", "/api/v2/account/details")
                statuses.append(r.status)
                if r.status == 429 { limited = r.headers }
            }
            // The window is one second; all four may not land in the same one, so count.
            if statuses.contains(429) {
                #expect(limited.contains { $0.0 == "Retry-After" && $0.1 == "1" })
                #expect(limited.contains { $0.0 == "X-RateLimit-Limit" && $0.1 == "3" })
                #expect(limited.contains { $0.0 == "X-RateLimit-Reset" })
            }
            // The client: a sleep that really waits the asked seconds, so the window passes.
            let clock = RecordingSleeper()
            let client = try f.client(.owner, environment: clock.environment)
            for _ in 0..<6 { _ = try await client.organization("my-org") }
            #expect(clock.waits.allSatisfy { $0 == 1 })
            let log = await f.requests().filter { $0.path == "/api/v2/organizations/my-org" }
            #expect(log.count == 6 + clock.waits.count)
            #expect(log.filter { $0.status == 429 }.count == clock.waits.count)
        }
    }

    @Test("--latency-ms delays every API request") func latency() async throws {
        try await SandboxFixture.with(SandboxOptions(latencyMs: 120, rateLimit: 0)) { f in
            _ = try await f.raw("GET", "/api/v2/account/details")
            let record = try #require(await f.requests().last)
            #expect(record.endMs - record.startMs >= 120)
        }
    }
}

/// Really sleeps the asked time (rate-limit windows are real time) and records the waits.
final class RecordingSleeper: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []
    var waits: [Double] { lock.withLock { recorded } }
    var environment: RetryEnvironment {
        var e = RetryEnvironment.live
        e.sleep = { s in
            self.lock.withLock { self.recorded.append(s) }
            try await Task.sleep(for: .milliseconds(Int(s * 1000)))
        }
        return e
    }
}
