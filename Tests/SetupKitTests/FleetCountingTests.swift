import SetupKit
import Testing
import TestFixtures
import TFEClient

/// Every organization chosen counted once: a plan's statuses and an apply's ends part the
/// organizations, whatever mix of outcomes, so each summary's numbers sum to those chosen.
@Suite("Fleet counting: one organization, one outcome")
struct FleetCountingTests {
    static func result(_ step: Step, _ outcome: StepResult.Outcome) -> StepResult {
        StepResult(step: step, fields: [], outcome: outcome)
    }
    static let saved = StepResult.Outcome.organization(Seed.fresh().organization)
    static let refused = StepResult.Outcome.failed(.forbidden(detail: "boom"))
    static var noAnswer: StepResult.Outcome {
        var e = TransportError(.timeout, "no answer")
        e.requestMayHaveArrived = true
        return .unknown(.transport(e))
    }

    /// A member of each kind: differs, complies, cannot with a part sent, cannot with nothing, unreadable.
    static func member(_ name: String, kind: Int) -> FleetMember {
        var current = Seed.fresh()
        current.organization.name = name
        var desired = DesiredSettings()
        desired.executionDefaults = .init(mode: .local, agentPool: .unchanged)
        let changing = Planner.plan(desired, current: current)
        let empty = Planner.plan(DesiredSettings(), current: current)
        switch kind % 5 {
        case 0: return FleetMember(organization: name, plan: changing, leftOut: nil)
        case 1: return FleetMember(organization: name, plan: empty, leftOut: nil)
        case 2: return FleetMember(organization: name, plan: changing, leftOut: "it has no agent pool named primary")
        case 3: return FleetMember(organization: name, plan: nil, leftOut: "this token cannot change it")
        default: return .unreadable(name, "500")
        }
    }

    @Test("for 500 random fleets, the plan's counts and the apply's ends each sum to the organizations chosen", arguments: 0..<20)
    func sums(seed: Int) {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<25 {
            let n = Int.random(in: 1...60, using: &rng)
            let members = (0..<n).map { Self.member("org-\($0)", kind: Int.random(in: 0..<5, using: &rng)) }
            let plan = FleetPlan(members: members)
            #expect(FleetMember.Status.allCases.map(plan.count).reduce(0, +) == n)
            let numbers = plan.summaryCounts.split(separator: ":")[1].split(separator: ",").compactMap { Int($0.split(separator: " ")[0]) }
            #expect(numbers.reduce(0, +) == n, "\(plan.summaryCounts)")
            let outcomes: [FleetOutcome] = plan.toChange.compactMap { m -> FleetOutcome? in
                let pick = Int.random(in: 0..<6, using: &rng)
                switch pick {
                case 0: return nil   // not started
                case 1: return FleetOutcome(organization: m.organization, results: [Self.result(.organization, Self.refused)])
                case 2: return FleetOutcome(organization: m.organization, results: [Self.result(.organization, Self.noAnswer)])
                case 3: return FleetOutcome(organization: m.organization, results: [Self.result(.organization, Self.saved), Self.result(.tokenTTL, Self.refused)])
                case 4: return FleetOutcome(organization: m.organization, results: [Self.result(.organization, Self.saved)],
                                            readBack: FleetReadBack(kept: [.organization: "mode remote (sent agent)"]))
                default: return FleetOutcome(organization: m.organization, results: [Self.result(.organization, Self.saved)], readBack: FleetReadBack(held: [.organization]))
                }
            }
            let tally = FleetTally(plan: plan, outcomes: outcomes)
            #expect(tally.total == n)
            #expect(FleetTally.End.allCases.map(tally.count).reduce(0, +) == n)
            let line = tally.line.split(separator: ":")[1].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) }
            #expect(line.reduce(0, +) == n, "\(tally.line)")
        }
    }

    @Test("each write's ending decides the organization's, the read-back over the answer", arguments: [
        ([saved], nil as FleetReadBack?, FleetOutcome.Kind.changed),
        ([saved], FleetReadBack(held: [.organization]), .changed),
        ([saved], FleetReadBack(kept: [.organization: "mode remote (sent agent)"]), .notKept),
        ([noAnswer], nil, .unknown),
        ([noAnswer], FleetReadBack(held: [.organization]), .changed),
        ([refused], nil, .failed),
        ([saved], FleetReadBack(failure: "500"), .unknown),
    ])
    func kinds(_ outcomes: [StepResult.Outcome], _ back: FleetReadBack?, _ kind: FleetOutcome.Kind) {
        let o = FleetOutcome(organization: "o", results: outcomes.map { Self.result(.organization, $0) }, readBack: back)
        #expect(o.kind == kind)
        #expect((o.problem == nil) == (kind == .changed))
    }

    @Test("partly applied: one write saved, the other refused; a part-taker whose parts were saved ends as cannot reach, not changed")
    func partlyAndCannot() {
        let partly = FleetOutcome(organization: "a", results: [Self.result(.organization, Self.saved), Self.result(.tokenTTL, Self.refused)])
        #expect(partly.kind == .partlyApplied)
        let plan = FleetPlan(members: [Self.member("a", kind: 0), Self.member("b", kind: 2)])
        let tally = FleetTally(plan: plan, outcomes: [partly, FleetOutcome(organization: "b", results: [Self.result(.organization, Self.saved)])])
        #expect(tally.ends == ["a": FleetTally.End.partlyApplied, "b": FleetTally.End.cannot])
        #expect(tally.line == "2 organizations: 0 changed, 1 partly applied, 1 cannot reach the baseline")
    }
}
