import FoundationEssentials
import TFEClient

/// How a fleet apply ended for every organization chosen, one outcome each, so that the counts
/// of a report sum to the organizations chosen: the apply's outcome where something was sent,
/// else where the plan left it (already complied, cannot reach the baseline, cannot be read),
/// or not started when a stop came first.
package struct FleetTally: Sendable, Equatable {
    /// One organization's end, in report order.
    package enum End: Hashable, Sendable, CaseIterable {
        case changed, partlyApplied, notKept, failed, unknown, notStarted, complies, cannot, unreadable

        package var words: String {
            switch self {
            case .changed: return "changed"
            case .partlyApplied: return "partly applied"
            case .notKept: return "not kept by the server"
            case .failed: return "failed"
            case .unknown: return "unknown (sent, no answer)"
            case .notStarted: return "not started"
            case .complies: return "already comply"
            case .cannot: return "cannot reach the baseline"
            case .unreadable: return "cannot be read"
            }
        }
    }

    /// Organization name → how it ended.
    package var ends: [String: End] = [:]

    /// - Parameters:
    ///   - plan: the plan applied, every organization chosen.
    ///   - outcomes: the apply's outcomes (any order; a later one for the same organization wins).
    package init(plan: FleetPlan, outcomes: [FleetOutcome]) {
        let byName = Dictionary(outcomes.map { ($0.organization, $0) }, uniquingKeysWith: { _, b in b })
        for m in plan.members {
            switch m.status {
            case .complies: ends[m.organization] = .complies
            case .unreadable: ends[m.organization] = .unreadable
            case .differs, .cannot:
                guard m.sendsSomething else { ends[m.organization] = .cannot; continue }
                guard let outcome = byName[m.organization] else { ends[m.organization] = .notStarted; continue }
                switch outcome.kind {
                // The parts it can take were saved; the rest of the baseline cannot be reached.
                case .changed: ends[m.organization] = m.status == .cannot ? .cannot : .changed
                case .partlyApplied: ends[m.organization] = .partlyApplied
                case .notKept: ends[m.organization] = .notKept
                case .failed: ends[m.organization] = .failed
                case .unknown: ends[m.organization] = .unknown
                }
            }
        }
    }

    package var total: Int { ends.count }
    package func names(_ end: End) -> [String] { ends.filter { $0.value == end }.map(\.key).sorted() }
    package func count(_ end: End) -> Int { ends.values.filter { $0 == end }.count }

    /// Whether every organization ended where the baseline holds (changed or already complied).
    package var allHold: Bool { ends.values.allSatisfy { $0 == .changed || $0 == .complies } }

    /// `202 organizations: 141 changed, 20 already comply, 40 cannot reach the baseline, 1 cannot
    /// be read`: the ends that happened (always "changed"), summing to the organizations chosen.
    package var line: String {
        let parts = End.allCases.filter { $0 == .changed || count($0) > 0 }.map { "\(count($0)) \($0.words)" }
        return "\(total) organization\(total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }
}
