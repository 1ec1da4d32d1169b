import FoundationEssentials
import SetupKit
import TFEClient

/// Several organizations under one baseline: the baseline screens (every field at "keep"), the
/// plan read per organization, the apply with its progress, and the results per organization.
/// Its data is `Flow.several`'s `FleetChoice`.
enum SeveralSession: WizardSession {
    // MARK: - Starting

    /// Starts the baseline screens for several organizations, every field at "keep". With the
    /// SMTP screen asked for, the server and its relay are read first: the relay is site-wide,
    /// one screen for all of them, sent once.
    static func enterFleet(_ state: inout WizardState, _ chosen: [Organization]) -> [WizardEffect] {
        state.several = FleetChoice(organizations: chosen)
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
            state.phase = .failed(error.description(using: state.config.wording))
            return []
        }
    }

    static func startBaseline(_ state: inout WizardState) -> [WizardEffect] {
        guard let fleet = state.several else { return [] }
        state.form = .baseline(siteWide: state.current)
        state.prefill = state.form
        guard !state.screens.isEmpty else {
            state.phase = .failed("Nothing to set for several organizations: the SMTP relay cannot be used here (\(state.current?.smtpUnavailableReason ?? "not available")), and \(state.config.words.screensChoice) names no other screen.")
            return []
        }
        state.notice = "One baseline for \(fleet.organizations.count) organizations: each field keeps each one's value until you set it."
        return Wizard.enterFirstScreen(&state)
    }

    /// The review of several organizations needs their plan: reads (pools, TTLs) only where the
    /// baseline needs them: the command that plans them.
    static func enterReview(_ state: inout WizardState) -> [WizardEffect] {
        guard let fleet = state.several else { return [] }
        let baseline = state.fleetBaseline
        state.inSeveral {
            $0.baseline = baseline
            $0.plan = nil
        }
        // The site-wide SMTP relay: planned here, against the settings read at the start.
        state.plan = state.current.flatMap { current in
            state.screens.contains(.smtp) ? Planner.plan(state.form.desired(sections: [.smtp]), current: current) : nil
        }
        state.editing = FieldFocus()
        state.phase = .loading("Planning \(fleet.targets.count) organization\(fleet.targets.count == 1 ? "" : "s"): reading what the baseline needs…")
        return [.planFleet(baseline, organizations: fleet.targets.map(\.name))]
    }

    static func fleetPlanned(_ state: inout WizardState, _ result: Result<FleetPlanned, TFEError>) -> [WizardEffect] {
        switch result {
        case .success(let planned):
            // The organizations as read just now replace the older copies (the spreads use them).
            let fresh = Dictionary(planned.organizations.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            state.inSeveral { fleet in
                fleet.organizations = fleet.organizations.map { fresh[$0.name] ?? $0 }
                fleet.plan = planned.plan
                fleet.pace = planned.pace
            }
            state.phase = .review
            state.scroll = 0
        case .failure(let error):
            // Nothing typed is lost: back on the last screen, Enter plans again.
            if let last = state.screens.last { Wizard.go(&state, to: last, focus: .last) }
            state.problem("Could not plan: \(error.description(using: state.config.wording)) Enter on the last field tries again.")
        }
        return []
    }

    static func reviewKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard let fleet = state.several else { return [] }
        switch key {
        case _ where KeyMap.enter.matches(key) || (KeyMap.acceptTokenRejection.matches(key) && fleet.plan?.lockedOut.isEmpty == false):
            guard var plan = fleet.plan else { return [] }
            if let smtp = state.plan, Wizard.showFirstIssue(&state, smtp) { return [] }
            if !plan.lockedOut.isEmpty {
                // Never by surprise: only the explicit key applies a baseline that locks the tool out.
                guard KeyMap.acceptTokenRejection.matches(key) else {
                    state.problem("Not applied: \(KeyMap.acceptTokenRejection.names) applies anyway, Esc goes back; " + TokenReport.lockout(in: plan.lockedOut) + ".")
                    return []
                }
                plan = plan.puttingTokenWritesLast()
                state.statusNotice = nil
            }
            let smtp = state.plan.flatMap { $0.steps.contains(.smtp) ? $0 : nil }
            if plan.toChange.isEmpty && smtp == nil {
                return [.quit(exitCode: exitCode(state), message: finishMessage(state))]
            }
            state.inSeveral { $0.startApply(sending: plan.toChange.count) }
            state.steps = smtp == nil ? [:] : [.smtp: .running]
            state.phase = .applying
            state.scroll = 0
            return [.applyFleet(plan)] + (smtp.map { [.apply($0, steps: [.smtp])] } ?? [])
        case _ where KeyMap.back.matches(key):
            state.inSeveral { $0.targets = fleet.organizations }
            if let last = state.screens.last { Wizard.go(&state, to: last, focus: .last) }
            return []
        default:
            return []
        }
    }

    static func fleetProgress(_ state: inout WizardState, _ outcome: FleetOutcome, elapsed: Double) -> [WizardEffect] {
        // The same organization again after the read-back: its outcome is replaced, not counted twice.
        guard state.inSeveral({ $0.record(outcome, elapsed: elapsed) }) == true else { return [] }
        if outcome.results.contains(where: { $0.error == nil }) { state.appliedSomething = true }
        return []
    }

    static func fleetFinished(_ state: inout WizardState) -> [WizardEffect] {
        state.inSeveral { $0.finished = true }
        return stepAnswered(&state)
    }

    /// The apply of several organizations ends when both the organizations and the SMTP request
    /// (when one was sent) have answered, whichever comes last.
    static func stepAnswered(_ state: inout WizardState) -> [WizardEffect] {
        guard state.phase == .applying, let fleet = state.several, fleet.finished, !state.steps.values.contains(.running) else { return [] }
        state.phase = .result
        state.scroll = 0
        // Applied: what was typed is no longer "unsaved" (Ctrl-C does not ask).
        state.prefill = state.form
        return []
    }

    /// On the results: `r` plans again and reviews only the organizations that failed; Esc plans
    /// every chosen one again (a fresh compliance check); Enter finishes.
    static func resultKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard let fleet = state.several else { return [] }
        switch key {
        case _ where KeyMap.retry.matches(key):
            let failed = Set(fleet.failed.map(\.organization))
            // A failed SMTP request is planned again with them (the password is still in memory).
            guard !failed.isEmpty || !Wizard.failedResults(state).isEmpty else {
                state.notice = "Nothing failed, so there is nothing to retry."
                return []
            }
            state.inSeveral { $0.targets = fleet.organizations.filter { failed.contains($0.name) } }
            return enterReview(&state)
        case _ where KeyMap.back.matches(key):
            state.inSeveral { $0.targets = fleet.organizations }
            return enterReview(&state)
        case _ where KeyMap.enter.matches(key):
            // As with one organization: keep the baseline as a file (a nightly plan of it shows drift).
            return Wizard.offerToSave(&state)
        default:
            return []
        }
    }

    /// The closing line for several organizations (and the site-wide SMTP relay, if sent).
    static func finishMessage(_ state: WizardState) -> String {
        guard let fleet = state.several else { return "" }
        var smtp = ""
        if case .done(let result)? = state.steps[.smtp] {
            smtp = result.succeeded ? " SMTP relay: applied." : " SMTP relay: not applied (\(result.message))."
        } else if state.steps[.smtp] == .running {
            smtp = " SMTP relay: sent, no answer yet when stopped (it may or may not have been applied)."
        }
        guard !fleet.outcomes.isEmpty || fleet.sending > 0 else {
            let plan = fleet.plan
            let comply = plan?.compliant.count ?? 0
            let text = plan.map { $0.summaryCounts + "." } ?? "\(comply) organizations already comply."
            return (smtp.isEmpty ? "Nothing to change: " : "Organizations: ") + text + smtp
        }
        let done = Set(fleet.outcomes.map(\.organization))
        let notDone = (fleet.plan?.toChange ?? []).map(\.organization).filter { !done.contains($0) }
        // Every organization chosen counted once: the counts sum to the organizations planned.
        var text = (fleet.tally?.line ?? "") + "."
        // Stopped: an organization without an outcome may be in flight, so "not started" would
        // claim more than is known.
        if !notDone.isEmpty { text = text.replacing(" not started", with: " not finished (in flight or not started)") }
        func list(_ outcomes: [FleetOutcome]) -> String { outcomes.prefix(5).map(\.organization).joined(separator: ", ") + (outcomes.count > 5 ? ", …" : "") }
        let notChanged = fleet.failed.filter { $0.kind == .failed || $0.kind == .notKept }
        if !notChanged.isEmpty { text += " Not changed: " + list(notChanged) + "." }
        let unknown = fleet.failed.filter { $0.kind == .unknown }
        if !unknown.isEmpty { text += " Unknown (sent, no answer): " + list(unknown) + "." }
        if !notDone.isEmpty {
            // Stopped: exactly which were not finished (those in flight may or may not have changed).
            text += " Not finished when stopped (\(notDone.count)): " + notDone.joined(separator: ", ")
                + ". Run again: it plans again and sends only what still differs."
        }
        return text + smtp
    }

    // MARK: - The session's answers

    static func readAgain(_ state: inout WizardState) -> [WizardEffect] { [.loadSiteWide] }

    static func exitCode(_ state: WizardState) -> Int32 {
        if let fleet = state.several, !(fleet.failed.isEmpty && fleet.outcomes.count == fleet.sending) || fleet.plan?.unreadable.isEmpty == false { return 1 }
        return OrganizationSession.exitCode(state)
    }

    static func summary(_ state: WizardState) -> String { finishMessage(state) }

    static func nothingApplied(_ state: WizardState) -> String {
        // Several organizations keep no draft; stopped mid-apply, the message names who was not finished.
        state.phase == .applying ? finishMessage(state) : "Nothing applied."
    }

    static func name(_ state: WizardState) -> String { "\(state.several?.organizations.count ?? 0) organizations" }

    /// The SMTP relay is site-wide: one value, checked as it is typed. The organizations' screens
    /// keep each one's value until set, and are checked per organization at the Review.
    static func keeps(_ section: Section) -> Bool { section != .smtp }
    static func checksOnScreen(_ section: Section) -> Bool { section == .smtp }
}

extension WizardState {
    /// Changes the several-organizations payload in place when that is the flow, nothing
    /// otherwise: the session's reducer edits its own data, as TCA's `Scope` scopes a child.
    @discardableResult
    mutating func inSeveral<T>(_ change: (inout FleetChoice) -> T) -> T? {
        guard case .several(var fleet) = flow else { return nil }
        let result = change(&fleet)
        flow = .several(fleet)
        return result
    }

    /// The several-organizations session's data, nil in the other flows.
    package var several: FleetChoice? {
        get {
            if case .several(let choice) = flow { return choice }
            return nil
        }
        set { flow = newValue.map(Flow.several) ?? .organization(OrganizationChoice()) }
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
                if let ms = form.typedTTL(type) { baseline.ttl[type] = ms }
            }
        }
        return baseline
    }
}
