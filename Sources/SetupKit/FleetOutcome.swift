import FoundationEssentials
import TFEClient

/// What happened to one organization during a fleet apply: each write's answer and, once the
/// writes are done, what a read of the server shows it kept.
package struct FleetOutcome: Sendable, Equatable {
    package var organization: String
    package var results: [StepResult]
    /// What the read after the writes showed; nil when there was none (the apply was stopped).
    package var readBack: FleetReadBack?

    package init(organization: String, results: [StepResult], readBack: FleetReadBack? = nil) {
        self.organization = organization
        self.results = results
        self.readBack = readBack
    }

    /// How one organization's apply ended: each has exactly one.
    package enum Kind: String, Sendable, CaseIterable {
        /// Every write saved, as read back.
        case changed
        /// Some writes saved, others refused or failed.
        case partlyApplied = "partly applied"
        /// A write answered as saved that the server, read back, does not hold.
        case notKept = "not kept"
        /// Nothing saved: each write refused, failed or not sent.
        case failed
        /// A write got no answer, and no read shows whether it was saved.
        case unknown
    }

    /// How one write ended, as far as the answers and the read after them tell.
    enum WriteState { case saved, notKept, failed, unknown }

    func state(of result: StepResult) -> WriteState {
        if let readBack {
            if readBack.held.contains(result.step) { return .saved }
            if readBack.kept[result.step] != nil { return result.succeeded ? .notKept : .failed }
            // The read after the writes failed: an answer alone does not show it was saved.
            if readBack.failure != nil, result.succeeded || result.gotNoAnswer { return .unknown }
        }
        // Not in the list read after the writes (TTL policies, an organization only the admin
        // list names): the Applier's own read after the write decided it.
        if result.succeeded { return .saved }
        return result.gotNoAnswer ? .unknown : .failed
    }

    package var kind: Kind {
        let states = results.map(state(of:))
        if states.allSatisfy({ $0 == .saved }) { return .changed }
        if states.contains(.unknown) { return .unknown }
        if states.contains(.notKept) { return .notKept }
        return states.contains(.saved) ? .partlyApplied : .failed
    }

    /// Every write saved and read back so.
    package var succeeded: Bool { kind == .changed }

    /// Why it did not end as changed, in one line; nil when it did.
    package var problem: String? {
        switch kind {
        case .changed: return nil
        case .notKept:
            return "answered as saved, but the server kept " + (readBack?.kept.sorted { $0.key < $1.key }.map(\.value).joined(separator: "; ") ?? "other values")
        case .unknown:
            if let failure = readBack?.failure { return "whether it was saved is unknown: the read after the writes failed (\(failure))" }
            return "sent, no answer: it may or may not have been saved"
        case .partlyApplied, .failed:
            let failure = results.first { !$0.succeeded }
            return (kind == .partlyApplied ? "partly applied: " : "") + (failure?.message ?? "not saved")
        }
    }
}

extension StepResult {
    /// The write went out and no answer came (a timeout, a lost connection, a stop, a gateway's
    /// 5xx, a read-back that failed): the server may have saved it.
    package var gotNoAnswer: Bool { saved == .unknown || wasStopped }
}
