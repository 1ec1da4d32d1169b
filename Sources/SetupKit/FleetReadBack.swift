import FoundationEssentials
import TFEClient

/// What a read after a fleet apply's writes shows for one organization: which writes the server
/// holds, and for the others what it kept instead. An answer to a PATCH is the server's echo, not
/// proof: a proxy or a server may echo values it does not keep.
package struct FleetReadBack: Sendable, Equatable {
    /// The writes whose values the server holds.
    package var held: Set<Step> = []
    /// The writes whose values it does not hold, each with what it kept (`mode remote (sent agent)`).
    package var kept: [Step: String] = [:]
    /// The read failed: nothing is known of what was kept.
    package var failure: String?

    package init(held: Set<Step> = [], kept: [Step: String] = [:], failure: String? = nil) {
        self.held = held
        self.kept = kept
        self.failure = failure
    }

    /// Compares each write of `plan` with the organization and TTL policies read after it.
    /// - Parameters:
    ///   - organization: nil when the plan has no organization write or it was not read.
    ///   - policies: nil when the plan has no TTL write or they were not read.
    static func compare(_ plan: Plan, steps: [Step], organization: Organization?, policies: [TokenTTLPolicy]?) -> FleetReadBack {
        var back = FleetReadBack()
        for step in steps {
            var differences: [String] = []
            switch step {
            case .organization, .ttlSwitch:
                guard let org = organization, let update = step == .organization ? plan.organizationUpdate : plan.ttlSwitchUpdate else { continue }
                if let mode = update.mode, org.defaultExecutionMode != mode || org.unknownExecutionMode != nil {
                    differences.append("mode \(SafeText.line(org.unknownExecutionMode ?? org.defaultExecutionMode.rawValue)) (sent \(mode.rawValue))")
                }
                if case .set(let id) = update.agentPool, org.defaultAgentPoolID != id {
                    differences.append("agent pool \(org.defaultAgentPoolID.map(SafeText.line) ?? "(none)") (sent \(SafeText.line(id)))")
                }
                if let flag = update.maxTTLEnabled, org.maxTTLEnabled != flag || !org.maxTTLSupported {
                    differences.append("enforce max TTL \(org.maxTTLSupported ? (org.maxTTLEnabled ? "on" : "off") : "(not reported)") (sent \(flag ? "on" : "off"))")
                }
            case .tokenTTL:
                guard let policies, let update = plan.tokenTTL else { continue }
                for (type, ms) in update.orderedEntries {
                    let now = policies.first { $0.tokenType == type }?.maxTTLMilliseconds
                    if now != ms {
                        differences.append("\(type.label.lowercased()) token TTL \(now.map(TTLDuration.display(milliseconds:)) ?? "(none)") (sent \(TTLDuration.display(milliseconds: ms)))")
                    }
                }
            case .smtp, .agentPool:
                continue   // a fleet plan creates no pool
            }
            if differences.isEmpty { back.held.insert(step) } else { back.kept[step] = differences.joined(separator: ", ") }
        }
        return back
    }

    /// Reads back, once every write is done, the organizations `outcomes` sent an organization
    /// PATCH to: the organization list once (it carries mode, pool and the switch), so a value
    /// the server answered with but did not keep — or lost since — shows; an organization the list
    /// does not hold (a site admin's, found through the admin list) is read on its own. The TTL
    /// policies are in no list: each TTL write's answer, which lists them all, is its record
    /// (`Applier.readsBackEachWrite`).
    package static func verify(_ outcomes: [FleetOutcome], plan: FleetPlan, client: TFEClient, wording: RemedyWording,
                              concurrency: Int = 8) async -> [FleetOutcome] {
        let plans = Dictionary(plan.members.compactMap { m in m.plan.map { (m.organization, $0) } }, uniquingKeysWith: { a, _ in a })
        func sent(_ outcome: FleetOutcome, _ steps: Set<Step>) -> Bool {
            outcome.results.contains { steps.contains($0.step) && ($0.succeeded || $0.gotNoAnswer) }
        }
        let orgWrites = outcomes.filter { sent($0, [.organization, .ttlSwitch]) }.map(\.organization)
        var organizations: [String: Organization] = [:]
        var failures: [String: String] = [:]
        if !orgWrites.isEmpty {
            do throws(TFEError) {
                for org in try await client.organizationsDetailed() { organizations[org.name] = org }
            } catch {
                for name in orgWrites { failures[name] = FleetPlanner.readFailure(error, wording: wording) }
            }
            let unlisted = orgWrites.filter { organizations[$0] == nil && failures[$0] == nil }
            let (read, unreadable) = await FleetDirectory.readEach(unlisted, client: client, wording: wording, concurrency: concurrency)
            for org in read { organizations[org.name] = org }
            failures.merge(unreadable) { a, _ in a }
        }
        return outcomes.map { outcome in
            guard let p = plans[outcome.organization], sent(outcome, [.organization, .ttlSwitch]) else { return outcome }
            var o = outcome
            var back = compare(p, steps: outcome.results.map(\.step), organization: organizations[o.organization], policies: nil)
            back.failure = failures[o.organization]
            o.readBack = back
            return o
        }
    }
}
