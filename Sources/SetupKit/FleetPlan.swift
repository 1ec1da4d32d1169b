import FoundationEssentials
import TFEClient

/// The plan for many organizations, in name order.
package struct FleetPlan: Sendable, Equatable {
    package var members: [FleetMember]
    package init(members: [FleetMember]) { self.members = members }
    /// The organizations an apply sends something to: those that differ, and those that cannot
    /// reach the whole baseline but take a part of it. Not a count of the summary (see `count`).
    package var toChange: [FleetMember] { members.filter { $0.plan.map { !$0.isEmpty } ?? false } }
    package var compliant: [FleetMember] { members.filter(\.complies) }
    /// The organizations that cannot reach the whole baseline (some still take part of it).
    package var leftOut: [FleetMember] { members.filter { $0.status == .cannot } }
    /// The organizations that could not be read, each with why.
    package var unreadable: [FleetMember] { members.filter { $0.status == .unreadable } }
    /// The organizations of one status: the statuses part the members, so their counts sum to
    /// `members.count`.
    package func count(_ status: FleetMember.Status) -> Int { members.filter { $0.status == status }.count }

    /// `202 organizations: 141 to change, 0 already comply, 61 cannot reach the baseline (40 of
    /// them get the parts they can take), 0 cannot be read`: every organization counted once.
    package var summaryCounts: String {
        let partly = leftOut.filter(\.sendsSomething).count
        let parts = FleetMember.Status.allCases.map { status -> String in
            "\(count(status)) \(status.words)" + (status == .cannot && partly > 0 ? " (\(partly) of them get the parts they can take)" : "")
        }
        return "\(members.count) organization\(members.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    /// The organizations left out, by reason: the most common reason first.
    package var leftOutByReason: [(reason: String, organizations: [String])] {
        var groups: [String: [String]] = [:]
        for m in leftOut { groups[m.leftOut ?? "", default: []].append(m.organization) }
        return groups.map { (reason: $0.key, organizations: $0.value) }
            .sorted { ($0.organizations.count, $1.reason) > ($1.organizations.count, $0.reason) }
    }
    /// The writes an apply sends (one or two per organization that changes).
    package var writeCount: Int { toChange.reduce(0) { $0 + ($1.plan?.steps.count ?? 0) } }

    /// Per field of the baseline: in how many organizations it changes, in how many it already holds.
    package func fieldCounts(_ baseline: FleetBaseline) -> [FleetFieldCount] {
        return baseline.fields.map { key, value in
            // Only where the field is planned: an organization that cannot take it is neither.
            let planned = members.filter { !$0.dropped.contains(key) }.compactMap(\.plan)
            let changing = planned.filter { $0.changes.contains { $0.field == key } }.count
            return FleetFieldCount(field: key, value: value, changing: changing, already: planned.count - changing)
        }
    }

    /// The organizations where the baseline rejects the token this tool runs with.
    package var lockedOut: [String] { members.filter { $0.plan?.locksOutToken == true }.map(\.organization) }

    /// The same plan with, in each organization that rejects the token in use, the policies and
    /// the switch written last (`Plan.puttingTokenWritesLast`).
    package func puttingTokenWritesLast() -> FleetPlan {
        var p = self
        for i in p.members.indices where p.members[i].plan?.locksOutToken == true {
            p.members[i].plan = p.members[i].plan?.puttingTokenWritesLast()
        }
        return p
    }

    /// The smallest user cap among the organizations that are sent something, once the plan
    /// is applied (the new cap where the plan sets one, else the one read): a renewed token
    /// lives within it, so every one of them accepts it.
    package var smallestUserCap: Int64? {
        members.compactMap { m in m.plan?.isEmpty == false ? m.userCapAfterPlan : nil }.min()
    }

    /// After a renewal: the token in use is `record`, made within the smallest user cap, known
    /// for certain; no organization rejects it. The policies and the switch still go last.
    package func keeping(_ record: TokenRecord) -> FleetPlan {
        var p = self
        for i in p.members.indices {
            guard var plan = p.members[i].plan else { continue }
            // Kept only where this organization's user cap after the plan is known and the new
            // token lives within it; elsewhere the report stays as it was (and the apply stops).
            if plan.tokenReport != nil, let cap = p.members[i].userCapAfterPlan, let life = record.lifetimeMilliseconds, life <= cap {
                plan.tokenReport?.inUse = .kept(record, guessed: false)
            }
            if plan.tokenTTL != nil || plan.organizationUpdate?.maxTTLEnabled != nil { plan = plan.puttingTokenWritesLast() }
            p.members[i].plan = plan
        }
        return p
    }

    /// The known tokens the baseline rejects, counted per organization (the same words for
    /// `plan` and the wizard's review); empty when the baseline tightens no cap in force.
    package var tokenLines: [String] {
        let reports = members.compactMap { m in m.plan?.tokenReport.map { (m.organization, $0) } }
        guard !reports.isEmpty else { return [] }
        var lines = ["Tokens: with enforcement on, a token that lives longer than its type's cap is rejected at once, not only new ones (HashiCorp's docs). "
                     + "Of your own tokens, rejected per organization (team and organization tokens are " + FleetPlanner.notReadForMany.dropLast() + "):"]
        // Organizations with the same finding share one line: a count and at most three names,
        // so a baseline for hundreds of organizations reads in a few lines.
        var groups: [(finding: String, names: [String])] = []
        for (name, r) in reports {
            var finding = r.rejectedCount == 0 ? "none" : String(r.rejectedCount)
            if case .rejected = r.inUse { finding += ", the token this tool runs with among them" }
            if !r.noExpiry.isEmpty { finding += ", \(r.noExpiry.count) without expiry (unverified)" }
            let unread = r.cannotTell.filter { $0.reason != FleetPlanner.notReadForMany }
            if !unread.isEmpty { finding += "; cannot tell for " + unread.map { $0.type.label.lowercased() + " tokens" }.joined(separator: ", ") }
            if case .unknown = r.inUse { finding += "; whether the token in use is rejected cannot be told, so it counts as rejected" }
            if let i = groups.firstIndex(where: { $0.finding == finding }) { groups[i].names.append(name) } else { groups.append((finding, [name])) }
        }
        for group in groups {
            let who = group.names.count == 1 ? SafeText.line(group.names[0])
                : "\(group.names.count) organizations (\(TokenReport.named(group.names.map(SafeText.line))))"
            lines.append("  \(who): \(group.finding)")
        }
        if reports.contains(where: { $0.1.userCap != nil }) {
            lines.append("  Other users' tokens cannot be listed by anyone (the API lists only your own): theirs over the user cap are rejected too.")
        }
        return lines
    }
}
