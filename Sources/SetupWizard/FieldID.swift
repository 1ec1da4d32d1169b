import SetupKit
import TFEClient

/// A field on a wizard screen.
public enum FieldID: Hashable, Sendable {
    case smtpEnabled, smtpHost, smtpPort, smtpSender, smtpAuth, smtpUsername, smtpPassword, smtpTestEmail
    case mode, pool, poolOther
    case ttlEnabled
    case ttl(TokenType)

    /// How the field is edited.
    public enum Kind: Sendable { case toggle, text, password, choice, poolChoice, duration }

    public var kind: Kind {
        switch self {
        case .smtpEnabled, .ttlEnabled: return .toggle
        case .smtpAuth, .mode: return .choice
        case .pool: return .poolChoice
        case .smtpPassword: return .password
        case .ttl: return .duration
        default: return .text
        }
    }

    /// Typing goes into the field (so `?` is a character, not help).
    public var takesText: Bool { kind == .text || kind == .password || kind == .duration }

    /// The key used by the rules, answers files and 422 pointers.
    public var key: FieldKey {
        switch self {
        case .smtpEnabled: return .smtpEnabled
        case .smtpHost: return .smtpHost
        case .smtpPort: return .smtpPort
        case .smtpSender: return .smtpSender
        case .smtpAuth: return .smtpAuth
        case .smtpUsername: return .smtpUsername
        case .smtpPassword: return .smtpPassword
        case .smtpTestEmail: return .smtpTestEmail
        case .mode: return .executionMode
        case .pool, .poolOther: return .agentPool
        case .ttlEnabled: return .ttlEnabled
        case .ttl(let t): return .ttl(t)
        }
    }

    /// The field for a key (a 422's pointer, a rule's issue).
    public init?(key: FieldKey) {
        let all: [FieldID] = [.smtpEnabled, .smtpHost, .smtpPort, .smtpSender, .smtpAuth, .smtpUsername, .smtpPassword, .smtpTestEmail,
                              .mode, .pool, .ttlEnabled] + TokenType.known.map(FieldID.ttl)
        guard let match = all.first(where: { $0.key == key }) else { return nil }
        self = match
    }

    public var section: Section {
        switch self {
        case .smtpEnabled, .smtpHost, .smtpPort, .smtpSender, .smtpAuth, .smtpUsername, .smtpPassword, .smtpTestEmail: return .smtp
        case .mode, .pool, .poolOther: return .executionDefaults
        case .ttlEnabled, .ttl: return .tokenTTL
        }
    }

    public var label: String { self == .poolOther ? "Pool id" : FieldLabels.label(key) }

    /// The help shown by F1 / `?`.
    public var help: String {
        switch self {
        case .smtpEnabled: return "Turn TFE's outgoing mail on or off. When off, TFE sends no email (no invitations, no password resets, no notifications)."
        case .smtpHost: return "The mail relay's hostname or IP address, e.g. smtp.example.com. No scheme and no port: the port has its own field."
        case .smtpPort: return "The relay's port: usually 587 (STARTTLS), 465 (TLS) or 25 (plain)."
        case .smtpSender: return "The From address of TFE's mail, e.g. noreply@example.com."
        case .smtpAuth: return "How TFE logs in to the relay: none, plain or login (←/→ or Space to change)."
        case .smtpUsername: return "The relay account's user name."
        case .smtpPassword: return "The relay account's password. Empty keeps the stored one. It is sent once, never shown, never saved."
        case .smtpTestEmail: return "Optional. When set, TFE sends a test email there while saving: a failed send means nothing is saved."
        case .mode: return "Where new workspaces run by default: remote (HCP/TFE workers), local (your machine), agent (your agent pool)."
        case .pool: return "The agent pool new workspaces use in agent mode. Other… lets you type a pool id."
        case .poolOther: return "An agent pool id, like apool-abc123."
        case .ttlEnabled: return "Enforce the maximum lifetimes below when tokens are created."
        case .ttl: return "The longest a new token of this type may live: e.g. 90d, 12h, 6mo, 1y, 0.5h. Ctrl-R sets all four to the 2-year default."
        }
    }
}

/// The agent pool choice.
public enum PoolSelection: Hashable, Sendable {
    /// `(choose a pool)`: no pool chosen yet (invalid in agent mode).
    case placeholder
    case pool(String)
    /// `Other…`: a typed id.
    case other
}
