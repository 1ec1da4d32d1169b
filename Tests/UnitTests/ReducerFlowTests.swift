import CLIWording
import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// Synchronous reducer tests for the whole flow: the organization picker, drafts, editing keys,
/// every validation path, review, apply, retry, jump-to-field, save — and plain mode's line
/// answers, which go through the same `update`. State + event → state + commands; no sandbox.
@Suite("Reducer: flow, validation, apply, lines")
struct ReducerFlowTests {
    typealias R = ReducerTests

    // MARK: helpers

    @discardableResult
    static func keys(_ state: inout WizardState, _ keys: Key...) -> [WizardEffect] {
        keys.flatMap { Wizard.update(&state, .key($0)) }
    }

    static func type(_ state: inout WizardState, _ text: String) {
        for c in text { _ = Wizard.update(&state, .key(.char(c))) }
    }

    @discardableResult
    static func line(_ state: inout WizardState, _ text: String) -> [WizardEffect] {
        Wizard.update(&state, .line(text))
    }

    /// The SMTP screen enabled, focus on Host.
    static func smtpEnabled() -> WizardState {
        var state = R.loaded(sections: [.smtp])
        keys(&state, .char(" "), .tab)
        return state
    }

    /// A valid SMTP screen filled in (host, sender), focus on Test email address, ready to leave.
    static func smtpFilled() -> WizardState {
        var state = smtpEnabled()
        type(&state, "smtp.example.com")
        keys(&state, .tab, .tab)
        type(&state, "noreply@example.com")
        keys(&state, .tab, .tab)
        return state
    }

    /// The review of the filled SMTP screen.
    static func review() -> WizardState {
        var state = smtpFilled()
        keys(&state, .enter)
        return state
    }

    /// The review applied; the step is running.
    static func applying() -> (WizardState, Plan) {
        var state = review()
        let commands = keys(&state, .enter)
        guard case .apply(let plan, _)? = commands.first else { preconditionFailure("\(commands)") }
        return (state, plan)
    }

    static func done(_ step: Step, _ plan: Plan, failing error: TFEError? = nil) -> StepResult {
        if let error { return StepResult(step: step, fields: [.smtpHost], outcome: .failed(error)) }
        var saved = SMTPSettings(enabled: true, host: "smtp.example.com", sender: "noreply@example.com")
        saved.port = 25
        return StepResult(step: step, fields: [.smtpEnabled, .smtpHost, .smtpSender], outcome: .smtp(saved))
    }

    static func draft(_ change: (inout WizardForm) -> Void) -> Draft {
        var form = WizardForm(current: R.current())
        change(&form)
        return Draft(address: R.config.address, organization: "my-org", form: form)
    }

    // MARK: organizations

    @Test("no organization visible: the first one is offered, and Esc reads the relay alone; a token that cannot set the relay either gets a clear stop") func noOrganizations() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        #expect(Wizard.update(&state, .organizationsLoaded(.success([]))).isEmpty)
        #expect(state.phase == .firstInstall && state.firstInstall?.step == .organization)
        guard case .loadWithoutOrganization? = Wizard.update(&state, .key(.escape)).first else { Issue.record("no site-wide read"); return }
        var member = ReducerTests.current()
        member.account.isSiteAdmin = false
        member.smtp = nil
        member.organizationUnavailable = StateLoader.noOrganizationYet
        _ = Wizard.update(&state, .stateLoaded(.success(member), draft: nil))
        guard case .failed(let message) = state.phase else { Issue.record("\(state.phase)"); return }
        #expect(message.contains("No organization") && message.contains("site admin"), "\(message)")
    }

    @Test("one organization is chosen without asking") func oneOrganization() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        #expect(Wizard.update(&state, .organizationsLoaded(.success([Organization(name: "solo", canUpdate: true)]))) == [.loadState(organization: "solo")])
        #expect(state.organization == "solo")
    }

    @Test("several organizations: ↓ Enter chooses the second; the picker stops at both ends") func picker() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success([Organization(name: "a", canUpdate: true), Organization(name: "b", canUpdate: true)])))
        #expect(state.phase == .pickOrganization)
        Self.keys(&state, .up)
        #expect(state.picker.index == 0)
        Self.keys(&state, .down, .down)
        #expect(state.picker.index == 1)
        #expect(Self.keys(&state, .enter) == [.loadState(organization: "b")])
    }

    /// The first screen of `b`, reached from the list of a and b (the SMTP screen first).
    static func fromList() -> WizardState {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success([Organization(name: "a", canUpdate: true), Organization(name: "b", canUpdate: true)])))
        Self.keys(&state, .down)
        #expect(Self.keys(&state, .enter) == [.loadState(organization: "b")])
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: nil))
        return state
    }

    @Test("Esc on the first screen goes back to the organization list it came from; the footer says so")
    func escapeBackToList() {
        var state = Self.fromList()
        #expect(state.phase == .editing(.smtp))
        #expect(Wizard.render(state, size: Size(width: 120, height: 30)).text.contains("Esc organizations"))
        #expect(Self.keys(&state, .escape).isEmpty)
        #expect(state.phase == .pickOrganization)
        #expect(state.organization == nil && state.current == nil && state.focus == nil)
        #expect(state.notice == "Back to the organization list (from b): Enter sets up the highlighted one or those marked.")
        #expect(state.picker.index == 1, "the row it came from stays highlighted")
        #expect(Self.keys(&state, .up, .enter) == [.loadState(organization: "a")], "another organization can be picked")

        // With --organization there is no list to go back to: the first screen says so.
        var direct = R.loaded()
        Self.keys(&direct, .escape)
        #expect(direct.phase == .editing(.smtp))
        #expect(direct.notice == "This is the first screen: Enter on the last field goes on, Ctrl-C quits.")
        #expect(!Wizard.render(direct, size: Size(width: 120, height: 30)).text.contains("Esc organizations"))
    }

    @Test("Esc back to the list with something typed: the first Esc warns (the draft keeps it), any other key stays, a second Esc goes")
    func escapeBackToListWithEdits() {
        var state = Self.fromList()
        let drafts = Self.keys(&state, .char(" "))
        #expect(drafts.count == 1, "the edit is saved as b's draft: \(drafts)")
        Self.keys(&state, .escape)
        #expect(state.phase == .editing(.smtp))
        #expect(state.notice == "Esc again goes back to the organization list. What you typed stays in the draft for b until you edit another organization.")
        Self.keys(&state, .tab)
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpHost, "another key cancels: the field moves as usual")
        Self.keys(&state, .escape)
        #expect(state.phase == .editing(.smtp), "the question is asked again after a cancel")
        Self.keys(&state, .escape)
        #expect(state.phase == .pickOrganization)

        // Several organizations' baseline is not kept anywhere: the warning says it is dropped.
        var fleet = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil, sections: [.executionDefaults, .tokenTTL]))
        let orgs = [Organization(name: "a", canUpdate: true), Organization(name: "b", canUpdate: true)]
        _ = Wizard.update(&fleet, .organizationsLoaded(.success(orgs)))
        Self.keys(&fleet, .char("a"), .enter)
        #expect(fleet.several != nil && fleet.phase == .editing(.executionDefaults))
        Self.keys(&fleet, .escape)
        #expect(fleet.phase == .pickOrganization && fleet.several == nil, "nothing typed: straight back")
        #expect(fleet.picker.marked == ["a", "b"], "the marks stay, to change the selection")
        #expect(fleet.notice == "Back to the organization list (from 2 organizations): Enter sets up the highlighted one or those marked.")
        Self.keys(&fleet, .enter)
        Self.keys(&fleet, .right)
        #expect(fleet.hasUnsavedEdits)
        Self.keys(&fleet, .escape)
        #expect(fleet.statusNotice == Notice("Esc again goes back to the organization list and drops what you typed here; any other key stays.", .problem))
        Self.keys(&fleet, .escape)
        #expect(fleet.phase == .pickOrganization && !fleet.hasUnsavedEdits)
    }

    @Test("a mistyped --organization offers the list, the nearest highlighted; a far name highlights none; no list keeps the error")
    func mistypedOrganization() {
        let orgs = ["alpha", "my-org", "other-org"].map { Organization(name: $0, canUpdate: true) }
        let notFound = TFEError.notFound(path: APIPath.organization("my-orgg"), message: "not found")
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-orgg"))
        #expect(Wizard.update(&state, .stateLoaded(.failure(notFound), draft: nil)) == [.loadOrganizations])
        #expect(state.phase == .loading("There is no organization my-orgg for this token: finding the ones it sees…"))
        #expect(Wizard.update(&state, .organizationsLoaded(.success(orgs))).isEmpty)
        #expect(state.phase == .pickOrganization && state.picker.index == 1)
        #expect(state.statusNotice == Notice("This token sees no organization my-orgg. Did you mean my-org? It is highlighted: Enter sets it up.", .problem))
        #expect(Self.keys(&state, .enter) == [.loadState(organization: "my-org")])

        var far = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "production"))
        _ = Wizard.update(&far, .stateLoaded(.failure(.notFound(path: APIPath.organization("production"), message: "not found")), draft: nil))
        _ = Wizard.update(&far, .organizationsLoaded(.success(orgs)))
        #expect(far.picker.index == 0 && far.notice == "This token sees no organization production. Enter sets up the highlighted one.")

        var unlisted = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-orgg"))
        _ = Wizard.update(&unlisted, .stateLoaded(.failure(notFound), draft: nil))
        _ = Wizard.update(&unlisted, .organizationsLoaded(.failure(.forbidden(detail: "no"))))
        #expect(unlisted.phase == .failed(notFound.description))

        // Another part's "not found" (a pool, a policy) is not a mistyped name: the start fails.
        var other = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-org"))
        #expect(Wizard.update(&other, .stateLoaded(.failure(.notFound(path: "/api/v2/organizations/my-org/agent-pools", message: "x")), draft: nil)).isEmpty)
        #expect(other.phase == .failed(TFEError.notFound(path: "/api/v2/organizations/my-org/agent-pools", message: "x").description))
    }

    @Test("a failure's remedy is worded by the front end the config names: neutral by default, the command line's flags when it says so")
    func remedyWording() {
        var lost = TransportError(.timeout, "no answer")
        lost.requestMayHaveArrived = false
        let error = TFEError.transport(lost)
        var neutral = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-org"))
        _ = Wizard.update(&neutral, .stateLoaded(.failure(error), draft: nil))
        #expect(neutral.phase == .failed(error.description) && !error.description.contains("--timeout"))
        var config = WizardConfig(address: "https://tfe.example.com", organization: "my-org")
        config.wording = .commandLine
        var cli = WizardState(config: config)
        _ = Wizard.update(&cli, .stateLoaded(.failure(error), draft: nil))
        guard case .failed(let text) = cli.phase else { Issue.record("\(cli.phase)"); return }
        #expect(text.contains("--timeout"), "\(text)")
    }

    @Test("a line picks an organization: empty for the first, a number, a name; anything else is a problem") func pickByLine() {
        let orgs = [Organization(name: "a", canUpdate: true), Organization(name: "b", canUpdate: true)]
        for (answer, expected) in [("", "a"), ("2", "b"), ("b", "b")] {
            var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
            _ = Wizard.update(&state, .organizationsLoaded(.success(orgs)))
            #expect(Self.line(&state, answer) == [.loadState(organization: expected)], "\(answer)")
        }
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success(orgs)))
        #expect(Self.line(&state, "3").isEmpty)
        #expect(state.phase == .pickOrganization && state.statusNotice == Notice("Choose a number from 1 to 2 or a name.", .problem))
    }

    @Test("plain mode with many organizations: the prompt gives a count, and part of a name lists matches without picking one")
    func pickAmongMany() {
        let names = (1...30).map { "team-\($0 < 10 ? "0" : "")\($0)" } + ["prod-eu", "prod-us"]
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success(names.map { Organization(name: $0, canUpdate: true) })))
        guard case .ask(let prompt, _) = PlainWizard.prompt(state) else { Issue.record("no prompt"); return }
        #expect(prompt == "Organization (32: a number, a name, or part of a name to list matches) [team-01]: ")

        #expect(Self.line(&state, "PROD").isEmpty, "part of a name never picks")
        #expect(state.phase == .pickOrganization)
        #expect(state.statusNotice == Notice("2 organizations contain \"PROD\": 31 prod-eu, 32 prod-us. Type a number or a whole name.", .info))
        #expect(Self.line(&state, "prod-e").isEmpty, "even a single match is only listed")
        #expect(state.notice == "1 organization contains \"prod-e\": 31 prod-eu. Type a number or a whole name.")
        #expect(Self.line(&state, "team").isEmpty)
        #expect(state.notice?.hasSuffix("12 team-12, and 18 more (type more of the name). Type a number or a whole name.") == true, "\(state.notice ?? "")")
        #expect(Self.line(&state, "staging").isEmpty)
        #expect(state.statusNotice == Notice("No organization's name contains \"staging\". Choose a number from 1 to 32 or a name, or part of a name to list the ones that contain it.", .problem))
        #expect(Self.line(&state, "33").isEmpty)
        #expect(state.statusNotice == Notice("Choose a number from 1 to 32 or a name, or part of a name to list the ones that contain it.", .problem))
        #expect(Self.line(&state, "32") == [.loadState(organization: "prod-us")])
    }

    @Test("plain mode with a few organizations still numbers them all in the prompt") func pickAmongFew() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success(["a", "b"].map { Organization(name: $0, canUpdate: true) })))
        #expect(PlainWizard.prompt(state) == .ask("Organization (1 a, 2 b) [a]: ", secret: false))
    }

    // MARK: drafts

    @Test("a draft that differs is offered; y puts it back") func resumeYes() {
        var state = WizardState(config: R.config)
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: Self.draft { $0.smtpHost = "typed.example.com" }))
        #expect(state.phase.asksToResume)
        #expect(Self.keys(&state, .char("y")).isEmpty)
        #expect(state.form.smtpHost == "typed.example.com" && state.phase == .editing(.smtp))
        #expect(state.notice == "Resumed what you typed last time.")
    }

    @Test("n starts from the server's settings and deletes the draft") func resumeNo() {
        var state = WizardState(config: R.config)
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: Self.draft { $0.smtpHost = "typed.example.com" }))
        #expect(Self.keys(&state, .char("n")) == [.deleteDraft(address: state.config.address, organization: "my-org")])
        #expect(state.form.smtpHost == "" && state.phase == .editing(.smtp))
    }

    @Test("a draft equal to the server's state is not offered") func sameDraft() {
        var state = WizardState(config: R.config)
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: Self.draft { _ in }))
        #expect(state.phase == .editing(.smtp))
    }

    @Test("a line on the draft question: empty resumes (the default), 'maybe' is a problem") func resumeByLine() {
        var state = WizardState(config: R.config)
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: Self.draft { $0.smtpPort = "587" }))
        #expect(Wizard.yesNoDefault(state) == true)
        Self.line(&state, "maybe")
        #expect(state.phase.asksToResume && state.statusNotice == Notice("Please answer y or n.", .problem))
        Self.line(&state, "")
        #expect(state.form.smtpPort == "587" && state.phase == .editing(.smtp))
    }

    // MARK: editing keys

    @Test("Space turns SMTP on: its fields appear and a draft is saved") func toggleShowsFields() {
        var state = R.loaded(sections: [.smtp])
        #expect(state.visibleFields(.smtp) == [.smtpEnabled])
        let commands = Self.keys(&state, .char(" "))
        #expect(state.visibleFields(.smtp) == [.smtpEnabled, .smtpHost, .smtpPort, .smtpSender, .smtpAuth, .smtpTestEmail])
        guard case .saveDraft(let draft)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(draft.values["smtp.enabled"] == "true")
    }

    @Test("text editing at the cursor: Backspace, Home, Delete, End, ←, Ctrl-U") func textEditing() {
        var state = Self.smtpEnabled()
        Self.type(&state, "smtp.exampel.com")
        Self.keys(&state, .left, .left, .left, .left, .backspace, .backspace)
        Self.type(&state, "le")
        #expect(state.form.smtpHost == "smtp.example.com")
        Self.keys(&state, .home, .delete)
        #expect(state.form.smtpHost == "mtp.example.com" && state.editing.cursor == 0)
        Self.keys(&state, .end)
        #expect(state.editing.cursor == "mtp.example.com".count)
        Self.keys(&state, .ctrlU)
        #expect(state.form.smtpHost == "" && state.editing.cursor == 0)
    }

    @Test("a paste drops line breaks and control characters") func paste() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .paste("smtp.\r\nexample\u{1B}[31m.com\u{7}"))
        #expect(state.form.smtpHost == "smtp.example[31m.com")
    }

    @Test("Tab wraps from the last field to the first; Shift-Tab wraps back") func tabWraps() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .backTab, .backTab)
        #expect(state.focus == .smtpTestEmail)
        Self.keys(&state, .tab)
        #expect(state.focus == .smtpEnabled)
    }

    @Test("↑ on the first field and ↓ on the last do nothing") func arrowsStop() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .up, .up)
        #expect(state.focus == .smtpEnabled)
        Self.keys(&state, .backTab, .down)
        #expect(state.focus == .smtpTestEmail)
    }

    @Test("? shows help on a toggle, any key closes it; in a text field ? is typed") func help() {
        var state = R.loaded(sections: [.smtp])
        Self.keys(&state, .char("?"))
        #expect(state.helpShown)
        Self.keys(&state, .char(" "))
        #expect(!state.helpShown && !state.form.smtpEnabled, "the key that closes help does nothing else")
        state = Self.smtpEnabled()
        Self.keys(&state, .char("?"))
        #expect(!state.helpShown && state.form.smtpHost == "?")
        Self.keys(&state, .f1)
        #expect(state.helpShown)
    }

    @Test("Esc goes back a screen with focus on its last field; on the first screen it stays") func escape() {
        var state = R.loaded()
        Self.keys(&state, .escape)
        #expect(state.phase == .editing(.smtp))
        Self.keys(&state, .enter)
        #expect(state.phase == .editing(.executionDefaults))
        Self.keys(&state, .escape)
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpEnabled)
    }

    @Test("Ctrl-R sets all four TTLs to the server's untouched default (730.485 days, not 730) and clears their messages") func ctrlR() {
        var state = R.loaded(sections: [.tokenTTL])
        Self.keys(&state, .tab, .ctrlU)
        Self.type(&state, "0h")
        Self.keys(&state, .tab)
        #expect(state.errors[.ttl(.organization)] != nil)
        Self.keys(&state, .ctrlR)
        #expect(TokenType.known.allSatisfy { state.form.ttlText[$0] == "730.485d" && state.errors[.ttl($0)] == nil })
        #expect(TokenType.known.allSatisfy { state.form.newTTL($0) == TTLDuration.twoYearsServer })
        #expect(state.notice == "All four set to the server's untouched 2-year default, 730.485 days (a typed 2y is 730 days).")
        // On an untouched server the reset plans no TTL change at all, so no guard fires.
        var untouched = R.loaded(sections: [.tokenTTL])
        Self.keys(&untouched, .tab, .ctrlR)
        let current = try! #require(untouched.current)
        if TokenType.known.allSatisfy({ current.ttl($0) == TTLDuration.twoYearsServer }) {
            let plan = Planner.plan(untouched.desiredSettings(sections: [.tokenTTL]), current: current)
            #expect(plan.tokenTTL == nil && plan.tokenReport == nil, "\(String(describing: plan.tokenTTL))")
        } else {
            Issue.record("the fixture's policies are not the untouched default: \(TokenType.known.map { current.ttl($0) ?? 0 })")
        }
    }

    @Test("a filled field is selected on entering: typing replaces it, ← first edits in place, Ctrl-R selects the new 2y") func selection() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .tab)
        #expect(state.focus == .smtpPort && state.editing.selected)
        Self.type(&state, "587")
        #expect(state.form.smtpPort == "587" && !state.editing.selected)
        Self.keys(&state, .backTab, .tab)
        Self.keys(&state, .left)
        Self.type(&state, "1")
        #expect(state.form.smtpPort == "1587", "← put the cursor at the start of the selection")
        var ttl = R.loaded(sections: [.tokenTTL])
        Self.keys(&ttl, .tab, .ctrlR)
        #expect(ttl.editing.selected)
        Self.type(&ttl, "90d")
        #expect(ttl.form.ttlText[.organization] == "90d")
    }

    @Test("Ctrl-R where the TTL policies could not be read is a problem and changes nothing") func ctrlRUnavailable() {
        var state = R.loaded(R.current(policies: false), sections: [.tokenTTL])
        let before = state.form
        Self.keys(&state, .ctrlR)
        #expect(state.form == before && state.statusNotice?.severity == .problem)
        #expect(state.visibleFields(.tokenTTL) == [.ttlEnabled])
    }

    @Test("Auth back to none hides Username and Password; focus stays on a shown field") func authHides() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .tab, .tab, .tab)
        #expect(state.focus == .smtpAuth)
        Self.keys(&state, .right)
        #expect(state.visibleFields(.smtp).contains(.smtpPassword))
        Self.keys(&state, .left)
        #expect(!state.visibleFields(.smtp).contains(.smtpUsername) && state.focus == .smtpAuth)
    }

    // MARK: validation paths

    static func leaving(_ field: FieldID, typed text: String, from start: WizardState) -> String? {
        var state = start
        while state.focus != field { Self.keys(&state, .tab) }
        Self.keys(&state, .ctrlU)
        Self.type(&state, text)
        Self.keys(&state, .tab)
        return state.errors[field]
    }

    @Test("a port out of range is marked when focus leaves") func portRule() {
        #expect(Self.leaving(.smtpPort, typed: "70000", from: Self.smtpEnabled())?.contains("70000 is outside that range") == true)
        #expect(Self.leaving(.smtpPort, typed: "587", from: Self.smtpEnabled()) == nil)
    }

    @Test("a host with a scheme or a port is refused") func hostRule() {
        #expect(Self.leaving(.smtpHost, typed: "smtp://mail", from: Self.smtpEnabled())?.contains("scheme") == true)
        #expect(Self.leaving(.smtpHost, typed: "mail.example.com:25", from: Self.smtpEnabled())?.contains("port") == true)
    }

    @Test("a sender without exactly one @ is refused") func senderRule() {
        #expect(Self.leaving(.smtpSender, typed: "noreply", from: Self.smtpEnabled())?.contains("exactly one @") == true)
    }

    @Test("the test email address must be an address") func testEmailRule() {
        #expect(Self.leaving(.smtpTestEmail, typed: "ops at example", from: Self.smtpEnabled()) != nil)
        #expect(Self.leaving(.smtpTestEmail, typed: "ops@example.com", from: Self.smtpEnabled()) == nil)
    }

    @Test("login without a stored password needs one: the screen does not let go") func passwordRequired() {
        var state = Self.smtpFilled()
        Self.keys(&state, .backTab, .right)   // Auth: plain
        #expect(state.form.smtpAuth == .plain)
        Self.keys(&state, .tab)
        Self.type(&state, "bot")
        Self.keys(&state, .tab, .tab, .enter)
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpPassword)
        #expect(state.errors[.smtpPassword]?.contains("no password stored") == true)
    }

    @Test("agent mode with no pool chosen blocks the screen") func poolRequired() {
        var state = R.loaded(sections: [.executionDefaults])
        Self.keys(&state, .left)   // remote → agent
        #expect(state.form.mode == .agent)
        Self.keys(&state, .enter, .enter)
        #expect(state.phase == .editing(.executionDefaults) && state.focus == .pool)
        #expect(state.errors[.pool]?.contains("needs an agent pool") == true)
    }

    @Test("a typed pool id must look like apool-…; the message goes to the typed id") func poolIDRule() {
        var state = R.loaded(sections: [.executionDefaults])
        Self.keys(&state, .left, .tab, .left)   // agent, pool: Other…
        #expect(state.form.pool == .other && state.visibleFields(.executionDefaults).last == .poolOther)
        Self.keys(&state, .tab)
        Self.type(&state, "pool-1")
        Self.keys(&state, .enter)
        #expect(state.focus == .poolOther && state.errors[.poolOther]?.contains("apool-abc123") == true)
        #expect(state.errors[.pool] == nil)
        // Well formed but not one of the organization's pools: refused, naming those that exist.
        Self.keys(&state, .ctrlU)
        Self.type(&state, "apool-zzz999")
        Self.keys(&state, .enter)
        #expect(state.phase == .editing(.executionDefaults) && state.focus == .poolOther)
        #expect(state.errors[.poolOther] == "my-org has no agent pool apool-zzz999; its pools: primary (apool-abc123).")
        Self.keys(&state, .ctrlU)
        Self.type(&state, "apool-abc123")
        Self.keys(&state, .enter)
        #expect(state.phase == .review, "a pool it has goes on")
    }

    @Test("TTLs: zero, \"1M\" and words are refused; 90d is fine") func ttlRules() {
        let start = R.loaded(sections: [.tokenTTL])
        #expect(Self.leaving(.ttl(.team), typed: "0h", from: start) != nil)
        #expect(Self.leaving(.ttl(.team), typed: "1M", from: start) != nil)
        #expect(Self.leaving(.ttl(.team), typed: "soon", from: start) != nil)
        #expect(Self.leaving(.ttl(.team), typed: "90d", from: start) == nil)
    }

    @Test("changing a marked value clears its message at once") func editClears() {
        var state = Self.smtpEnabled()
        Self.keys(&state, .tab, .ctrlU)
        Self.type(&state, "0")
        Self.keys(&state, .tab, .backTab)
        #expect(state.errors[.smtpPort] != nil)
        Self.type(&state, "1")
        #expect(state.errors[.smtpPort] == nil)
    }

    // MARK: review, apply, results

    @Test("Enter on the last field opens the review with the plan") func reviewOpens() {
        let state = Self.review()
        #expect(state.phase == .review)
        #expect(state.plan?.changes.map(\.field) == [.smtpEnabled, .smtpHost, .smtpSender])
    }

    @Test("Enter on the review sends its steps, all running") func applySends() {
        let (state, plan) = Self.applying()
        #expect(state.phase == .applying && plan.steps == [.smtp])
        #expect(state.steps == [.smtp: .running])
    }

    @Test("Esc on the review goes back to the last screen") func reviewEscape() {
        var state = Self.review()
        Self.keys(&state, .escape)
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpTestEmail)
    }

    @Test("nothing to change: Enter goes to the save question without a request") func nothingToChange() {
        var state = R.loaded(sections: [.smtp])
        Self.keys(&state, .enter)
        #expect(state.phase == .review && state.plan?.isEmpty == true)
        #expect(Self.keys(&state, .enter).isEmpty)
        #expect(state.phase == .savePrompt)
    }

    @Test("a rule only the whole plan can check sends Enter on the review back to the field") func reviewIssueJumps() {
        var state = Self.review()
        state.form.smtpSender = "not an address"
        _ = Wizard.enterReview(&state)
        #expect(state.plan?.issues.isEmpty == false)
        #expect(Self.keys(&state, .enter).isEmpty)
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpSender && state.errors[.smtpSender] != nil)
    }

    @Test("all steps saved: the results, the draft deleted, nothing left unsaved") func allSaved() {
        var (state, plan) = Self.applying()
        #expect(Wizard.update(&state, .stepFinished(Self.done(.smtp, plan))) == [.deleteDraft(address: state.config.address, organization: "my-org")])
        #expect(state.phase == .result && state.appliedSomething && !state.hasUnsavedEdits)
        #expect(state.current?.smtp?.host == "smtp.example.com")
    }

    @Test("a failed step: r retries only it") func retry() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: .server(status: 502, detail: "bad gateway"))))
        #expect(state.phase == .result && Wizard.exitCode(state) == 1)
        let commands = Self.keys(&state, .char("r"))
        #expect(commands == [.apply(plan.restricted(to: [.smtp]), steps: [.smtp])])
        #expect(state.phase == .applying && state.steps[.smtp] == .running)
    }

    @Test("a step not sent because an earlier stage failed: shown as not sent, and r sends it (it was never refused)") func retryNotSent() {
        var (state, plan) = Self.applying()
        let waited = StepResult(step: .smtp, fields: plan.fields(of: .smtp), outcome: .notSent(after: .organization))
        _ = Wizard.update(&state, .stepFinished(waited))
        #expect(state.phase == .result && Wizard.exitCode(state) == 1)
        #expect(Wizard.render(state, size: Size(width: 120, height: 40)).text.contains("Not sent: it waits for Organization defaults, which did not complete."))
        #expect(Self.keys(&state, .char("r")) == [.apply(plan.restricted(to: [.smtp]), steps: [.smtp])])
    }

    @Test("r with nothing failed says so") func retryNothing() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan)))
        #expect(Self.keys(&state, .char("r")).isEmpty)
        #expect(state.notice == "Nothing failed, so there is nothing to retry.")
    }

    @Test("e goes to the field a 422 names, with the server's message") func jumpToField() {
        var (state, plan) = Self.applying()
        let refused = TFEError.unprocessable([.init(field: .smtpHost, pointer: "/data/attributes/host", message: "host is not reachable")])
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: refused)))
        Self.keys(&state, .char("e"))
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpHost)
        #expect(state.errors[.smtpHost] == "The server refused this: host is not reachable")
    }

    @Test("e when no failure names a field says what to do instead") func jumpNowhere() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: .server(status: 500, detail: "boom"))))
        Self.keys(&state, .char("e"))
        #expect(state.phase == .result && state.notice?.contains("press r to retry") == true)
    }

    @Test("after the SMTP step is saved, the password and test address are not kept for a second send") func sentOnce() {
        var (state, plan) = Self.applying()
        state.form.smtpPasswordText = "fake-secret-1"
        state.form.smtpTestEmail = "ops@example.com"
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan)))
        #expect(state.form.smtpPasswordText.isEmpty && state.form.smtpTestEmail.isEmpty)
    }

    @Test("a number on the results reopens that screen; leaving it comes back to the results") func reopen() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan)))
        Self.keys(&state, .char("1"))
        #expect(state.phase == .editing(.smtp) && state.fixing)
        Self.keys(&state, .char("9"))
        #expect(state.phase == .editing(.smtp), "9 is typed or ignored on a screen, never a jump")
        state.form.smtpHost = "smtp.example.com"
        while state.focus != state.visibleFields(.smtp).last { Self.keys(&state, .tab) }
        Self.keys(&state, .enter)
        #expect(state.phase == .result && state.notice == "Esc: back to the review, to apply what you changed.")
    }

    // MARK: saving the answers

    @Test("y writes the answers; a success finishes with the path") func saveAnswers() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan)))
        Self.keys(&state, .enter)
        let commands = Self.keys(&state, .char("y"))
        guard case .saveAnswers(let name, let contents)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(name == "tfe-setup-answers.json" && contents.contains("smtp.example.com"))
        let done = Wizard.update(&state, .answersSaved(.success("/work/tfe-setup-answers.json")))
        guard case .quit(0, let message)? = done.first else { Issue.record("\(done)"); return }
        #expect(message.contains("/work/tfe-setup-answers.json"))
    }

    @Test("a failed save returns to the question with the reason") func saveFails() {
        var state = R.loaded(sections: [.smtp])
        Self.keys(&state, .enter, .enter)
        #expect(state.phase == .savePrompt)
        #expect(Wizard.update(&state, .answersSaved(.failure(AnswersSaveError("disk full")))).isEmpty)
        #expect(state.phase == .savePrompt && state.statusNotice?.severity == .problem && state.notice?.contains("disk full") == true)
    }

    @Test("nothing to change: the end says nothing was sent, never \"All changes applied\"") func nothingSent() {
        var state = R.loaded(sections: [.smtp])
        Self.keys(&state, .enter, .enter)
        #expect(state.phase == .savePrompt)
        let screen = Wizard.render(state, size: Size(width: 80, height: 24)).text
        #expect(screen.contains("Nothing was sent: the server already had these settings."), "\(screen)")
        #expect(!screen.contains("All changes applied."))
    }

    @Test("n finishes with the summary, exit 1 when a step failed") func saveNo() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: .server(status: 500, detail: "boom"))))
        Self.keys(&state, .enter)
        #expect(Self.keys(&state, .char("n")) == [.quit(exitCode: 1, message: "0 of 1 requests saved; not saved: SMTP settings.")])
    }

    // MARK: plain mode's lines

    @Test("line: a toggle takes y or n; anything else is a problem") func lineToggle() {
        var state = R.loaded(sections: [.smtp])
        Self.line(&state, "maybe")
        #expect(state.statusNotice == Notice("Answer y or n.", .problem) && state.focus == .smtpEnabled)
        Self.line(&state, "y")
        #expect(state.form.smtpEnabled && state.focus == .smtpHost)
    }

    @Test("line: a choice by number or name; not an option names the options") func lineChoice() {
        var state = R.loaded(R.current(agents: false), sections: [.executionDefaults])
        Self.line(&state, "agent")
        #expect(state.statusNotice == Notice("Choose a number from 1 to 2 or a name: remote, local.", .problem))
        Self.line(&state, "2")
        #expect(state.form.mode == .local && state.phase == .review)
    }

    @Test("line: the pool by number or by id") func linePool() {
        var state = R.loaded(sections: [.executionDefaults])
        Self.line(&state, "agent")
        #expect(state.focus == .pool)
        Self.line(&state, "apool-abc123")
        #expect(state.form.pool == .pool("apool-abc123") && state.phase == .review)
        var other = R.loaded(sections: [.executionDefaults])
        Self.line(&other, "3")
        Self.line(&other, "9")
        #expect(other.statusNotice?.text.hasPrefix("Choose a number from 1 to") == true && other.focus == .pool)
    }

    @Test("line: < goes back one field, and from a screen's first field to the previous screen's last") func lineBack() {
        var state = Self.smtpEnabled()
        Self.line(&state, "<")
        #expect(state.focus == .smtpEnabled)
        var two = R.loaded()
        Self.line(&two, "")
        #expect(two.phase == .editing(.executionDefaults))
        Self.line(&two, "<")
        #expect(two.phase == .editing(.smtp) && two.focus == .smtpEnabled)
    }

    @Test("line: a value that breaks a rule stays on the field with the rule's message") func lineRule() {
        var state = Self.smtpEnabled()
        Self.line(&state, "smtp.example.com")
        Self.line(&state, "0")
        #expect(state.focus == .smtpPort && state.errors[.smtpPort] != nil)
        Self.line(&state, "2525")
        #expect(state.focus == .smtpSender && state.errors[.smtpPort] == nil)
    }

    @Test("line: empty keeps the value and moves on; a change saves the draft") func lineKeeps() {
        var state = Self.smtpEnabled()
        let commands = Self.line(&state, "smtp.example.com")
        guard case .saveDraft(let draft)? = commands.first else { Issue.record("\(commands)"); return }
        #expect(draft.values["smtp.host"] == "smtp.example.com")
        #expect(Self.line(&state, "").isEmpty)
        #expect(state.focus == .smtpSender && state.form.smtpPort == "25")
        #expect(Self.line(&state, "").isEmpty && state.focus == .smtpSender, "an empty required Sender is kept, and refused")
        #expect(state.errors[.smtpSender]?.contains("Sender is required") == true)
    }

    @Test("line: the last field leaves the screen only when all of it is valid") func lineLeaves() {
        var state = Self.smtpFilled()
        state.form.smtpSender = "not an address"   // as a resumed draft may hold it
        Self.line(&state, "")                       // the last field: the whole screen is checked
        #expect(state.phase == .editing(.smtp) && state.focus == .smtpSender && state.errors[.smtpSender] != nil)
        #expect(state.statusNotice == Notice("Fix the marked field to continue.", .problem))
    }

    @Test("line: a read-only field passes with an empty line") func lineReadOnly() {
        var state = R.loaded(R.current(maxTTLSupported: false), sections: [.tokenTTL])
        #expect(state.readOnlyReason(.ttlEnabled) != nil)
        Self.line(&state, "")
        #expect(state.focus == .ttl(.organization))
    }

    @Test("line: on the review, y applies and n (the default) quits with nothing applied") func lineReview() {
        var yes = Self.review()
        #expect(Wizard.yesNoDefault(yes) == false)
        guard case .apply? = Self.line(&yes, "y").first else { Issue.record("y did not apply"); return }
        var no = Self.review()
        #expect(Self.line(&no, "") == [.quit(exitCode: 1, message: "Nothing applied. What you typed is kept as a draft for next time.")])
        #expect(no.phase == .finished(exitCode: 1, message: "Nothing applied. What you typed is kept as a draft for next time."))
    }

    @Test("line: on the results, y retries the failed steps; with nothing failed any line goes on") func lineResults() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: .server(status: 502, detail: "x"))))
        guard case .apply? = Self.line(&state, "y").first else { Issue.record("y did not retry"); return }
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan)))
        #expect(Wizard.yesNoDefault(state) == nil)
        Self.line(&state, "")
        #expect(state.phase == .savePrompt)
    }

    @Test("the save question after a failed step still says that some changes were not applied") func saveAfterFailure() {
        var (state, plan) = Self.applying()
        _ = Wizard.update(&state, .stepFinished(Self.done(.smtp, plan, failing: .server(status: 502, detail: "x"))))
        #expect(state.phase == .result)
        Self.line(&state, "n")   // no retry
        #expect(state.phase == .savePrompt, "\(state.phase)")
        let text = Wizard.render(state, size: Size(width: 100, height: 40)).text
        #expect(text.contains("Some changes were not applied.") && !text.contains("Finished."), "\(text)")
    }

    @Test("line: on the save question, empty is no") func lineSave() {
        var state = R.loaded(sections: [.smtp])
        Self.line(&state, "n")
        Self.line(&state, "")
        #expect(state.phase == .savePrompt)
        #expect(Self.line(&state, "") == [.quit(exitCode: 0, message: "Nothing changed.")])
    }

    @Test("line: after a failed start any line quits with exit 1 and the reason") func lineFailed() {
        var config = R.config
        config.wording = .commandLine
        var state = WizardState(config: config)
        _ = Wizard.update(&state, .stateLoaded(.failure(.transport(TransportError(.connect, "refused"))), draft: nil))
        guard case .failed(let message) = state.phase else { Issue.record("\(state.phase)"); return }
        #expect(message.contains("--address"), "the command line's wording: \(message)")
        #expect(Self.line(&state, "whatever") == [.quit(exitCode: 1, message: message)])
    }

    @Test("the demo's answers carry no address, and its quit promises no draft") func demoConfig() {
        let config = WizardConfig(address: "http://127.0.0.1:4567", organization: "my-org", sections: [.smtp],
                                  addressInAnswers: false, keepsDraft: false)
        var state = WizardState(config: config)
        _ = Wizard.update(&state, .stateLoaded(.success(R.current()), draft: nil))
        #expect(!Wizard.answers(state).contains("127.0.0.1") && Wizard.answers(state).contains("my-org"))
        Self.keys(&state, .char(" "), .ctrlC)
        #expect(Self.keys(&state, .char("y")) == [.quit(exitCode: 1, message: "Nothing applied.")])
        var kept = R.loaded(sections: [.smtp])
        #expect(Wizard.answers(kept).contains("https://tfe.example.com"))
        Self.keys(&kept, .char(" "), .ctrlC)
        #expect(Self.keys(&kept, .char("y")) == [.quit(exitCode: 1, message: "Nothing applied. What you typed is kept as a draft for next time.")])
    }

    // MARK: quitting

    @Test("Ctrl-C on the review asks first, even with nothing typed since") func ctrlCReview() {
        var state = Self.review()
        state.prefill = state.form
        #expect(Self.keys(&state, .ctrlC).isEmpty && state.quitPending)
    }

    @Test("stopped while applying: the summary names what is still in flight as unknown") func summaryInFlight() {
        let (state, _) = Self.applying()
        #expect(Wizard.summary(state) == "0 of 1 requests saved; unknown (sent, no answer): SMTP settings. "
            + "Run tfe-setup again: it reads the settings first and sends only what still differs.")
    }

    @Test("Ctrl-C then y while a request is in flight: never \"Nothing applied\", the request is unknown, exit 1") func quitWhileApplying() {
        var (state, _) = Self.applying()
        Self.keys(&state, .ctrlC)
        #expect(state.quitPending)
        let effects = Self.keys(&state, .char("y"))
        guard case .quit(let code, let message)? = effects.first else { Issue.record("\(effects)"); return }
        #expect(code == 1)
        #expect(!message.contains("Nothing applied") && message.contains("unknown (sent, no answer): SMTP settings"), "\(message)")
    }
}
