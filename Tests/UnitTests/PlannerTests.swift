import Foundation
import SetupKit
import Testing
import TestFixtures
@testable import TFEClient

/// The planner on values alone: what changes, what is sent, warnings and refusals.
@Suite("Planner")
struct PlannerTests {
    @Test("the seed scenario: every change, three requests, write-only values marked") func seed() {
        let plan = Planner.plan(Seed.desired, current: Seed.fresh())
        #expect(plan.issues.isEmpty)
        #expect(plan.requests.map(\.path) == ["/api/v2/admin/smtp-settings", "/api/v2/organizations/my-org", "/api/v2/organizations/my-org/token-ttl-policies"])
        let lines = plan.changes.map { $0.reviewLine(poolNames: ["apool-abc123": "primary"]) }
        #expect(lines == [
            "SMTP relay · Enabled: off → on", "SMTP relay · Host: (empty) → smtp.example.com", "SMTP relay · Port: 25 → 587",
            "SMTP relay · Sender: (empty) → noreply@example.com", "SMTP relay · Auth: none → login", "SMTP relay · Username: (empty) → smtp-bot",
            "SMTP relay · Password: (will be sent)", "SMTP relay · Test email address: ops@example.com (one test email; not stored)",
            "Execution defaults · Mode: remote → agent", "Execution defaults · Agent pool: (none) → primary (apool-abc123)",
            "Token TTLs · Enforce max TTL: off → on",
            "Token TTLs · Organization: 2y (default) → 1y", "Token TTLs · Team: 2y (default) → 90d", "Token TTLs · User: 2y (default) → 30d",
            "Token TTLs · Audit trails: 2y (the server's untouched default, 730.485 days) → 2y (730 days)",
        ])
        #expect(plan.changes.first { $0.field == .smtpPort }?.reviewLine(ascii: true) == "SMTP relay - Port: 25 -> 587")
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(mode: .agent, agentPool: .set("apool-abc123"), maxTTLEnabled: true))
        #expect(plan.changes.filter(\.writeOnly).map(\.field) == [.smtpPassword, .smtpTestEmail])
    }

    @Test("only what changes is sent; an already-applied plan without write-only values is empty") func minimal() {
        var current = Seed.fresh()
        current.smtp = SMTPSettings(enabled: true, host: "smtp.example.com", port: 25, sender: "noreply@example.com", auth: .login, username: "smtp-bot")
        var desired = Seed.desired
        desired.smtp?.password = nil
        desired.smtp?.testEmailAddress = nil
        let plan = Planner.plan(desired, current: current)
        #expect(plan.smtp == SMTPSettingsUpdate(port: 587))
        current.smtp?.port = 587
        current.organization = Organization(name: "my-org", defaultExecutionMode: .agent, defaultAgentPoolID: "apool-abc123", maxTTLEnabled: true, canUpdate: true)
        current.tokenTTLPolicies = desired.tokenTTL!.milliseconds.map { TokenTTLPolicy(tokenType: $0.key, maxTTLMilliseconds: $0.value) }
        let none = Planner.plan(desired, current: current)
        #expect(none.isEmpty)
        #expect(none.requests.isEmpty)
    }

    @Test("only changed TTL types go in the TTL PATCH; the switch goes with the organization") func partialTTL() {
        let desired = DesiredSettings(tokenTTL: .init(enabled: true, milliseconds: [.team: 7_776_000_000, .user: TTLDuration.twoYearsServer]))
        let plan = Planner.plan(desired, current: Seed.fresh())
        #expect(plan.tokenTTL == TokenTTLUpdate([.team: 7_776_000_000]))
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(maxTTLEnabled: true))
        #expect(plan.steps == [.organization, .tokenTTL])
    }

    @Test("leaving agent mode shows the pool cleared and sends only the mode") func leavingAgent() {
        var current = Seed.fresh()
        current.organization.defaultExecutionMode = .agent
        current.organization.defaultAgentPoolID = "apool-abc123"
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .remote, agentPool: .clear)), current: current)
        #expect(plan.changes.map(\.field) == [.executionMode, .agentPool])
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(mode: .remote))
    }

    @Test("a pool id not in the organization's (complete) pool list is refused, naming the pools there; nothing of the PATCH is sent")
    func unknownPool() {
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-zzz999")),
                                                tokenTTL: .init(enabled: true)), current: Seed.fresh())
        #expect(plan.issues.contains { $0.field == .agentPool && $0.message.contains("has no agent pool apool-zzz999") && $0.message.contains("primary (apool-abc123)") },
                "\(plan.issues)")
        #expect(!plan.changes.contains { $0.field == .agentPool }, "the unknown id is not planned")
        var none = Seed.fresh()
        none.agentPools = []
        #expect(Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-abc123"))), current: none)
            .issues.contains { $0.message.contains("no agent pools yet") })
    }

    @Test("warnings: a pool with no agents; a mode change that moves the workspaces following the default") func warnings() {
        var current = Seed.fresh()
        current.agentPools.append(AgentPool(id: "apool-empty9", name: "spare", agentCount: 0))
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-empty9"))), current: current)
        #expect(plan.issues.isEmpty, "a warning, not an error: \(plan.issues)")
        #expect(plan.warnings.contains { $0.field == .agentPool && $0.message.contains("spare has no agents connected") }, "\(plan.warnings)")
        #expect(plan.warnings.contains { $0.field == .executionMode && $0.message.contains("their next runs use agent execution") }, "\(plan.warnings)")
        // No mode change, no pool change: nothing to warn about.
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(enabled: true)), current: Seed.fresh()).warnings.isEmpty)
    }

    @Test("one description: a TTL under an hour or lower than now is a warning of the plan, the one the wizard's Review, plan and plan --json show")
    func ttlWarnings() {
        let plan = Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.user: 1_800_000, .team: 7_776_000_000])), current: Seed.fresh())
        #expect(plan.warnings.first { $0.field == .ttl(.user) }?.message.hasPrefix("30m is under one hour") == true, "\(plan.warnings)")
        let team = plan.warnings.first { $0.field == .ttl(.team) }?.message ?? ""
        #expect(team.hasPrefix("Team lower than now: with enforcement on, existing tokens that live longer than the new cap are rejected at once"), "\(team)")
        let seed = Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.organization: 31_536_000_000, .team: 7_776_000_000, .user: 2_592_000_000])), current: Seed.fresh())
        #expect(seed.warnings.map(\.message).filter { $0.contains("lower than now") } == ["Organization, Team and User lower than now: " + TTLDuration.loweredConsequence],
                "one warning for the lowered types: \(seed.warnings)")
        #expect(!team.contains("keep their expiry"), "HashiCorp's docs say the opposite of the seed's note")
        // Between the two spellings of the 2-year default nothing is lowered.
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.team: TTLDuration.twoYearsSDK])), current: Seed.fresh()).warnings.isEmpty)
    }

    @Test("rules broken, and sections the server cannot take") func problems() {
        var current = Seed.fresh()
        current.smtp = nil
        current.ping = PingInfo(appName: "HCP Terraform")
        let plan = Planner.plan(DesiredSettings(smtp: SMTPSettingsUpdate(port: 587), executionDefaults: .init(mode: .agent)), current: current)
        #expect(plan.unavailable[.smtp]?.contains("HCP Terraform has no admin API") == true)
        #expect(plan.issues.map(\.field) == [.agentPool])
        var readOnly = Seed.fresh()
        readOnly.organization.canUpdate = false
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(enabled: true)), current: readOnly).unavailable[.executionDefaults] != nil)
        readOnly.tokenTTLPolicies = nil
        readOnly.tokenTTLUnavailable = "no"
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.team: 5])), current: readOnly).unavailable[.tokenTTL] == "no")
    }

    @Test("the state after a plan's values (what the wizard's saved answers state): planning the same values again changes nothing but write-only ones")
    func applyingDesired() {
        let after = Seed.fresh().applying(Seed.desired)
        let again = Planner.plan(Seed.desired, current: after)
        let left = again.changes.filter { !$0.writeOnly }.map(\.field)
        #expect(left.isEmpty, "only the password and the test email remain: \(left)")
        #expect(after.organization.defaultExecutionMode == .agent && after.organization.defaultAgentPoolID == "apool-abc123")
        #expect(after.smtp?.host == "smtp.example.com" && after.organization.maxTTLEnabled)
        // Leaving agent mode clears the pool, as the server does.
        let remote = after.applying(DesiredSettings(executionDefaults: .init(mode: .remote, agentPool: .clear)))
        #expect(remote.organization.defaultAgentPoolID == nil)
    }
}
