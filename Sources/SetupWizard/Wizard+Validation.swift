import SetupKit
import TFEClient

extension Wizard {
    /// The problems of one screen's visible fields, through the client core's rules (no copy of
    /// them here): each field's rule on its typed text (port, duration, pool id), then the rules
    /// on the values the form would send, run by the planner with the server's state for the
    /// cross-field rules. An issue goes to the last shown field with its key (the typed pool id
    /// rather than the pool choice, when both show).
    package static func issues(_ state: WizardState, _ section: Section) -> [FieldID: String] {
        let visible = FieldSpec.visible(in: section, state)
        var found: [FieldID: String] = [:]
        for spec in visible { if let message = spec.textRule?(state) { found[spec.id] = message } }
        // Several organizations: the rules on values run per organization at the review, where
        // one that cannot take a value is left out by name (the site-wide SMTP screen is checked here).
        guard let current = state.current, state.session.checksOnScreen(section) else { return found }
        for issue in Planner.plan(state.form.desired(sections: [section]), current: current).issues {
            if let spec = visible.last(where: { $0.key == issue.field }), found[spec.id] == nil { found[spec.id] = issue.message }
        }
        return found
    }

    /// Validates the field focus leaves: its message is shown, or cleared.
    static func validateField(_ state: inout WizardState, _ field: FieldID) {
        guard state.readOnlyReason(field) == nil else { return }
        state.errors[field] = issues(state, field.section)[field]
    }

    /// Validates a whole screen; returns the invalid fields in screen order.
    @discardableResult
    static func validateScreen(_ state: inout WizardState, _ section: Section) -> [FieldID] {
        let found = issues(state, section)
        for f in state.visibleFields(section) { state.errors[f] = found[f] }
        for f in state.errors.keys where f.section == section && !state.visibleFields(section).contains(f) { state.errors[f] = nil }
        return state.visibleFields(section).filter { found[$0] != nil }
    }
}
