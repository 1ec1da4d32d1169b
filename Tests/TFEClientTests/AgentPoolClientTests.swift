import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// `createAgentPool` against the sandbox over loopback: the body go-tfe and the provider send,
/// 201 with the pool, 422 for an empty or taken name, and the request log.
@Suite("Client ↔ sandbox: creating an agent pool")
struct AgentPoolClientTests {
    @Test("201 with an apool- id; organization-scoped kept; one POST logged with its body; a taken name is a 422 on the name")
    func create() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.owner)
            await f.server.store.clearRequests()
            let pool = try await client.createAgentPool("my-org", name: "build")
            #expect(FieldRules.agentPoolID(pool.id) == nil && pool.name == "build" && pool.agentCount == 0 && pool.organizationScoped)
            let stored = await f.server.store.state.organizations["my-org"]?.agentPools.last
            #expect(stored == SandboxState.Pool(id: pool.id, name: "build", agentCount: 0, organizationScoped: true))
            let log = await f.requests()
            #expect(log.map { "\($0.method) \($0.path) \($0.status)" } == ["POST /api/v2/organizations/my-org/agent-pools 201"])
            #expect(log.first?.body == JSONValue.parse(Data(#"{"data":{"type":"agent-pools","attributes":{"name":"build","organization-scoped":true}}}"#.utf8)))
            #expect(try await client.agentPools("my-org").contains(pool))

            let taken = await failure { try await client.createAgentPool("my-org", name: "build") }
            guard case .unprocessable(let errors)? = taken else { Issue.record("\(String(describing: taken))"); return }
            #expect(errors.first?.field == .agentPoolName)
            #expect(errors.first?.message.contains("already been taken") == true)
            let scoped = try await client.createAgentPool("my-org", name: "chosen-only", organizationScoped: false)
            #expect(!scoped.organizationScoped)
            #expect(await f.server.store.state.organizations["my-org"]?.agentPools.last?.organizationScoped == false)
        }
    }

    @Test("the name's rule stops a bad name before any request; the sandbox refuses an empty one itself; a member gets 404")
    func refusals() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.owner)
            await f.server.store.clearRequests()
            for name in ["", "two words", "a/b"] {
                guard case .validation(let issues)? = await failure({ try await client.createAgentPool("my-org", name: name) }) else {
                    Issue.record("\(name): not refused locally"); continue
                }
                #expect(issues.map(\.field) == [.agentPoolName])
            }
            #expect(await f.requests().isEmpty, "nothing sent")
            let raw = try await f.raw("POST", "/api/v2/organizations/my-org/agent-pools", role: .owner,
                                      body: #"{"data":{"type":"agent-pools","attributes":{"name":""}}}"#)
            #expect(raw.status == 422)
            #expect(SandboxFixture.pointer(raw.json) == "/data/attributes/name")
            let member = await failure { try await f.client(.member).createAgentPool("my-org", name: "build") }
            if case .notFound? = member {} else { Issue.record("member: \(String(describing: member))") }
        }
    }
}
