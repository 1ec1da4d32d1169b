import SetupKit
import TFEClient

/// One organization: its screens lead to a Review planned against what was read, its requests
/// go out at the same time, and the results can be fixed (`e`), retried (`r`) or reopened
/// (a screen's number). It is also the flow before anything is chosen.
enum OrganizationSession: WizardSession {
    static func enterReview(_ state: inout WizardState) -> [WizardEffect] {
        guard let current = state.current else { return [] }
        state.plan = Planner.plan(state.desiredSettings(sections: Wizard.editableSections(state)), current: current)
        state.phase = .review
        state.editing = FieldFocus()
        state.scroll = 0
        return []
    }

    static func reviewKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        // While the new token is made, the Review waits for it: nothing else is sent meanwhile.
        if case .making = state.renewal { return [] }
        switch key {
        case _ where KeyMap.enter.matches(key):
            guard let plan = state.plan else { return [] }
            if Wizard.showFirstIssue(&state, plan) { return [] }
            if plan.isEmpty { return Wizard.offerToSave(&state) }
            if state.awaitsTokens {
                state.problem(Wizard.readingTokens + " Nothing is applied until they are.")
                return []
            }
            if plan.locksOutToken {
                // Never by surprise: Enter alone does not lock the tool out.
                // The keys first: a narrow status line cuts the end, not what to do.
                // With a renewal on offer the keys are said shortly: all of them fit 60 columns.
                state.problem("Not applied: " + (Wizard.renewalCap(state) != nil
                                                  ? "\(KeyMap.renewToken.names) new token, \(KeyMap.acceptTokenRejection.names) anyway, Esc back; "
                                                  : "\(KeyMap.acceptTokenRejection.names) applies anyway, Esc goes back; ")
                              + TokenReport.lockout(uncertain: plan.tokenReport?.lockoutUncertain == true) + ".")
                return []
            }
            return startApply(&state, plan)
        case _ where KeyMap.renewToken.matches(key) && Wizard.renewalCap(state) != nil:
            guard let plan = state.plan, !Wizard.showFirstIssue(&state, plan) else { return [] }
            return Wizard.renew(&state)
        case _ where KeyMap.acceptTokenRejection.matches(key) && state.plan?.locksOutToken == true:
            guard let plan = state.plan, !Wizard.showFirstIssue(&state, plan) else { return [] }
            // The policies and the switch go last: nothing else waits behind them.
            return startApply(&state, plan.puttingTokenWritesLast())
        case _ where KeyMap.back.matches(key):
            if let last = state.screens.last { Wizard.go(&state, to: last, focus: .last) }
            return []
        default:
            return []
        }
    }

    /// Whether the last answers are in but the read that says whether the server now rejects this
    /// token is not: the Result waits for it (the runtime sends it right after the apply), so it
    /// never opens offering a retry or a reopened screen that would only get 401s.
    static func awaitsLockoutCheck(_ state: WizardState) -> Bool {
        state.lockoutCheck == nil && LockoutCheck.isDue(locksOutToken: state.plan?.locksOutToken == true, results: state.answeredSteps)
    }

    static func startApply(_ state: inout WizardState, _ plan: Plan) -> [WizardEffect] {
        state.plan = plan
        state.phase = .applying
        state.lockoutCheck = nil
        state.statusNotice = nil
        state.steps = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0, StepStatus.running) })
        return [.apply(plan, steps: plan.steps)]
    }

    static func resultKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        // A pool that may exist: a new Review would not see it (`r` is refused by `retry`).
        if Wizard.poolMayExist(state), KeyMap.back.matches(key) {
            state.problem(Wizard.poolMayExistNotice)
            return []
        }
        switch key {
        case _ where KeyMap.retry.matches(key):
            return Wizard.retry(&state)
        case _ where KeyMap.fix.matches(key):
            return Wizard.jumpToFix(&state)
        case _ where KeyMap.back.matches(key):
            // Back to the review: a new plan from the values now, against what the server has now.
            return enterReview(&state)
        case .char(let c) where c.wholeNumberValue.map({ (1...state.screens.count).contains($0) }) == true:
            // Reopen a screen, as in an installer's summary; leaving it comes back here.
            Wizard.go(&state, to: state.screens[c.wholeNumberValue! - 1], focus: .first)
            state.fixing = true
            return []
        case _ where KeyMap.enter.matches(key):
            return Wizard.offerToSave(&state)
        default:
            return []
        }
    }

    static func exitCode(_ state: WizardState) -> Int32 {
        let inFlight = state.steps.values.contains(.running)
        return !inFlight && state.answeredSteps.allSatisfy(\.succeeded) ? 0 : 1
    }

    /// What was applied, for the line printed when the wizard ends or is stopped.
    static func summary(_ state: WizardState) -> String { finishMessage(state) }

    /// Each request in one of three words — saved, not saved, unknown — and never a count the
    /// tool did not see: a request still in flight when the wizard is stopped was sent and has no
    /// answer, so whether it was saved is unknown (and a rerun, which reads first, tells).
    static func finishMessage(_ state: WizardState) -> String {
        let results = state.answeredSteps
        let inFlight = state.steps.filter { $0.value == .running }.map(\.key).sorted()
        let total = results.count + inFlight.count
        if total == 0 { return "Nothing changed." }
        let saved = results.filter { $0.saved == .saved }
        if saved.count == total { return "All \(total) change request\(total == 1 ? "" : "s") succeeded." }
        let notSaved = results.filter { $0.saved == .notSaved }.map(\.step)
        let unknown = results.filter { $0.saved == .unknown }.map(\.step) + inFlight
        var text = "\(saved.count) of \(total) requests saved"
        if !notSaved.isEmpty { text += "; not saved: " + notSaved.map(\.title).joined(separator: ", ") }
        if !unknown.isEmpty { text += "; unknown (sent, no answer): " + unknown.map(\.title).joined(separator: ", ") }
        text += "."
        if !unknown.isEmpty { text += " Run tfe-setup again: it reads the settings first and sends only what still differs." }
        return text
    }

    static func stepAnswered(_ state: inout WizardState) -> [WizardEffect] {
        guard !state.steps.values.contains(.running), state.phase == .applying, !awaitsLockoutCheck(state) else { return [] }
        state.phase = .result
        state.scroll = 0
        // All done: nothing typed is unsaved any more, and the draft has served its purpose.
        if state.steps.values.allSatisfy({ if case .done(let r) = $0 { return r.succeeded } else { return false } }) {
            state.form.ttlTouched = []
            state.prefill = state.form
            return [.deleteDraft(address: state.config.address, organization: state.organization ?? state.config.organization ?? "")]
                + Wizard.deletingReplacedToken(state)
        }
        return []
    }

    static func readAgain(_ state: inout WizardState) -> [WizardEffect] {
        if let org = state.organization ?? state.config.organization { return [.loadState(organization: org)] }
        return [.loadOrganizations]
    }

    static func nothingApplied(_ state: WizardState) -> String {
        guard state.config.keepsDraft else { return "Nothing applied." }
        return state.draftSaveFailed
            ? "Nothing applied. The draft file could not be written, so what you typed is not kept for next time."
            : "Nothing applied. What you typed is kept as a draft for next time."
    }

    static func name(_ state: WizardState) -> String { state.organization ?? "this organization" }
    static func keeps(_ section: Section) -> Bool { false }
    static func checksOnScreen(_ section: Section) -> Bool { true }
}
