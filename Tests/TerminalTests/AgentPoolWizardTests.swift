import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The wizard in a real terminal (tmux) on an organization without agent pools: agent mode,
/// `New pool…`, a name, the Review, the apply; at 80x24 and at 60x16.
extension TerminalSuite {
@Suite("Terminal: creating the default agent pool")
struct AgentPoolWizardTests {
    @Test("New pool… typed, reviewed and applied: one POST, then the pool is the default", arguments: [(80, 24), (60, 16)])
    func createInWizard(size: (width: Int, height: Int)) async throws {
        var seed = SandboxState.defaultSeed
        seed.organizations["my-org"]?.agentPools = []
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0), seed: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pool-term-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tokenFile = dir + "/token"
        FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
        let env = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_STATE_HOME": dir + "/state", "HOME": dir]
        let command = "cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) --address \(server.address) --organization my-org "
            + "--token-file \(TmuxSession.quote(tokenFile)) --screens execution_defaults"
        let t = try TmuxSession(command, width: size.width, height: size.height, environment: env)
        defer { t.kill() }
        #expect(t.waitFor("› Mode:"), "\(t.capture())")
        t.keys("Right", "Right", "Tab")
        #expect(t.waitFor("(choose a pool)"), "\(t.capture())")
        t.keys("Right")
        #expect(t.waitFor("New pool…"), "\(t.capture())")
        #expect(t.waitFor("New pool name"), "the name field shows: \(t.capture())")
        t.keys("Tab"); t.type("two words"); t.keys("Enter")
        #expect(t.waitFor("must not contain spaces"), "the core's rule, under the field: \(t.capture())")
        t.keys("C-u"); t.type("build"); t.keys("Enter")
        #expect(t.waitFor("Create agent pool build"), "the Review: \(t.capture())")
        #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing sent before Enter on the Review")
        t.keys("Enter")
        #expect(t.waitFor("All changes applied."), "\(t.capture())")
        let state = await server.store.state.organizations["my-org"]
        let pool = try #require(state?.agentPools.first { $0.name == "build" })
        #expect(pool.organizationScoped && state?.defaultExecutionMode == "agent" && state?.defaultAgentPoolID == pool.id)
        let posts = await server.store.requestLog.filter { $0.method == "POST" }
        #expect(posts.map(\.path) == ["/api/v2/organizations/my-org/agent-pools"], "exactly one POST")
        #expect(!t.capture().contains(server.tokens.siteAdmin))
        await server.stop()
    }
}
}
