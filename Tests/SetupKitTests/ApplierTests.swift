import Foundation
import SetupKit
import Testing
import TestSupport
@testable import TFEClient
import TestFixtures
import TFESandbox

/// The planner's reads and the applier against the sandbox: which reads a plan needs, the
/// requests in flight at once, stages, partial failures, the loader's limits.
@Suite("Planner and applier against the sandbox")
struct ApplierTests {
    @Test("the tokens are read only when a cap in force gets tighter: enforcement turned on or a cap lowered, not a cap raised or one left off")
    func tokensOnlyWhenTightening() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            let tokenReads: @Sendable ([SandboxRequestRecord]) -> [String] = { log in
                log.map(\.path).filter { $0.hasSuffix("authentication-tokens") || $0.hasSuffix("team-tokens") || $0.hasSuffix("authentication-token") }
            }
            let threeYears: Int64 = 3 * 31_536_000_000
            for (ttl, why) in [(DesiredSettings.TokenTTL(milliseconds: [.user: threeYears]), "a higher cap"),
                               (DesiredSettings.TokenTTL(enabled: false, milliseconds: [.user: 2_592_000_000]), "a lower cap left unenforced")] {
                await f.server.store.clearRequests()
                let state = try await StateLoader.load(client: client, organization: "my-org", tokensIfTightening: ttl)
                #expect(state.tokenInventory == nil, "\(why): nothing to decide")
                #expect(tokenReads(await f.requests()).isEmpty, "\(why): no token list read")
            }
            await f.server.store.clearRequests()
            let tighter = DesiredSettings.TokenTTL(enabled: true, milliseconds: [.user: 2_592_000_000])
            let state = try await StateLoader.load(client: client, organization: "my-org", tokensIfTightening: tighter)
            #expect(state.tokenInventory != nil)
            let log = await f.requests()
            #expect(tokenReads(log).count == 3, "the user's, the team tokens and the organization token: \(tokenReads(log))")
            let settings = log.filter { tokenReads([$0]).isEmpty }
            let tokens = log.filter { !tokenReads([$0]).isEmpty }
            let firstRoundEnd = settings.map(\.endMs).max() ?? 0
            let afterSettings = tokens.allSatisfy { $0.startMs >= firstRoundEnd }
            #expect(afterSettings, "one round after the settings")
        }
    }

    @Test("against the sandbox: three concurrent PATCHes with the contract's bodies, then nothing left") func applyConcurrently() async throws {
        try await SandboxFixture.with { f in
            let gate = GatedTransport(f.transport, expected: 3)
            let configuration = try f.client(.siteAdmin).configuration
            let client = TFEClient(configuration: configuration, transport: gate, environment: .instant)
            let current = try await StateLoader.load(client: client, organization: "my-org")
            #expect(current.smtp == SMTPSettings())
            #expect(current.agentPools.count == 3)
            let plan = Planner.plan(Seed.desired, current: current)
            let results = await Applier(client: client).apply(plan)
            #expect(gate.maxInFlight == 3)
            #expect(results.map(\.step) == [.smtp, .organization, .tokenTTL])
            #expect(results.allSatisfy { $0.succeeded })
            let bodies = Dictionary(uniqueKeysWithValues: gate.patchBodies.map { ($0.path, JSONValue.parse($0.body)) })
            #expect(bodies["/api/v2/admin/smtp-settings"]??["data"]?["attributes"]?["password"] == .string("fake-plan-pw-1"))
            #expect(bodies["/api/v2/organizations/my-org"] == JSONValue.parse(Data(#"{"data":{"type":"organizations","attributes":{"default-execution-mode":"agent","max-ttl-enabled":true},"relationships":{"default-agent-pool":{"data":{"type":"agent-pools","id":"apool-abc123"}}}}}"#.utf8)))
            #expect(bodies["/api/v2/organizations/my-org/token-ttl-policies"]??["data"]?["attributes"]?["token-ttl-policies"]?.arrayValue?.count == 4)

            var after = current
            for r in results { after.absorb(r) }
            var again = Seed.desired
            again.smtp?.password = nil
            again.smtp?.testEmailAddress = nil
            #expect(Planner.plan(again, current: after).isEmpty)
            #expect(Planner.plan(again, current: try await StateLoader.load(client: client, organization: "my-org")).isEmpty)
        }
    }

    @Test("a failed step is reported alone, and retrying runs only it") func partialFailure() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            #expect(try await f.raw("POST", "/_sandbox/faults", role: nil, body: #"{"method":"PATCH","path":"/api/v2/organizations/my-org/token-ttl-policies","status":403,"count":1}"#).status == 201)
            let current = try await StateLoader.load(client: client, organization: "my-org")
            let plan = Planner.plan(Seed.desired, current: current)
            let results = await Applier(client: client).apply(plan)
            #expect(results.map(\.succeeded) == [true, true, false])
            #expect(try await f.raw("DELETE", "/_sandbox/requests", role: nil).status == 204)
            let retry = await Applier(client: client).apply(plan.restricted(to: [.tokenTTL]))
            #expect(retry.map(\.step) == [.tokenTTL])
            #expect(retry.allSatisfy { $0.succeeded })
            #expect(await f.requests().map(\.method) == ["PATCH", "GET"], "the write, then its read-back")
        }
    }

    /// The seed's plan with the TTL step in a later stage, against a sandbox whose organization
    /// PATCH fails (500, more times than the client retries); the request log emptied.
    static func stagedPlan(_ f: SandboxFixture) async throws -> (TFEClient, Plan) {
        let client = try f.client(.siteAdmin)
        #expect(try await f.raw("POST", "/_sandbox/faults", role: nil, body: #"{"method":"PATCH","path":"/api/v2/organizations/my-org","status":500,"count":9}"#).status == 201)
        var plan = Planner.plan(Seed.desired, current: try await StateLoader.load(client: client, organization: "my-org"))
        #expect(plan.stages == [[.smtp, .organization, .tokenTTL]], "a settings plan is one stage of independent steps")
        plan.stageOf = [.tokenTTL: 1]
        #expect(plan.stages == [[.smtp, .organization], [.tokenTTL]])
        #expect(try await f.raw("DELETE", "/_sandbox/requests", role: nil).status == 204)
        return (client, plan)
    }

    @Test("stages: a later stage waits for the one before; after a failure its steps are reported not sent, say which failure they waited for, and never leave")
    func stages() async throws {
        try await SandboxFixture.with { f in
            let (client, plan) = try await Self.stagedPlan(f)
            var order: [Step] = []
            await Applier(client: client).apply(plan, steps: plan.steps) { order.append($0.step) }
            #expect(order.count == 3 && order.last == .tokenTTL, "the later stage is reported after the first: \(order)")
            let results = await Applier(client: client).apply(plan)
            #expect(results.map(\.step) == [.smtp, .organization, .tokenTTL])
            #expect(results.map(\.succeeded) == [true, false, false])
            #expect(results[2].outcome == .notSent(after: .organization))
            #expect(results[2].message.hasPrefix("Not sent: it waits for Organization defaults, which did not complete."), "\(results[2].message)")
            #expect(!(await f.requests()).contains { $0.path.hasSuffix("/token-ttl-policies") }, "the later stage's request never left")
            let alone = await Applier(client: client).apply(plan.restricted(to: [.tokenTTL]))
            #expect(alone.map(\.succeeded) == [true], "alone, the TTL step has nothing to wait for")
        }
    }

    @Test("the state loader records HCP and a member's 403 instead of failing") func loaderLimits() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0, hcp: true)) { f in
            let state = try await StateLoader.load(client: try f.client(.siteAdmin), organization: "my-org")
            #expect(state.smtp == nil)
            #expect(state.smtpUnavailableReason?.contains("HCP Terraform") == true)
        }
        try await SandboxFixture.with { f in
            let state = try await StateLoader.load(client: try f.client(.member), organization: "my-org")
            #expect(state.tokenTTLPolicies == nil)
            #expect(state.tokenTTLUnavailable?.contains("403") == true)
            #expect(state.smtpUnavailableReason?.contains("not a site admin") == true)
            #expect(!state.organization.canUpdate)
            let error = await failure { try await StateLoader.load(client: try f.client(.member), organization: "other-org") }
            guard case .notFound? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        }
    }
}

@Suite("Answers encoder")
struct AnswersEncoderTests {
    @Test("product.md's format, keys in order, no secret") func format() {
        var current = Seed.fresh()
        current.smtp = SMTPSettings(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login, username: "smtp-bot")
        current.organization = Organization(name: "my-org", defaultExecutionMode: .agent, defaultAgentPoolID: "apool-abc123", maxTTLEnabled: true, canUpdate: true)
        current.tokenTTLPolicies = [TokenTTLPolicy(tokenType: .organization, maxTTLMilliseconds: 31_536_000_000), TokenTTLPolicy(tokenType: .team, maxTTLMilliseconds: 7_776_000_000),
                                    TokenTTLPolicy(tokenType: .user, maxTTLMilliseconds: 2_592_000_000), TokenTTLPolicy(tokenType: .auditTrails, maxTTLMilliseconds: 63_113_904_000)]
        let text = AnswersEncoder.encode(current: current, address: "https://tfe.example.com")
        #expect(text == """
            {
              "address": "https://tfe.example.com",
              "organization": "my-org",
              "smtp": {
                "enabled": true,
                "host": "smtp.example.com",
                "port": 587,
                "sender": "noreply@example.com",
                "auth": "login",
                "username": "smtp-bot",
                "password_env": "SMTP_PASSWORD"
              },
              "execution_defaults": {
                "mode": "agent",
                "agent_pool_id": "apool-abc123"
              },
              "token_ttl": {
                "enabled": true,
                "organization": "1y",
                "team": "90d",
                "user": "30d",
                "audit_trails": "730.485d"
              }
            }

            """)
        #expect(!text.contains("password\""))
    }
}
