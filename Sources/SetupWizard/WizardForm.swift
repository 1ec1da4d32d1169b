import SetupKit
import TFEClient

/// What the admin has typed, as text, prefilled from the server.
package struct WizardForm: Equatable, Sendable {
    package var smtpEnabled = false
    package var smtpHost = ""
    package var smtpPort = "25"
    package var smtpSender = ""
    package var smtpAuth: SMTPAuth = .none
    package var smtpUsername = ""
    package var smtpPassword = SecretString("")
    package var smtpTestEmail = ""
    package var mode: ExecutionMode = .remote
    package var pool: PoolSelection = .placeholder
    package var poolOther = ""
    /// The name of the pool `New pool…` creates.
    package var poolNew = ""
    package var ttlEnabled = false
    package var ttlText: [TokenType: String] = [:]
    /// TTL fields the admin edited: only those are compared (so an untouched 730.485-day default
    /// shown as `2y` is not "changed" to 730 days).
    package var ttlTouched: Set<TokenType> = []
    /// Several organizations: the toggles and choices left at "keep each organization's value"
    /// (text fields keep it by being empty).
    package var kept: Set<FieldID> = []
    /// Several organizations: the agent pool by name (ids differ per organization).
    package var poolName = ""

    package init() {}

    /// The form for a baseline of several organizations: every field keeps each one's value; the
    /// site-wide SMTP relay starts from the server's settings, as for one organization.
    package static func baseline(siteWide current: CurrentState?) -> WizardForm {
        var form = WizardForm()
        if let current, current.smtp != nil {
            let loaded = WizardForm(current: current)
            form.smtpEnabled = loaded.smtpEnabled
            form.smtpHost = loaded.smtpHost
            form.smtpPort = loaded.smtpPort
            form.smtpSender = loaded.smtpSender
            form.smtpAuth = loaded.smtpAuth
            form.smtpUsername = loaded.smtpUsername
        }
        form.kept = [.mode, .ttlEnabled]
        return form
    }

    /// The form prefilled with the server's values.
    package init(current: CurrentState) {
        if let s = current.smtp {
            smtpEnabled = s.enabled
            smtpHost = s.host
            smtpPort = String(s.port)
            smtpSender = s.sender
            smtpAuth = s.auth
            smtpUsername = s.username
        }
        mode = current.organization.defaultExecutionMode
        pool = current.organization.defaultAgentPoolID.map(PoolSelection.pool) ?? .placeholder
        ttlEnabled = current.organization.maxTTLEnabled
        for type in TokenType.known {
            if let ms = current.ttl(type) { ttlText[type] = TTLDuration.isDefault(ms) ? "2y" : TTLDuration.format(milliseconds: ms) }
        }
    }

    /// The password as text, for the field table (the form keeps it as a `SecretString`).
    package var smtpPasswordText: String {
        get { smtpPassword.exposedValue }
        set { smtpPassword = SecretString(newValue) }
    }

    /// A TTL field's text (empty when the server has no policy of that type), for the field table.
    package subscript(ttlTextOf type: TokenType) -> String {
        get { ttlText[type] ?? "" }
        set { ttlText[type] = newValue }
    }

    /// A TTL field's text as milliseconds, when it parses (touched or not): the one place the
    /// form reads a typed duration.
    package func typedTTL(_ type: TokenType) -> Int64? {
        ttlText[type].flatMap { try? TTLDuration.parse($0) }
    }

    /// The TTL the admin typed for a type (touched and valid), nil otherwise.
    package func newTTL(_ type: TokenType) -> Int64? {
        ttlTouched.contains(type) ? typedTTL(type) : nil
    }

    /// The text of a text-like field (empty for toggles and choices).
    package func text(_ field: FieldID) -> String {
        FieldSpec.of(field).text.map { self[keyPath: $0] } ?? ""
    }

    /// Sets a text-like field; a TTL typed into counts as touched (only those are compared).
    package mutating func setText(_ field: FieldID, _ value: String) {
        guard let path = FieldSpec.of(field).text else { return }
        self[keyPath: path] = value
        if case .ttl(let t) = field { ttlTouched.insert(t) }
    }

    /// The pool id chosen (nil for the placeholder).
    package var poolID: String? {
        switch pool {
        case .placeholder: return nil
        case .pool(let id): return id
        case .other: return poolOther.trimmingSpaces
        case .create: return nil
        }
    }

    /// The desired settings of the given sections. Text that does not parse is left out here; the
    /// field rules report it.
    package func desired(sections: Set<Section>) -> DesiredSettings {
        var d = DesiredSettings()
        if sections.contains(.smtp) {
            var u = SMTPSettingsUpdate(enabled: smtpEnabled)
            if smtpEnabled {
                u.host = smtpHost.trimmingSpaces
                u.port = Int(smtpPort.trimmingSpaces)
                u.sender = smtpSender.trimmingSpaces
                u.auth = smtpAuth
                if smtpAuth != .none {
                    u.username = smtpUsername
                    if !smtpPassword.isEmpty { u.password = smtpPassword }
                }
                let address = smtpTestEmail.trimmingSpaces
                if !address.isEmpty { u.testEmailAddress = address }
            }
            d.smtp = u
        }
        if sections.contains(.executionDefaults) {
            let change: AgentPoolChange
            if mode == .agent {
                change = poolID.map(AgentPoolChange.set) ?? .unchanged
            } else {
                change = .clear
            }
            d.executionDefaults = .init(mode: mode, agentPool: change)
            if mode == .agent, pool == .create {
                // Created before the organization PATCH (or, when one of that name exists, used).
                d.executionDefaults?.agentPoolName = poolNew.trimmingSpaces
                d.executionDefaults?.createAgentPool = true
            }
        }
        if sections.contains(.tokenTTL) {
            var ms: [TokenType: Int64] = [:]
            for t in ttlTouched { if let v = newTTL(t) { ms[t] = v } }
            d.tokenTTL = .init(enabled: ttlEnabled, milliseconds: ms)
        }
        return d
    }
}
