import TFEClient

/// One request an apply sends.
package enum Step: String, Sendable, Equatable, Hashable, CaseIterable, Comparable {
    /// An agent pool created before the organization PATCH that makes it the default.
    case agentPool = "agent_pool"
    case smtp, organization, tokenTTL = "token_ttl"
    /// The max-TTL switch on its own, sent last when the admin accepts that the new policy
    /// rejects the token in use (`Plan.puttingTokenWritesLast`).
    case ttlSwitch = "ttl_switch"

    package static func < (a: Step, b: Step) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// What a person calls the step.
    package var title: String {
        switch self {
        case .agentPool: return "New agent pool"
        case .smtp: return "SMTP settings"
        case .organization: return "Organization defaults"
        case .tokenTTL: return "Token TTL policies"
        case .ttlSwitch: return "Enforce max TTL"
        }
    }
}

/// The request behind a step, for the Review's count and `plan --json`.
package struct PlannedRequest: Sendable, Equatable {
    package var step: Step
    package var method: String
    package var path: String
}

/// An agent pool the plan creates, to be the organization's default: always organization-scoped
/// (a default pool serves every workspace that follows the default).
package struct NewAgentPool: Sendable, Equatable {
    package var name: String
    package var organizationScoped = true
    /// Its id once the POST has answered: the organization PATCH then sets it as the default.
    package var id: String?

    package init(name: String) { self.name = name }
}

/// The changes from the current state to the desired one, and the fewest requests that make them.
package struct Plan: Sendable, Equatable {
    package var organization: String
    package var changes: [Change]
    /// Only the attributes that change, plus a typed password and test address.
    package var smtp: SMTPSettingsUpdate?
    /// Mode, pool and `max-ttl-enabled` together: one PATCH.
    package var organizationUpdate: OrganizationDefaultsUpdate?
    /// Only the token types whose value changes: one PATCH.
    package var tokenTTL: TokenTTLUpdate?
    /// Rules broken (nothing may be applied while this is not empty).
    package var issues: [ValidationIssue]
    /// Sections the server cannot take (SMTP on HCP …), with the reason.
    package var unavailable: [Section: String]
    /// Fields asked for that this server cannot take (agent mode without the agents
    /// entitlement, the max-TTL switch where the server does not report it): never sent.
    package var unsupported: [ValidationIssue] = []
    /// What the admin should know before applying, though nothing stops it (a pool with no
    /// agents, workspaces that follow the default mode).
    package var warnings: [ValidationIssue] = []
    /// Which stage each step goes out in (0 when not named). A stage's steps go out at the same
    /// time; a stage starts once the one before has answered, and when one of its steps failed
    /// the later stages are not sent (they depend on it: create, then use). Every step of a
    /// settings plan is independent today: one stage.
    package var stageOf: [Step: Int] = [:]
    /// The max-TTL switch when it goes in a request of its own, last (see `puttingTokenWritesLast`).
    package var ttlSwitchUpdate: OrganizationDefaultsUpdate?
    /// Who the tighter TTL policy rejects, when one is planned and the tokens were read.
    package var tokenReport: TokenReport?
    /// The agent pool created first (its own request, a stage before the organization PATCH,
    /// which then sets it as the default); nil when none is created.
    package var newAgentPool: NewAgentPool?
    /// The pool named to be created that the organization already has: used, not created.
    package var reusedAgentPool: AgentPool?

    /// Whether applying it rejects the token this tool runs with.
    package var locksOutToken: Bool { tokenReport?.locksOutToken ?? false }

    /// The plan with the token policies and the max-TTL switch written last, each in a stage of
    /// its own, after everything else: once they are in force the token in use may be rejected,
    /// and nothing may be left waiting behind them.
    package func puttingTokenWritesLast() -> Plan {
        var p = self
        if let enabled = p.organizationUpdate?.maxTTLEnabled {
            p.organizationUpdate?.maxTTLEnabled = nil
            // Kept when it is to set the new pool (empty until the pool's id is known).
            if p.organizationUpdate?.isEmpty ?? true, p.newAgentPool == nil { p.organizationUpdate = nil }
            p.ttlSwitchUpdate = OrganizationDefaultsUpdate(maxTTLEnabled: enabled)
        }
        p.stageOf = [.smtp: 0, .organization: 0, .tokenTTL: 1, .ttlSwitch: 2]
        if p.newAgentPool != nil { p.stageOf = p.stageOf.mapValues { $0 + 1 }.merging([.agentPool: 0]) { $1 } }
        return p
    }

    /// The plan with its new pool's id known (the POST answered): the organization PATCH that
    /// follows sets that pool as the default. Nothing changes while the plan creates no pool.
    package func usingCreatedPool(_ pool: AgentPool) -> Plan {
        guard newAgentPool != nil else { return self }
        var p = self
        p.newAgentPool?.id = pool.id
        var update = p.organizationUpdate ?? OrganizationDefaultsUpdate()
        update.agentPool = .set(pool.id)
        p.organizationUpdate = update
        return p
    }

    /// The unavailable sections in screen order, for every list that shows them.
    package var unavailableSections: [(section: Section, reason: String)] {
        Section.allCases.compactMap { section in unavailable[section].map { (section, $0) } }
    }

    /// Whether anything asked for cannot be done on this server (the command then exits 1).
    package var hasRefusals: Bool { !unavailable.isEmpty || !unsupported.isEmpty }

    package var isEmpty: Bool { changes.isEmpty }

    /// The steps to run, in a stable order.
    package var steps: [Step] {
        var s: [Step] = []
        if newAgentPool != nil { s.append(.agentPool) }
        if smtp != nil { s.append(.smtp) }
        if organizationUpdate != nil { s.append(.organization) }
        if tokenTTL != nil { s.append(.tokenTTL) }
        if ttlSwitchUpdate != nil { s.append(.ttlSwitch) }
        return s
    }

    /// The steps stage by stage, each stage in step order.
    package var stages: [[Step]] {
        let byStage = Dictionary(grouping: steps) { stageOf[$0] ?? 0 }
        return byStage.keys.sorted().map { byStage[$0] ?? [] }
    }

    package var requests: [PlannedRequest] {
        steps.map { step in
            switch step {
            case .agentPool: return PlannedRequest(step: step, method: "POST", path: APIPath.agentPools(organization))
            case .smtp: return PlannedRequest(step: step, method: "PATCH", path: APIPath.smtpSettings)
            case .organization: return PlannedRequest(step: step, method: "PATCH", path: APIPath.organization(organization))
            case .tokenTTL: return PlannedRequest(step: step, method: "PATCH", path: APIPath.tokenTTLPolicies(organization))
            case .ttlSwitch: return PlannedRequest(step: step, method: "PATCH", path: APIPath.organization(organization))
            }
        }
    }

    /// The fields a step carries.
    package func fields(of step: Step) -> [FieldKey] {
        changes.map(\.field).filter { carrier($0) == step }
    }

    /// The step of this plan that carries a field (the switch may travel alone).
    package func carrier(_ field: FieldKey) -> Step {
        field == .ttlEnabled && ttlSwitchUpdate != nil ? .ttlSwitch : Self.step(for: field)
    }

    /// The step that carries a field (`max-ttl-enabled` travels with the organization PATCH).
    package static func step(for field: FieldKey) -> Step {
        if field == .ttlEnabled { return .organization }
        if field == .agentPoolName { return .agentPool }
        switch Section(field: field) {
        case .smtp?: return .smtp
        case .tokenTTL?: return .tokenTTL
        default: return .organization
        }
    }

    /// The same plan limited to some steps (retrying only the failed ones).
    /// Whether this plan's request for a step sends the same values as `other`'s.
    package func sendsTheSame(as other: Plan, for step: Step) -> Bool {
        switch step {
        case .agentPool: return newAgentPool?.name == other.newAgentPool?.name
        case .smtp: return smtp == other.smtp
        case .organization: return organizationUpdate == other.organizationUpdate
        case .tokenTTL: return tokenTTL == other.tokenTTL
        case .ttlSwitch: return ttlSwitchUpdate == other.ttlSwitchUpdate
        }
    }

    package func restricted(to only: Set<Step>) -> Plan {
        var p = self
        if !only.contains(.agentPool) { p.newAgentPool = nil }
        if !only.contains(.smtp) { p.smtp = nil }
        if !only.contains(.organization) { p.organizationUpdate = nil }
        if !only.contains(.tokenTTL) { p.tokenTTL = nil }
        if !only.contains(.ttlSwitch) { p.ttlSwitchUpdate = nil }
        p.changes = changes.filter { only.contains(carrier($0.field)) }
        return p
    }
}
