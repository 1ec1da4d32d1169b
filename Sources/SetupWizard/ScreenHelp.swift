import SetupKit

/// F1's page on the screens that have no focused settings field (the organization list, the
/// first install's steps, the Review, the Result, the save question…): what the screen is for,
/// then every key it takes, the ones a narrow footer leaves out included. A settings field has
/// its own help (`FieldSpec.help`).
enum ScreenHelp {
    /// What the phase is for, in a few sentences.
    static func text(_ state: WizardState) -> String {
        switch state.phase {
        case .loading, .applying:
            return "tfe-setup is waiting for the server. Nothing needs doing here; Ctrl-C asks before it quits."
        case .pickOrganization:
            return "The organizations this token can see. Enter sets up the highlighted one. Mark several (Space, or a for all shown) to give them one baseline: the values you set go to each of them, and a field left at keep keeps each one's own value."
        case .firstInstall:
            return firstInstallText(state.firstInstall?.step)
        case .resumeDraft:
            return "Answers you typed earlier for this organization were not applied. y takes them up again; n starts from what the server has now (the typed answers are dropped)."
        case .editing:
            return "Move to a field to see its help."
        case .review:
            return "What applying would change on the server, as current → new, the requests it would send and the tokens the new caps reject. Nothing has been sent yet. Enter applies, except a plan that rejects the token in use: then t makes a new token first, or y applies anyway. Esc goes back to change something."
        case .result:
            return "What each request did. A request sent without an answer is marked unknown: it may have been saved. The keys below say what can be done from here: r sends the failed requests again (planned from the values now), e opens the fields that can cause a failure, a screen's number reopens it (one organization). After caps that reject this token were applied, only Enter is left."
        case .savePrompt:
            return "Saving writes these answers (never the password) to a file that tfe-setup plan and apply read: a nightly plan of it shows when the server drifts from them."
        case .finished:
            return "tfe-setup has finished."
        case .failed:
            return "tfe-setup could not start. The message says why. r reads the server again (for example once it is up); Enter quits."
        }
    }

    static func firstInstallText(_ step: FirstInstall.Step?) -> String {
        switch step {
        case .waiting?, nil:
            return "A new server takes a few minutes to start. tfe-setup asks it every few seconds and goes on by itself once it is ready."
        case .fetchingIACT?, .askIACT?:
            return "The initial admin creation token (IACT) lets the first admin be created, once. The server hands it out only to its own host, so it may have to be typed: one of the commands shown prints it on the host."
        case .admin?:
            return "The first admin: a site admin of this installation. Its password is sent once and never stored; its API token is stored where terraform login stores tokens, so terraform and tfe-setup can use it."
        case .review?, .creatingAdmin?:
            return "What is about to be created. Enter creates the admin (sent once); Esc goes back to change it."
        case .organization?, .creatingOrganization?:
            return "Workspaces, teams and the execution defaults belong to an organization. Enter creates it; Esc skips it, and then only the SMTP relay is set."
        }
    }

    /// The help page: the screen's name, what it is for, and its keys.
    static func lines(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        let name = state.phase.screen.crumbs(state).current ?? "this screen"
        var lines = [Line("Help: \(name)", .bold), Line()]
        lines += wrap(text(state), width: width - 2).map { Line("  " + $0) }
        let keys = state.phase.screen.footer(state, g).map(\.text)
        if !keys.isEmpty {
            lines += [Line(), Line("Keys here:", .bold)]
            // One paragraph: at 60x16 a line per key would push the end off the page.
            lines += wrap(keys.joined(separator: g.dot), width: width - 4).map { Line("    " + $0) }
        }
        return lines + [Line(), Line("Press any key to close.", .dim)]
    }
}
