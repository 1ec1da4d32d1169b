import TFEClient

/// The three sections, named the same everywhere: screens, `--screens`, answers file, plan output.
package enum Section: String, Sendable, Codable, CaseIterable, Hashable {
    case smtp
    case executionDefaults = "execution_defaults"
    case tokenTTL = "token_ttl"

    /// The title people see (`SMTP relay`).
    package var title: String {
        switch self {
        case .smtp: return "SMTP relay"
        case .executionDefaults: return "Execution defaults"
        case .tokenTTL: return "Token TTLs"
        }
    }

    /// What the screen sets and who may set it, in one line of at most 58 columns (the screen's
    /// first line at 60x16, under its title in the header).
    package var purpose: String {
        switch self {
        case .smtp: return "Outgoing email for the whole site. Site admins; TFE only."
        case .executionDefaults: return "Where new workspaces run. Owners; TFE and HCP."
        case .tokenTTL: return "How long API tokens may live. Owners; TFE 2.0.1+ or HCP."
        }
    }

    /// The section a field belongs to.
    package init?(field: FieldKey) { self.init(rawValue: field.section) }
}

/// Labels of the fields, shared by screens, review lines and plan output.
package enum FieldLabels {
    package static func label(_ field: FieldKey) -> String {
        if let setting = SMTPSetting.all.first(where: { $0.key == field }) { return setting.label }
        switch field {
        case .smtpPassword: return "Password"
        case .smtpTestEmail: return "Test email address"
        case .executionMode: return "Mode"
        case .agentPool: return "Agent pool"
        case .agentPoolName: return "New agent pool"
        case .ttlEnabled: return "Enforce max TTL"
        case .organization: return "Organization"
        default:
            if field.section == "token_ttl" { return TokenType(rawValue: String(field.rawValue.dropFirst("token_ttl.".count))).label }
            return field.rawValue
        }
    }
}
