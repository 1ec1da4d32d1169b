import Foundation
import SetupKit
import Testing
import TestFixtures
@testable import TFEClient

/// A pool created by name: the planner's stage order, the reuse of a pool that exists, the one
/// rule for its name, and what `plan` and `plan --json` say.
@Suite("Planner: creating an agent pool")
struct AgentPoolPlanTests {
    static func noPools() -> CurrentState {
        var current = Seed.fresh()
        current.agentPools = []
        return current
    }

    static let create = DesiredSettings(executionDefaults: .init(mode: .agent, agentPoolName: "build", createAgentPool: true))

    @Test("the pool's POST is a stage of its own before the organization PATCH, which sets the pool once it is made")
    func stageOrder() {
        var desired = Seed.desired
        desired.executionDefaults = Self.create.executionDefaults
        let plan = Planner.plan(desired, current: Self.noPools())
        #expect(plan.issues.isEmpty, "\(plan.issues)")
        #expect(plan.newAgentPool?.name == "build")
        #expect(plan.requests.map { "\($0.method) \($0.path)" } == [
            "POST /api/v2/organizations/my-org/agent-pools", "PATCH /api/v2/admin/smtp-settings",
            "PATCH /api/v2/organizations/my-org", "PATCH /api/v2/organizations/my-org/token-ttl-policies",
        ])
        #expect(plan.stages == [[.agentPool], [.smtp, .organization, .tokenTTL]])
        // Before the POST answers, the PATCH carries no pool; after, the new id.
        #expect(plan.organizationUpdate?.agentPool == .unchanged)
        let made = plan.usingCreatedPool(AgentPool(id: "apool-new1", name: "build", agentCount: 0))
        #expect(made.organizationUpdate == OrganizationDefaultsUpdate(mode: .agent, agentPool: .set("apool-new1"), maxTTLEnabled: true))
        #expect(plan.fields(of: .agentPool) == [.agentPoolName])
        #expect(plan.fields(of: .organization).contains(.agentPool))
        let lines = plan.changes.filter { $0.section == .executionDefaults }.map { $0.reviewLine() }
        #expect(lines == ["Execution defaults · Mode: remote → agent", "Execution defaults · New agent pool: (none) → build (organization-scoped)",
                          "Execution defaults · Agent pool: (none) → build (the new pool)"])
        // Accepting a lockout keeps the pool first and its PATCH after it.
        let staged = made.puttingTokenWritesLast()
        #expect(staged.stages.first == [.agentPool])
        #expect(staged.stages.dropFirst().first?.contains(.organization) == true)
    }

    @Test("a pool of that name exists: it is used, not created, and the plan says so") func reuse() {
        var current = Seed.fresh()
        current.agentPools.append(AgentPool(id: "apool-bld777", name: "build", agentCount: 2))
        let plan = Planner.plan(Self.create, current: current)
        #expect(plan.newAgentPool == nil)
        #expect(plan.reusedAgentPool?.id == "apool-bld777")
        #expect(plan.requests.map(\.method) == ["PATCH"])
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(mode: .agent, agentPool: .set("apool-bld777")))
        let report = PlanReport(plan, current: current)
        #expect(report.existingAgentPool?.name == "build")
        #expect(PlanReport.existingPoolLine(report.existingAgentPool!) == "Agent pool build exists already (apool-bld777): it is used, not created.")
        #expect(report.json.text().contains(#""action": "use_existing""#) || report.json.text().contains(#""action":"use_existing""#), "\(report.json.text())")
    }

    @Test("the name's rule is the core's, for the wizard and the file alike; a name alone must exist") func rules() {
        #expect(FieldRules.agentPoolName("build-01_x") == nil)
        #expect(FieldRules.agentPoolName("") != nil)
        #expect(FieldRules.agentPoolName("two words") != nil)
        #expect(FieldRules.agentPoolName("a/b") != nil)
        #expect(FieldRules.agentPoolName("tab\there") != nil)
        for name in ["", "two words", "a/b"] {
            let desired = DesiredSettings(executionDefaults: .init(mode: .agent, agentPoolName: name, createAgentPool: true))
            let plan = Planner.plan(desired, current: Self.noPools())
            #expect(plan.issues.map(\.field) == [.agentPoolName], "\(name): \(plan.issues)")
        }
        let remote = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .remote, agentPoolName: "build", createAgentPool: true)), current: Self.noPools())
        #expect(remote.issues.contains { $0.field == .agentPoolName && $0.message.contains("agent mode") }, "\(remote.issues)")
        let missing = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPoolName: "build")), current: Self.noPools())
        #expect(missing.newAgentPool == nil)
        #expect(missing.issues.first?.message.contains("create_agent_pool") == true, "\(missing.issues)")
    }

    @Test("plan --json: the new pool's change, its request first, and what agents still need") func json() {
        let plan = Planner.plan(Self.create, current: Self.noPools())
        let text = PlanReport(plan, current: Self.noPools()).json.text()
        let json = JSONValue.parse(Data(text.utf8))
        #expect(json?["requests"]?.arrayValue?.first?["method"] == .string("POST"))
        #expect(json?["agent_pool"]?["action"] == .string("create"))
        #expect(json?["agent_pool"]?["organization_scoped"] == .bool(true))
        #expect(json?["agent_pool"]?["message"]?.stringValue?.contains("agents still need an agent token to join") == true)
        let changes = json?["changes"]?.arrayValue ?? []
        #expect(changes.contains { $0["field"] == .string("agent_pool_name") && $0["new"] == .string("build") }, "\(text)")
        #expect(PlanReport.newPoolLine("build", ascii: true).allSatisfy { $0.isASCII })
    }
}
