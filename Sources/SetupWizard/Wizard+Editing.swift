import SetupKit
import TFEClient

extension Wizard {
    enum FocusTarget { case first, last, field(FieldID) }

    /// Shows a screen with a field focused, the cursor at the end of its value.
    static func go(_ state: inout WizardState, to section: Section, focus target: FocusTarget) {
        state.phase = .editing(section)
        let fields = state.visibleFields(section)
        switch target {
        case .first: setFocus(&state, fields.first)
        case .last: setFocus(&state, fields.last)
        case .field(let f): setFocus(&state, fields.contains(f) ? f : fields.first)
        }
    }

    static func setFocus(_ state: inout WizardState, _ field: FieldID?) {
        state.editing = FieldFocus(field, text: field.map { state.form.text($0) } ?? "", takesText: field?.takesText ?? false)
        state.list = nil
    }

    static func editingKey(_ state: inout WizardState, _ key: Key, _ section: Section) -> [WizardEffect] {
        guard let field = state.focus else { return [] }
        let fields = state.visibleFields(section)
        let index = fields.firstIndex(of: field) ?? 0
        let before = state.form
        state.notice = nil
        if state.list != nil { return listKey(&state, key) }
        // A second Esc confirms going back to the organization list; any other key cancels it.
        let leaving = state.leavePending && KeyMap.back.matches(key)
        state.leavePending = false
        // Tab and Shift-Tab wrap at the ends of a screen; the arrows stop there.
        let wraps = KeyMap.wrapsAround.contains(key)
        var effects: [WizardEffect] = []

        switch key {
        case _ where KeyMap.nextField.matches(key):
            if index + 1 < fields.count || wraps { moveFocus(&state, to: fields[(index + 1) % fields.count], leaving: field) }
        case _ where KeyMap.previousField.matches(key):
            if index > 0 || wraps { moveFocus(&state, to: fields[(index + fields.count - 1) % fields.count], leaving: field) }
        case _ where KeyMap.enter.matches(key):
            if index + 1 < fields.count {
                moveFocus(&state, to: fields[index + 1], leaving: field)
            } else {
                effects = advance(&state, from: section)
            }
        case _ where KeyMap.back.matches(key):
            validateField(&state, field)
            if let i = state.screens.firstIndex(of: section), i > 0 {
                go(&state, to: state.screens[i - 1], focus: .last)
            } else if state.canGoBackToOrganizationList {
                backToOrganizationList(&state, confirmed: leaving)
            } else {
                state.notice = "This is the first screen: Enter on the last field goes on, Ctrl-C quits."
            }
        case _ where KeyMap.help.matches(key) && !(field.takesText && key.isCharacter):
            state.helpShown = true
        case _ where section == .tokenTTL && KeyMap.resetTTLs.matches(key):
            if let reason = state.readOnlyReason(.ttl(.organization)) {
                state.problem(reason)
            } else {
                // What an untouched policy reports (730.485 days), not the SDKs' 2y (730 days): on an
                // untouched server the reset is no change at all, and it never lowers a cap.
                for t in TokenType.known { state.form.setText(.ttl(t), TTLDuration.untouchedDefaultText) }
                for t in TokenType.known { state.errors[.ttl(t)] = nil }
                if case .ttl = field { setFocus(&state, field) }   // the new value selected: typing replaces it
                state.notice = "All four set to the server's untouched 2-year default, 730.485 days (a typed 2y is 730 days)."
            }
        default:
            if let reason = state.readOnlyReason(field) {
                if isEditKey(key) { state.problem(reason) }
            } else {
                edit(&state, field, key)
            }
        }
        if state.form != before {
            // The message was about the old value; it comes back when focus leaves, if still due.
            state.errors[field] = nil
        }
        if state.form != before, let org = state.organization {
            // Fields shown or hidden by this edit (auth, mode, enabled) keep focus sensible.
            if !state.visibleFields(section).contains(field) { setFocus(&state, state.visibleFields(section).last) }
            return effects + [.saveDraft(Draft(address: state.config.address, organization: org, form: state.form))]
        }
        return effects
    }

    /// Esc on the first screen, when the organization was picked from the list: back to that
    /// list, its marks kept. With edits, a second Esc confirms: one organization's edits stay in
    /// its draft (picking it again offers them), a baseline for several is not saved anywhere.
    static func backToOrganizationList(_ state: inout WizardState, confirmed: Bool) {
        if state.hasUnsavedEdits && !confirmed {
            state.leavePending = true
            if let org = state.organization, state.config.keepsDraft {
                state.notice = "Esc again goes back to the organization list. What you typed stays in the draft for \(org) until you edit another organization."
            } else {
                state.problem("Esc again goes back to the organization list and drops what you typed here; any other key stays.")
            }
            return
        }
        let from = state.session.name(state)
        state.flow = .organization(OrganizationChoice())
        state.current = nil
        state.form = WizardForm()
        state.prefill = state.form
        state.errors = [:]
        state.editing = FieldFocus()
        state.plan = nil
        state.steps = [:]
        state.scroll = 0
        state.phase = .pickOrganization
        state.notice = "Back to the organization list (from \(from)): Enter sets up the highlighted one or those marked."
    }

    static func isEditKey(_ key: Key) -> Bool {
        switch key {
        case .char, .paste, .backspace, .delete, .ctrlU, .left, .right, .killToEnd, .deleteWordBack: return true
        default: return false
        }
    }

    static func moveFocus(_ state: inout WizardState, to next: FieldID, leaving field: FieldID) {
        validateField(&state, field)
        setFocus(&state, next)
    }

    /// Leaves a screen forward: every visible field must be valid.
    static func advance(_ state: inout WizardState, from section: Section) -> [WizardEffect] {
        let invalid = validateScreen(&state, section)
        if let first = invalid.first {
            setFocus(&state, first)
            state.problem("Fix the marked field\(invalid.count == 1 ? "" : "s") to continue.")
            return []
        }
        if state.fixing {
            state.fixing = false
            state.phase = .result
            state.editing = FieldFocus()
            state.notice = failedResults(state).isEmpty
                ? "\(state.config.keyWords.back): back to the review, to apply what you changed."
                : "\(state.config.keyWords.retry) to send the new values (only the requests that failed)."
            return []
        }
        guard let i = state.screens.firstIndex(of: section), i + 1 < state.screens.count else { return enterReview(&state) }
        go(&state, to: state.screens[i + 1], focus: .first)
        return []
    }

    /// A key on a field: its kind edits it (a toggle flips, a choice cycles or opens its list,
    /// text is edited at the cursor).
    static func edit(_ state: inout WizardState, _ field: FieldID, _ key: Key) {
        let spec = FieldSpec.of(field)
        spec.kind.behaviour.edit(&state, spec, key)
    }

    static func cycle<T: Equatable>(_ all: [T], _ value: T, _ step: Int) -> T {
        let i = all.firstIndex(of: value) ?? (step > 0 ? -1 : all.count)
        return all[((i + step) % all.count + all.count) % all.count]
    }
}
