import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// The client against the sandbox over real loopback HTTP: every operation, as each role.
@Suite("Client ↔ sandbox")
struct ClientSandboxTests {
    static let seedSMTP = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                             username: "smtp-bot", password: SecretString("fake-smtp-pass-7f3a"), testEmailAddress: "ops@example.com")
    static let seedOrg = OrganizationDefaultsUpdate(mode: .agent, agentPool: .set("apool-abc123"), maxTTLEnabled: true)
    static let seedTTL = TokenTTLUpdate([.organization: 31_536_000_000, .team: 7_776_000_000, .user: 2_592_000_000, .auditTrails: 63_072_000_000])

    @Test("site admin: ping, account, SMTP read and update with a test email") func siteAdminSMTP() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            let ping = try await client.ping()
            #expect(ping.appName == "Terraform Enterprise")
            #expect(!ping.isHCP)
            #expect(ping.apiVersion == "2.6")
            #expect(try await client.accountDetails().isSiteAdmin)
            let before = try await client.smtpSettings()
            #expect(before == SMTPSettings())
            let after = try await client.updateSMTPSettings(Self.seedSMTP, current: before)
            #expect(after == SMTPSettings(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login, username: "smtp-bot"))
            #expect(try await client.smtpSettings() == after)
            let emails = await f.server.store.sentEmails
            #expect(emails.map(\.to) == ["ops@example.com"])
            #expect(emails.first?.relay == "smtp.example.com:587")
            let state = await f.server.store.state.smtp
            #expect(state.passwordSet)
        }
    }

    @Test("organization: read, ONE PATCH with mode + pool + max-ttl-enabled, reset clears the pool") func organization() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            let org = try await client.organization("my-org")
            #expect(org.defaultExecutionMode == .remote)
            #expect(org.defaultAgentPoolID == nil)
            #expect(!org.maxTTLEnabled)
            #expect(org.canUpdate)
            let updated = try await client.updateOrganization("my-org", Self.seedOrg, current: org)
            #expect(updated.defaultExecutionMode == .agent)
            #expect(updated.defaultAgentPoolID == "apool-abc123")
            #expect(updated.maxTTLEnabled)
            let patches = await f.requests().filter { $0.method == "PATCH" }
            #expect(patches.count == 1)
            let reset = try await client.resetOrganizationDefaults("my-org")
            #expect(reset.defaultExecutionMode == .remote)
            #expect(reset.defaultAgentPoolID == nil)
            #expect(reset.maxTTLEnabled)
            let body = await f.requests().last?.body
            #expect(body == .object(["data": .object(["type": .string("organizations"), "attributes": .object(["default-execution-mode": .string("remote")])])]))
        }
    }

    @Test("token TTLs: list, spec-form PATCH answered with all four, reset to the SDK default") func ttl() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.owner)
            let before = try await client.tokenTTLPolicies("my-org")
            #expect(before.map(\.tokenType) == TokenType.known)
            #expect(before.allSatisfy { $0.maxTTLMilliseconds == TTLDuration.twoYearsServer })
            let partial = try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.team: 7_776_000_000]))
            #expect(partial.count == 4)
            #expect(partial.first { $0.tokenType == .team }?.maxTTLMilliseconds == 7_776_000_000)
            #expect(partial.first { $0.tokenType == .user }?.maxTTLMilliseconds == TTLDuration.twoYearsServer)
            let all = try await client.updateTokenTTLPolicies("my-org", Self.seedTTL)
            #expect(Dictionary(uniqueKeysWithValues: all.map { ($0.tokenType, $0.maxTTLMilliseconds) }) == Self.seedTTL.milliseconds)
            let reset = try await client.resetTokenTTLPolicies("my-org")
            #expect(reset.allSatisfy { $0.maxTTLMilliseconds == 63_072_000_000 })
        }
    }

    @Test("agent pools and organizations, following pagination") func lists() async throws {
        var seed = SandboxState.defaultSeed
        seed.organizations["my-org"]!.agentPools += (1...230).map { SandboxState.Pool(id: "apool-bulk\($0)", name: "bulk \($0)", agentCount: $0 % 4) }
        for n in 1...120 { seed.organizations["org-\(n)"] = SandboxState.Org() }
        try await SandboxFixture.with(seed: seed) { f in
            let client = try f.client(.siteAdmin)
            let pools = try await client.agentPools("my-org")
            #expect(pools.count == 233)
            #expect(Array(pools.prefix(3)) == [
                AgentPool(id: "apool-abc123", name: "primary", agentCount: 3), AgentPool(id: "apool-def456", name: "gpu", agentCount: 1),
                AgentPool(id: "apool-empty9", name: "spare", agentCount: 0),
            ])
            let pages = await f.requests().filter { $0.path.hasSuffix("/agent-pools") }.map(\.query)
            #expect(pages == ["page%5Bnumber%5D=1&page%5Bsize%5D=100", "page%5Bnumber%5D=2&page%5Bsize%5D=100", "page%5Bnumber%5D=3&page%5Bsize%5D=100"]
                    || pages == ["page[number]=1&page[size]=100", "page[number]=2&page[size]=100", "page[number]=3&page[size]=100"])
            let orgs = try await client.organizations()
            #expect(orgs.count == 122)
            #expect(orgs.first { $0.name == "my-org" }?.canUpdate == true)
            #expect(orgs.first { $0.name == "other-org" }?.canUpdate == false)
        }
    }

    @Test("owner: no admin API, full organization rights") func owner() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.owner)
            #expect(try await client.accountDetails().isSiteAdmin == false)
            await #expect(throws: TFEError.notFound(path: "/api/v2/admin/smtp-settings", message: "SMTP settings are " + TFEError.adminNotAvailable)) {
                try await client.smtpSettings()
            }
            await #expect(throws: TFEError.self) { try await client.updateSMTPSettings(SMTPSettingsUpdate(port: 587), current: nil) }
            #expect(try await client.organization("my-org").canUpdate)
            #expect(try await client.updateOrganization("my-org", .init(maxTTLEnabled: true), current: nil).maxTTLEnabled)
            #expect(try await client.organizations().map(\.name) == ["my-org"])
            await #expect(throws: TFEError.self) { try await client.organization("other-org") }
        }
    }

    @Test("member: reads the organization, and every change is a clear 'not allowed'") func member() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.member)
            let org = try await client.organization("my-org")
            #expect(!org.canUpdate)
            #expect(try await client.agentPools("my-org").count == 3)
            let patch = await failure { try await client.updateOrganization("my-org", .init(maxTTLEnabled: true), current: org) }
            guard case .notFound(_, let message)? = patch else { Issue.record("unexpected \(String(describing: patch))"); return }
            #expect(message.contains("owners team"))
            let read = await failure { try await client.tokenTTLPolicies("my-org") }
            guard case .forbidden? = read else { Issue.record("unexpected \(String(describing: read))"); return }
            #expect(read!.description.contains("not allowed"))
            let write = await failure { try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.team: 1000])) }
            #expect(write?.description.contains("not allowed") == true)
            await #expect(throws: TFEError.notFound(path: "/api/v2/admin/smtp-settings", message: "SMTP settings are " + TFEError.adminNotAvailable)) {
                try await client.smtpSettings()
            }
        }
    }

    @Test("an unknown token is unauthorized") func unknownToken() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(token: "fake-unknown-token")
            let error = await failure { try await client.accountDetails() }
            guard case .unauthorized? = error else { Issue.record("unexpected \(String(describing: error))"); return }
            #expect(error!.description.contains("refused the API token"))
        }
    }

    @Test("empty updates and invalid values never reach the server") func guards() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            await #expect(throws: TFEError.requiredFieldMissing("the SMTP update sets no value")) {
                try await client.updateSMTPSettings(SMTPSettingsUpdate(), current: nil)
            }
            await #expect(throws: TFEError.requiredFieldMissing("the organization update sets neither mode, pool nor max-ttl-enabled")) {
                try await client.updateOrganization("my-org", OrganizationDefaultsUpdate(), current: nil)
            }
            await #expect(throws: TFEError.requiredFieldMissing("the token TTL update sets no token type")) {
                try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate())
            }
            await #expect(throws: TFEError.self) { try await client.updateSMTPSettings(SMTPSettingsUpdate(port: 70000), current: nil) }
            await #expect(throws: TFEError.self) { try await client.updateOrganization("my-org", .init(mode: .local, agentPool: .set("apool-abc123")), current: nil) }
            await #expect(throws: TFEError.self) { try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.team: 0])) }
            await #expect(throws: TFEError.self) { try await client.organization("bad name") }
            #expect(await f.requests().isEmpty)
        }
    }
}
