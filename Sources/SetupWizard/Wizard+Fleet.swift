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
    package var pace: Double = 27
    /// The organizations the apply sends to, and each one's outcome as it comes.
    package var sending = 0
    package var outcomes: [FleetOutcome] = []
    package var writes = 0
    /// Seconds since the apply started, as of the last outcome.
    package var elapsed: Double = 0
    /// Whether the organizations' apply has ended (the SMTP request may still be in flight).
    package var finished = false
    var planRequested = false

    package init(organizations: [Organization]) {
        self.organizations = organizations.sorted { $0.name < $1.name }
        self.targets = self.organizations
    }

    package var failed: [FleetOutcome] { outcomes.filter { !$0.succeeded }.sorted { $0.organization < $1.organization } }
    package var succeeded: [FleetOutcome] { outcomes.filter(\.succeeded).sorted { $0.organization < $1.organization } }

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

extension WizardState {
    /// The organizations the picker's filter lets through, in the order listed.
    package var shownOrganizations: [Organization] {
        let filter = pickerFilter.lowercased()
        return filter.isEmpty ? organizations : organizations.filter { $0.name.lowercased().contains(filter) }
    }

    /// What the baseline screens ask for: only the fields set (not kept), on the screens shown.
    package var fleetBaseline: FleetBaseline {
        var baseline = FleetBaseline()
        let sections = Set(screens)
        if sections.contains(.executionDefaults), !form.kept.contains(.mode) {
            baseline.mode = form.mode
            let name = form.poolName.trimmingSpaces
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
    static func pickerKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
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

    /// Starts the baseline screens for several organizations, every field at "keep". With the
    /// SMTP screen asked for, the server and its relay are read first: the relay is site-wide,
    /// one screen for all of them, sent once.
    static func enterFleet(_ state: inout WizardState, _ chosen: [Organization]) -> [WizardEffect] {
        state.fleet = FleetChoice(organizations: chosen)
        state.organization = nil
        state.current = nil
        state.errors = [:]
        if state.config.sections.contains(.smtp) {
            state.phase = .loading("Reading the server and its SMTP relay…")
            return [.loadSiteWide]
        }
        return startBaseline(&state)
    }

    static func siteWideLoaded(_ state: inout WizardState, _ result: Result<CurrentState, TFEError>) -> [WizardEffect] {
        switch result {
        case .success(let current):
            state.current = current
            return startBaseline(&state)
        case .failure(let error):
            state.phase = .failed(error.commandLineDescription)
            return []
        }
    }

    static func startBaseline(_ state: inout WizardState) -> [WizardEffect] {
        guard let fleet = state.fleet else { return [] }
        state.form = .baseline(siteWide: state.current)
        state.prefill = state.form
        guard !state.screens.isEmpty else {
            state.phase = .failed("Nothing to set for several organizations: the SMTP relay cannot be used here (\(state.current?.smtpUnavailableReason ?? "not available")), and --screens names no other screen.")
            return []
        }
        state.notice = "One baseline for \(fleet.organizations.count) organizations: each field keeps each one's value until you set it."
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
        // The site-wide SMTP relay: planned here, against the settings read at the start.
        state.plan = state.current.flatMap { current in
            state.screens.contains(.smtp) ? Planner.plan(state.form.desired(sections: [.smtp]), current: current) : nil
        }
        state.focus = nil
        state.phase = .loading("Planning \(fleet.targets.count) organization\(fleet.targets.count == 1 ? "" : "s"): reading what the baseline needs…")
    }

    /// The plan command `requestFleetPlan` asked for, once.
    static func pendingFleetPlan(_ state: inout WizardState) -> [WizardEffect] {
        guard let fleet = state.fleet, fleet.planRequested else { return [] }
        state.fleet?.planRequested = false
        return [.planFleet(fleet.baseline, organizations: fleet.targets.map(\.name))]
    }

    static func fleetPlanned(_ state: inout WizardState, _ result: Result<FleetPlanned, TFEError>) -> [WizardEffect] {
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

    static func fleetReviewKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard let fleet = state.fleet else { return [] }
        switch key {
        case .enter:
            guard let plan = fleet.plan else { return [] }
            if let smtp = state.plan, showFirstIssue(&state, smtp) { return [] }
            let smtp = state.plan.flatMap { $0.steps.contains(.smtp) ? $0 : nil }
            if plan.toChange.isEmpty && smtp == nil {
                return [.quit(exitCode: exitCode(state), message: fleetFinishMessage(state))]
            }
            state.fleet?.sending = plan.toChange.count
            state.fleet?.outcomes = []
            state.fleet?.writes = 0
            state.fleet?.elapsed = 0
            state.fleet?.finished = false
            state.steps = smtp == nil ? [:] : [.smtp: .running]
            state.phase = .applying
            state.scroll = 0
            return [.applyFleet(plan)] + (smtp.map { [.apply($0, steps: [.smtp])] } ?? [])
        case .escape:
            state.fleet?.targets = fleet.organizations
            if let last = state.screens.last { go(&state, to: last, focus: .last) }
            return []
        default:
            return []
        }
    }

    static func fleetProgress(_ state: inout WizardState, _ outcome: FleetOutcome, elapsed: Double) -> [WizardEffect] {
        state.fleet?.outcomes.append(outcome)
        state.fleet?.writes += outcome.results.count
        state.fleet?.elapsed = elapsed
        if outcome.results.contains(where: { $0.error == nil }) { state.appliedSomething = true }
        return []
    }

    static func fleetFinished(_ state: inout WizardState) -> [WizardEffect] {
        state.fleet?.finished = true
        return endFleetApplyWhenDone(&state)
    }

    /// The apply of several organizations ends when both the organizations and the SMTP request
    /// (when one was sent) have answered, whichever comes last.
    static func endFleetApplyWhenDone(_ state: inout WizardState) -> [WizardEffect] {
        guard state.phase == .applying, state.fleet?.finished == true, !state.steps.values.contains(.running) else { return [] }
        state.phase = .result
        state.scroll = 0
        // Applied: what was typed is no longer "unsaved" (Ctrl-C does not ask).
        state.prefill = state.form
        return []
    }

    /// On the results: `r` plans again and reviews only the organizations that failed; Esc plans
    /// every chosen one again (a fresh compliance check); Enter finishes.
    static func fleetResultKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard let fleet = state.fleet else { return [] }
        switch key {
        case .char("r"), .char("R"):
            let failed = Set(fleet.failed.map(\.organization))
            // A failed SMTP request is planned again with them (the password is still in memory).
            guard !failed.isEmpty || !failedResults(state).isEmpty else {
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
            return [.quit(exitCode: exitCode(state), message: fleetFinishMessage(state))]
        default:
            return []
        }
    }

    /// The closing line for several organizations (and the site-wide SMTP relay, if sent).
    static func fleetFinishMessage(_ state: WizardState) -> String {
        guard let fleet = state.fleet else { return "" }
        var smtp = ""
        if case .done(let result)? = state.steps[.smtp] {
            smtp = result.succeeded ? " SMTP relay: applied." : " SMTP relay: not applied (\(result.message))."
        } else if state.steps[.smtp] == .running {
            smtp = " SMTP relay: sent, no answer yet when stopped (it may or may not have been applied)."
        }
        guard !fleet.outcomes.isEmpty || fleet.sending > 0 else {
            let plan = fleet.plan
            let comply = plan?.compliant.count ?? 0
            let text = "\(comply) organization\(comply == 1 ? "" : "s") already compl\(comply == 1 ? "ies" : "y")"
                + ((plan?.leftOut.isEmpty ?? true) ? "." : ", \(plan?.leftOut.count ?? 0) cannot reach the baseline.")
            return (smtp.isEmpty ? "Nothing to change: " : "Organizations: ") + text + smtp
        }
        let failed = fleet.failed
        let done = Set(fleet.outcomes.map(\.organization))
        let notDone = (fleet.plan?.toChange ?? []).map(\.organization).filter { !done.contains($0) }
        var text = "Changed \(fleet.succeeded.count) of \(fleet.sending) organizations"
        text += failed.isEmpty ? "." : "; failed: " + failed.map(\.organization).joined(separator: ", ") + "."
        if let cannot = fleet.plan?.leftOut, !cannot.isEmpty {
            text += " Cannot reach the baseline: \(cannot.count) (" + cannot.prefix(5).map(\.organization).joined(separator: ", ") + (cannot.count > 5 ? ", …" : "") + ")."
        }
        if !notDone.isEmpty {
            // Stopped: exactly which were not finished (those in flight may or may not have changed).
            text += " Not finished when stopped (\(notDone.count)): " + notDone.joined(separator: ", ")
                + ". Run again: it plans again and sends only what still differs."
        }
        return text + smtp
    }
}
