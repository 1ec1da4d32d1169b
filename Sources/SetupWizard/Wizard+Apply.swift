import SetupKit
import TFEClient

extension Wizard {
    /// The sections whose screens are shown and editable (read-only screens send nothing).
    public static func editableSections(_ state: WizardState) -> Set<Section> {
        Set(state.screens.filter { s in
            switch s {
            case .smtp: return true
            case .executionDefaults, .tokenTTL: return state.canUpdateOrganization
            }
        })
    }

    static func enterReview(_ state: inout WizardState) {
        guard let current = state.current else { return }
        state.plan = Planner.plan(state.desiredSettings(sections: editableSections(state)), current: current)
        state.phase = .review
        state.focus = nil
        state.scroll = 0
    }

    static func reviewKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        switch key {
        case .enter:
            guard let plan = state.plan else { return [] }
            if !plan.issues.isEmpty {
                // Every screen was checked on the way; a rule that needs the server can still fail here.
                let first = plan.issues[0]
                if let field = FieldID(key: first.field), state.screens.contains(field.section) {
                    state.errors[field] = first.message
                    go(&state, to: field.section, focus: .field(field))
                }
                state.problem(first.message)
                return []
            }
            if plan.isEmpty {
                state.phase = .savePrompt
                return []
            }
            state.phase = .applying
            state.steps = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0, StepStatus.running) })
            return [.apply(plan, steps: plan.steps)]
        case .escape:
            if let last = state.screens.last { go(&state, to: last, focus: .last) }
            return []
        default:
            return []
        }
    }

    static func stepFinished(_ state: inout WizardState, _ result: StepResult) -> [WizardCommand] {
        state.steps[result.step] = .done(result)
        // The server answered (even if it ignored a field): its answer is the state now.
        if result.error == nil {
            state.appliedSomething = true
            state.current?.absorb(result)
            if result.step == .smtp {
                // Sent once: a retry or a second apply must not send the password or a test email again.
                state.form.smtpPassword = SecretString("")
                state.form.smtpTestEmail = ""
            }
        }
        let running = state.steps.values.contains { $0 == .running }
        if !running, state.phase == .applying {
            state.phase = .result
            state.scroll = 0
            // All done: nothing typed is unsaved any more, and the draft has served its purpose.
            if state.steps.values.allSatisfy({ if case .done(let r) = $0 { return r.succeeded } else { return false } }) {
                state.form.ttlTouched = []
                state.prefill = state.form
                return [.deleteDraft]
            }
        }
        return []
    }

    static func failedResults(_ state: WizardState) -> [StepResult] {
        state.steps.values.compactMap { if case .done(let r) = $0, !r.succeeded { return r } else { return nil } }.sorted { $0.step < $1.step }
    }

    static func resultKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        let failed = failedResults(state)
        switch key {
        case .char("r"), .char("R"):
            guard !failed.isEmpty, let plan = state.plan else {
                state.notice = "Nothing failed, so there is nothing to retry."
                return []
            }
            let steps = failed.map(\.step)
            for s in steps { state.steps[s] = .running }
            state.phase = .applying
            return [.apply(plan.restricted(to: Set(steps)), steps: steps)]
        case .char("e"), .char("E"):
            for result in failed {
                guard let error = result.error else { continue }
                if let key = error.fieldKeys.first, let field = FieldID(key: key), state.screens.contains(field.section) {
                    let message: String
                    if case .unprocessable(let errors) = error { message = errors.first { $0.field == key }?.message ?? error.commandLineDescription } else { message = error.commandLineDescription }
                    state.errors[field] = "The server refused this: \(message)"
                    go(&state, to: field.section, focus: .field(field))
                    return []
                }
            }
            state.notice = "No failure names a field to fix; press r to retry or Enter to finish."
            return []
        case .enter:
            state.phase = .savePrompt
            return []
        default:
            return []
        }
    }

    static func saveKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        switch key {
        case .char("y"), .char("Y"):
            return [.saveAnswers(fileName: state.config.answersFileName, contents: answers(state))]
        case .char("n"), .char("N"), .enter, .escape:
            return [.quit(exitCode: exitCode(state), message: finishMessage(state))]
        default:
            return []
        }
    }

    /// The answers file for what the admin chose: the form's values over the server's (never the password).
    public static func answers(_ state: WizardState) -> String {
        guard let current = state.current, let org = state.organization else { return "{}\n" }
        let sections = Set(state.screens)
        let f = state.form
        var smtp: SMTPSettings?
        if sections.contains(.smtp), let s = current.smtp {
            smtp = SMTPSettings(enabled: f.smtpEnabled, host: f.smtpHost, port: Int(f.smtpPort) ?? s.port, sender: f.smtpSender, auth: f.smtpAuth,
                                username: f.smtpAuth == .none ? "" : f.smtpUsername)
        }
        let execution = sections.contains(.executionDefaults) ? (f.mode, f.mode == .agent ? f.poolID : nil) : nil
        var ttl: (Bool, [TokenType: Int64])?
        if sections.contains(.tokenTTL) {
            var ms: [TokenType: Int64] = [:]
            for t in TokenType.known {
                let typed = f.ttlTouched.contains(t) ? f.ttlText[t].flatMap { try? TTLDuration.parse($0) } : nil
                if let v = typed ?? current.ttl(t) { ms[t] = v }
            }
            ttl = (f.ttlEnabled, ms)
        }
        return AnswersEncoder.encode(address: state.config.address, organization: org, smtp: smtp, execution: execution, tokenTTL: ttl)
    }
}
