import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The wizard, headless, against each kind of server: the seed scenario as far as the
/// server supports it ends in the sandbox exactly; the rest is read-only with its reason, never sent.
@Suite("Wizard: server profiles")
struct WizardServerProfileTests {
    /// The seed scenario's keys, skipping what the profile cannot take.
    static func typeSeed(_ h: WizardHarness, _ profile: SandboxProfile) async {
        if !profile.isHCP {
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.char(" "))
            await h.press(.tab); await h.type("smtp.example.com")
            await h.press(.tab); await h.replace("587")
            await h.press(.tab); await h.type("noreply@example.com")
            await h.press(.tab, .right, .right)
            await h.press(.tab); await h.type("smtp-bot")
            await h.press(.tab); await h.type(WizardFlowTests.password)
            await h.press(.tab); await h.type("ops@example.com")
            await h.press(.enter)
        }
        #expect(await h.until { $0.on(.executionDefaults) })
        if profile.hasAgents {
            await h.press(.right, .right)
            await h.press(.tab, .right)
        } else {
            await h.press(.right, .right)   // remote → local → remote: agent is not offered
            #expect(await h.state.form.mode == .remote)
            #expect(await h.screenText().contains("no agents entitlement"))
        }
        await h.leaveScreen()
        #expect(await h.until { $0.on(.tokenTTL) })
        if !profile.reportsMaxTTLEnabled {
            // Unsupported is not off: the switch says it is not there on this release.
            let screen = await h.screenText()
            #expect(screen.contains("not available on this release") && !screen.contains("[ ] off"), "\(profile): \(screen)")
        }
        await h.press(.char(" "))
        if profile.hasTTLPolicies {
            await h.press(.tab); await h.replace("1y")
            await h.press(.tab); await h.replace("90d")
            await h.press(.tab); await h.replace("30d")
            await h.press(.tab); await h.replace("2y")
        }
        await h.leaveScreen()
    }

    @Test("the seed scenario typed on every profile: what is supported lands, the rest is never sent", arguments: SandboxProfile.inService)
    func seed(profile: SandboxProfile) async throws {
        try await WizardHarness.with(options: SandboxOptions(rateLimit: 0, profile: profile)) { h in
            await Self.typeSeed(h, profile)
            let reached = await h.until { $0.phase == .review }
            let screen = await h.screenText()
            #expect(reached, "\(screen)")
            let review = await h.screenText()
            #expect(!review.lowercased().contains("not found") && !review.contains("owners team"), "\(review)")
            if !profile.reportsMaxTTLEnabled { #expect(!review.contains("Enforce max TTL"), "an unsupported switch is not planned: \(review)") }
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            let result = await h.screenText()
            #expect(!result.contains("not saved"), "\(result)")
            let differences = SeedTarget.differences(await h.fixture.server.store.state, on: profile)
            #expect(differences.isEmpty, "\(profile): \(differences)\n\(result)")
            let patches = await h.fixture.server.store.requestLog.filter { $0.method == "PATCH" }
            if !profile.hasTTLPolicies { #expect(!patches.contains { $0.path.hasSuffix("/token-ttl-policies") }) }
            if profile.isHCP { #expect(!patches.contains { $0.path.contains("/admin/") }) }
        }
    }

    @Test("a pool limited to chosen workspaces is marked in the choice and gets a note as the default") func scopedPool() async throws {
        var seed = SandboxState.defaultSeed
        if let i = seed.organizations["my-org"]?.agentPools.firstIndex(where: { $0.id == "apool-def456" }) {
            seed.organizations["my-org"]?.agentPools[i].organizationScoped = false
        }
        try await WizardHarness.with(seed: seed, sections: [.executionDefaults]) { h in
            #expect(await h.until { $0.on(.executionDefaults) })
            await h.press(.right, .right, .tab, .right, .right)   // agent; (choose a pool) → primary → gpu
            #expect(await h.state.form.pool == .pool("apool-def456"))
            let screen = await h.screenText()
            #expect(screen.contains("gpu (apool-def456, 1 agent, chosen workspaces only)"), "\(screen)")
            #expect(screen.contains("serves only the workspaces chosen for it"), "\(screen)")
        }
    }
}


extension WizardServerProfileTests {
    @Test("a mode this build does not know is shown as the server sent it and never written back") func unknownMode() async throws {
        var seed = SandboxState.defaultSeed
        seed.organizations["my-org"]?.defaultExecutionMode = "flex"
        try await WizardHarness.with(seed: seed, sections: [.executionDefaults]) { h in
            #expect(await h.until { $0.on(.executionDefaults) })
            var screen = await h.screenText()
            #expect(screen.contains("The server reports the mode \"flex\""), "\(screen)")
            await h.leaveScreen()
            #expect(await h.until { $0.phase == .review })
            screen = await h.screenText()
            #expect(screen.contains("Nothing to change."), "the stand-in is not sent: \(screen)")
            let current = try #require(await h.state.current)
            // Asked for explicitly (an answers file), it is a change from what the server has.
            let plan = Planner.plan(DesiredSettings(executionDefaults: .init(mode: .remote, agentPool: .unchanged)), current: current)
            #expect(plan.changes.map { $0.reviewLine() } == ["Execution defaults · Mode: flex → remote"])
            #expect(!AnswersEncoder.encode(current: current, address: nil).contains("execution_defaults"), "not exported as a guess")
            #expect(TerraformExporter.render(current: current, address: URL(string: "https://tfe.example.com")!).contains("Not exported: the server reports the mode \"flex\""))
        }
    }
}
