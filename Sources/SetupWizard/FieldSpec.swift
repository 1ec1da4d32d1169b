import SetupKit
import TFEClient

/// One field of the wizard, described once: its key (the same `FieldKey` the client's rules,
/// answers files, drafts and 422 pointers use), screen, kind, help, where its value lives in the
/// form, and how a draft keeps it. `FieldID`'s properties, the form's text access and the draft
/// read this table.
///
/// Adding a field: one entry in `FieldSpec.all` (and its rule in the client core's `FieldRules`);
/// rendering, editing and plain prompts still have per-kind code (toggle, choice, text).
public struct FieldSpec: Sendable {
    public let id: FieldID
    public let key: FieldKey
    public let section: Section
    public let kind: FieldID.Kind
    /// The help shown by F1 / `?`.
    public let help: String
    /// The draft file's key (the field key, except where two fields share one).
    public let draftKey: String
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

    /// A choice's current value (its raw value; the draft's spelling).
    public func choice(_ form: WizardForm) -> String? { kind == .choice ? saveDraft(form) : nil }

    /// Sets a choice to one of its options; false for a value that is not one.
    @discardableResult
    public func setChoice(_ value: String, in state: inout WizardState) -> Bool {
        guard kind == .choice, options?(state).contains(value) == true else { return false }
        loadDraft(&state.form, value)
        return true
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
    public static let all: [FieldSpec] = [
        toggle(.smtpEnabled, .smtpEnabled, .smtp, \.smtpEnabled,
               help: "Turn TFE's outgoing mail on or off. When off, TFE sends no email (no invitations, no password resets, no notifications)."),
        text(.smtpHost, .smtpHost, .smtp, \.smtpHost,
             help: "The mail relay's hostname or IP address, e.g. smtp.example.com. No scheme and no port: the port has its own field."),
        text(.smtpPort, .smtpPort, .smtp, \.smtpPort, help: "The relay's port: usually 587 (STARTTLS), 465 (TLS) or 25 (plain)."),
        text(.smtpSender, .smtpSender, .smtp, \.smtpSender, help: "The From address of TFE's mail, e.g. noreply@example.com."),
        choice(.smtpAuth, .smtpAuth, .smtp, \.smtpAuth, options: { _ in SMTPAuth.allCases }, help: "How TFE logs in to the relay: none, plain or login (←/→ or Space to change)."),
        text(.smtpUsername, .smtpUsername, .smtp, \.smtpUsername, help: "The relay account's user name."),
        text(.smtpPassword, .smtpPassword, .smtp, \.smtpPasswordText, kind: .password, saved: false,
             help: "The relay account's password. Empty keeps the stored one. It is sent once, never shown, never saved."),
        text(.smtpTestEmail, .smtpTestEmail, .smtp, \.smtpTestEmail,
             help: "Optional. When set, TFE sends a test email there while saving: a failed send means nothing is saved."),
        choice(.mode, .executionMode, .executionDefaults, \.mode, options: { $0.modeOptions },
               help: "Where new workspaces run by default: remote (HCP/TFE workers), local (your machine), agent (your agent pool)."),
        FieldSpec(id: .pool, key: .agentPool, section: .executionDefaults, kind: .poolChoice,
                  help: "The agent pool new workspaces use in agent mode. Other… lets you type a pool id.",
                  draftKey: FieldKey.agentPool.rawValue, text: nil,
                  saveDraft: { form in
                      switch form.pool {
                      case .placeholder: return ""
                      case .pool(let id): return id
                      case .other: return "other"
                      }
                  },
                  loadDraft: { form, value in form.pool = value.isEmpty ? .placeholder : (value == "other" ? .other : .pool(value)) }),
        text(.poolOther, .agentPool, .executionDefaults, \.poolOther, draftKey: "execution_defaults.agent_pool_other",
             help: "An agent pool id, like apool-abc123."),
        toggle(.ttlEnabled, .ttlEnabled, .tokenTTL, \.ttlEnabled, help: "Enforce the maximum lifetimes below when tokens are created."),
    ] + TokenType.known.map { type in
        // A type the server has no policy for has no text at all (not an empty one) in the draft.
        FieldSpec(id: .ttl(type), key: .ttl(type), section: .tokenTTL, kind: .duration,
                  help: "The longest a new token of this type may live: e.g. 90d, 12h, 6mo, 1y, 0.5h. Ctrl-R sets all four to the 2-year default.",
                  draftKey: FieldKey.ttl(type).rawValue, text: \WizardForm.[ttlTextOf: type],
                  saveDraft: { $0.ttlText[type] }, loadDraft: { $0.ttlText[type] = $1 })
    }

    private static let byID: [FieldID: FieldSpec] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    /// The entry of a field (every `FieldID` has one).
    public static func of(_ id: FieldID) -> FieldSpec {
        guard let spec = byID[id] else { preconditionFailure("no FieldSpec for \(id)") }
        return spec
    }
}
