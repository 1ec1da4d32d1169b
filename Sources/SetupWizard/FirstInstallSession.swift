import FoundationEssentials
import SetupKit
import TFEClient

/// The first-install flow: wait for the server, get the IACT (fetched, or typed with the
/// commands that print it), the first admin's values checked as typed, a review, the admin
/// created and its token stored (the runtime uses it from then on), the first organization
/// offered, then the settings screens as `.organization` — without restarting. Esc on the
/// organization goes on to the SMTP relay alone.
enum FirstInstallSession {
    /// The flow's first commands: wait for the server.
    static func start(_ state: inout WizardState) -> [WizardEffect] {
        state.flow = .firstInstall(FirstInstall())
        state.phase = .firstInstall
        return [.waitForServer(deadline: state.config.firstInstallWait)]
    }

    /// A server with an admin and no organization (a first install stopped after its admin, or
    /// a new server set up elsewhere): the organization step, or the relay alone.
    static func offerOrganization(_ state: inout WizardState) {
        var f = FirstInstall()
        f.go(to: .organization, focus: .organizationName)
        f.adminExisted = true
        state.flow = .firstInstall(f)
        state.phase = .firstInstall
        state.notice = "This server has no organization yet: create the first one."
    }

    // MARK: - Events

    static func serverWaiting(_ state: inout WizardState, answer: String, waited: Int) -> [WizardEffect] {
        guard var f = state.firstInstall, case .waiting = f.step else { return [] }
        f.go(to: .waiting(lastAnswer: SafeText.line(answer), waited: waited))
        state.firstInstall = f
        return []
    }

    static func serverReady(_ state: inout WizardState, _ error: TFEError?) -> [WizardEffect] {
        guard var f = state.firstInstall, case .waiting = f.step else { return [] }
        if let error {
            state.phase = .failed(error.description(using: state.config.wording))
            return []
        }
        f.go(to: .fetchingIACT)
        state.firstInstall = f
        return [.fetchIACT]
    }

    static func iactFetched(_ state: inout WizardState, _ result: Result<SecretString, TFEError>) -> [WizardEffect] {
        guard var f = state.firstInstall, f.step == .fetchingIACT else { return [] }
        switch result {
        case .success(let iact):
            f.iact = iact
            f.iactFetched = true
            f.go(to: .admin, focus: .username)
        case .failure(let error):
            // Not from here (TFE_IACT_SUBNETS), past TFE_IACT_TIME_LIMIT, or users exist: the
            // admin copies it from the host.
            f.iactProblem = "It could not be fetched from the server (\(shortReason(error))): TFE gives it only to the addresses in TFE_IACT_SUBNETS (by default only the host itself) and only within TFE_IACT_TIME_LIMIT minutes of its start (60 by default)."
            f.go(to: .askIACT, focus: .iact)
        }
        state.firstInstall = f
        return []
    }

    static func credentialsUnwritable(_ state: inout WizardState, _ reason: String) -> [WizardEffect] {
        guard var f = state.firstInstall, f.step == .creatingAdmin else { return [] }
        f.go(to: .review)
        state.firstInstall = f
        state.problem("Nothing created: the new admin's token would have nowhere to go (\(reason)). Fix that, then press Enter.")
        return []
    }

    static func adminCreated(_ state: inout WizardState, _ result: Result<AdminCreated, TFEError>) -> [WizardEffect] {
        guard var f = state.firstInstall, f.step == .creatingAdmin else { return [] }
        switch result {
        case .success(let admin):
            f.admin = admin
            // The IACT is spent and the password is the admin's now: neither stays in memory.
            f.iact = nil
            for secret in [FirstInstall.Field.iact, .password, .confirm] { f.setText(secret, nil) }
            if f.text(.organizationEmail).isEmpty { f.setText(.organizationEmail, admin.email) }
            f.go(to: .organization, focus: .organizationName)
            state.appliedSomething = true
            state.madeAdminToken = admin.storeProblem == nil
            state.created.append(createdLine(admin, host: state.config.serverName))
            state.notice = admin.storeProblem == nil ? "Created the first admin \(SafeText.line(admin.username))." : nil
            if let problem = admin.storeProblem { state.problem(problem) }
        case .failure(.firstInstall(.iactRefused(let detail))):
            f.iact = nil
            f.iactFetched = false
            f.setText(.iact, nil)
            f.iactProblem = "The server refused the IACT (404: \(SafeText.line(detail))): it is wrong or expired, or this server has users already (then sign in instead: terraform login \(ShellWord.quoted(state.config.serverName)))."
            f.go(to: .askIACT, focus: .iact)
        case .failure(.firstInstall(.adminRefused(let detail))):
            // Back to the fields, the one focused selected: a value typed now replaces it.
            f.go(to: .admin)
            state.problem("The server refused these values (422: \(SafeText.line(detail))). Nothing was created; change them and press Enter.")
        case .failure(.validation(let issues)):
            f.go(to: .admin)
            state.problem(issues.first.map(\.message) ?? "The values were refused.")
        case .failure(let error):
            // Sent once: after a lost answer the admin may exist. A rerun with the stored token
            // finds out; without it, the server's login page does.
            f.go(to: .review)
            state.problem("Not confirmed: \(error.description(using: state.config.wording)) The admin may or may not exist: press Enter to try again (a used IACT is refused if it does).")
        }
        state.firstInstall = f
        return []
    }

    static func organizationCreated(_ state: inout WizardState, _ result: Result<String, TFEError>) -> [WizardEffect] {
        guard var f = state.firstInstall, f.step == .creatingOrganization else { return [] }
        switch result {
        case .success(let name):
            state.created.append("Created the organization \(SafeText.line(name)).")
            // The settings of the new organization, with the new admin's token: the ordinary flow.
            state.flow = .organization(OrganizationChoice(name: name))
            state.phase = .loading("Reading the settings of \(SafeText.line(name))…")
            state.notice = "Created the organization \(SafeText.line(name))."
            return [.loadState(organization: name)]
        case .failure(.validation(let issues)):
            f.go(to: .organization)
            for issue in issues { mark(&f, issue.field, issue.message) }
            state.problem("The organization was not created: change the field marked and press Enter.")
        case .failure(.unprocessable(let errors)):
            // 422: a taken name points at /data/attributes/name.
            f.go(to: .organization)
            for error in errors { mark(&f, error.field, SafeText.line(error.message)) }
            state.problem("The server refused the organization: change the field marked and press Enter.")
        case .failure(let error):
            f.go(to: .organization)
            state.problem("The organization was not created: \(error.description(using: state.config.wording))")
        }
        state.firstInstall = f
        return []
    }

    /// A refusal under its field (the name, unless the email is named).
    static func mark(_ f: inout FirstInstall, _ key: FieldKey?, _ message: String) {
        let field: FirstInstall.Field = key == .organizationEmail ? .organizationEmail : .organizationName
        f.errors[field] = message
        f.focus(on: field)
    }

    // MARK: - Keys

    static func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard var f = state.firstInstall else { return [] }
        defer { if case .firstInstall = state.flow { state.firstInstall = f } }
        switch f.step {
        case .waiting, .fetchingIACT, .creatingAdmin, .creatingOrganization:
            return []
        case .review:
            if KeyMap.enter.matches(key) { return create(&state, &f) }
            if KeyMap.back.matches(key) { f.go(to: .admin) }
            // A narrow terminal: the review scrolls like the settings' Review.
            _ = Wizard.scrolled(&state, key)
            return []
        case .askIACT, .admin, .organization:
            let fields = FirstInstall.Field.of(f.step)
            if KeyMap.enter.matches(key) { return enter(&state, &f, fields) }
            if KeyMap.nextField.matches(key) || KeyMap.previousField.matches(key) {
                move(&f, fields, forward: KeyMap.nextField.matches(key))
                return []
            }
            if f.step == .organization, KeyMap.skipOrganization.matches(key) {
                state.flow = .organization(OrganizationChoice(name: nil))
                state.phase = .loading("Reading the SMTP relay…")
                state.notice = "No organization: only the site-wide SMTP relay is set here."
                return [.loadWithoutOrganization(reason: "none was created, so only the site-wide SMTP relay is set here.")]
            }
            if f.step == .admin, KeyMap.back.matches(key), !f.iactFetched {
                f.go(to: .askIACT, focus: .iact)
                return []
            }
            if f.edit(key) { state.statusNotice = nil }
            return []
        }
    }

    /// Tab/Shift-Tab: the next or previous field, the one left checked by its rule.
    static func move(_ f: inout FirstInstall, _ fields: [FirstInstall.Field], forward: Bool) {
        guard let i = fields.firstIndex(of: f.focus) else { return }
        if !f.text(f.focus).isEmpty { f.errors[f.focus] = f.problem(f.focus) }
        f.focus(on: fields[(i + (forward ? 1 : fields.count - 1)) % fields.count])
    }

    /// Enter: the next field, or on the last one every field checked and the step's next step.
    static func enter(_ state: inout WizardState, _ f: inout FirstInstall, _ fields: [FirstInstall.Field]) -> [WizardEffect] {
        if let i = fields.firstIndex(of: f.focus), i < fields.count - 1, f.problem(f.focus) == nil {
            move(&f, fields, forward: true)
            return []
        }
        for field in fields { f.errors[field] = f.problem(field) }
        if let bad = fields.first(where: { f.errors[$0] != nil }) {
            f.focus(on: bad)
            state.problem(f.errors[bad] ?? "")
            return []
        }
        switch f.step {
        case .askIACT:
            f.iact = FieldRules.cleanIACT(f.text(.iact))
            f.iactProblem = nil
            f.go(to: .admin, focus: .username)
        case .admin:
            f.go(to: .review)
            state.scroll = 0
        case .organization:
            f.go(to: .creatingOrganization)
            return [.createOrganization(name: f.text(.organizationName), email: f.text(.organizationEmail))]
        default:
            break
        }
        return []
    }

    /// The review's Enter: the admin's request, sent once.
    static func create(_ state: inout WizardState, _ f: inout FirstInstall) -> [WizardEffect] {
        guard let iact = f.iact else {
            f.go(to: .askIACT, focus: .iact)
            return []
        }
        f.go(to: .creatingAdmin)
        state.statusNotice = nil
        return [.createAdmin(FirstAdmin(iact: iact, username: f.text(.username), email: f.text(.email), password: SecretString(f.text(.password))))]
    }

    /// Plain mode's line: the focused field's whole value (`<` goes back a field), or the
    /// review's y/n.
    static func line(_ state: inout WizardState, _ answer: String) -> [WizardEffect] {
        guard var f = state.firstInstall else { return [] }
        switch f.step {
        case .review:
            if answer == "<" { return key(&state, KeyMap.back.keys[0]) }
            guard let yes = Wizard.yesNo(&state, answer, byDefault: false) else { return [] }
            guard yes else { return [.quit(exitCode: 1, message: "Nothing created.")] }
            defer { state.firstInstall = f }
            return create(&state, &f)
        case .askIACT, .admin, .organization:
            if answer == "<" {
                if f.step == .organization { return key(&state, KeyMap.skipOrganization.keys[0]) }
                return key(&state, KeyMap.previousField.keys[0])
            }
            // A secret is kept as typed (it may hold spaces); the IACT rule strips a stray CR.
            // An empty line keeps the value in brackets, as on the settings' prompts.
            if !(answer.isEmpty && !f.focus.isSecret && !f.text(f.focus).isEmpty) {
                f.setText(f.focus, f.focus.isSecret ? answer : answer.trimmingSpaces)
            }
            state.firstInstall = f
            return key(&state, KeyMap.enter.keys[0])
        default:
            return []
        }
    }

    // MARK: - Text

    /// The line that says what the first install made, for every closing message.
    static func createdLine(_ admin: AdminCreated, host: String) -> String {
        let who = "Created the first admin \(SafeText.line(admin.username)) (\(SafeText.line(admin.email)))"
        if let path = admin.credentialsPath { return who + "; its token is stored in \(path)." }
        return who + "; its token could not be stored (\(admin.storeProblem ?? "")): make one with terraform login \(ShellWord.quoted(host))."
    }

    /// A failure as a short phrase for the IACT's line.
    static func shortReason(_ error: TFEError) -> String {
        if case .firstInstall(.iactNotRetrievable(let last)) = error { return SafeText.line(last) }
        return SafeText.line(error.description(using: .neutral))
    }
}

extension FirstInstall.Step {
    /// Waiting for the server (a spinner, no input).
    var isWaiting: Bool {
        switch self {
        case .waiting, .fetchingIACT, .creatingAdmin, .creatingOrganization: return true
        default: return false
        }
    }
}

// The parts of a session the flow does not reach: its Review is its own step, and once the
// organization exists the flow is `.organization`, whose session answers the rest.
extension FirstInstallSession: WizardSession {
    static func enterReview(_ state: inout WizardState) -> [WizardEffect] { OrganizationSession.enterReview(&state) }
    static func reviewKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { [] }
    static func resultKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { [] }
    static func stepAnswered(_ state: inout WizardState) -> [WizardEffect] { [] }

    /// `r` after a failed start (the server did not come up in time): wait again.
    static func readAgain(_ state: inout WizardState) -> [WizardEffect] {
        let f = state.firstInstall ?? FirstInstall()
        var again = FirstInstall()
        again.admin = f.admin
        state.flow = .firstInstall(again)
        state.phase = .firstInstall
        return [.waitForServer(deadline: state.config.firstInstallWait)]
    }

    /// 0 once the admin exists (a rerun goes on from its stored token), 1 before.
    /// Quitting inside the first install is never a finished set-up: 1, whatever was created
    /// (the message names it).
    static func exitCode(_ state: WizardState) -> Int32 { 1 }
    static func finishMessage(_ state: WizardState) -> String { summary(state) }

    static func summary(_ state: WizardState) -> String {
        guard let f = state.firstInstall else { return "" }
        switch f.step {
        case .creatingAdmin:
            return "Stopped while the first admin was being created: it may or may not exist. Run tfe-setup again: with its token stored it goes on; otherwise try to sign in at \(state.config.address)."
        case .creatingOrganization:
            return "Stopped while the organization was being created: it may or may not exist. Run tfe-setup again to see."
        default:
            if let admin = f.admin {
                return createdLine(admin, host: state.config.serverName) + " No organization was created: run tfe-setup again with that token to create it and set up the rest."
            }
            return "Nothing created: the server still has no users."
        }
    }

    static func nothingApplied(_ state: WizardState) -> String { summary(state) }
    static func name(_ state: WizardState) -> String { "the first install" }
    static func keeps(_ section: Section) -> Bool { false }
    static func checksOnScreen(_ section: Section) -> Bool { true }
}
