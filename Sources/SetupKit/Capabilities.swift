import TFEClient

/// What this server can do for this token and organization: each section and each feature
/// inside one is available, or unavailable with the reason a person can act on. Read from the
/// start-up state (one concurrent round trip); never guessed from a bare 404 where the release or
/// the entitlement set can tell.
package struct Capabilities: Sendable, Equatable {
    /// One section or feature.
    package struct Item: Sendable, Equatable {
        /// `smtp`, `execution_defaults`, `token_ttl`, or a feature: `agent_mode`, `ttl_switch`
        /// (the keys of `check --json`).
        package var name: String
        /// What the screens call it (`SMTP relay`, `Agent mode`), for text meant for people.
        package var title: String
        /// nil when available.
        package var unavailableReason: String?
        package var available: Bool { unavailableReason == nil }
    }

    package var sections: [Item]
    package var features: [Item]

    /// - Parameter sections: the sections asked about (`--screens`).
    package init(_ current: CurrentState, sections asked: [Section] = Section.allCases) {
        let org = current.organization
        // The reason itself is said once, on the organization line (check) or in the plan.
        let noOrganization = current.organizationUnavailable.map { _ in "no organization to set up." }
        let readOnly = noOrganization ?? (org.canUpdate ? nil : "this token cannot change \(org.name) (only the owners team can).")
        sections = asked.map { section in
            switch section {
            case .smtp: return Item(name: section.rawValue, title: section.title, unavailableReason: current.smtpUnavailableReason)
            case .executionDefaults: return Item(name: section.rawValue, title: section.title, unavailableReason: readOnly)
            case .tokenTTL: return Item(name: section.rawValue, title: section.title, unavailableReason: noOrganization ?? current.tokenTTLUnavailable ?? readOnly)
            }
        }
        features = [
            Item(name: "agent_mode", title: "Agent mode", unavailableReason: noOrganization ?? current.agentsUnavailable),
            Item(name: "ttl_switch", title: FieldLabels.label(.ttlEnabled) + " switch", unavailableReason: noOrganization ?? current.ttlSwitchUnavailableReason),
        ]
    }

    /// Whether every section asked about is available.
    package var allSectionsAvailable: Bool { sections.allSatisfy(\.available) }
}
