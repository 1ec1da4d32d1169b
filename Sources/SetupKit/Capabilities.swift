import TFEClient

/// What this server can do for this token and organization: each section and each feature
/// inside one is available, or unavailable with the reason a person can act on. Read from the
/// start-up state (one concurrent round trip); never guessed from a bare 404 where the release or
/// the entitlement set can tell.
public struct Capabilities: Sendable, Equatable {
    /// One section or feature.
    public struct Item: Sendable, Equatable {
        /// `smtp`, `execution_defaults`, `token_ttl`, or a feature: `agent_mode`, `ttl_switch`
        /// (the keys of `check --json`).
        public var name: String
        /// What the screens call it (`SMTP relay`, `Agent mode`), for text meant for people.
        public var title: String
        /// nil when available.
        public var unavailableReason: String?
        public var available: Bool { unavailableReason == nil }
    }

    public var sections: [Item]
    public var features: [Item]

    /// - Parameter sections: the sections asked about (`--screens`).
    public init(_ current: CurrentState, sections asked: [Section] = Section.allCases) {
        let org = current.organization
        let readOnly = org.canUpdate ? nil : "this token cannot change \(org.name) (only the owners team can)."
        sections = asked.map { section in
            switch section {
            case .smtp: return Item(name: section.rawValue, title: section.title, unavailableReason: current.smtpUnavailableReason)
            case .executionDefaults: return Item(name: section.rawValue, title: section.title, unavailableReason: readOnly)
            case .tokenTTL: return Item(name: section.rawValue, title: section.title, unavailableReason: current.tokenTTLUnavailable ?? readOnly)
            }
        }
        features = [
            Item(name: "agent_mode", title: "Agent mode", unavailableReason: current.agentsUnavailable),
            Item(name: "ttl_switch", title: FieldLabels.label(.ttlEnabled) + " switch", unavailableReason: current.ttlSwitchUnavailableReason),
        ]
    }

    /// Whether every section asked about is available.
    public var allSectionsAvailable: Bool { sections.allSatisfy(\.available) }
}
