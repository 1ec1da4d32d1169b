import SetupKit
import TFEClient

/// One field of the wizard, described once: its key (the same `FieldKey` the client's rules,
/// answers files, drafts and 422 pointers use), screen, kind, label, help, where its value lives
/// in the form, how a draft keeps it, when it is shown, when it is read-only, its rule on the
/// typed text, the note under it and its placeholder. Rendering, editing, validation, plain
/// prompts and the draft read this table; what differs by kind (toggle, choice, text) is coded
/// once per kind, never per field.
///
/// Adding a field: one entry in `FieldSpec.all` (and its rule in the client core's `FieldRules`).
package struct FieldSpec: Sendable {
    package let id: FieldID
    package let key: FieldKey
    package let section: Section
    package let kind: FieldID.Kind
    /// The help shown by F1 / `?`.
    package let help: String
    /// The draft file's key (the field key, except where two fields share one).
    package let draftKey: String
    /// The field's text in the form (text-like fields; nil for toggles and choices).
    let text: (WritableKeyPath<WizardForm, String> & Sendable)?
    /// The value as the draft keeps it (nil: never saved — the password).
    let saveDraft: @Sendable (WizardForm) -> String?
    /// Puts a draft's value back (an unknown value leaves the form as it is).
    let loadDraft: @Sendable (inout WizardForm, String) -> Void
    /// A toggle's value in the form.
    var flag: (WritableKeyPath<WizardForm, Bool> & Sendable)? = nil
    /// A choice's options, in the order they cycle (they may depend on what the server can do).
    var options: (@Sendable (WizardState) -> [String])? = nil
    /// The flows whose screens have the field (one organization picks a pool by id, several
    /// name it, since each organization has its own ids).
    var flows: Set<Flow.Kind> = [.organization, .several]
    /// Whether the field is on its screen now (a field hidden by another's value is not).
    var isShown: @Sendable (WizardState) -> Bool = { _ in true }
    /// The rule on the text as typed (a port, a duration, a pool id), from the client core's
    /// `FieldRules`; the rules on the values sent run through the planner for the whole screen.
    var textRule: (@Sendable (WizardState) -> String?)? = nil
    /// Why the field cannot be edited, beyond its screen's reason (the server lacks it).
    var readOnlyReason: (@Sendable (WizardState) -> String?)? = nil
    /// The note under the field, when it has something to say.
    var note: (@Sendable (WizardState) -> FieldNote?)? = nil
    /// What stands in the value's place when this server has no such setting (the max-TTL switch
    /// on a release that does not report it is not "off": it is not there); nil when it has.
    var unavailableText: (@Sendable (WizardState) -> String?)? = nil
    /// What an empty text field shows.
    var placeholder: @Sendable (WizardState) -> String = { _ in "(empty)" }
    /// The label, where it is not the key's.
    var labelOverride: String? = nil

    /// The label on the screen and in prompts.
    package var label: String { labelOverride ?? FieldLabels.label(key) }

    /// The choice (and toggle) value of several organizations' baseline that sets nothing.
    package static let keep = "keep"

    /// The field's value as one line: `y`/`n`, a choice, the pool's label, or the text.
    package func display(_ state: WizardState) -> String {
        if let unavailable = unavailableText?(state) { return unavailable }
        if state.form.kept.contains(id) { return Self.keep }
        return kind.behaviour.display(self, state)
    }

    /// A choice's current value (its raw value; the draft's spelling), `keep` when kept.
    package func choice(_ form: WizardForm) -> String? {
        guard kind == .choice else { return nil }
        return form.kept.contains(id) ? Self.keep : saveDraft(form)
    }

    /// Whether a field can "keep each organization's value": on the per-organization screens of a
    /// baseline for several (the SMTP relay is site-wide: it has one value).
    package static func keeps(_ section: Section, _ state: WizardState) -> Bool {
        state.session.keeps(section)
    }

    /// A choice's options in the order they cycle; for several organizations `keep` comes first.
    package func choices(_ state: WizardState) -> [String] {
        guard kind == .choice else { return [] }
        return (Self.keeps(section, state) ? [Self.keep] : []) + (options?(state) ?? [])
    }

    /// Sets a choice to one of its options; false for a value that is not one.
    @discardableResult
    package func setChoice(_ value: String, in state: inout WizardState) -> Bool {
        guard choices(state).contains(value) else { return false }
        if value == Self.keep {
            state.form.kept.insert(id)
        } else {
            state.form.kept.remove(id)
            loadDraft(&state.form, value)
        }
        return true
    }

    func shown(when condition: @escaping @Sendable (WizardState) -> Bool) -> FieldSpec { with { $0.isShown = condition } }
    func flows(_ kinds: Flow.Kind...) -> FieldSpec { with { $0.flows = Set(kinds) } }
    func rule(_ rule: @escaping @Sendable (WizardState) -> String?) -> FieldSpec { with { $0.textRule = rule } }
    func readOnly(_ reason: @escaping @Sendable (WizardState) -> String?) -> FieldSpec { with { $0.readOnlyReason = reason } }
    func note(_ note: @escaping @Sendable (WizardState) -> FieldNote?) -> FieldSpec { with { $0.note = note } }
    func unavailable(_ text: @escaping @Sendable (WizardState) -> String?) -> FieldSpec { with { $0.unavailableText = text } }
    func placeholder(_ text: @escaping @Sendable (WizardState) -> String) -> FieldSpec { with { $0.placeholder = text } }
    func label(_ text: String) -> FieldSpec { with { $0.labelOverride = text } }
    private func with(_ change: (inout FieldSpec) -> Void) -> FieldSpec {
        var copy = self
        change(&copy)
        return copy
    }

    /// A text field whose draft value is its text.
    static func text(_ id: FieldID, _ key: FieldKey, _ section: Section, _ path: WritableKeyPath<WizardForm, String> & Sendable,
                     kind: FieldID.Kind = .text, draftKey: String? = nil, saved: Bool = true, help: String) -> FieldSpec {
        FieldSpec(id: id, key: key, section: section, kind: kind, help: help, draftKey: draftKey ?? key.rawValue, text: path,
                  saveDraft: { saved ? $0[keyPath: path] : nil }, loadDraft: { $0[keyPath: path] = $1 })
    }

    /// A toggle kept as `true`/`false`.
    static func toggle(_ id: FieldID, _ key: FieldKey, _ section: Section, _ path: WritableKeyPath<WizardForm, Bool> & Sendable, help: String) -> FieldSpec {
        FieldSpec(id: id, key: key, section: section, kind: .toggle, help: help, draftKey: key.rawValue, text: nil,
                  saveDraft: { String($0[keyPath: path]) }, loadDraft: { $0[keyPath: path] = $1 == "true" }, flag: path)
    }

    /// A choice among raw values.
    static func choice<T: RawRepresentable & Sendable>(_ id: FieldID, _ key: FieldKey, _ section: Section,
                                                       _ path: WritableKeyPath<WizardForm, T> & Sendable,
                                                       options: @escaping @Sendable (WizardState) -> [T], help: String) -> FieldSpec where T.RawValue == String {
        FieldSpec(id: id, key: key, section: section, kind: .choice, help: help, draftKey: key.rawValue, text: nil,
                  saveDraft: { $0[keyPath: path].rawValue }, loadDraft: { form, value in if let v = T(rawValue: value) { form[keyPath: path] = v } },
                  options: { options($0).map(\.rawValue) })
    }

    /// Every field, in screen order.
    package static let all: [FieldSpec] = [
        toggle(.smtpEnabled, .smtpEnabled, .smtp, \.smtpEnabled,
               help: "Turn TFE's outgoing mail on or off. When off, TFE sends no email (no invitations, no password resets, no notifications)."),
        text(.smtpHost, .smtpHost, .smtp, \.smtpHost,
             help: "The mail relay's hostname or IP address, e.g. smtp.example.com. No scheme and no port: the port has its own field.")
            .shown(when: smtpOn),
        text(.smtpPort, .smtpPort, .smtp, \.smtpPort, help: "The relay's port: usually 587 (STARTTLS), 465 (TLS) or 25 (plain).")
            .shown(when: smtpOn).rule { FieldRules.port($0.form.smtpPort) },
        text(.smtpSender, .smtpSender, .smtp, \.smtpSender, help: "The From address of TFE's mail, e.g. noreply@example.com.")
            .shown(when: smtpOn),
        choice(.smtpAuth, .smtpAuth, .smtp, \.smtpAuth, options: { _ in SMTPAuth.allCases }, help: "How TFE logs in to the relay: none, plain or login (←/→ or Space to change).")
            .shown(when: smtpOn),
        text(.smtpUsername, .smtpUsername, .smtp, \.smtpUsername, help: "The relay account's user name.")
            .shown(when: smtpLogsIn),
        text(.smtpPassword, .smtpPassword, .smtp, \.smtpPasswordText, kind: .password, saved: false,
             help: "The relay account's password. Empty keeps the stored one. It is sent once, never shown, never saved.")
            .shown(when: smtpLogsIn)
            .placeholder { $0.current?.smtp?.auth == SMTPAuth.none ? "(required: nothing stored yet)" : "(empty = keep the stored one)" },
        text(.smtpTestEmail, .smtpTestEmail, .smtp, \.smtpTestEmail,
             help: "Optional. When set, TFE sends a test email there while saving: a failed send means nothing is saved.")
            .shown(when: smtpOn).placeholder { _ in "(optional: send a test email)" },
        choice(.mode, .executionMode, .executionDefaults, \.mode, options: { $0.modeOptions },
               help: "Where new workspaces run by default: remote (HCP/TFE workers), local (your machine), agent (your agent pool).")
            .note { state in
                if let fleet = state.several { return FieldNote(fleet.spread(\.defaultExecutionMode.rawValue, ascii: state.config.ascii), .dim) }
                if let unknown = state.current?.organization.unknownExecutionMode {
                    return FieldNote("The server reports the mode \"\(SafeText.line(unknown))\", which this version does not know: it stays as it is unless you choose another.", .bold)
                }
                return state.current?.agentsUnavailable.map { FieldNote("agent: " + $0, .dim) }
            },
        FieldSpec(id: .pool, key: .agentPool, section: .executionDefaults, kind: .poolChoice,
                  help: "The agent pool new workspaces use in agent mode. New pool… creates one by name (before the organization is changed); Other… lets you type a pool id.",
                  draftKey: FieldKey.agentPool.rawValue, text: nil,
                  saveDraft: { form in
                      switch form.pool {
                      case .placeholder: return ""
                      case .pool(let id): return id
                      case .other: return "other"
                      case .create: return "new"
                      }
                  },
                  loadDraft: { form, value in
                      form.pool = value.isEmpty ? .placeholder : (value == "other" ? .other : (value == "new" ? .create : .pool(value)))
                  })
            .flows(.organization).shown(when: agentMode)
            .rule { $0.form.pool == .placeholder ? "Agent mode needs an agent pool: choose one, or pick Mode remote or local." : nil }
            .readOnly { $0.current?.agentsUnavailable }
            .note { $0.poolScopeNote.map { FieldNote($0, .warning) } },
        text(.poolOther, .agentPool, .executionDefaults, \.poolOther, draftKey: "execution_defaults.agent_pool_other",
             help: "An agent pool id, like apool-abc123.")
            .label("Pool id")
            .flows(.organization).shown { agentMode($0) && $0.form.pool == .other }
            .rule { state in
                let id = state.form.poolOther.trimmingSpaces
                if let problem = FieldRules.agentPoolID(id) { return problem }
                return state.current.flatMap { Planner.unknownPoolProblem(id, $0) }
            },
        text(.poolNew, .agentPoolName, .executionDefaults, \.poolNew,
             help: "The name of the agent pool to create, e.g. primary: no spaces, no /. It is organization-scoped (every workspace may use it) and is made first, then set as the default. Agents join it with an agent token, made under the pool afterwards.")
            .label("New pool name")
            .flows(.organization).shown { agentMode($0) && $0.form.pool == .create }
            .rule { state in
                let name = state.form.poolNew.trimmingSpaces
                return Validation.issues(forNewAgentPool: name, mode: state.form.mode).first?.message
            }
            .note { state in
                let name = state.form.poolNew.trimmingSpaces
                if let pool = state.current?.agentPools.first(where: { $0.name == name }) { return FieldNote(PlanReport.existingPoolLine(pool), .dim) }
                return FieldNote("created first, organization-scoped; agents then need an agent token made under it", .dim)
            },
        text(.poolName, .agentPool, .executionDefaults, \.poolName, draftKey: FieldKey.agentPool.rawValue + "_name",
             help: "Several organizations: the agent pool by its name (each organization has its own pool ids). An organization without a pool of that name is left out, and the review names it.")
            .label("Agent pool name")
            .flows(.several).shown(when: agentMode)
            .rule { $0.form.poolName.trimmingSpaces.isEmpty ? "Agent mode needs the pool's name: each organization's pool of that name becomes its default." : nil }
            .note { state in
                guard let fleet = state.several else { return nil }
                let withPool = fleet.organizations.filter { $0.defaultAgentPoolID != nil }.count
                return FieldNote("now: a default pool in \(withPool) of \(fleet.organizations.count); each one's pools are read at the review", .dim)
            },
        toggle(.ttlEnabled, .ttlEnabled, .tokenTTL, \.ttlEnabled, help: "Enforce the maximum lifetimes below: new tokens are capped, and existing tokens that live longer than their cap are rejected at once (HashiCorp's docs).")
            .readOnly { $0.current?.ttlSwitchUnavailableReason }
            .unavailable { !keeps(.tokenTTL, $0) && $0.current?.ttlSwitchUnavailableReason != nil ? "not available on this release" : nil }
            .note { state in
                if let fleet = state.several {
                    return FieldNote(fleet.spread({ $0.maxTTLSupported ? ($0.maxTTLEnabled ? "on" : "off") : "not supported" }, ascii: state.config.ascii), .dim)
                }
                return state.current?.ttlSwitchUnavailableReason.map { FieldNote($0, .dim) }
            },
    ] + TokenType.known.map { type in
        // A type the server has no policy for has no text at all (not an empty one) in the draft.
        FieldSpec(id: .ttl(type), key: .ttl(type), section: .tokenTTL, kind: .duration,
                  help: "The longest a new token of this type may live: e.g. 90d, 12h, 6mo, 1y, 0.5h. Ctrl-R sets all four to the server's untouched 2-year default (730.485 days; a typed 2y is 730 days).",
                  draftKey: FieldKey.ttl(type).rawValue, text: \WizardForm.[ttlTextOf: type],
                  saveDraft: { $0.ttlText[type] }, loadDraft: { $0.ttlText[type] = $1 })
            .shown { keeps(.tokenTTL, $0) || $0.current?.tokenTTLPolicies != nil }
            .rule { state in
                let text = state.form.ttlText[type] ?? ""
                // Several organizations: empty keeps each one's value.
                if keeps(.tokenTTL, state), text.trimmingSpaces.isEmpty { return nil }
                return state.form.ttlTouched.contains(type) ? FieldRules.duration(text, label: type.label) : nil
            }
            .placeholder { keeps(.tokenTTL, $0) ? "(keep each organization's value)" : "(empty)" }
            .readOnly { $0.current?.tokenTTLPolicies == nil ? ($0.current?.tokenTTLUnavailable ?? "the token TTL policies could not be read.") : nil }
            .note { state in
                if let warning = Wizard.lowering(state, type) { return FieldNote(warning, .warning) }
                return state.several?.ttlSpread(type, ascii: state.config.ascii).map { FieldNote($0, .dim) }
            }
    }

    private static let smtpOn: @Sendable (WizardState) -> Bool = { $0.form.smtpEnabled }
    private static let smtpLogsIn: @Sendable (WizardState) -> Bool = { $0.form.smtpEnabled && $0.form.smtpAuth != .none }
    private static let agentMode: @Sendable (WizardState) -> Bool = { $0.form.mode == .agent }

    private static let byID: [FieldID: FieldSpec] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    /// The fields of a screen that are shown now, in order.
    package static func visible(in section: Section, _ state: WizardState) -> [FieldSpec] {
        all.filter { $0.section == section && $0.flows.contains(state.flow.kind) && $0.isShown(state) }
    }

    /// The entry of a field (every `FieldID` has one).
    package static func of(_ id: FieldID) -> FieldSpec {
        guard let spec = byID[id] else { preconditionFailure("no FieldSpec for \(id)") }
        return spec
    }
}

/// The line under a field: a warning (marked, bold), a fact worth seeing (bold), or a quiet note.
package struct FieldNote: Equatable, Sendable {
    package enum Emphasis: Sendable { case warning, bold, dim }
    package var text: String
    package var emphasis: Emphasis
    package init(_ text: String, _ emphasis: Emphasis) {
        self.text = text
        self.emphasis = emphasis
    }
}
