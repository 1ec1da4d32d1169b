import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// Several organizations in the wizard: marking them in the list, the baseline where
/// every field starts at keep, the review with counts, the apply's progress, the results and `r`.
/// State + event → state + commands; the tmux test drives the same against a sandbox fleet.
@Suite("Reducer: several organizations")
struct FleetWizardTests {
    typealias F = ReducerFlowTests

    static let organizations = [
        Organization(name: "prod-a", defaultExecutionMode: .remote, canUpdate: true),
        Organization(name: "prod-b", defaultExecutionMode: .agent, defaultAgentPoolID: "apool-1", maxTTLEnabled: true, canUpdate: true),
        Organization(name: "dev-c", canUpdate: false),
        Organization(name: "dev-d", canUpdate: true, entitlements: Entitlements(agents: false)),
    ]

    static func picker(patterns: [String] = []) -> WizardState {
        var config = WizardConfig(address: "https://tfe.example.com", organization: nil)
        config.organizationPatterns = patterns
        var state = WizardState(config: config)
        _ = Wizard.update(&state, .organizationsLoaded(.success(organizations)))
        return state
    }

    /// What several organizations share, as `StateLoader.loadSiteWide` reads it: a site admin's
    /// (with the SMTP relay) or an owner's (without).
    static func siteWide(admin: Bool) -> CurrentState {
        var current = ReducerTests.current()
        current.organization = Organization(name: "", canUpdate: true)
        current.agentPools = []
        current.tokenTTLPolicies = nil
        if !admin {
            current.account.isSiteAdmin = false
            current.smtp = nil
        }
        return current
    }

    /// The baseline screens for prod-a and prod-b (an owner's token: no SMTP screen).
    static func baseline(admin: Bool = false) -> WizardState {
        var state = picker(patterns: ["prod-*"])
        #expect(F.keys(&state, .enter) == [.loadSiteWide])
        _ = Wizard.update(&state, .siteWideLoaded(.success(siteWide(admin: admin))))
        return state
    }

    static func text(_ state: WizardState, _ width: Int = 100, _ height: Int = 40) -> String {
        Wizard.render(state, size: Size(width: width, height: height)).text
    }

    @Test("the list: / filters, a marks the shown, n none, Space marks; Enter with several marked starts the baseline")
    func marking() {
        var state = Self.picker()
        #expect(state.phase == .pickOrganization)
        #expect(Self.text(state).contains("[ ] dev-c         read-only for this token"))
        #expect(Self.text(state).contains("[ ] dev-d         no agents"))
        F.keys(&state, .char("/"))
        F.type(&state, "prod")
        #expect(state.shownOrganizations.map(\.name) == ["prod-a", "prod-b"])
        #expect(state.picker.marked.isEmpty, "letters typed after / go into the filter, not to a and n")
        F.keys(&state, .enter, .char("a"))
        #expect(state.picker.marked == ["prod-a", "prod-b"])
        #expect(state.notice == "Marked 2 organizations matching \"prod\": 2 in all.")
        F.keys(&state, .escape)
        #expect(state.shownOrganizations.count == 4 && state.picker.filter.isEmpty)
        F.keys(&state, .char("n"))
        #expect(state.picker.marked.isEmpty)
        F.keys(&state, .char(" "), .down, .char(" "))
        #expect(state.picker.marked == ["prod-a", "dev-c"])
        #expect(Self.text(state).contains("Enter 2 marked"))
        #expect(Self.text(state, 60, 16).contains("Space mark  a all  / filter  Ctrl-C quit"), "the list's keys fit 60 columns")
        #expect(F.keys(&state, .enter) == [.loadSiteWide], "the server and its SMTP relay are read first")
        _ = Wizard.update(&state, .siteWideLoaded(.success(Self.siteWide(admin: false))))
        #expect(state.phase == .editing(.executionDefaults), "not a site admin: no SMTP screen")
        #expect(state.several?.organizations.map(\.name) == ["dev-c", "prod-a"])
        #expect(state.organization == nil && state.form.kept == [.mode, .ttlEnabled])
        let screen = Self.text(state)
        #expect(screen.contains("tfe-setup · tfe.example.com · 2 organizations"))
        #expect(screen.contains("Mode:                ◂ keep ▸  keep / remote / local / agent"))
        #expect(screen.contains("now: remote 2"))
        #expect(screen.contains("SMTP relay not shown: the token is not a site admin (SMTP settings need one)."))
    }

    @Test("nothing marked: Enter sets up the highlighted organization alone, as before")
    func oneOfThem() {
        var state = Self.picker()
        #expect(F.keys(&state, .down, .enter) == [.loadState(organization: "prod-b")])
        #expect(state.several == nil)
        var filtered = Self.picker()
        F.keys(&filtered, .char("/"))
        F.type(&filtered, "zzz")
        #expect(F.keys(&filtered, .enter, .enter).isEmpty)
        #expect(filtered.statusNotice == Notice("No organization matches \"zzz\": Esc clears the filter.", .problem))
    }

    @Test("--organizations marks its matches at the start, even when the token sees one")
    func patterns() {
        let state = Self.picker(patterns: ["prod-*", "dev-d"])
        #expect(state.picker.marked == ["prod-a", "prod-b", "dev-d"])
        #expect(state.notice == "Marked 3 matching prod-*,dev-d: Enter sets them up.")
        var none = Self.picker(patterns: ["nothing-*"])
        #expect(none.picker.marked.isEmpty && none.statusNotice?.severity == .problem)
        var config = WizardConfig(address: "https://tfe.example.com", organization: nil)
        config.organizationPatterns = ["*"]
        none = WizardState(config: config)
        #expect(Wizard.update(&none, .organizationsLoaded(.success([Self.organizations[0]]))).isEmpty)
        #expect(none.phase == .pickOrganization && none.picker.marked == ["prod-a"])
    }

    @Test("the baseline: choices and the switch cycle through keep; agent needs a pool name; the plan asks only what is set")
    func baselineScreens() {
        var state = Self.baseline()
        F.keys(&state, .right)
        #expect(state.form.mode == .remote && !state.form.kept.contains(.mode))
        F.keys(&state, .left)
        #expect(state.form.kept.contains(.mode) && FieldSpec.of(.mode).display(state) == "keep")
        F.keys(&state, .left)
        #expect(state.form.mode == .agent, "keep is first: ← from it wraps to the last mode")
        #expect(state.visibleFields(.executionDefaults) == [.mode, .poolName], "the pool by name: ids differ per organization")
        #expect(Self.text(state).contains("now: a default pool in 1 of 2"))
        F.keys(&state, .enter, .enter)
        #expect(state.errors[.poolName] == "Agent mode needs the pool's name: each organization's pool of that name becomes its default.")
        #expect(state.phase == .editing(.executionDefaults))
        F.type(&state, "primary")
        F.keys(&state, .enter)
        #expect(state.phase == .editing(.tokenTTL) && state.focus == .ttlEnabled)
        #expect(Self.text(state).contains("[-] keep  keep / on / off"))
        #expect(Self.text(state).contains("now: off 1 · on 1"))
        #expect(Self.text(state).contains("Organization:        (keep each organization's value)"))
        F.keys(&state, .char(" "))
        #expect(state.form.ttlEnabled && !state.form.kept.contains(.ttlEnabled))
        F.keys(&state, .char(" "))
        #expect(!state.form.ttlEnabled && !state.form.kept.contains(.ttlEnabled))
        F.keys(&state, .char(" "))
        #expect(state.form.kept.contains(.ttlEnabled))
        F.keys(&state, .char(" "), .tab, .tab, .tab)
        F.type(&state, "30x")
        F.keys(&state, .tab)
        #expect(state.errors[.ttl(.user)] != nil, "a typed value still follows the duration rule")
        F.keys(&state, .backTab, .end, .backspace)
        #expect(state.form.ttlText[.user] == "30")
        F.type(&state, "d")
        let commands = F.keys(&state, .enter, .enter)
        let expected = FleetBaseline(mode: .agent, agentPoolName: "primary", ttlEnabled: true, ttl: [.user: 30 * 86_400_000])
        #expect(commands == [.planFleet(expected, organizations: ["prod-a", "prod-b"])], "empty TTLs keep each organization's")
        guard case .loading(let message) = state.phase else { Issue.record("\(state.phase)"); return }
        #expect(message == "Planning 2 organizations: reading what the baseline needs…")
        // A long plan says how far it is, as plan's stderr does.
        _ = Wizard.update(&state, .fleetPlanProgress(FleetProgressFigures(done: 1, total: 2, writes: 1, elapsed: 4)))
        #expect(state.phase == .loading("Planning: 1 of 2 organizations · 0.3/s · about 4 s left"))
        #expect(Self.text(state).contains("Planning: 1 of 2 organizations"))
        // A late one never replaces another screen.
        var reviewing = Self.review()
        let before = reviewing.phase
        _ = Wizard.update(&reviewing, .fleetPlanProgress(FleetProgressFigures(done: 2, total: 2, writes: 2, elapsed: 5)))
        #expect(reviewing.phase == before)
    }

    static func plan() -> FleetPlan {
        var desired = DesiredSettings()
        desired.executionDefaults = .init(mode: .local, agentPool: .clear)
        let changes = Planner.plan(desired, current: ReducerTests.current())
        var same = ReducerTests.current()
        same.organization.defaultExecutionMode = .local
        same.organization.defaultAgentPoolID = nil
        return FleetPlan(members: [
            FleetMember(organization: "dev-c", plan: nil, leftOut: "this token cannot change it (only the owners team can)"),
            FleetMember(organization: "prod-a", plan: changes, leftOut: nil),
            FleetMember(organization: "prod-b", plan: Planner.plan(desired, current: same), leftOut: nil),
        ])
    }

    /// The review of `plan()`, the baseline mode local.
    static func review() -> WizardState {
        var state = Self.baseline()
        F.keys(&state, .right, .right, .enter, .enter, .enter, .enter, .enter, .enter)
        #expect(state.several?.baseline == FleetBaseline(mode: .local))
        _ = Wizard.update(&state, .fleetPlanned(.success(FleetPlanned(plan: plan(), organizations: organizations, pace: 27))))
        return state
    }

    @Test("review: per field how many change and comply, who is left out and why, writes and time at the pace")
    func review() {
        let state = Self.review()
        #expect(state.phase == .review)
        let text = Self.text(state, 100, 60)
        #expect(text.contains("3 organizations: 1 to change, 1 already comply, 1 cannot reach the baseline"), "each organization counted once")
        #expect(text.contains("Mode: → local in 1 organization, already local in 1"))
        #expect(text.contains("Cannot reach the baseline (1); they get the parts they can take:"))
        #expect(text.contains("this token cannot change it (only the owners team can) (1): dev-c"))
        #expect(text.contains("Apply sends 1 write to 1 organization: about 1 s at 27 requests/s"))
        #expect(text.contains("prod-a: Mode: remote → local"))
    }

    @Test("apply: the bar counts organizations; results list failures with the reason; r plans the failed again; Enter exits 1")
    func applyAndRetry() {
        var state = Self.review()
        let plan = Self.plan()
        #expect(F.keys(&state, .enter) == [.applyFleet(plan)])
        #expect(state.phase == .applying)
        #expect(Self.text(state).contains("░ 0/1"))
        let failure = StepResult(step: .organization, fields: [.executionMode],
                                 outcome: .failed(.server(status: 503, detail: "The server is overloaded.")))
        _ = Wizard.update(&state, .fleetProgress(FleetOutcome(organization: "prod-a", results: [failure]), elapsed: 1.5))
        let applying = Self.text(state)
        #expect(applying.contains("█ 1/1 · 0.7 requests/s · about 0 s left"))
        #expect(applying.contains("✗ prod-a"))
        #expect(F.keys(&state, .ctrlC).isEmpty && state.quitPending, "Ctrl-C while applying asks first")
        F.keys(&state, .char("n"))
        var stopping = Self.review()
        F.keys(&stopping, .enter, .ctrlC)
        #expect(F.keys(&stopping, .char("y")) == [.quit(exitCode: 1, message: "3 organizations: 0 changed, 1 not finished (in flight or not started), 1 already comply, 1 cannot reach the baseline. Not finished when stopped (1): prod-a. Run again: it plans again and sends only what still differs.")],
                "quitting mid-apply names the organizations not finished")
        _ = Wizard.update(&state, .fleetFinished(notStarted: []))
        #expect(state.phase == .result)
        let result = Self.text(state)
        #expect(result.contains("3 organizations: 0 changed, 1 failed, 1 already comply, 1 cannot reach the baseline."), "\(result)")
        #expect(result.contains("Cannot reach the baseline (1): dev-c"))
        var finishing = state
        // Enter offers to save the baseline as an answers file (as one organization's flow does).
        #expect(F.keys(&finishing, .enter).isEmpty && finishing.phase == .savePrompt)
        #expect(Self.text(finishing).contains("Save these answers to tfe-setup-answers.json? [y/N]"), "\(Self.text(finishing))")
        let saved = Wizard.answers(finishing)
        #expect(saved.contains("\"organizations\": [") && saved.contains("\"prod-a\"") && saved.contains("\"mode\": \"local\""), "\(saved)")
        #expect(!saved.contains("\"organization\":") && !saved.contains("token_ttl"), "only what the baseline sets: \(saved)")
        #expect(F.keys(&finishing, .char("n")) == [.quit(exitCode: 1, message: "3 organizations: 0 changed, 1 failed, 1 already comply, 1 cannot reach the baseline. Not changed: prod-a.")],
                "the closing line counts the organizations that cannot reach the baseline")
        let retry = F.keys(&state, .char("r"))
        // (The site-wide SMTP relay was not on screen for this owner's token, so it is not planned.)
        #expect(state.plan == nil)
        #expect(retry == [.planFleet(FleetBaseline(mode: .local), organizations: ["prod-a"])], "only the failed one")
        // Esc on the results: every chosen organization planned again (a fresh compliance check).
        _ = Wizard.update(&state, .fleetPlanned(.failure(.server(status: 500, detail: "boom"))))
        #expect(state.phase == .editing(.tokenTTL), "a failed plan loses nothing: back on the last screen")
        #expect(state.statusNotice?.severity == .problem)
    }

    @Test("a site admin's baseline has the one SMTP screen: planned once, sent once beside the organizations, in the result and the exit")
    func siteWideSMTP() {
        var state = Self.baseline(admin: true)
        #expect(state.phase == .editing(.smtp))
        #expect(Self.text(state).contains("The SMTP relay is site-wide: it is sent once, not per organization."))
        F.keys(&state, .char(" "), .tab)
        F.type(&state, "smtp.example.com")
        F.keys(&state, .tab, .tab)
        F.type(&state, "noreply@example.com")
        F.keys(&state, .enter, .enter, .enter)
        #expect(state.phase == .editing(.executionDefaults), "\(state.errors)")
        F.keys(&state, .right, .right, .enter, .enter, .enter, .enter, .enter, .enter)
        #expect(state.plan?.steps == [.smtp], "the relay planned against the settings read at the start")
        _ = Wizard.update(&state, .fleetPlanned(.success(FleetPlanned(plan: Self.plan(), organizations: Self.organizations, pace: 27))))
        let review = Self.text(state, 100, 60)
        #expect(review.contains("SMTP relay (site-wide, sent once):"))
        #expect(review.contains("SMTP relay · Host: (empty) → smtp.example.com"))
        let commands = F.keys(&state, .enter)
        guard commands.count == 2, case .applyFleet = commands[0], case .apply(let smtp, let steps) = commands[1] else { Issue.record("\(commands)"); return }
        #expect(steps == [.smtp] && smtp.smtp?.host == "smtp.example.com")
        _ = Wizard.update(&state, .fleetProgress(FleetOutcome(organization: "prod-a", results: []), elapsed: 0.5))
        _ = Wizard.update(&state, .fleetFinished(notStarted: []))
        #expect(state.phase == .applying, "the relay has not answered yet")
        #expect(Self.text(state).contains("SMTP relay (site-wide)"))
        let failure = StepResult(step: .smtp, fields: [.smtpHost], outcome: .failed(.smtpRelay(status: 504, detail: "The mail relay did not answer in time.")))
        _ = Wizard.update(&state, .stepFinished(failure))
        #expect(state.phase == .result)
        #expect(Self.text(state).contains("✗ SMTP relay (site-wide)"))
        var finishing = state
        _ = F.keys(&finishing, .enter)
        #expect(Wizard.answers(finishing).contains("\"host\": \"smtp.example.com\""), "the relay is in the saved baseline once, site-wide")
        guard case .quit(let code, let message)? = F.keys(&finishing, .char("n")).first else { Issue.record("no quit"); return }
        #expect(code == 1 && message.hasPrefix("3 organizations: 1 changed, 1 already comply, 1 cannot reach the baseline. SMTP relay: not applied ("), "\(message)")
        #expect(F.keys(&state, .char("r")) == [.planFleet(FleetBaseline(mode: .local), organizations: [])], "no organization failed; the relay is planned again")
    }

    @Test("the TTL screen shows each type's spread once a review has read the TTLs")
    func ttlSpread() {
        var state = Self.review()
        #expect(!Self.text(state).contains("as read for the review"))
        var plan = Self.plan()
        plan.members[1].ttlNow = [.user: 2_592_000_000, .team: TTLDuration.twoYearsServer]
        plan.members[2].ttlNow = [.user: 7_776_000_000, .team: TTLDuration.twoYearsServer]
        state.several?.plan = plan
        F.keys(&state, .escape)
        #expect(state.phase == .editing(.tokenTTL))
        let screen = Self.text(state)
        #expect(screen.contains("now: 2y (default) 2 (as read for the review)"), "\(screen)")
        #expect(screen.contains("now: 30d 1 · 90d 1 (as read for the review)"))
    }
}

/// A baseline applied knowing it rejects the token in use: the check after the writes, then a
/// Result that offers nothing that would read with the rejected token.
@Suite("Several organizations: after an accepted lockout")
struct FleetLockoutResultTests {
    typealias F = ReducerFlowTests

    @Test("y applies with the token writes last; once the check sees the 401, r and Esc say why nothing more is sent, and only Enter is offered")
    func nothingMoreWithTheRejectedToken() throws {
        let locking = try #require(TokenRenewalReducerTests.lockedOutReview().plan)
        #expect(locking.locksOutToken)
        let plan = FleetPlan(members: [FleetMember(organization: "prod-a", plan: locking, leftOut: nil)])
        var state = FleetWizardTests.review()
        _ = Wizard.update(&state, .fleetPlanned(.success(FleetPlanned(plan: plan, organizations: FleetWizardTests.organizations, pace: 27))))
        #expect(state.phase == .review && FleetWizardTests.text(state).contains("y apply anyway"))
        #expect(F.keys(&state, .char("y")) == [.applyFleet(plan.puttingTokenWritesLast())])
        let saved = StepResult(step: .tokenTTL, fields: [.ttl(.user)], outcome: .tokenTTL([]))
        _ = Wizard.update(&state, .fleetProgress(FleetOutcome(organization: "prod-a", results: [saved]), elapsed: 0.5))
        _ = Wizard.update(&state, .lockoutChecked("ok Token check: the server now rejects this token (401), as expected: the new policy is in force."))
        _ = Wizard.update(&state, .fleetFinished(notStarted: []))
        #expect(state.phase == .result && state.tokenRejectedByApply)
        let text = FleetWizardTests.text(state)
        #expect(text.contains("the server now rejects this token (401)") && text.contains("nothing more can be sent"), "\(text)")
        #expect(!text.contains("Esc check again") && !text.contains("r retry"), "\(text)")
        for key in [Key.char("r"), .escape] {
            #expect(F.keys(&state, key).isEmpty, "\(key) sends nothing")
            #expect(state.phase == .result && state.notice == Wizard.tokenRejectedNotice(state))
        }
        F.keys(&state, .enter)
        #expect(state.phase == .savePrompt, "Enter still finishes (and offers to save the baseline)")
    }
}
