import FoundationEssentials
import TFEClient

/// One organization's part of a fleet plan: what changes there, and why it cannot reach the
/// whole baseline when it cannot. An organization that cannot take one part (no pool of that
/// name, no agents, no TTL policies on its release) still gets the parts it can take.
package struct FleetMember: Sendable, Equatable {
    package var organization: String
    /// What is sent to it: nil when nothing can be (no owner rights, every part refused).
    package var plan: Plan?
    /// Why it cannot reach the whole baseline; nil when it can.
    package var leftOut: String?
    /// The baseline's fields not planned here (the parts it cannot take).
    package var dropped: Set<FieldKey> = []
    /// The organization's token TTLs as read for the plan (only where the baseline sets TTLs):
    /// four numbers, kept for the spread the TTL screen shows after a review.
    package var ttlNow: [TokenType: Int64] = [:]
    /// Why it could not be read (a read it needs failed): nothing is planned or sent, since what
    /// it holds is not known.
    package var unreadable: String?

    package init(organization: String, plan: Plan?, leftOut: String?, ttlNow: [TokenType: Int64] = [:]) {
        self.organization = organization
        self.plan = plan
        self.leftOut = leftOut
        self.ttlNow = ttlNow
    }

    /// An organization that could not be read, with why.
    package static func unreadable(_ organization: String, _ reason: String) -> FleetMember {
        var m = FleetMember(organization: organization, plan: nil, leftOut: nil)
        m.unreadable = reason
        return m
    }

    /// The user cap once the plan is applied: the plan's new one, else the one read (nil when
    /// neither is known: the baseline sets no TTLs, so none was read).
    package var userCapAfterPlan: Int64? {
        plan?.tokenTTL?.orderedEntries.first { $0.0 == .user }?.1 ?? ttlNow[.user]
    }

    /// The baseline holds there: nothing to change and nothing it cannot take.
    package var complies: Bool { unreadable == nil && leftOut == nil && plan?.isEmpty == true }

    /// How an organization stands against the baseline, for `plan --json` and exit codes: each
    /// organization has exactly one.
    package enum Status: String, Sendable, CaseIterable {
        case differs, complies, cannot, unreadable

        /// The words the plan's summary counts it under.
        package var words: String {
            switch self {
            case .differs: return "to change"
            case .complies: return "already comply"
            case .cannot: return "cannot reach the baseline"
            case .unreadable: return "cannot be read"
            }
        }
    }

    /// `cannot` when some part of the baseline cannot be reached there (even if the rest can).
    package var status: Status {
        if unreadable != nil { return .unreadable }
        return leftOut != nil ? .cannot : (complies ? .complies : .differs)
    }

    /// Whether anything is sent to it at all.
    package var sendsSomething: Bool { plan.map { !$0.isEmpty } ?? false }

    /// This organization's changes for a review, without the section names; the pool chosen by
    /// name is shown by that name with this organization's id:
    /// `Mode: remote → agent; Agent pool: (none) → primary (apool-p001)`.
    package func changeSummary(_ baseline: FleetBaseline, ascii: Bool) -> String {
        var names: [String: String] = [:]
        if case .set(let id)? = plan?.organizationUpdate?.agentPool, let name = baseline.agentPoolName { names[id] = name }
        return (plan?.changes ?? []).map { $0.fieldChange(ascii: ascii, poolNames: names) }.joined(separator: "; ")
    }
}
