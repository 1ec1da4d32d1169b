import FoundationEssentials
import TFEClient

/// Plans a baseline for many organizations with the fewest reads: the organization list already
/// holds each one's mode, pool, switch, permissions and entitlements; the pool list is read only
/// where a pool is named, the TTL list only where TTLs are set. Nothing read is kept but the plan.
package enum FleetPlanner {
    /// Why a fleet plan does not list each organization's team and organization tokens.
    package static let notReadForMany = "not listed when planning many organizations (plan one organization to see them)."

    /// - Parameters:
    ///   - listing: from `FleetDirectory.listing`, already chosen; those it could not read are
    ///     planned as unreadable.
    ///   - concurrency: reads in flight at once (the client's rate limiter paces them).
    ///   - wording: how a failed read's remedy is worded in the reasons.
    ///   - tokens: also read the existing tokens, to count whom a tighter policy rejects: the
    ///     caller's own once, each organization's team and organization tokens with its reads.
    ///   - progress: after each organization is planned, how many are and of how many.
    package static func plan(_ baseline: FleetBaseline, listing: FleetListing, client: TFEClient, ping: PingInfo, account: Account,
                            wording: RemedyWording = .neutral, concurrency: Int = 8, tokens: Bool = false,
                            progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async -> FleetPlan {
        // Your own tokens, read once, beside the first organizations' reads (not before them).
        let mine = Task { () -> TokenInventory.Listing? in
            guard tokens && baseline.mayTighten else { return nil }
            return await TokenInventory.listing("your own user tokens") { try await client.userTokens(userID: account.id) }
        }
        let total = listing.organizations.count
        let members = await withTaskCancellationHandler {
            await forEach(listing.organizations, concurrency: concurrency, each: { progress($0, total) }) { org in
                await member(baseline, org, client: client, ping: ping, account: account, wording: wording, userTokens: { await mine.value })
            }
        } onCancel: {
            mine.cancel()   // a stopped plan stops this read too
        }
        _ = await mine.value
        let unreadable = listing.unreadable.map { FleetMember.unreadable($0.key, $0.value) }
        return FleetPlan(members: (members + unreadable).sorted { $0.organization < $1.organization })
    }

    /// The same for organizations all read already.
    package static func plan(_ baseline: FleetBaseline, organizations: [Organization], client: TFEClient, ping: PingInfo, account: Account,
                            wording: RemedyWording = .neutral, concurrency: Int = 8, tokens: Bool = false) async -> FleetPlan {
        await plan(baseline, listing: FleetListing(organizations: organizations), client: client, ping: ping, account: account,
                   wording: wording, concurrency: concurrency, tokens: tokens)
    }

    /// Why an organization the list named could not be read, for a reason line. A 404 here is
    /// not a name the admin typed wrong (the server listed it): it was deleted since, or this
    /// token cannot see it.
    package static func readFailure(_ error: TFEError, wording: RemedyWording) -> String {
        if case .notFound(let path, _) = error {
            return "not found (404 on \(path)): deleted since it was listed, or this token cannot see it"
        }
        return TFEError.clause(error.description(using: wording))
    }

    /// - Parameter userTokens: your own tokens, once they are read (nil when they are not wanted).
    static func member(_ baseline: FleetBaseline, _ org: Organization, client: TFEClient, ping: PingInfo, account: Account,
                       wording: RemedyWording, userTokens: @Sendable () async -> TokenInventory.Listing? = { nil }) async -> FleetMember {
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
            } catch .notFound(let path, _) {
                // The organization was listed: its pools answering 404 is a server without agents.
                dropAgents("its agent pools answer 404 (\(path)): no agents there")
            } catch {
                // Not a fact about the organization but a failed read: what it holds is unknown.
                return .unreadable(org.name, "its agent pools could not be read: " + readFailure(error, wording: wording))
            }
        }
        // Turning enforcement on puts the caps in force as they are: they decide whom it rejects,
        // the token in use among them, so they are read then too.
        let readsPolicies = !baseline.ttl.isEmpty || baseline.ttlEnabled == true
        if readsPolicies {
            do throws(TFEError) {
                policies = try await client.tokenTTLPolicies(org.name)
            } catch .notFound {
                // No TTL policies here: named from the release, as for one organization.
                dropTTLs(StateLoader.ttlNotFoundReason(ping))
            } catch {
                return .unreadable(org.name, "its token TTL policies could not be read: " + readFailure(error, wording: wording))
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
                                   tokenTTLUnavailable: readsPolicies ? "The token TTL policies could not be read." : nil)
        if org.entitlements?.agents == false { current.agentsUnavailable = "it has no agents entitlement" }
        if desired.tokenTTL != nil, policies != nil, let userTokens = await userTokens() {
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
    /// `each` is told how many are done after each one, one call at a time.
    static func forEach<T: Sendable, R: Sendable>(_ items: [T], concurrency: Int, each: (Int) -> Void = { _ in },
                                                  _ work: @escaping @Sendable (T) async -> R) async -> [R] {
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
                each(results.count)
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
