import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A new organization has no agent pool: `apply` makes one by name and sets it as the default.
@Suite("apply: creating the default agent pool")
struct AgentPoolCommandTests {
    static let answers = CLI.seed.replacingOccurrences(of: #""execution_defaults":{"mode":"agent","agent_pool_id":"apool-abc123"}"#,
                                                       with: #""execution_defaults":{"mode":"agent","agent_pool_name":"primary","create_agent_pool":true}"#)

    @Test("seed answers with create_agent_pool on an organization without pools: plan says so, apply exits 0, one POST, the pool is the default")
    func createOnApply() async throws {
        #expect(Self.answers.contains("create_agent_pool"), "the answers were rewritten")
        var seed = SandboxState.defaultSeed
        seed.organizations["my-org"]?.agentPools = []
        try await SandboxFixture.with(seed: seed) { f in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = CLI.write(dir, "answers.json", Self.answers)
            let token = f.server.tokens.siteAdmin
            var r = await CLI.run(address: f.server.address, token: token, dir, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("Create agent pool primary (organization-scoped)"), "\(r.output)")
            #expect(r.output.contains("agents still need an agent token to join"))
            #expect(r.output.contains("POST /api/v2/organizations/my-org/agent-pools"))
            #expect(await f.requests().allSatisfy { $0.method == "GET" }, "plan writes nothing")

            r = await CLI.run(address: f.server.address, token: token, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == 0, "\(r.output)")
            #expect(!r.output.contains("fake-auto-pw-8") && !r.output.contains(token), "no secret in the output")
            let log = await f.requests()
            let posts = log.filter { $0.method == "POST" && $0.path == "/api/v2/organizations/my-org/agent-pools" }
            #expect(posts.count == 1, "exactly one POST: \(log.map { "\($0.method) \($0.path)" })")
            let patch = try #require(log.first { $0.method == "PATCH" && $0.path == "/api/v2/organizations/my-org" })
            #expect(patch.startMs >= (posts.first?.endMs ?? .infinity), "the PATCH went after the POST's answer")

            // Read back through the API, as an admin would.
            let client = try f.client(.siteAdmin)
            let org = try await client.organization("my-org")
            let pools = try await client.agentPools("my-org")
            let made = try #require(pools.first { $0.name == "primary" })
            #expect(pools.count == 1 && made.organizationScoped)
            #expect(org.defaultExecutionMode == .agent)
            #expect(org.defaultAgentPoolID == made.id)

            // Again: the pool exists, so nothing is created.
            r = await CLI.run(address: f.server.address, token: token, dir, ["plan", "--answers", file, "--no-test-email"])
            #expect(r.output.contains("Agent pool primary exists already (\(made.id)): it is used, not created."), "\(r.output)")
            #expect(!r.output.contains("POST /api/v2/organizations/my-org/agent-pools"))
        }
    }

    @Test("the file's rules for a pool to create: exit 1 with the path, before any request") func fileRules() async throws {
        try await CLI.with { server, dir in
            for (text, path, message) in [
                (#"{"execution_defaults":{"mode":"agent","create_agent_pool":true}}"#, "$.execution_defaults.create_agent_pool", "needs agent_pool_name"),
                (#"{"execution_defaults":{"mode":"agent","agent_pool_name":"two words","create_agent_pool":true}}"#, "$.execution_defaults.agent_pool_name", "must not contain spaces"),
                (#"{"execution_defaults":{"mode":"local","agent_pool_name":"build","create_agent_pool":true}}"#, "$.execution_defaults.agent_pool_name", "agent mode"),
                (#"{"organizations":["*"],"execution_defaults":{"mode":"agent","agent_pool_name":"build","create_agent_pool":true}}"#, "$.execution_defaults.create_agent_pool", "one organization"),
            ] {
                await server.store.clearRequests()
                let file = CLI.write(dir, "bad.json", text)
                let r = await CLI.run(server, dir, ["plan", "--answers", file])
                #expect(r.status == 1, "\(text): \(r.output)")
                #expect(r.output.contains(path) && r.output.contains(message), "\(text): \(r.output)")
                #expect(await server.store.requestLog.isEmpty, "\(text): nothing sent")
            }
        }
    }
}
