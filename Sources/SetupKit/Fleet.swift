import FoundationEssentials
import Glibc
import TFEClient

/// One baseline for many organizations: the execution defaults and token TTLs, each value nil to
/// keep every organization's own. The pool is named, not given by id: ids differ per organization.
public struct FleetBaseline: Sendable, Equatable {
    public var mode: ExecutionMode?
    public var agentPoolName: String?
    public var ttlEnabled: Bool?
    public var ttl: [TokenType: Int64]

    public init(mode: ExecutionMode? = nil, agentPoolName: String? = nil, ttlEnabled: Bool? = nil, ttl: [TokenType: Int64] = [:]) {
        self.mode = mode
        self.agentPoolName = agentPoolName
        self.ttlEnabled = ttlEnabled
        self.ttl = ttl
    }

    public var isEmpty: Bool { mode == nil && agentPoolName == nil && ttlEnabled == nil && ttl.isEmpty }

    /// The fields the baseline sets, in screen order, each with its value as people read it
    /// (`Mode` `agent`, `Agent pool` `named primary`, `User token TTL` `30d`).
    public var fields: [(key: FieldKey, value: String)] {
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
public struct FleetFieldCount: Sendable, Equatable {
    public var field: FieldKey
    public var value: String
    /// Organizations this field changes in.
    public var changing: Int
    /// Organizations (not left out) that already have the value.
    public var already: Int

    public func line(arrow: String) -> String {
        let n = { (count: Int) in "\(count) organization\(count == 1 ? "" : "s")" }
        // `Organization: 1y` reads as the organization's name: TTLs say what they are.
        var label = FieldLabels.label(field)
        if TokenType.known.contains(where: { FieldKey.ttl($0) == field }) { label += " token TTL" }
        return "\(label): \(arrow)\(value) in \(n(changing)), already \(value) in \(already)"
    }
}

/// One organization's part of a fleet plan: what changes there, or why it is left out.
public struct FleetMember: Sendable, Equatable {
    public var organization: String
    /// Nil when the organization is left out.
    public var plan: Plan?
    public var leftOut: String?
    /// The organization's token TTLs as read for the plan (only where the baseline sets TTLs):
    /// four numbers, kept for the spread the TTL screen shows after a review.
    public var ttlNow: [TokenType: Int64] = [:]

    public init(organization: String, plan: Plan?, leftOut: String?, ttlNow: [TokenType: Int64] = [:]) {
        self.organization = organization
        self.plan = plan
        self.leftOut = leftOut
        self.ttlNow = ttlNow
    }

    public var complies: Bool { plan?.isEmpty == true }

    /// This organization's changes for a review, without the section names; the pool chosen by
    /// name is shown by that name with this organization's id:
    /// `Mode: remote → agent; Agent pool: (none) → primary (apool-p001)`.
    public func changeSummary(_ baseline: FleetBaseline, ascii: Bool) -> String {
        var names: [String: String] = [:]
        if case .set(let id)? = plan?.organizationUpdate?.agentPool, let name = baseline.agentPoolName { names[id] = name }
        return (plan?.changes ?? []).map { $0.fieldChange(ascii: ascii, poolNames: names) }.joined(separator: "; ")
    }
}

/// The plan for many organizations, in name order.
public struct FleetPlan: Sendable, Equatable {
    public var members: [FleetMember]
    public init(members: [FleetMember]) { self.members = members }
    public var toChange: [FleetMember] { members.filter { $0.plan.map { !$0.isEmpty } ?? false } }
    public var compliant: [FleetMember] { members.filter(\.complies) }
    public var leftOut: [FleetMember] { members.filter { $0.leftOut != nil } }

    /// The organizations left out, by reason: the most common reason first.
    public var leftOutByReason: [(reason: String, organizations: [String])] {
        var groups: [String: [String]] = [:]
        for m in leftOut { groups[m.leftOut ?? "", default: []].append(m.organization) }
        return groups.map { (reason: $0.key, organizations: $0.value) }
            .sorted { ($0.organizations.count, $1.reason) > ($1.organizations.count, $0.reason) }
    }
    /// The writes an apply sends (one or two per organization that changes).
    public var writeCount: Int { toChange.reduce(0) { $0 + ($1.plan?.steps.count ?? 0) } }

    /// Per field of the baseline: in how many organizations it changes, in how many it already holds.
    public func fieldCounts(_ baseline: FleetBaseline) -> [FleetFieldCount] {
        let planned = members.compactMap(\.plan)
        return baseline.fields.map { key, value in
            let changing = planned.filter { $0.changes.contains { $0.field == key } }.count
            return FleetFieldCount(field: key, value: value, changing: changing, already: planned.count - changing)
        }
    }
}

/// Organization names chosen by patterns: names or globs (`prod-*`, `*`), comma-separated on the
/// command line.
public enum OrganizationPattern {
    public static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }
}

/// The organizations a baseline can be given to.
public enum FleetDirectory {
    /// A site admin: every organization of the installation (the admin list), each described by
    /// the organization list where the admin belongs to it, else by one read of its own (the admin
    /// list has no execution settings). Anyone else, or where there is no admin API (HCP
    /// Terraform): the organization list. In name order.
    /// - Parameter only: when given, only these names are described (no read for the others).
    public static func organizations(client: TFEClient, account: Account, only: Set<String>? = nil) async throws(TFEError) -> [Organization] {
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
public enum FleetPlanner {
    /// - Parameters:
    ///   - organizations: from `TFEClient.organizationsDetailed()`, already chosen.
    ///   - concurrency: reads in flight at once (the client's rate limiter paces them).
    public static func plan(_ baseline: FleetBaseline, organizations: [Organization], client: TFEClient, ping: PingInfo, account: Account,
                            concurrency: Int = 8) async -> FleetPlan {
        let members = await forEach(organizations, concurrency: concurrency) { org in
            await member(baseline, org, client: client, ping: ping, account: account)
        }
        return FleetPlan(members: members.sorted { $0.organization < $1.organization })
    }

    static func member(_ baseline: FleetBaseline, _ org: Organization, client: TFEClient, ping: PingInfo, account: Account) async -> FleetMember {
        func out(_ reason: String) -> FleetMember { FleetMember(organization: org.name, plan: nil, leftOut: reason) }
        let wantsAgents = baseline.mode == .agent || baseline.agentPoolName != nil
        if !org.canUpdate { return out("this token cannot change it (only the owners team can)") }
        if wantsAgents, org.entitlements?.agents == false { return out("it has no agents entitlement") }
        var pools: [AgentPool] = []
        var policies: [TokenTTLPolicy]?
        do throws(TFEError) {
            if baseline.agentPoolName != nil { pools = try await client.agentPools(org.name, maxPages: TFEClient.fleetPoolPages) }
        } catch {
            return out("its agent pools could not be read: " + error.commandLineDescription)
        }
        // Left out before its TTLs are read: a read it does not need is a request the others wait for.
        if let name = baseline.agentPoolName, !pools.contains(where: { $0.name == name }) {
            return out("it has no agent pool named \(SafeText.line(name))")
        }
        do throws(TFEError) {
            if !baseline.ttl.isEmpty { policies = try await client.tokenTTLPolicies(org.name) }
        } catch .notFound {
            // No TTL policies here: named from the release, as for one organization.
            return out(StateLoader.ttlNotFoundReason(ping))
        } catch {
            return out("its token TTL policies could not be read: " + error.commandLineDescription)
        }
        var desired = DesiredSettings()
        if baseline.mode != nil || baseline.agentPoolName != nil {
            var change = AgentPoolChange.unchanged
            if let name = baseline.agentPoolName {
                guard let pool = pools.first(where: { $0.name == name }) else { return out("it has no agent pool named \(SafeText.line(name))") }
                change = .set(pool.id)
            }
            desired.executionDefaults = .init(mode: baseline.mode, agentPool: change)
        }
        if baseline.ttlEnabled != nil || !baseline.ttl.isEmpty {
            desired.tokenTTL = .init(enabled: baseline.ttlEnabled, milliseconds: baseline.ttl)
        }
        var current = CurrentState(ping: ping, account: account, organization: org, agentPools: pools, smtp: nil, tokenTTLPolicies: policies,
                                   tokenTTLUnavailable: baseline.ttl.isEmpty ? nil : "The token TTL policies could not be read.")
        if org.entitlements?.agents == false { current.agentsUnavailable = "it has no agents entitlement" }
        let plan = Planner.plan(desired, current: current)
        if let refused = plan.unsupported.first ?? plan.issues.first { return out(refused.message) }
        if let (_, reason) = plan.unavailableSections.first { return out(reason) }
        let ttlNow = Dictionary(uniqueKeysWithValues: TokenType.known.compactMap { t in current.ttl(t).map { (t, $0) } })
        return FleetMember(organization: org.name, plan: plan, leftOut: nil, ttlNow: ttlNow)
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
public struct FleetProgressFigures: Sendable {
    public var done: Int
    public var total: Int
    public var writes: Int
    /// Seconds since the apply started.
    public var elapsed: Double

    public init(done: Int, total: Int, writes: Int, elapsed: Double) {
        self.done = done
        self.total = total
        self.writes = writes
        self.elapsed = elapsed
    }

    public var writesPerSecond: Double { Double(writes) / max(0.001, elapsed) }
    /// At the speed so far, rounded up.
    public var secondsLeft: Int { done == 0 ? 0 : Int((elapsed / Double(done) * Double(total - done)).rounded(.up)) }
    /// The filled part of a bar `width` cells wide.
    public func filled(_ width: Int) -> Int { width * min(done, total) / max(1, total) }
}

/// What happened to one organization during a fleet apply.
public struct FleetOutcome: Sendable, Equatable {
    public var organization: String
    public var results: [StepResult]
    public init(organization: String, results: [StepResult]) {
        self.organization = organization
        self.results = results
    }
    public var succeeded: Bool { results.allSatisfy(\.succeeded) }
}

/// Applies a fleet plan: organizations in name order, a few at once (the client's limiter paces
/// the requests); `shouldStop` is asked before each organization starts. Cancelling the calling
/// task also cuts short the organizations in flight (their waits end, no request leaves).
public enum FleetApplier {
    public static func apply(_ plan: FleetPlan, client: TFEClient, concurrency: Int = 6,
                             shouldStop: @escaping @Sendable () -> Bool = { false },
                             progress: @escaping @Sendable (FleetOutcome) -> Void = { _ in }) async -> (done: [FleetOutcome], notStarted: [String]) {
        let work = plan.toChange
        let applier = Applier(client: client)
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
    public var baseline: FleetBaseline {
        FleetBaseline(mode: desired.executionDefaults?.mode, agentPoolName: agentPoolName,
                      ttlEnabled: desired.tokenTTL?.enabled, ttl: desired.tokenTTL?.milliseconds ?? [:])
    }
}
