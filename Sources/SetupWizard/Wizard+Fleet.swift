import SetupKit
import TFEClient

/// Several organizations chosen for one baseline: who they are, the plan, and the apply's progress.
public struct FleetChoice: Equatable, Sendable {
    /// The chosen organizations, in name order, as the organization list described them.
    public var organizations: [Organization]
    /// The organizations the next plan is for: all chosen, or only those that failed (`r`).
    public var targets: [Organization]
    /// The baseline the plan was made for.
    public var baseline = FleetBaseline()
    public var plan: FleetPlan?
    /// The pace the client keeps, in requests per second (for the review's time estimate).
    public var pace: Double = 27
    /// The organizations the apply sends to, and each one's outcome as it comes.
    public var sending = 0
    public var outcomes: [FleetOutcome] = []
    public var writes = 0
    /// Seconds since the apply started, as of the last outcome.
    public var elapsed: Double = 0
    var planRequested = false

    public init(organizations: [Organization]) {
        self.organizations = organizations.sorted { $0.name < $1.name }
        self.targets = self.organizations
    }

    public var failed: [FleetOutcome] { outcomes.filter { !$0.succeeded }.sorted { $0.organization < $1.organization } }
    public var succeeded: [FleetOutcome] { outcomes.filter(\.succeeded).sorted { $0.organization < $1.organization } }

    /// How a value spreads over the chosen organizations, most common first:
    /// `now: remote 80 · agent 38 · local 2`.
    public func spread(_ value: (Organization) -> String, ascii: Bool) -> String {
        var counts: [String: Int] = [:]
        for org in organizations { counts[value(org), default: 0] += 1 }
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(SafeText.line($0.key)) \($0.value)" }
        return "now: " + parts.joined(separator: ascii ? " - " : " · ")
    }
}

extension WizardState {
    /// The organizations the picker's filter lets through, in the order listed.
    public var shownOrganizations: [Organization] {
        let filter = pickerFilter.lowercased()
        return filter.isEmpty ? organizations : organizations.filter { $0.name.lowercased().contains(filter) }
    }

    /// What the baseline screens ask for: only the fields set (not kept), on the screens shown.
    public var fleetBaseline: FleetBaseline {
        var baseline = FleetBaseline()
        let sections = Set(screens)
        if sections.contains(.executionDefaults), !form.kept.contains(.mode) {
            baseline.mode = form.mode
            let name = form.poolName.trimmingCharacters(in: .whitespaces)
            if form.mode == .agent, !name.isEmpty { baseline.agentPoolName = name }
        }
        if sections.contains(.tokenTTL) {
            if !form.kept.contains(.ttlEnabled) { baseline.ttlEnabled = form.ttlEnabled }
            for type in TokenType.known {
                if let text = form.ttlText[type], let ms = try? TTLDuration.parse(text) { baseline.ttl[type] = ms }
            }
        }
        return baseline
    }
}

extension Wizard {
    // MARK: - Choosing organizations

    /// The organization list: ↑/↓ move; Enter sets up the highlighted one, or the marked ones
    /// when several are marked; Space marks, `a` marks every one shown, `n` none; `/` filters.
    static func pickerKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        let shown = state.shownOrganizations
        let last = max(0, shown.count - 1)
        if state.pickerFiltering {
            // Typing goes into the filter; Enter or Tab keeps it and goes back to marking.
            switch key {
            case .char(let c): state.pickerFilter.append(c)
            case .paste(let text): state.pickerFilter += text.filter { !$0.isNewline }
            case .backspace: if !state.pickerFilter.isEmpty { state.pickerFilter.removeLast() }
            case .ctrlU: state.pickerFilter = ""
            case .escape:
                state.pickerFilter = ""
                state.pickerFiltering = false
            case .enter, .tab: state.pickerFiltering = false
            case .up: state.pickerIndex = max(0, state.pickerIndex - 1)
            case .down: state.pickerIndex = min(last, state.pickerIndex + 1)
            default: break
            }
            if case .char = key { state.pickerIndex = 0 }
            if key == .backspace || key == .ctrlU || key == .escape { state.pickerIndex = 0 }
            return []
        }
        switch key {
        case .up, .backTab: state.pickerIndex = max(0, state.pickerIndex - 1)
        case .down, .tab: state.pickerIndex = min(last, state.pickerIndex + 1)
        case .home: state.pickerIndex = 0
        case .end: state.pickerIndex = last
        case .char("/"):
            state.pickerFiltering = true
        case .escape where !state.pickerFilter.isEmpty:
            state.pickerFilter = ""
            state.pickerIndex = 0
        case .char(" "):
            guard shown.indices.contains(state.pickerIndex) else { return [] }
            let name = shown[state.pickerIndex].name
            if state.marked.remove(name) == nil { state.marked.insert(name) }
            state.pickerIndex = min(last, state.pickerIndex + 1)
        case .char("a"), .char("A"):
            state.marked.formUnion(shown.map(\.name))
            state.notice = "Marked \(shown.count) organization\(shown.count == 1 ? "" : "s")\(state.pickerFilter.isEmpty ? "" : " matching \"\(state.pickerFilter)\""): \(state.marked.count) in all."
        case .char("n"), .char("N"):
            state.marked = []
            state.notice = "No organization marked: Enter sets up the highlighted one."
        case .enter:
            let chosen = state.organizations.filter { state.marked.contains($0.name) }
            if chosen.count > 1 { return enterFleet(&state, chosen) }
            guard let org = chosen.first ?? (shown.indices.contains(state.pickerIndex) ? shown[state.pickerIndex] : nil) else {
                state.problem("No organization matches \"\(state.pickerFilter)\": Esc clears the filter.")
                return []
            }
            state.organization = org.name
            state.phase = .loading("Reading the current settings…")
            return [.loadState(organization: org.name)]
        default: break
        }
        return []
    }

    /// Starts the baseline screens for several organizations, every field at "keep".
    static func enterFleet(_ state: inout WizardState, _ chosen: [Organization]) -> [WizardCommand] {
        state.fleet = FleetChoice(organizations: chosen)
        state.organization = nil
        state.form = .baseline
        state.prefill = state.form
        state.errors = [:]
        guard !state.screens.isEmpty else {
            state.fleet = nil
            state.problem("The SMTP relay is site-wide: set it with one organization (Enter on it, nothing marked).")
            return []
        }
        state.notice = "One baseline for \(chosen.count) organizations: each field keeps each one's value until you set it."
        enterFirstScreen(&state)
        return []
    }

    // MARK: - Review and apply

    /// The review of several organizations needs their plan: reads (pools, TTLs) only where the
    /// baseline needs them. `update` sends the command.
    static func requestFleetPlan(_ state: inout WizardState) {
        guard let fleet = state.fleet else { return }
        let baseline = state.fleetBaseline
        state.fleet?.baseline = baseline
        state.fleet?.plan = nil
        state.fleet?.planRequested = true
        state.focus = nil
        state.phase = .loading("Planning \(fleet.targets.count) organization\(fleet.targets.count == 1 ? "" : "s"): reading what the baseline needs…")
    }

    /// The plan command `requestFleetPlan` asked for, once.
    static func pendingFleetPlan(_ state: inout WizardState) -> [WizardCommand] {
        guard let fleet = state.fleet, fleet.planRequested else { return [] }
        state.fleet?.planRequested = false
        return [.planFleet(fleet.baseline, organizations: fleet.targets.map(\.name))]
    }

    static func fleetPlanned(_ state: inout WizardState, _ result: Result<FleetPlanned, TFEError>) -> [WizardCommand] {
        switch result {
        case .success(let planned):
            // The organizations as read just now replace the older copies (the spreads use them).
            let fresh = Dictionary(planned.organizations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let updated = (state.fleet?.organizations ?? []).map { fresh[$0.name] ?? $0 }
            state.fleet?.organizations = updated
            state.fleet?.plan = planned.plan
            state.fleet?.pace = planned.pace
            state.phase = .review
            state.scroll = 0
        case .failure(let error):
            // Nothing typed is lost: back on the last screen, Enter plans again.
            if let last = state.screens.last { go(&state, to: last, focus: .last) }
            state.problem("Could not plan: \(error.commandLineDescription) Enter on the last field tries again.")
        }
        return []
    }

    static func fleetReviewKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        guard let fleet = state.fleet else { return [] }
        switch key {
        case .enter:
            guard let plan = fleet.plan else { return [] }
            if plan.toChange.isEmpty {
                return [.quit(exitCode: 0, message: fleetFinishMessage(fleet))]
            }
            state.fleet?.sending = plan.toChange.count
            state.fleet?.outcomes = []
            state.fleet?.writes = 0
            state.fleet?.elapsed = 0
            state.phase = .applying
            state.scroll = 0
            return [.applyFleet(plan)]
        case .escape:
            state.fleet?.targets = fleet.organizations
            if let last = state.screens.last { go(&state, to: last, focus: .last) }
            return []
        default:
            return []
        }
    }

    static func fleetProgress(_ state: inout WizardState, _ outcome: FleetOutcome, elapsed: Double) -> [WizardCommand] {
        state.fleet?.outcomes.append(outcome)
        state.fleet?.writes += outcome.results.count
        state.fleet?.elapsed = elapsed
        if outcome.results.contains(where: { $0.error == nil }) { state.appliedSomething = true }
        return []
    }

    static func fleetFinished(_ state: inout WizardState) -> [WizardCommand] {
        guard state.phase == .applying else { return [] }
        state.phase = .result
        state.scroll = 0
        // Applied: what was typed is no longer "unsaved" (Ctrl-C does not ask).
        state.prefill = state.form
        return []
    }

    /// On the results: `r` plans again and reviews only the organizations that failed; Esc plans
    /// every chosen one again (a fresh compliance check); Enter finishes.
    static func fleetResultKey(_ state: inout WizardState, _ key: Key) -> [WizardCommand] {
        guard let fleet = state.fleet else { return [] }
        switch key {
        case .char("r"), .char("R"):
            let failed = Set(fleet.failed.map(\.organization))
            guard !failed.isEmpty else {
                state.notice = "Nothing failed, so there is nothing to retry."
                return []
            }
            state.fleet?.targets = fleet.organizations.filter { failed.contains($0.name) }
            requestFleetPlan(&state)
            return []
        case .escape:
            state.fleet?.targets = fleet.organizations
            requestFleetPlan(&state)
            return []
        case .enter:
            return [.quit(exitCode: fleet.failed.isEmpty ? 0 : 1, message: fleetFinishMessage(fleet))]
        default:
            return []
        }
    }

    /// The closing line for several organizations.
    static func fleetFinishMessage(_ fleet: FleetChoice) -> String {
        guard !fleet.outcomes.isEmpty || fleet.sending > 0 else {
            let plan = fleet.plan
            return "Nothing to change: \(plan?.compliant.count ?? 0) organization\(plan?.compliant.count == 1 ? "" : "s") already comply"
                + ((plan?.leftOut.isEmpty ?? true) ? "." : ", \(plan?.leftOut.count ?? 0) left out.")
        }
        let failed = fleet.failed
        let notDone = fleet.sending - fleet.outcomes.count
        var text = "Changed \(fleet.succeeded.count) of \(fleet.sending) organizations"
        text += failed.isEmpty ? "." : "; failed: " + failed.map(\.organization).joined(separator: ", ") + "."
        if notDone > 0 { text += " \(notDone) not finished when stopped: run again, it sends only what still differs." }
        return text
    }
}
