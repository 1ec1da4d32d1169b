import FoundationEssentials
import TFEClient

/// Applies a fleet plan: organizations in name order, a few at once (the client's limiter paces
/// the requests); `shouldStop` is asked before each organization starts. Cancelling the calling
/// task also cuts short the organizations in flight (their waits end, no request leaves).
package enum FleetApplier {
    /// - Parameter progress: each organization's outcome as its writes are answered; then, once
    ///   every write is done and read back (`FleetReadBack.verify`), each outcome again with what
    ///   the server kept (`readBack` set). A stopped apply is not read back.
    package static func apply(_ plan: FleetPlan, client: TFEClient, wording: RemedyWording = .neutral, concurrency: Int = 6,
                             shouldStop: @escaping @Sendable () -> Bool = { false },
                             progress: @escaping @Sendable (FleetOutcome) -> Void = { _ in }) async -> (done: [FleetOutcome], notStarted: [String]) {
        let work = plan.toChange
        let applier = Applier(client: client, wording: wording, readsBackEachWrite: false)
        let outcomes = await FleetPlanner.forEach(work, concurrency: concurrency) { member -> FleetOutcome? in
            guard !shouldStop(), let p = member.plan else { return nil }
            let outcome = FleetOutcome(organization: member.organization, results: await applier.apply(p))
            progress(outcome)
            return outcome
        }
        var done = outcomes.compactMap { $0 }.sorted { $0.organization < $1.organization }
        let doneNames = Set(done.map(\.organization))
        let notStarted = work.map(\.organization).filter { !doneNames.contains($0) }
        if !shouldStop() && !Task.isCancelled {
            done = await FleetReadBack.verify(done, plan: plan, client: client, wording: wording)
            for outcome in done where outcome.readBack != nil { progress(outcome) }
        } else {
            // Stopped before the read after the writes: an organization PATCH answered as saved
            // says it was not read back (its TTL PATCH's answer is its record either way).
            for i in done.indices {
                for j in done[i].results.indices where [.organization, .ttlSwitch].contains(done[i].results[j].step) && done[i].results[j].succeeded {
                    done[i].results[j].unconfirmed = "the run was stopped before the organizations were read back"
                }
            }
        }
        return (done, notStarted)
    }
}
