import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// The first-install flow through `Wizard.update` alone: the wait, the IACT, the admin's rules as
/// typed, the review, the admin's and the organization's answers, Esc to the relay alone, Ctrl-C
/// at each step, plain mode's prompts. The secrets typed never reach a frame.
@Suite("Reducer: first install")
struct FirstInstallReducerTests {
    static let password = "fake-admin-pass-1"
    static let iact = "fakeIACT0123456789"

    static func config() -> WizardConfig {
        var c = WizardConfig(address: "https://tfe.example.com", organization: nil, sections: Section.allCases, ascii: false)
        c.firstInstall = true
        c.firstInstallWait = 120
        c.credentialsPath = "/home/ops/.terraform.d/credentials.tfrc.json"
        return c
    }

    static func type(_ state: inout WizardState, _ text: String) {
        for c in text { _ = Wizard.update(&state, .key(.char(c))) }
    }

    static func screen(_ state: WizardState, _ size: Size = Size(width: 80, height: 24)) -> String {
        Wizard.render(state, size: size).text
    }

    /// Started, the server up and the IACT fetched: the admin's screen.
    static func atAdmin() -> WizardState {
        var state = WizardState(config: config())
        _ = Wizard.update(&state, .serverReady(nil))
        _ = Wizard.update(&state, .iactFetched(.success(SecretString(iact))))
        return state
    }

    /// The admin's fields filled and valid: the review.
    static func atReview() -> WizardState {
        var state = atAdmin()
        type(&state, "admin"); _ = Wizard.update(&state, .key(.tab))
        type(&state, "admin@example.com"); _ = Wizard.update(&state, .key(.tab))
        type(&state, password); _ = Wizard.update(&state, .key(.tab))
        type(&state, password); _ = Wizard.update(&state, .key(.enter))
        return state
    }

    @Test("start: it waits for the server, says what it waits for and the last answer, then fetches the IACT")
    func waitsThenFetches() {
        let (start, effects) = Wizard.start(Self.config())
        #expect(effects == [.waitForServer(deadline: 120)])
        var state = start
        #expect(state.phase == .firstInstall && state.isWaiting && !state.takesInput)
        _ = Wizard.update(&state, .serverWaiting(answer: "502 bad gateway", waited: 12))
        let text = Self.screen(state)
        #expect(text.contains("Waiting for tfe.example.com to come up (GET /_health_check)"))
        #expect(text.contains("Last answer: 502 bad gateway, 12 s of at most 120 s."))
        #expect(Wizard.update(&state, .serverReady(nil)) == [.fetchIACT])
        #expect(Self.screen(state).contains("Fetching the initial admin creation token (GET /admin/retrieve-iact)"))
        _ = Wizard.update(&state, .iactFetched(.success(SecretString(Self.iact))))
        #expect(state.firstInstall?.step == .admin && state.firstInstall?.focus == .username)
        #expect(Self.screen(state).contains("Admin creation token: fetched from the server"))
    }

    @Test("a server that never comes up: the start fails naming the wait, and r waits again")
    func neverUp() {
        var state = WizardState(config: Self.config())
        _ = Wizard.update(&state, .serverReady(.firstInstall(.notReady(waitedSeconds: 120, lastAnswer: "502 bad gateway"))))
        guard case .failed(let message) = state.phase else { Issue.record("not failed: \(state.phase)"); return }
        #expect(message.contains("did not come up") && message.contains("120 s"))
        #expect(Wizard.update(&state, .key(.char("r"))) == [.waitForServer(deadline: 120)])
        #expect(state.phase == .firstInstall)
    }

    @Test("the IACT not retrievable: asked for, with the commands that print it; pasted with a CR, it is cleaned; a non-token is refused")
    func asksForIACT() {
        var state = WizardState(config: Self.config())
        _ = Wizard.update(&state, .serverReady(nil))
        _ = Wizard.update(&state, .iactFetched(.failure(.firstInstall(.iactNotRetrievable(lastAnswer: "403 forbidden")))))
        #expect(state.firstInstall?.step == .askIACT)
        let text = Self.screen(state)
        #expect(text.contains("403 forbidden") && text.contains("TFE_IACT_SUBNETS"))
        #expect(text.contains("docker exec <container> tfectl admin token") && text.contains("kubectl exec"))
        _ = Wizard.update(&state, .key(.paste("<html>")))
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .askIACT && state.firstInstall?.errors[.iact] != nil)
        _ = Wizard.update(&state, .key(.ctrlU))
        _ = Wizard.update(&state, .key(.paste(" \(Self.iact)\r\n")))
        #expect(!Self.screen(state).contains(Self.iact), "the IACT is shown as bullets")
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .admin)
        #expect(state.firstInstall?.iact == SecretString(Self.iact))
        #expect(Self.screen(state).contains("Admin creation token: as pasted"))
        // Esc from the admin goes back to the token (it was typed, not fetched).
        _ = Wizard.update(&state, .key(.escape))
        #expect(state.firstInstall?.step == .askIACT)
    }

    @Test("the admin's rules are checked as typed; Enter on the last field checks all and opens the review; the password is never drawn")
    func adminRules() {
        var state = Self.atAdmin()
        Self.type(&state, "ad min")
        #expect(Self.screen(state).contains("Username may use only letters, digits"))
        _ = Wizard.update(&state, .key(.ctrlU))
        Self.type(&state, "admin")
        #expect(!Self.screen(state).contains("Username may use"))
        _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "admin@example.com"); _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "short")
        #expect(Self.screen(state).contains("Password must be at least 10 characters"))
        _ = Wizard.update(&state, .key(.ctrlU))
        Self.type(&state, Self.password); _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "fake-other-pass-2")
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .admin && state.firstInstall?.focus == .confirm)
        #expect(Self.screen(state).contains("The two passwords differ"))
        _ = Wizard.update(&state, .key(.ctrlU))
        Self.type(&state, Self.password)
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .review)
        let review = Self.screen(state)
        #expect(review.contains("Review: create the first admin") && review.contains("Username:  admin") && review.contains("admin@example.com"))
        #expect(review.contains("stored in /home/ops/.terraform.d/credentials.tfrc.json, as") && review.contains("terraform login stores it"))
        for size in [Size(width: 80, height: 24), Size(width: 60, height: 16)] {
            for s in [state, Self.atAdmin()] {
                let text = Self.screen(s, size)
                #expect(!text.contains(Self.password) && !text.contains(Self.iact))
            }
        }
    }

    @Test("typing into a filled field replaces it, as on the settings screens: a too-short password retyped is the new one, not appended")
    func filledFieldsReplace() {
        var state = Self.atAdmin()
        Self.type(&state, "admin"); _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "admin@example.com"); _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "short"); _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, "short"); _ = Wizard.update(&state, .key(.enter))
        // Enter found the short password and went back to it: typing replaces it.
        #expect(state.firstInstall?.focus == .password)
        Self.type(&state, Self.password)
        #expect(state.firstInstall?.text(.password) == Self.password, "not short + the new one")
        _ = Wizard.update(&state, .key(.tab))
        Self.type(&state, Self.password)
        #expect(state.firstInstall?.text(.confirm) == Self.password)
        // Back to the username with Shift-Tab (three fields up): retyped, it is replaced too.
        for _ in 0..<3 { _ = Wizard.update(&state, .key(.backTab)) }
        #expect(state.firstInstall?.focus == .username)
        Self.type(&state, "root")
        #expect(state.firstInstall?.text(.username) == "root", "not \"adminroot\"")
        // ← first edits in place.
        _ = Wizard.update(&state, .key(.tab)); _ = Wizard.update(&state, .key(.backTab))
        _ = Wizard.update(&state, .key(.right)); Self.type(&state, "2")
        #expect(state.firstInstall?.text(.username) == "root2")
    }

    @Test("every way back to a filled field selects it, so typing replaces: Esc from the review, the server's 422, a taken organization name")
    func everyWayBackSelects() {
        // Esc from the review: back on the last field (the password again), its value selected.
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.escape))
        #expect(state.firstInstall?.step == .admin && state.firstInstall?.focus == .confirm)
        #expect(state.firstInstall?.editing.selected == true)
        Self.type(&state, "other-fake-pass")
        #expect(state.firstInstall?.text(.confirm) == "other-fake-pass", "not the old password + the new one")

        // The server refuses the values (422): back to the fields, the focused one selected.
        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.failure(.firstInstall(.adminRefused(detail: "Password is too weak")))))
        #expect(state.firstInstall?.step == .admin && state.firstInstall?.editing.selected == true)
        let focused = state.firstInstall?.focus ?? .username
        Self.type(&state, "fresh-fake-pass-2")
        #expect(state.firstInstall?.text(focused) == "fresh-fake-pass-2")

        // A taken organization name: marked, focused and selected; the new name replaces it.
        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.success(AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/tmp/c.json"))))
        Self.type(&state, "acme")
        _ = Wizard.update(&state, .key(.tab)); _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .organizationCreated(.failure(.unprocessable([.init(field: .organizationName, pointer: "/data/attributes/name", message: "Name has already been taken")]))))
        #expect(state.firstInstall?.focus == .organizationName && state.firstInstall?.editing.selected == true)
        Self.type(&state, "acme-2")
        #expect(state.firstInstall?.text(.organizationName) == "acme-2", "not acmeacme-2")
    }

    @Test("a stop while the first admin is created waits for the answer, so its token is stored; a second stop quits at once saying the admin may exist")
    func stopWaitsForTheAdmin() {
        // Ctrl-C, then y: not yet.
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .creatingAdmin)
        _ = Wizard.update(&state, .key(.ctrlC))
        #expect(state.quitPending)
        #expect(Wizard.update(&state, .key(.char("y"))).isEmpty, "the admin's request is not abandoned")
        #expect(state.quitWhenTokenAnswered && state.notice?.contains("Quitting once the server answers") == true)
        let admin = AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/home/ops/.terraform.d/credentials.tfrc.json")
        let effects = Wizard.update(&state, .adminCreated(.success(admin)))
        guard case .quit(let code, let message)? = effects.first else { Issue.record("\(effects)"); return }
        #expect(code == 1)
        #expect(message.contains("Created the first admin admin") && message.contains("credentials.tfrc.json"), "\(message)")
        // A signal held back by the front end: the same.
        var signalled = Self.atReview()
        _ = Wizard.update(&signalled, .key(.enter))
        #expect(Wizard.update(&signalled, .stopRequested(signal: "SIGTERM")).isEmpty)
        #expect(signalled.quitWhenTokenAnswered)
        // A second stop: at once, saying what cannot be known.
        let now = Wizard.update(&signalled, .key(.ctrlC))
        guard case .quit(1, let second)? = now.first else { Issue.record("\(now)"); return }
        #expect(second.contains("it may or may not exist"), "\(second)")
    }

    @Test("Enter on the review creates the admin once, with the values typed and the IACT; Esc goes back")
    func createsAdmin() {
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.escape))
        #expect(state.firstInstall?.step == .admin)
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.step == .review)
        let effects = Wizard.update(&state, .key(.enter))
        #expect(effects == [.createAdmin(FirstAdmin(iact: SecretString(Self.iact), username: "admin", email: "admin@example.com", password: SecretString(Self.password)))])
        #expect(state.firstInstall?.step == .creatingAdmin && state.isWaiting)
        #expect(Wizard.update(&state, .key(.enter)).isEmpty, "a second Enter sends nothing")
    }

    @Test("the admin created: its token's place said, the secrets dropped, the organization offered with the admin's email")
    func adminCreated() {
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        let admin = AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/home/ops/.terraform.d/credentials.tfrc.json")
        _ = Wizard.update(&state, .adminCreated(.success(admin)))
        let f = state.firstInstall
        #expect(f?.step == .organization && f?.focus == .organizationName)
        #expect(f?.iact == nil && f?.text(.password) == "" && f?.text(.confirm) == "")
        #expect(f?.text(.organizationEmail) == "admin@example.com")
        let text = Self.screen(state)
        #expect(text.contains("First admin admin created") && text.contains("Its token is stored in /home/ops/.terraform.d/credentials.tfrc.json"))
        #expect(text.contains("Create the first organization") && text.contains("Esc skip"))
    }

    @Test("refusals: a wrong or used IACT asks for another; the credentials file unwritable creates nothing; a 422 goes back to the fields")
    func adminRefusals() {
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.failure(.firstInstall(.iactRefused(detail: "Unauthorized to perform action")))))
        #expect(state.firstInstall?.step == .askIACT && state.firstInstall?.iact == nil)
        let text = Self.screen(state)
        #expect(text.contains("The server refused the IACT") && text.contains("sign in instead"))

        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .credentialsUnwritable("/home/ops/.terraform.d/credentials.tfrc.json is a symbolic link"))
        #expect(state.firstInstall?.step == .review)
        #expect(state.statusNotice?.severity == .problem && state.notice?.contains("Nothing created") == true && state.notice?.contains("symbolic link") == true)

        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.failure(.firstInstall(.adminRefused(detail: "Email has already been taken")))))
        #expect(state.firstInstall?.step == .admin && state.notice?.contains("Email has already been taken") == true)
    }

    @Test("the organization: rules as typed, a taken name under its field, created → the settings of it with the new token")
    func organization() {
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.success(AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/x"))))
        Self.type(&state, "bad name")
        #expect(Self.screen(state).contains("Organization name"))
        _ = Wizard.update(&state, .key(.enter))
        #expect(state.firstInstall?.errors[.organizationName] != nil && state.firstInstall?.step == .organization)
        _ = Wizard.update(&state, .key(.ctrlU))
        Self.type(&state, "my-org")
        _ = Wizard.update(&state, .key(.enter))   // to the email
        #expect(Wizard.update(&state, .key(.enter)) == [.createOrganization(name: "my-org", email: "admin@example.com")])
        _ = Wizard.update(&state, .organizationCreated(.failure(.unprocessable([.init(field: .organizationName, pointer: "/data/attributes/name", message: "Name has already been taken")]))))
        #expect(state.firstInstall?.errors[.organizationName] == "Name has already been taken" && state.firstInstall?.focus == .organizationName)
        _ = Wizard.update(&state, .key(.enter)); _ = Wizard.update(&state, .key(.enter))
        let effects = Wizard.update(&state, .organizationCreated(.success("my-org")))
        #expect(effects == [.loadState(organization: "my-org")])
        #expect(state.organization == "my-org" && state.flow.kind == .organization)
        #expect(state.created.count == 2)
        _ = Wizard.update(&state, .stateLoaded(.success(ReducerTests.current()), draft: nil))
        #expect(state.phase == .editing(.smtp))
    }

    @Test("Esc on the organization: the SMTP relay alone, the organization's screens skipped with the reason")
    func relayAlone() {
        var state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.success(AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/x"))))
        let effects = Wizard.update(&state, .key(.escape))
        guard case .loadWithoutOrganization? = effects.first else { Issue.record("\(effects)"); return }
        var current = ReducerTests.current()
        current.organization = Organization(name: "", canUpdate: true)
        current.organizationUnavailable = StateLoader.noOrganizationYet
        _ = Wizard.update(&state, .stateLoaded(.success(current), draft: nil))
        #expect(state.screens == [.smtp] && state.phase == .editing(.smtp))
    }

    @Test("a server with an admin and no organization: the list is empty, so the organization is offered (not a dead end)")
    func noOrganizationOffered() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: nil))
        _ = Wizard.update(&state, .organizationsLoaded(.success([])))
        #expect(state.phase == .firstInstall && state.firstInstall?.step == .organization)
        #expect(Self.screen(state).contains("Create the first organization"))
    }

    @Test("Ctrl-C: at once while nothing is typed (exit 1, nothing created); asks once something is; after the admin it says what exists")
    func ctrlC() {
        var state = WizardState(config: Self.config())
        var effects = Wizard.update(&state, .key(.ctrlC))
        #expect(effects == [.quit(exitCode: 1, message: "Nothing created: the server still has no users.")])

        state = Self.atAdmin()
        Self.type(&state, "admin")
        #expect(Wizard.update(&state, .key(.ctrlC)).isEmpty && state.quitPending)
        effects = Wizard.update(&state, .key(.char("y")))
        #expect(effects == [.quit(exitCode: 1, message: "Nothing created: the server still has no users.")])

        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .key(.ctrlC))
        // While the admin is made, y waits for its answer; a second Ctrl-C quits at once.
        #expect(Wizard.update(&state, .key(.char("y"))).isEmpty && state.quitWhenTokenAnswered)
        effects = Wizard.update(&state, .key(.ctrlC))
        guard case .quit(1, let inFlight)? = effects.first else { Issue.record("\(effects)"); return }
        #expect(inFlight.contains("may or may not exist"))

        state = Self.atReview()
        _ = Wizard.update(&state, .key(.enter))
        _ = Wizard.update(&state, .adminCreated(.success(AdminCreated(username: "admin", email: "admin@example.com", credentialsPath: "/home/ops/.terraform.d/credentials.tfrc.json"))))
        _ = Wizard.update(&state, .key(.ctrlC))
        effects = Wizard.update(&state, .key(.char("y")))
        // Not a finished set-up: exit 1, naming the admin and where its token is.
        guard case .quit(1, let message)? = effects.first else { Issue.record("\(effects)"); return }
        #expect(message.contains("Created the first admin admin (admin@example.com); its token is stored in /home/ops/.terraform.d/credentials.tfrc.json"))
        #expect(message.contains("No organization was created"))
    }

    @Test("plain mode: each field a prompt, the secrets asked hidden, `<` back a field, y on the review creates")
    func plainMode() {
        var state = Self.atAdmin()
        #expect(PlainWizard.prompt(state) == .ask("Username []: ", secret: false))
        _ = Wizard.update(&state, .line("admin"))
        _ = Wizard.update(&state, .line("admin@example.com"))
        #expect(PlainWizard.prompt(state) == .ask("Password (hidden): ", secret: true))
        _ = Wizard.update(&state, .line(Self.password))
        #expect(PlainWizard.prompt(state) == .ask("Password again (hidden): ", secret: true))
        _ = Wizard.update(&state, .line("<"))
        #expect(state.firstInstall?.focus == .password)
        _ = Wizard.update(&state, .line(Self.password))
        _ = Wizard.update(&state, .line(Self.password))
        #expect(PlainWizard.prompt(state) == .ask("Create this admin? [y/N]: ", secret: false))
        let transcript = PlainWizard.transcript(from: Self.atAdmin(), to: state, answered: true)
        #expect(transcript.contains { $0.contains("Review: create the first admin") })
        #expect(!transcript.joined().contains(Self.password))
        guard case .createAdmin? = Wizard.update(&state, .line("y")).first else { Issue.record("no createAdmin"); return }
        #expect(PlainWizard.prompt(state) == .wait)
    }
}
