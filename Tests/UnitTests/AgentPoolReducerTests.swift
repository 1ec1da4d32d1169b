import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// The Execution defaults screen's `New pool…`: the name field it reveals, the core's rule on
/// it, the Review's lines and the apply's two steps; plain mode's `new`.
@Suite("Reducer: a new agent pool")
struct AgentPoolReducerTests {
    typealias R = ReducerTests
    typealias F = ReducerFlowTests

    /// Agent mode, `New pool…` chosen, the name field focused.
    static func choosingNew() -> WizardState {
        var state = R.loaded(sections: [.executionDefaults])
        F.keys(&state, .left, .tab, .left, .left)   // agent; pool: Other…, then New pool…
        return state
    }

    static func text(_ state: WizardState, width: Int = 100, height: Int = 40) -> String {
        Wizard.render(state, size: Size(width: width, height: height)).text
    }

    @Test("New pool… is offered after the organization's pools and reveals the name field") func offered() {
        var state = Self.choosingNew()
        #expect(state.poolOptions == [.placeholder, .pool("apool-abc123"), .create, .other])
        #expect(state.form.pool == .create)
        #expect(state.visibleFields(.executionDefaults) == [.mode, .pool, .poolNew])
        #expect(Self.text(state).contains("New pool…"))
        F.keys(&state, .right)
        #expect(!state.visibleFields(.executionDefaults).contains(.poolNew), "Other… hides it again")
    }

    @Test("the name is checked by the core's rule; a good one goes to the Review, which says what agents still need; Enter sends the POST first")
    func nameToApply() {
        var state = Self.choosingNew()
        F.keys(&state, .tab)
        #expect(state.focus == .poolNew)
        F.type(&state, "two words")
        F.keys(&state, .enter)
        #expect(state.phase == .editing(.executionDefaults) && state.focus == .poolNew)
        #expect(state.errors[.poolNew] == FieldRules.agentPoolName("two words"))
        F.keys(&state, .ctrlU)
        F.type(&state, "build")
        F.keys(&state, .enter)
        #expect(state.phase == .review, "\(state.errors)")
        #expect(state.plan?.newAgentPool?.name == "build")
        let review = Self.text(state)
        #expect(review.contains("New agent pool: (none) → build (organization-scoped)"), "\(review)")
        #expect(review.contains("Create agent pool build (organization-scoped) — agents still need an agent token to join"), "\(review)")
        #expect(review.contains("POST /api/v2/organizations/my-org/agent-pools"))
        #expect(review.contains("the new pool first"))
        let commands = F.keys(&state, .enter)
        guard case .apply(let plan, let steps)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(steps == [.agentPool, .organization] && plan.stages.first == [.agentPool])
        // The pool made: the state knows it, so a new plan (r) uses it instead of a second one.
        let pool = AgentPool(id: "apool-new777", name: "build", agentCount: 0)
        _ = Wizard.update(&state, .stepFinished(StepResult(step: .agentPool, fields: [.agentPoolName], outcome: .agentPool(pool))))
        #expect(state.current?.agentPools.contains(pool) == true)
        let again = Planner.plan(state.desiredSettings(sections: [.executionDefaults]), current: state.current!)
        #expect(again.newAgentPool == nil && again.organizationUpdate?.agentPool == .set("apool-new777"))
    }

    @Test("a name the organization has: the field says it is used, and the Review has no POST") func existingName() {
        var state = Self.choosingNew()
        F.keys(&state, .tab)
        F.type(&state, "primary")
        #expect(Self.text(state).contains("exists already"))
        F.keys(&state, .enter)
        #expect(state.phase == .review)
        #expect(state.plan?.newAgentPool == nil && state.plan?.reusedAgentPool?.id == "apool-abc123")
        #expect(!Self.text(state).contains("POST "))
    }

    @Test("plain mode: new, then the name") func plain() {
        var state = R.loaded(sections: [.executionDefaults])
        F.line(&state, "agent")
        F.line(&state, "new")
        #expect(state.form.pool == .create && state.focus == .poolNew)
        F.line(&state, "a/b")
        #expect(state.errors[.poolNew] != nil && state.focus == .poolNew)
        F.line(&state, "build")
        #expect(state.phase == .review && state.plan?.newAgentPool?.name == "build")
    }
}
