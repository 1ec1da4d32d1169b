import SetupKit
import TFEClient

/// Several organizations chosen for one baseline: who they are, the plan, and the apply's progress.
package struct FleetChoice: Equatable, Sendable {
    /// The chosen organizations, in name order, as the organization list described them.
    package var organizations: [Organization]
    /// The organizations the next plan is for: all chosen, or only those that failed (`r`).
    package var targets: [Organization]
    /// The baseline the plan was made for.
    package var baseline = FleetBaseline()
    package var plan: FleetPlan?
    /// The pace the client keeps, in requests per second (for the review's time estimate).
    package var pace: Double = RateLimiter.defaultPace
    /// The organizations the apply sends to, and each one's outcome as it comes.
    package var sending = 0
    package var outcomes: [FleetOutcome] = []
    package var writes = 0
    /// Seconds since the apply started, as of the last outcome.
    package var elapsed: Double = 0
    /// Whether the organizations' apply has ended (the SMTP request may still be in flight).
    package var finished = false

    package init(organizations: [Organization]) {
        self.organizations = organizations.sorted { $0.name < $1.name }
        self.targets = self.organizations
    }

    /// The outcomes that did not end saved and read back so (failed, partly applied, not kept, unknown).
    package var failed: [FleetOutcome] { outcomes.filter { !$0.succeeded }.sorted { $0.organization < $1.organization } }
    package var succeeded: [FleetOutcome] { outcomes.filter(\.succeeded).sorted { $0.organization < $1.organization } }
    /// Every organization planned, one end each (nil before a plan).
    package var tally: FleetTally? { plan.map { FleetTally(plan: $0, outcomes: outcomes) } }

    /// The apply starts: `count` organizations to send to, no outcome yet.
    mutating func startApply(sending count: Int) {
        sending = count
        outcomes = []
        writes = 0
        elapsed = 0
        finished = false
    }

    /// An organization's outcome, `elapsed` seconds into the apply: false when it replaces one
    /// already counted (its read-back), so it is not counted twice.
    mutating func record(_ outcome: FleetOutcome, elapsed: Double) -> Bool {
        guard record(outcome) else { return false }
        writes += outcome.results.count
        self.elapsed = elapsed
        return true
    }

    /// Takes an outcome: a later one for the same organization (after the read-back) replaces it.
    mutating func record(_ outcome: FleetOutcome) -> Bool {
        if let i = outcomes.firstIndex(where: { $0.organization == outcome.organization }) {
            outcomes[i] = outcome
            return false
        }
        outcomes.append(outcome)
        return true
    }

    /// How a value spreads over the chosen organizations, most common first:
    /// `now: remote 80 · agent 38 · local 2`.
    package func spread(_ value: (Organization) -> String, ascii: Bool) -> String {
        Self.spread(organizations.map(value), ascii: ascii)
    }

    /// A token type's TTLs over the organizations last planned (the organization list has no
    /// TTLs: they are read by the plan, so the spread shows once a review has been made).
    package func ttlSpread(_ type: TokenType, ascii: Bool) -> String? {
        guard let plan else { return nil }
        let values = plan.members.compactMap { $0.ttlNow[type].map(TTLDuration.display(milliseconds:)) }
        return values.isEmpty ? nil : Self.spread(values, ascii: ascii) + " (as read for the review)"
    }

    static func spread(_ values: [String], ascii: Bool) -> String {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(SafeText.line($0.key)) \($0.value)" }
        return "now: " + parts.joined(separator: ascii ? " - " : " · ")
    }
}
