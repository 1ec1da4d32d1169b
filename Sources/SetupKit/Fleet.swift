import FoundationEssentials
import Glibc
import TFEClient

/// One baseline for many organizations: the execution defaults and token TTLs, each value nil to
/// keep every organization's own. The pool is named, not given by id: ids differ per organization.
package struct FleetBaseline: Sendable, Equatable {
    package var mode: ExecutionMode?
    package var agentPoolName: String?
    package var ttlEnabled: Bool?
    package var ttl: [TokenType: Int64]

    package init(mode: ExecutionMode? = nil, agentPoolName: String? = nil, ttlEnabled: Bool? = nil, ttl: [TokenType: Int64] = [:]) {
        self.mode = mode
        self.agentPoolName = agentPoolName
        self.ttlEnabled = ttlEnabled
        self.ttl = ttl
    }

    package var isEmpty: Bool { mode == nil && agentPoolName == nil && ttlEnabled == nil && ttl.isEmpty }
    /// Whether it may make a token policy tighter in force (`DesiredSettings.TokenTTL.mayTighten`).
    package var mayTighten: Bool { DesiredSettings.TokenTTL(enabled: ttlEnabled, milliseconds: ttl).mayTighten }

    /// The fields the baseline sets, in screen order, each with its value as people read it
    /// (`Mode` `agent`, `Agent pool` `named primary`, `User token TTL` `30d`).
    package var fields: [(key: FieldKey, value: String)] {
        var list: [(key: FieldKey, value: String)] = []
        if let m = mode { list.append((.executionMode, m.rawValue)) }
        if let p = agentPoolName { list.append((.agentPool, "named " + SafeText.line(p))) }
        if let e = ttlEnabled { list.append((.ttlEnabled, e ? "on" : "off")) }
        for (type, ms) in TokenTTLUpdate(ttl).orderedEntries { list.append((.ttl(type), TTLDuration.format(milliseconds: ms))) }
        return list
    }
}

/// One baseline field across the chosen organizations, for the review:
/// `Mode: agent in 118 organizations, already agent in 2`.
package struct FleetFieldCount: Sendable, Equatable {
    package var field: FieldKey
    package var value: String
    /// Organizations this field changes in.
    package var changing: Int
    /// Organizations (not left out) that already have the value.
    package var already: Int

    package func line(arrow: String) -> String {
        let n = { (count: Int) in "\(count) organization\(count == 1 ? "" : "s")" }
        // `Organization: 1y` reads as the organization's name: TTLs say what they are.
        var label = FieldLabels.label(field)
        if TokenType.known.contains(where: { FieldKey.ttl($0) == field }) { label += " token TTL" }
        return "\(label): \(arrow)\(value) in \(n(changing)), already \(value) in \(already)"
    }
}

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

    package init(organization: String, plan: Plan?, leftOut: String?, ttlNow: [TokenType: Int64] = [:]) {
        self.organization = organization
        self.plan = plan
        self.leftOut = leftOut
        self.ttlNow = ttlNow
    }

    /// The baseline holds there: nothing to change and nothing it cannot take.
    package var complies: Bool { leftOut == nil && plan?.isEmpty == true }

    /// How an organization stands against the baseline, for `plan --json` and exit codes.
    package enum Status: String, Sendable { case complies, differs, cannot }

    /// `cannot` when some part of the baseline cannot be reached there (even if the rest can).
    package var status: Status { leftOut != nil ? .cannot : (complies ? .complies : .differs) }

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

/// The plan for many organizations, in name order.
package struct FleetPlan: Sendable, Equatable {
    package var members: [FleetMember]
    package init(members: [FleetMember]) { self.members = members }
    package var toChange: [FleetMember] { members.filter { $0.plan.map { !$0.isEmpty } ?? false } }
    package var compliant: [FleetMember] { members.filter(\.complies) }
    /// The organizations that cannot reach the whole baseline (some still take part of it).
    package var leftOut: [FleetMember] { members.filter { $0.leftOut != nil } }

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

    /// The known tokens the baseline rejects, counted per organization (the same words for
    /// `plan` and the wizard's review); empty when the baseline tightens no cap in force.
    package var tokenLines: [String] {
        let reports = members.compactMap { m in m.plan?.tokenReport.map { (m.organization, $0) } }
        guard !reports.isEmpty else { return [] }
        var lines = ["Tokens: with enforcement on, a token that lives longer than its type's cap is rejected at once, not only new ones (HashiCorp's docs). "
                     + "Of your own tokens, rejected per organization (team and organization tokens are " + FleetPlanner.notReadForMany.dropLast() + "):"]
        for (name, r) in reports {
            var line = "  \(SafeText.line(name)): \(r.rejectedCount == 0 ? "none" : String(r.rejectedCount))"
            if r.locksOutToken { line += ", the token this tool runs with among them" }
            if !r.noExpiry.isEmpty { line += ", \(r.noExpiry.count) without expiry (unverified)" }
            let unread = r.cannotTell.filter { $0.reason != FleetPlanner.notReadForMany }
            if !unread.isEmpty { line += "; cannot tell for " + unread.map { $0.type.label.lowercased() + " tokens" }.joined(separator: ", ") }
            if case .unknown = r.inUse { line += "; whether the token in use is rejected cannot be told" }
            lines.append(line)
        }
        if reports.contains(where: { $0.1.userCap != nil }) {
            lines.append("  Other users' tokens cannot be listed by anyone (the API lists only your own): theirs over the user cap are rejected too.")
        }
        return lines
    }
}

/// Organization names chosen by patterns: names or globs (`prod-*`, `*`), comma-separated on the
/// command line.
package enum OrganizationPattern {
    package static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }
}

/// The organizations a baseline can be given to.
package enum FleetDirectory {
    /// A site admin: every organization of the installation (the admin list), each described by
    /// the organization list where the admin belongs to it, else by one read of its own (the admin
    /// list has no execution settings). Anyone else, or where there is no admin API (HCP
    /// Terraform): the organization list. In name order.
    /// - Parameter only: when given, only these names are described (no read for the others).
    package static func organizations(client: TFEClient, account: Account, only: Set<String>? = nil) async throws(TFEError) -> [Organization] {
        let listed = try await client.organizationsDetailed().filter { only?.contains($0.name) ?? true }
        guard account.isSiteAdmin else { return listed }
        let names: [String]
        do throws(TFEError) {
            names = try await client.adminOrganizationNames()
        } catch .notFound {
            return listed
        }
        let known = Set(listed.map(\.name))
        let missing = names.filter { !known.contains($0) && (only?.contains($0) ?? true) }
        let reads = await FleetPlanner.forEach(missing, concurrency: 8) { name -> Result<Organization, TFEError> in
            do throws(TFEError) { return .success(try await client.organization(name)) } catch { return .failure(error) }
        }
        var all = listed
        for read in reads {
            switch read {
            case .success(let org): all.append(org)
            case .failure(let error): throw error
            }
        }
        return all.sorted { $0.name < $1.name }
    }
}

/// Plans a baseline for many organizations with the fewest reads: the organization list already
/// holds each one's mode, pool, switch, permissions and entitlements; the pool list is read only
/// where a pool is named, the TTL list only where TTLs are set. Nothing read is kept but the plan.
package enum FleetPlanner {
    /// Why a fleet plan does not list each organization's team and organization tokens.
    package static let notReadForMany = "not listed when planning many organizations (plan one organization to see them)."

    /// - Parameters:
    ///   - organizations: from `TFEClient.organizationsDetailed()`, already chosen.
    ///   - concurrency: reads in flight at once (the client's rate limiter paces them).
    ///   - wording: how a failed read's remedy is worded in the reasons.
    ///   - tokens: also read the existing tokens, to count whom a tighter policy rejects: the
    ///     caller's own once, each organization's team and organization tokens with its reads.
    package static func plan(_ baseline: FleetBaseline, organizations: [Organization], client: TFEClient, ping: PingInfo, account: Account,
                            wording: RemedyWording = .neutral, concurrency: Int = 8, tokens: Bool = false) async -> FleetPlan {
        let mine: TokenInventory.Listing? = tokens && baseline.mayTighten
            ? await TokenInventory.listing("your own user tokens") { try await client.userTokens(userID: account.id) } : nil
        let members = await forEach(organizations, concurrency: concurrency) { org in
            await member(baseline, org, client: client, ping: ping, account: account, wording: wording, userTokens: mine)
        }
        return FleetPlan(members: members.sorted { $0.organization < $1.organization })
    }

    static func member(_ baseline: FleetBaseline, _ org: Organization, client: TFEClient, ping: PingInfo, account: Account,
                       wording: RemedyWording, userTokens: TokenInventory.Listing? = nil) async -> FleetMember {
        func out(_ reason: String) -> FleetMember { FleetMember(organization: org.name, plan: nil, leftOut: reason) }
        if !org.canUpdate { return out("this token cannot change it (only the owners team can)") }
        // The parts this organization cannot take are dropped from its baseline, with the reason;
        // the others are still planned (a missing pool must not keep the TTLs from it).
        var baseline = baseline
        var reasons: [String] = []
        var dropped: Set<FieldKey> = []
        /// A reason and what is therefore not sent: `… (mode and pool not sent)`.
        func because(_ reason: String, _ what: String) -> String { TFEError.clause(reason) + " (\(what) not sent)" }
        func dropAgents(_ reason: String) {
            reasons.append(because(reason, "mode and pool"))
            if baseline.mode != nil { dropped.insert(.executionMode) }
            if baseline.agentPoolName != nil { dropped.insert(.agentPool) }
            baseline.mode = nil
            baseline.agentPoolName = nil
        }
        func dropTTLs(_ reason: String) {
            reasons.append(because(reason, "TTLs"))
            for type in baseline.ttl.keys { dropped.insert(.ttl(type)) }
            baseline.ttl = [:]
        }
        if baseline.mode == .agent || baseline.agentPoolName != nil, org.entitlements?.agents == false { dropAgents("it has no agents entitlement") }
        var pools: [AgentPool] = []
        var policies: [TokenTTLPolicy]?
        if let name = baseline.agentPoolName {
            do throws(TFEError) {
                pools = try await client.agentPools(org.name, maxPages: TFEClient.fleetPoolPages)
                if !pools.contains(where: { $0.name == name }) { dropAgents("it has no agent pool named \(SafeText.line(name))") }
            } catch {
                dropAgents("its agent pools could not be read: " + error.description(using: wording))
            }
        }
        if !baseline.ttl.isEmpty {
            do throws(TFEError) {
                policies = try await client.tokenTTLPolicies(org.name)
            } catch .notFound {
                // No TTL policies here: named from the release, as for one organization.
                dropTTLs(StateLoader.ttlNotFoundReason(ping))
            } catch {
                dropTTLs("its token TTL policies could not be read: " + error.description(using: wording))
            }
        }
        var desired = DesiredSettings()
        if baseline.mode != nil || baseline.agentPoolName != nil {
            var change = AgentPoolChange.unchanged
            if let name = baseline.agentPoolName, let pool = pools.first(where: { $0.name == name }) { change = .set(pool.id) }
            desired.executionDefaults = .init(mode: baseline.mode, agentPool: change)
        }
        if baseline.ttlEnabled != nil || !baseline.ttl.isEmpty {
            desired.tokenTTL = .init(enabled: baseline.ttlEnabled, milliseconds: baseline.ttl)
        }
        var current = CurrentState(ping: ping, account: account, organization: org, agentPools: pools, smtp: nil, tokenTTLPolicies: policies,
                                   tokenTTLUnavailable: baseline.ttl.isEmpty ? nil : "The token TTL policies could not be read.")
        if org.entitlements?.agents == false { current.agentsUnavailable = "it has no agents entitlement" }
        if let userTokens, desired.tokenTTL != nil, policies != nil {
            // Your own tokens, read once, decide whether the tool locks itself out; each
            // organization's team and organization tokens would double a fleet's reads at the
            // rate limit, so they are left unread here and said to be (`FleetPlan.tokenLines`).
            current.tokenInventory = TokenInventory(inUse: account.authenticatedResource, user: userTokens,
                                                    team: .cannotTell(FleetPlanner.notReadForMany), organization: .cannotTell(FleetPlanner.notReadForMany))
        }
        let plan = Planner.plan(desired, current: current)
        // A rule broken here stops this organization altogether; what the server cannot take
        // (the switch on an older release) is named and simply not sent.
        if let broken = plan.issues.first { return out(broken.message) }
        reasons += plan.unsupported.map(\.message) + plan.unavailableSections.map(\.reason)
        dropped.formUnion(plan.unsupported.map(\.field))
        let ttlNow = Dictionary(uniqueKeysWithValues: TokenType.known.compactMap { t in current.ttl(t).map { (t, $0) } })
        let reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        var member = FleetMember(organization: org.name, plan: plan.isEmpty && reason != nil ? nil : plan, leftOut: reason, ttlNow: ttlNow)
        member.dropped = dropped
        return member
    }

    /// Runs `work` on every item with at most `concurrency` at once; results in any order.
    static func forEach<T: Sendable, R: Sendable>(_ items: [T], concurrency: Int, _ work: @escaping @Sendable (T) async -> R) async -> [R] {
        await withTaskGroup(of: R.self) { group in
            var results: [R] = []
            var index = 0
            for _ in 0..<min(max(1, concurrency), items.count) {
                let item = items[index]
                group.addTask { await work(item) }
                index += 1
            }
            for await r in group {
                results.append(r)
                if index < items.count {
                    let item = items[index]
                    group.addTask { await work(item) }
                    index += 1
                }
            }
            return results
        }
    }
}

/// How far a fleet apply has come, as both progress bars (the wizard's and `apply`'s) show it.
package struct FleetProgressFigures: Sendable {
    package var done: Int
    package var total: Int
    package var writes: Int
    /// Seconds since the apply started.
    package var elapsed: Double

    package init(done: Int, total: Int, writes: Int, elapsed: Double) {
        self.done = done
        self.total = total
        self.writes = writes
        self.elapsed = elapsed
    }

    package var writesPerSecond: Double { Double(writes) / max(0.001, elapsed) }
    /// At the speed so far, rounded up.
    package var secondsLeft: Int { done == 0 ? 0 : Int((elapsed / Double(done) * Double(total - done)).rounded(.up)) }
    /// The filled part of a bar `width` cells wide.
    package func filled(_ width: Int) -> Int { width * min(done, total) / max(1, total) }
}

/// What happened to one organization during a fleet apply.
package struct FleetOutcome: Sendable, Equatable {
    package var organization: String
    package var results: [StepResult]
    package init(organization: String, results: [StepResult]) {
        self.organization = organization
        self.results = results
    }
    package var succeeded: Bool { results.allSatisfy(\.succeeded) }
}

/// Applies a fleet plan: organizations in name order, a few at once (the client's limiter paces
/// the requests); `shouldStop` is asked before each organization starts. Cancelling the calling
/// task also cuts short the organizations in flight (their waits end, no request leaves).
package enum FleetApplier {
    package static func apply(_ plan: FleetPlan, client: TFEClient, wording: RemedyWording = .neutral, concurrency: Int = 6,
                             shouldStop: @escaping @Sendable () -> Bool = { false },
                             progress: @escaping @Sendable (FleetOutcome) -> Void = { _ in }) async -> (done: [FleetOutcome], notStarted: [String]) {
        let work = plan.toChange
        let applier = Applier(client: client, wording: wording)
        let outcomes = await FleetPlanner.forEach(work, concurrency: concurrency) { member -> FleetOutcome? in
            guard !shouldStop(), let p = member.plan else { return nil }
            let outcome = FleetOutcome(organization: member.organization, results: await applier.apply(p))
            progress(outcome)
            return outcome
        }
        let done = outcomes.compactMap { $0 }.sorted { $0.organization < $1.organization }
        let doneNames = Set(done.map(\.organization))
        return (done, work.map(\.organization).filter { !doneNames.contains($0) })
    }
}

extension AnswersFile {
    /// The execution and TTL parts as a baseline for many organizations. Here rather than in
    /// AnswersFile.swift, which the fuzz build compiles without the fleet code.
    package var baseline: FleetBaseline {
        FleetBaseline(mode: desired.executionDefaults?.mode, agentPoolName: agentPoolName,
                      ttlEnabled: desired.tokenTTL?.enabled, ttl: desired.tokenTTL?.milliseconds ?? [:])
    }
}
