import Foundation
import SetupKit
import Testing
import TestSupport
@testable import TFEClient
import TFESandbox

@Suite("Planner and applier")
struct PlannerTests {
    static let seedDesired = DesiredSettings(
        smtp: SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                 username: "smtp-bot", password: SecretString("fake-plan-pw-1"), testEmailAddress: "ops@example.com"),
        executionDefaults: .init(mode: .agent, agentPool: .set("apool-abc123")),
        tokenTTL: .init(enabled: true, milliseconds: [.organization: 31_536_000_000, .team: 7_776_000_000, .user: 2_592_000_000, .auditTrails: 63_072_000_000]))

    static func fresh() -> CurrentState {
        CurrentState(ping: PingInfo(appName: "Terraform Enterprise"), account: Account(id: "u", username: "admin", isSiteAdmin: true),
                     organization: Organization(name: "my-org", canUpdate: true),
                     agentPools: [AgentPool(id: "apool-abc123", name: "primary", agentCount: 3)],
                     smtp: SMTPSettings(), tokenTTLPolicies: TokenType.known.map { TokenTTLPolicy(tokenType: $0, maxTTLMilliseconds: TTLDuration.twoYearsServer) })
    }

    @Test("the seed scenario: every change, three requests, write-only values marked") func seed() {
        let plan = Planner.plan(Self.seedDesired, current: Self.fresh())
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
        var current = Self.fresh()
        current.smtp = SMTPSettings(enabled: true, host: "smtp.example.com", port: 25, sender: "noreply@example.com", auth: .login, username: "smtp-bot")
        var desired = Self.seedDesired
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
        let plan = Planner.plan(desired, current: Self.fresh())
        #expect(plan.tokenTTL == TokenTTLUpdate([.team: 7_776_000_000]))
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(maxTTLEnabled: true))
        #expect(plan.steps == [.organization, .tokenTTL])
    }

    @Test("leaving agent mode shows the pool cleared and sends only the mode") func leavingAgent() {
        var current = Self.fresh()
        current.organization.defaultExecutionMode = .agent
        current.organization.defaultAgentPoolID = "apool-abc123"
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .remote, agentPool: .clear)), current: current)
        #expect(plan.changes.map(\.field) == [.executionMode, .agentPool])
        #expect(plan.organizationUpdate == OrganizationDefaultsUpdate(mode: .remote))
    }

    @Test("a pool id not in the organization's (complete) pool list is refused, naming the pools there; nothing of the PATCH is sent")
    func unknownPool() {
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-zzz999")),
                                                tokenTTL: .init(enabled: true)), current: Self.fresh())
        #expect(plan.issues.contains { $0.field == .agentPool && $0.message.contains("has no agent pool apool-zzz999") && $0.message.contains("primary (apool-abc123)") },
                "\(plan.issues)")
        #expect(!plan.changes.contains { $0.field == .agentPool }, "the unknown id is not planned")
        var none = Self.fresh()
        none.agentPools = []
        #expect(Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-abc123"))), current: none)
            .issues.contains { $0.message.contains("no agent pools yet") })
    }

    @Test("warnings: a pool with no agents; a mode change that moves the workspaces following the default") func warnings() {
        var current = Self.fresh()
        current.agentPools.append(AgentPool(id: "apool-empty9", name: "spare", agentCount: 0))
        let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .agent, agentPool: .set("apool-empty9"))), current: current)
        #expect(plan.issues.isEmpty, "a warning, not an error: \(plan.issues)")
        #expect(plan.warnings.contains { $0.field == .agentPool && $0.message.contains("spare has no agents connected") }, "\(plan.warnings)")
        #expect(plan.warnings.contains { $0.field == .executionMode && $0.message.contains("their next runs use agent execution") }, "\(plan.warnings)")
        // No mode change, no pool change: nothing to warn about.
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(enabled: true)), current: Self.fresh()).warnings.isEmpty)
    }

    @Test("one description: a TTL under an hour or lower than now is a warning of the plan, the one the wizard's Review, plan and plan --json show")
    func ttlWarnings() {
        let plan = Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.user: 1_800_000, .team: 7_776_000_000])), current: Self.fresh())
        #expect(plan.warnings.first { $0.field == .ttl(.user) }?.message.hasPrefix("30m is under one hour") == true, "\(plan.warnings)")
        let team = plan.warnings.first { $0.field == .ttl(.team) }?.message ?? ""
        #expect(team.hasPrefix("Team lower than now: with enforcement on, existing tokens that live longer than the new cap are rejected at once"), "\(team)")
        let seed = Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.organization: 31_536_000_000, .team: 7_776_000_000, .user: 2_592_000_000])), current: Self.fresh())
        #expect(seed.warnings.map(\.message).filter { $0.contains("lower than now") } == ["Organization, Team and User lower than now: " + TTLDuration.loweredConsequence],
                "one warning for the lowered types: \(seed.warnings)")
        #expect(!team.contains("keep their expiry"), "HashiCorp's docs say the opposite of the seed's note")
        // Between the two spellings of the 2-year default nothing is lowered.
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.team: TTLDuration.twoYearsSDK])), current: Self.fresh()).warnings.isEmpty)
    }

    @Test("rules broken, and sections the server cannot take") func problems() {
        var current = Self.fresh()
        current.smtp = nil
        current.ping = PingInfo(appName: "HCP Terraform")
        let plan = Planner.plan(DesiredSettings(smtp: SMTPSettingsUpdate(port: 587), executionDefaults: .init(mode: .agent)), current: current)
        #expect(plan.unavailable[.smtp]?.contains("HCP Terraform has no admin API") == true)
        #expect(plan.issues.map(\.field) == [.agentPool])
        var readOnly = Self.fresh()
        readOnly.organization.canUpdate = false
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(enabled: true)), current: readOnly).unavailable[.executionDefaults] != nil)
        readOnly.tokenTTLPolicies = nil
        readOnly.tokenTTLUnavailable = "no"
        #expect(Planner.plan(DesiredSettings(tokenTTL: .init(milliseconds: [.team: 5])), current: readOnly).unavailable[.tokenTTL] == "no")
    }

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
            let plan = Planner.plan(Self.seedDesired, current: current)
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
            var again = Self.seedDesired
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
            let plan = Planner.plan(Self.seedDesired, current: current)
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
        var plan = Planner.plan(Self.seedDesired, current: try await StateLoader.load(client: client, organization: "my-org"))
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

    @Test("the state after a plan's values (what the wizard's saved answers state): planning the same values again changes nothing but write-only ones")
    func applyingDesired() {
        let after = Self.fresh().applying(Self.seedDesired)
        let again = Planner.plan(Self.seedDesired, current: after)
        let left = again.changes.filter { !$0.writeOnly }.map(\.field)
        #expect(left.isEmpty, "only the password and the test email remain: \(left)")
        #expect(after.organization.defaultExecutionMode == .agent && after.organization.defaultAgentPoolID == "apool-abc123")
        #expect(after.smtp?.host == "smtp.example.com" && after.organization.maxTTLEnabled)
        // Leaving agent mode clears the pool, as the server does.
        let remote = after.applying(DesiredSettings(executionDefaults: .init(mode: .remote, agentPool: .clear)))
        #expect(remote.organization.defaultAgentPoolID == nil)
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
        var current = PlannerTests.fresh()
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
                "audit_trails": 63113904000
              }
            }

            """)
        #expect(!text.contains("password\""))
    }
}
