import SetupKit
import TFEClient

extension Wizard {
    /// The problems of one screen's visible fields, through the client core's rules (no copy of
    /// them here): the text-level rules (port, duration, pool id) and the section's rules on the
    /// values the form would send, with the server's state for the cross-field rules.
    public static func issues(_ state: WizardState, _ section: Section) -> [FieldID: String] {
        guard let current = state.current else { return [:] }
        let form = state.form
        let visible = state.visibleFields(section)
        var found: [FieldID: String] = [:]
        func add(_ field: FieldID, _ message: String?) {
            if let message, found[field] == nil, visible.contains(field) { found[field] = message }
        }
        let desired = form.desired(sections: [section])
        switch section {
        case .smtp:
            add(.smtpPort, form.smtpEnabled ? FieldRules.port(form.smtpPort) : nil)
            if let u = desired.smtp {
                for issue in Validation.issues(for: u, current: current.smtp) { if let f = FieldID(key: issue.field) { add(f, issue.message) } }
            }
        case .executionDefaults:
            if form.mode == .agent, form.pool == .other { add(.poolOther, FieldRules.agentPoolID(form.poolOther.trimmingCharacters(in: .whitespaces))) }
            if form.mode == .agent, form.pool == .placeholder {
                add(.pool, "Agent mode needs an agent pool: choose one with ←/→, or pick Mode remote or local.")
            }
            if let e = desired.executionDefaults {
                let update = OrganizationDefaultsUpdate(mode: e.mode, agentPool: e.agentPool)
                for issue in Validation.issues(for: update, current: current.organization) {
                    add(form.pool == .other ? .poolOther : .pool, issue.message)
                }
            }
        case .tokenTTL:
            for t in TokenType.known where form.ttlTouched.contains(t) {
                add(.ttl(t), FieldRules.duration(form.ttlText[t] ?? "", label: t.label))
            }
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
