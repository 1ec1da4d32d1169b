import SetupKit
import TFEClient

/// A field on a wizard screen.
package enum FieldID: Hashable, Sendable {
    case smtpEnabled, smtpHost, smtpPort, smtpSender, smtpAuth, smtpUsername, smtpPassword, smtpTestEmail
    case mode, pool, poolOther
    /// One organization: the name of an agent pool to create (`New pool…`).
    case poolNew
    /// Several organizations: the pool by name.
    case poolName
    case ttlEnabled
    case ttl(TokenType)

    /// How the field is edited.
    package enum Kind: Sendable { case toggle, text, password, choice, poolChoice, duration }

    package var kind: Kind { FieldSpec.of(self).kind }

    /// Typing goes into the field (so `?` is a character, not help).
    package var takesText: Bool { kind == .text || kind == .password || kind == .duration }

    /// The key used by the rules, answers files and 422 pointers.
    package var key: FieldKey { FieldSpec.of(self).key }

    /// The field for a key (a 422's pointer, a rule's issue): the first with that key (the pool's
    /// choice, not its typed id).
    package init?(key: FieldKey) {
        guard let match = FieldSpec.all.first(where: { $0.key == key }) else { return nil }
        self = match.id
    }

    package var section: Section { FieldSpec.of(self).section }

    package var label: String { FieldSpec.of(self).label }

    /// The help shown by F1 / `?`.
    package var help: String { FieldSpec.of(self).help }
}

/// The agent pool choice.
package enum PoolSelection: Hashable, Sendable {
    /// `(choose a pool)`: no pool chosen yet (invalid in agent mode).
    case placeholder
    case pool(String)
    /// `Other…`: a typed id.
    case other
    /// `New pool…`: a pool created by name, before the organization is changed.
    case create
}
