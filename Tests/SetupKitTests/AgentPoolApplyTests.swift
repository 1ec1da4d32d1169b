import Foundation
import SetupKit
import Testing
import TestSupport
@testable import TFEClient
import TestFixtures
import TFESandbox

/// Creating the default agent pool against the sandbox: the POST before the PATCH, sent once
/// whatever happens to its answer, and a pool of that name used instead of a second one.
@Suite("Applier: creating an agent pool")
struct AgentPoolApplyTests {
    static let poolsPath = "/api/v2/organizations/my-org/agent-pools"
    static let create = DesiredSettings(executionDefaults: .init(mode: .agent, agentPoolName: "build", createAgentPool: true))

    /// The seed with `my-org` holding no pool, as a new organization does.
    static func noPools() -> SandboxState {
        var seed = SandboxState.defaultSeed
        seed.organizations["my-org"]?.agentPools = []
        return seed
    }

    @Test("the POST answers before the PATCH leaves, and the PATCH makes the new pool the default")
    func order() async throws {
        try await SandboxFixture.with(seed: Self.noPools()) { f in
            let client = try f.client(.siteAdmin)
            let current = try await StateLoader.load(client: client, organization: "my-org")
            let plan = Planner.plan(Self.create, current: current)
            #expect(plan.issues.isEmpty)
            let results = await Applier(client: client).apply(plan)
            #expect(results.map(\.step) == [.agentPool, .organization])
            #expect(results.allSatisfy { $0.succeeded }, "\(results.map(\.message))")
            guard case .agentPool(let pool) = results[0].outcome else { Issue.record("no pool: \(results[0].outcome)"); return }
            #expect(pool.name == "build" && pool.organizationScoped && pool.id.hasPrefix("apool-"))
            #expect(results[0].message.hasPrefix("created agent pool build (\(pool.id)"), "\(results[0].message)")
            let log = await f.requests().filter { $0.method != "GET" }
            #expect(log.map { "\($0.method) \($0.path)" } == ["POST \(Self.poolsPath)", "PATCH /api/v2/organizations/my-org"])
            #expect(log[1].startMs >= log[0].endMs, "the PATCH left after the POST's answer")
            #expect(log[1].body?["data"]?["relationships"]?["default-agent-pool"]?["data"]?["id"] == .string(pool.id))
            #expect(log[0].body == JSONValue.parse(Data(#"{"data":{"type":"agent-pools","attributes":{"name":"build","organization-scoped":true}}}"#.utf8)))
            let org = try await client.organization("my-org")
            #expect(org.defaultAgentPoolID == pool.id)
            #expect(org.defaultExecutionMode == .agent)
        }
    }

    @Test("the POST's answer is lost: it is not sent again, the PATCH is not sent, and the report says the pool may exist; the next plan uses it",
          arguments: [SandboxFault(method: "POST", path: poolsPath, status: 502, after: true),
                      SandboxFault(method: "POST", path: poolsPath, status: 200, drop: .reset, after: true),
                      SandboxFault(method: "POST", path: poolsPath, status: 201, drop: .midBody, after: true)])
    func onceOnUnknown(fault: SandboxFault) async throws {
        try await SandboxFixture.with(seed: Self.noPools()) { f in
            let client = TFEClient(configuration: try f.client(.siteAdmin).configuration, transport: f.transport, environment: .instant)
            let current = try await StateLoader.load(client: client, organization: "my-org")
            let plan = Planner.plan(Self.create, current: current)
            await f.server.store.arm(fault)
            await f.server.store.clearRequests()
            let results = await Applier(client: client).apply(plan)
            #expect(results.map(\.saved) == [.unknown, .notSaved], "\(results.map(\.message))")
            #expect(results[1].outcome == .notSent(after: .agentPool))
            #expect(results[0].message.contains("The agent pool may exist now"), "\(results[0].message)")
            let writes = await f.requests().filter { $0.method != "GET" }
            #expect(writes.map(\.method) == ["POST"], "one POST and no PATCH: \(writes.map(\.method))")
            // The server made it; the next plan reads the pools and uses it.
            let again = try await StateLoader.load(client: client, organization: "my-org")
            let next = Planner.plan(Self.create, current: again)
            #expect(next.newAgentPool == nil)
            #expect(next.reusedAgentPool?.name == "build")
            let second = await Applier(client: client).apply(next)
            #expect(second.map(\.step) == [.organization] && second.allSatisfy { $0.succeeded })
            #expect(await f.requests().filter { $0.method == "POST" }.count == 1, "never a second POST")
            #expect(await f.server.store.state.organizations["my-org"]?.agentPools.count == 1)
        }
    }

    @Test("a name taken meanwhile: the server's 422 names the field, nothing else is sent") func nameTaken() async throws {
        try await SandboxFixture.with(seed: Self.noPools()) { f in
            let client = try f.client(.siteAdmin)
            let current = try await StateLoader.load(client: client, organization: "my-org")
            let plan = Planner.plan(Self.create, current: current)
            _ = try await client.createAgentPool("my-org", name: "build")   // someone else, after the plan's read
            await f.server.store.clearRequests()
            let results = await Applier(client: client).apply(plan)
            #expect(results.map(\.saved) == [.notSaved, .notSaved])
            #expect(results[0].fieldsToFix == [.agentPoolName])
            #expect(results[0].message.contains("Name has already been taken"), "\(results[0].message)")
            #expect(await f.requests().filter { $0.method != "GET" }.map(\.method) == ["POST"])
        }
    }
}
