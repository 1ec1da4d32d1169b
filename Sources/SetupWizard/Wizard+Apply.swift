import SetupKit
import TFEClient

extension Wizard {
    /// The sections whose screens are shown and editable (read-only screens send nothing).
    package static func editableSections(_ state: WizardState) -> Set<Section> {
        Set(state.screens.filter { s in
            switch s {
            case .smtp: return true
            case .executionDefaults, .tokenTTL: return state.canUpdateOrganization
            }
        })
    }

    /// Leaving the last screen: the session makes the Review.
    static func enterReview(_ state: inout WizardState) -> [WizardEffect] { state.session.enterReview(&state) }

    /// The closing line when nothing was applied.
    static func nothingApplied(_ state: WizardState) -> String { withCreated(state, state.session.nothingApplied(state)) }


    /// A plan's first issue, on its field's screen (every screen was checked on the way; a rule
    /// that needs the server can still fail at the review). False when the plan has none.
    static func showFirstIssue(_ state: inout WizardState, _ plan: Plan) -> Bool {
        guard let first = plan.issues.first else { return false }
        if let field = FieldID(key: first.field), state.screens.contains(field.section) {
            state.errors[field] = first.message
            go(&state, to: field.section, focus: .field(field))
        }
        state.problem(first.message)
        return true
    }

    static func stepFinished(_ state: inout WizardState, _ result: StepResult) -> [WizardEffect] {
        state.steps[result.step] = .done(result)
        // The server answered (even if it ignored a field): its answer is the state now.
        if result.error == nil {
            state.appliedSomething = true
            state.current?.absorb(result)
            // Saved now: the marks an earlier failure of this request left on its fields (the
            // "Not saved (sent in the same request as …)" under Mode) no longer hold.
            for key in result.fields { if let field = FieldID(key: key) { state.errors[field] = nil } }
            if result.step == .smtp {
                // Sent once: a retry or a second apply must not send the password or a test email again.
                state.form.smtpPassword = SecretString("")
                state.form.smtpTestEmail = ""
            }
        }
        return state.session.stepAnswered(&state)
    }

    static func failedResults(_ state: WizardState) -> [StepResult] {
        state.answeredSteps.filter { !$0.succeeded }
    }



    /// Whether the new agent pool's request was sent and got no answer: the pool may exist, and
    /// the state read at the start does not show it, so a new plan would create a second one.
    static func poolMayExist(_ state: WizardState) -> Bool {
        if case .done(let r)? = state.steps[.agentPool], r.saved == .unknown { return true }
        return false
    }

    /// Why nothing more is sent after the new pool's answer was lost.
    static let poolMayExistNotice = "The new agent pool's request got no answer, so the pool may exist: nothing more is sent from here (a second request could make a second pool). "
        + "Quit and run tfe-setup again: it reads the pools first and uses that pool if it is there."

    /// The end: the question whether to save the answers, unless this token could change nothing
    /// shown (then an answers file would only copy settings nobody here can set).
    static func offerToSave(_ state: inout WizardState) -> [WizardEffect] {
        // Several organizations: a baseline that sets something (or the relay) is worth keeping.
        let worthSaving = state.several.map { _ in !state.fleetBaseline.isEmpty || state.steps[.smtp] != nil } ?? !editableSections(state).isEmpty
        guard !worthSaving else {
            state.phase = .savePrompt
            return []
        }
        return [.quit(exitCode: exitCode(state), message: finishMessage(state))]
    }

    /// `r`: the failed requests again, planned from the values as they are now. Values the server
    /// refused are not sent unchanged (that would fail the same way); the notice says what to do.
    static func retry(_ state: inout WizardState) -> [WizardEffect] {
        if poolMayExist(state) {
            state.problem(poolMayExistNotice)
            return []
        }
        let failed = failedResults(state)
        guard !failed.isEmpty, let previous = state.plan, let current = state.current else {
            state.notice = "Nothing failed, so there is nothing to retry."
            return []
        }
        let whole = Planner.plan(state.desiredSettings(sections: editableSections(state)), current: current)
        let fresh = whole.restricted(to: Set(failed.map(\.step)))
        if let first = fresh.issues.first, let field = FieldID(key: first.field), state.screens.contains(field.section) {
            state.errors[field] = first.message
            go(&state, to: field.section, focus: .field(field))
            state.fixing = true
            state.problem(first.message)
            return []
        }
        // Values changed since the Review may tighten a cap: the same guard as the Review's, never
        // passed by `r` (the Review's y is the only way to accept a rejection).
        if state.awaitsTokens {
            state.problem(readingTokens + " Nothing is sent until they are.")
            return []
        }
        if whole.locksOutToken {
            state.problem("Not sent: " + TokenReport.lockout(uncertain: whole.tokenReport?.lockoutUncertain == true) + ". \(state.config.keyWords.back): back to the Review, which names the tokens; \(KeyMap.acceptTokenRejection.names) there applies them knowingly.")
            return []
        }
        let refusedAgain = failed.filter { !$0.isTransient && fresh.sendsTheSame(as: previous, for: $0.step) }
        if !refusedAgain.isEmpty {
            let fields = refusedAgain.flatMap(\.fieldsToFix).map { FieldLabels.label($0) }
            state.problem("Not sent: the same values would be refused again. "
                          + (fields.isEmpty ? "\(state.config.keyWords.back): back to the review." : state.config.keyWords.changeFields(fields.joined(separator: ", "))))
            return []
        }
        // A failed step with nothing left to send: its values now match the server's.
        for result in failed where !fresh.steps.contains(result.step) { state.steps[result.step] = nil }
        guard !fresh.steps.isEmpty else {
            state.notice = "Nothing left to send: the values now match the server's."
            return []
        }
        for step in fresh.steps { state.steps[step] = .running }
        state.plan = fresh
        state.phase = .applying
        return [.apply(fresh, steps: fresh.steps)]
    }

    /// `e`: marks the fields that can cause a failure (username and password on a refused
    /// login, host and port on a relay that did not answer, what a 422 names) and opens the
    /// first one's screen. The others sent in the same request are not marked: they were not
    /// saved either (the Result says so), but changing them would not help.
    static func jumpToFix(_ state: inout WizardState) -> [WizardEffect] {
        var first: FieldID?
        for result in failedResults(state) {
            for key in result.fieldsToFix {
                guard let message = result.problem(for: key), let field = shownField(state, key) else { continue }
                state.errors[field] = message
                if first == nil, result.fieldsToFix.contains(key) { first = field }
            }
        }
        guard let first else {
            state.notice = "No failure names a field to fix; press r to retry or Enter to finish."
            return []
        }
        go(&state, to: first.section, focus: .field(first))
        state.fixing = true
        return []
    }

    /// The field on a shown screen for a key (the typed pool id when the pool is typed).
    static func shownField(_ state: WizardState, _ key: FieldKey) -> FieldID? {
        guard let field = FieldID(key: key), state.screens.contains(field.section) else { return nil }
        if field == .pool, state.form.pool == .other { return .poolOther }
        return field
    }

    static func saveKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        switch key {
        case _ where KeyMap.yes.matches(key):
            return [.saveAnswers(fileName: state.config.answersFileName, contents: answers(state))]
        case _ where KeyMap.no.matches(key) || KeyMap.enter.matches(key) || KeyMap.back.matches(key):
            return [.quit(exitCode: exitCode(state), message: finishMessage(state))]
        default:
            return []
        }
    }

    /// The answers file for what the admin chose: the server's state with the form's values
    /// applied, in the export's encoding (never the password: the file names its variable).
    package static func answers(_ state: WizardState) -> String {
        if let fleet = state.several {
            // A baseline: the organizations by name and only what it sets; the relay as applied.
            let relay = state.current.flatMap { current in
                editableSections(state).contains(.smtp) ? current.applying(state.desiredSettings(sections: [.smtp])).smtp : nil
            }
            return AnswersEncoder.encode(baseline: state.fleetBaseline, organizations: fleet.organizations.map(\.name), smtp: relay,
                                         address: state.config.addressInAnswers ? state.config.address : nil)
        }
        guard let current = state.current else { return "{}\n" }
        let sections = Set(state.screens)
        let desired = state.desiredSettings(sections: editableSections(state))
        return AnswersEncoder.encode(current: current.applying(desired),
                                     address: state.config.addressInAnswers ? state.config.address : nil, sections: sections,
                                     createPool: desired.executionDefaults?.createAgentPool == true ? desired.executionDefaults?.agentPoolName : nil)
    }
}
