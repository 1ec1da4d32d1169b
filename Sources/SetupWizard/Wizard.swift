import FoundationEssentials
import SetupKit
import TFEClient

/// The wizard as a pure state machine: `update(state, event) -> commands`, `render(state, size)`.
/// No terminal, no network: the runtime runs the commands and feeds their answers back.
package enum Wizard {
    /// The first state and the commands that load what it needs.
    package static func start(_ config: WizardConfig) -> (WizardState, [WizardEffect]) {
        let state = WizardState(config: config)
        if config.firstInstall { return (state, [.waitForServer(deadline: config.firstInstallWait)]) }
        if let org = config.organization { return (state, [.loadState(organization: org)]) }
        return (state, [.loadOrganizations])
    }

    /// Applies one event; returns the commands to run. Only this changes the state: a `.quit`
    /// command also ends the phase here, so the runtime has nothing to decide.
    package static func update(_ state: inout WizardState, _ event: WizardEvent) -> [WizardEffect] {
        let commands = reduce(&state, event)
        for case .quit(let code, let message) in commands { state.phase = .finished(exitCode: code, message: message) }
        return commands
    }

    static func reduce(_ state: inout WizardState, _ event: WizardEvent) -> [WizardEffect] {
        switch event {
        case .tick:
            state.spinner &+= 1
            return []
        case .resized(let size):
            state.terminalSize = size
            return []
        case .draftSaveFailed(let path):
            state.problem("Could not save the draft (\(path)): what you type is kept only until you quit.")
            state.draftSaveFailed = true
            return []
        case .organizationsLoaded(let result):
            return organizationsLoaded(&state, result)
        case .stateLoaded(let result, let draft):
            return stateLoaded(&state, result, draft)
        case .tokensLoaded(let organization, let inventory):
            return tokensLoaded(&state, organization: organization, inventory)
        case .stepFinished(let result):
            return stepFinished(&state, result)
        case .lockoutChecked(let line):
            state.lockoutCheck = line
            // One organization's Result waited for this read (several organizations' comes with
            // the end of the run, which the session also waits for).
            return state.session.stepAnswered(&state)
        case .serverWaiting(let answer, let waited):
            return FirstInstallSession.serverWaiting(&state, answer: answer, waited: waited)
        case .serverReady(let error):
            return FirstInstallSession.serverReady(&state, error)
        case .iactFetched(let result):
            return FirstInstallSession.iactFetched(&state, result)
        case .credentialsUnwritable(let reason):
            return FirstInstallSession.credentialsUnwritable(&state, reason)
        case .adminCreated(let result):
            let effects = FirstInstallSession.adminCreated(&state, result)
            guard state.quitWhenTokenAnswered else { return effects }
            // Asked to stop while the admin was made: now that its token is stored (or said where
            // it is not), quit, saying what exists.
            state.quitWhenTokenAnswered = false
            return [.quit(exitCode: 1, message: finishMessage(state))]
        case .fleetPlanProgress(let figures):
            // Only while the planning screen shows: a late event never replaces another screen.
            if case .loading(let text) = state.phase, text.hasPrefix("Planning") { state.phase = .loading(figures.planningLine) }
            return []
        case .stopRequested(let signal):
            guard let waiting = waitingNotice(state) else { return [.quit(exitCode: 1, message: "Stopped by \(signal). " + summary(state))] }
            state.quitWhenTokenAnswered = true
            state.notice = waiting
            return []
        case .organizationCreated(let result):
            return FirstInstallSession.organizationCreated(&state, result)
        case .tokenRenewed(let result):
            let effects = tokenRenewed(&state, result)
            guard state.quitWhenTokenAnswered else { return effects }
            // Asked to stop while the new token was made: now that it is stored (or said where it
            // may be), quit before anything else is sent, saying what exists.
            state.quitWhenTokenAnswered = false
            let said: String
            switch state.renewal {
            case .done(let renewed)?: said = "A new token \(renewed.record.id) is stored in \(renewed.place); nothing else was sent."
            case .stranded(let why)?: said = "A new token may exist that nothing holds: \(why)."
            default: said = state.statusNotice?.text ?? ""
            }
            return [.quit(exitCode: 1, message: "Stopped. " + said)]
        case .tokenDeleted(let id, let failure):
            state.replacedTokenOutcome = failure.map { "The token this session made first for the admin (\(id)) was not deleted: \($0). The new cap rejects it; delete it in User settings > Tokens." }
                ?? "Deleted the token this session made first for the admin (\(id)): the new one replaces it."
            return []
        case .siteWideLoaded(let result):
            return SeveralSession.siteWideLoaded(&state, result)
        case .fleetPlanned(let result):
            return SeveralSession.fleetPlanned(&state, result)
        case .fleetProgress(let outcome, let elapsed):
            return SeveralSession.fleetProgress(&state, outcome, elapsed: elapsed)
        case .fleetFinished:
            return SeveralSession.fleetFinished(&state)
        case .answersSaved(let result, let shared):
            switch result {
            case .success(let path):
                return [.quit(exitCode: exitCode(state), message: finishMessage(state) + " " + savedMessage(path: path, sharedFolder: shared, words: state.config.words))]
            case .failure(let error):
                state.phase = .savePrompt
                state.problem("Could not save the answers: \(error.message). Press y to try again, n to finish without.")
                return []
            }
        case .key(let key):
            return handle(&state, key)
        case .line(let text):
            return lineAnswer(&state, text)
        }
    }

    /// What the wizard says while it waits, before quitting, for a request that must not be
    /// abandoned (its answer holds the only copy of a new token); nil when none is in flight.
    package static func waitingNotice(_ state: WizardState) -> String? {
        if state.firstInstall?.step == .creatingAdmin { return waitingForAdmin }
        if case .making = state.renewal { return waitingForToken }
        return nil
    }

    /// What the Result says once the applied caps reject this token: nothing more can be sent.
    /// Without the 401 seen (the check could not tell), it says "may be" and holds back all the same.
    package static func tokenRejectedNotice(_ state: WizardState) -> String {
        (state.tokenRejectionSeen ? "This token is now rejected by the caps just applied, so nothing more can be sent with it "
            : "This token may now be rejected by the caps just applied (the check could not tell), so nothing more is sent with it ")
            + state.config.keyWords.afterLockout
    }

    /// What the wizard says while it waits for a renewal's answer before quitting.
    package static let waitingForToken = "Quitting once the server answers, so the new token is stored first (up to the request timeout). "
        + "Ctrl-C again quits at once: a new token may then exist that nothing holds."

    /// What the wizard says while it waits for the first admin's answer before quitting.
    package static let waitingForAdmin = "Quitting once the server answers, so the new admin's token is stored first (up to the request timeout). "
        + "Ctrl-C again quits at once: the admin may then exist with its token stored nowhere."

    static func handle(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        if state.quitWhenTokenAnswered, KeyMap.quit.matches(key) {
            // A second stop: at once, saying what cannot be known.
            return [.quit(exitCode: 1, message: FirstInstallSession.summary(state))]
        }
        if state.quitPending {
            state.quitPending = false
            if (KeyMap.quit.matches(key) || KeyMap.yes.matches(key)), let waiting = waitingNotice(state) {
                // The request is not abandoned: its answer carries the only copy of a new token
                // (the first admin's, whose IACT is spent, or a renewed one).
                state.quitWhenTokenAnswered = true
                state.notice = waiting
                return []
            }
            if KeyMap.quit.matches(key) || KeyMap.yes.matches(key) {
                // Requests sent and not answered yet count: they may have been saved.
                let sentSomething = state.appliedSomething || !state.steps.isEmpty
                return [.quit(exitCode: sentSomething ? exitCode(state) : 1,
                              message: sentSomething ? finishMessage(state) : nothingApplied(state))]
            }
            state.notice = "Not quitting."
            return []
        }
        // Too small to show anything but the notice: only Ctrl-C (and the quit question it asks)
        // may act. Enter on an unseen Review must not apply; typing must not edit an unseen field.
        if state.terminalTooSmall && !KeyMap.quit.matches(key) { return [] }
        if state.helpShown {
            state.helpShown = false
            return []
        }
        // F1 on every screen; `?` too where no text is typed. A settings screen answers it
        // itself (the focused field's help).
        if KeyMap.help.matches(key), state.phase.screen.takesHelp(state, key) {
            state.helpShown = true
            return []
        }
        if KeyMap.quit.matches(key) {
            if case .finished = state.phase { return [] }
            // On the Result everything typed was sent: nothing is "without applying". Only
            // failed requests make it ask (they stay unapplied).
            if state.phase == .result || state.phase == .savePrompt {
                if failedResults(state).isEmpty && state.several?.failed.isEmpty != false {
                    return [.quit(exitCode: exitCode(state), message: state.appliedSomething ? finishMessage(state) : "Nothing changed.")]
                }
                state.quitPending = true
                return []
            }
            if state.hasUnsavedEdits || state.phase == .applying || state.phase == .review || state.firstInstall?.asksBeforeQuitting == true {
                state.quitPending = true
                return []
            }
            // A first install says what exists so far (nothing, or the admin).
            let nothing = state.firstInstall != nil ? nothingApplied(state) : "Nothing changed."
            return [.quit(exitCode: exitCode(state), message: state.appliedSomething ? finishMessage(state) : nothing)]
        }
        return state.phase.screen.key(&state, key)
    }

    // MARK: - Start-up

    static func organizationsLoaded(_ state: inout WizardState, _ result: Result<[Organization], TFEError>) -> [WizardEffect] {
        if let mistyped = state.mistypedOrganization {
            return offerOrganizations(&state, instead: mistyped, result)
        }
        switch result {
        case .failure(let error):
            state.phase = .failed(error.description(using: state.config.wording))
        case .success(let list) where list.isEmpty:
            // A new server (or one whose first install stopped after the admin): the first
            // organization is offered, or the site-wide relay alone.
            FirstInstallSession.offerOrganization(&state)
        case .success(let list) where list.count == 1 && state.config.organizationPatterns.isEmpty:
            state.organization = list[0].name
            state.phase = .loading("Reading the current settings…")
            return [.loadState(organization: list[0].name)]
        case .success(let list):
            state.picker.organizations = list
            state.picker.index = 0
            state.phase = .pickOrganization
            // `--organizations`: those it names start marked; Enter takes them.
            let patterns = state.config.organizationPatterns
            if !patterns.isEmpty {
                state.picker.marked = Set(list.map(\.name).filter { OrganizationPattern.matches($0, patterns) })
                if state.picker.marked.isEmpty {
                    state.problem("No organization of the \(list.count) this token sees matches \(patterns.joined(separator: ",")).")
                } else {
                    state.notice = "Marked \(state.picker.marked.count) matching \(patterns.joined(separator: ",")): Enter sets them up."
                }
            }
        }
        return []
    }

    static func stateLoaded(_ state: inout WizardState, _ result: Result<CurrentState, TFEError>, _ draft: Draft?) -> [WizardEffect] {
        switch result {
        case .failure(let error) where state.picker.organizations.isEmpty && state.config.organization.map({ isMissing(error, organization: $0) }) == true:
            // A mistyped --organization: list what the token sees and offer it, the nearest highlighted.
            let asked = state.config.organization ?? ""
            state.mistypedOrganization = .init(name: asked, message: error.description(using: state.config.wording))
            state.phase = .loading("There is no organization \(SafeText.line(asked)) for this token: finding the ones it sees…")
            return [.loadOrganizations]
        case .failure(let error):
            state.phase = .failed(error.description(using: state.config.wording))
            return []
        case .success(let current) where current.organizationUnavailable != nil && current.smtp == nil:
            // Nothing this token can set: no organization, and the relay needs a site admin.
            state.phase = .failed("No organization, and this token cannot set the SMTP relay either: \(current.smtpUnavailableReason ?? ""). Create an organization first, or use a site admin's token.")
            return []
        case .success(let current):
            state.current = current
            state.form = WizardForm(current: current)
            state.prefill = state.form
            // The screens come first; the tokens (a second round trip: the caller's own list needs
            // the account's id) follow and update the Token TTLs note and the Review.
            // Also when the policies cannot be read: turning enforcement on over unknown caps is
            // then guarded on the safe side, which needs the tokens read too (`Planner.plan`).
            let readTokens = current.tokenInventory == nil && current.organizationUnavailable == nil
                && state.config.sections.contains(.tokenTTL)
            state.tokensReading = readTokens
            let effects: [WizardEffect] = readTokens ? [.loadTokens(current)] : []
            if let draft, draft.applied(to: state.form) != state.form {
                state.phase = .resumeDraft(draft)
                return effects
            }
            return effects + enterFirstScreen(&state)
        }
    }

    /// The tokens arrived: the note and, on the Review, the plan are made again with them (the
    /// Review keeps its place). Tokens of another organization (the admin moved on) are dropped.
    static func tokensLoaded(_ state: inout WizardState, organization: String, _ inventory: TokenInventory) -> [WizardEffect] {
        guard state.current?.organization.name == organization, state.tokensReading else { return [] }
        state.current?.tokenInventory = inventory
        state.tokensReading = false
        // "Nothing is applied until they are" is no longer true: the Review now says what it does.
        if state.statusNotice?.text.hasPrefix(readingTokens) == true { state.statusNotice = nil }
        if state.phase == .review, let current = state.current, state.several == nil {
            state.plan = Planner.plan(state.desiredSettings(sections: editableSections(state)), current: current)
        }
        return []
    }

    /// Whether the error is the server's "not found" for the organization itself (not for one of
    /// its parts): what a mistyped name gets.
    static func isMissing(_ error: TFEError, organization: String) -> Bool {
        if case .notFound(let path, _) = error { return path == APIPath.organization(organization) }
        return false
    }

    /// The list after a mistyped `--organization`: the organizations the token sees, the nearest
    /// highlighted, and the screens reached from it (Esc goes back to it). When none can be
    /// listed, the start fails with the server's "not found".
    static func offerOrganizations(_ state: inout WizardState, instead mistyped: WizardState.MistypedOrganization,
                                   _ result: Result<[Organization], TFEError>) -> [WizardEffect] {
        state.mistypedOrganization = nil
        guard case .success(let list) = result, !list.isEmpty else {
            state.phase = .failed(mistyped.message)
            return []
        }
        let suggestion = OrganizationSuggestion(asked: mistyped.name, names: list.map(\.name))
        state.config.organization = nil
        state.organization = nil
        state.picker.organizations = list
        state.picker.index = suggestion.nearest.flatMap { near in list.firstIndex { $0.name == near } } ?? 0
        state.phase = .pickOrganization
        let next = suggestion.nearest.map { "Did you mean \(SafeText.line($0))? It is highlighted: Enter sets it up." } ?? "Enter sets up the highlighted one."
        state.problem("This token sees no organization \(SafeText.line(mistyped.name)). \(next)")
        return []
    }

    static func resumeKey(_ state: inout WizardState, _ key: Key, _ draft: Draft) -> [WizardEffect] {
        switch key {
        case _ where KeyMap.yes.matches(key) || KeyMap.enter.matches(key):
            state.form = draft.applied(to: state.form)
            state.notice = "Resumed what you typed last time."
            return enterFirstScreen(&state)
        case _ where KeyMap.no.matches(key) || KeyMap.back.matches(key):
            state.notice = "Started from the server's current settings."
            return enterFirstScreen(&state) + [.deleteDraft(address: state.config.address, organization: state.organization ?? state.config.organization ?? "")]
        default:
            return []
        }
    }

    static func enterFirstScreen(_ state: inout WizardState) -> [WizardEffect] {
        guard let first = state.screens.first else { return enterReview(&state) }
        go(&state, to: first, focus: .first)
        return []
    }

    // MARK: - Finishing

    static func exitCode(_ state: WizardState) -> Int32 { state.session.exitCode(state) }

    /// What was applied, for the line printed when the wizard ends or is stopped.
    package static func summary(_ state: WizardState) -> String { withCreated(state, state.session.summary(state)) }

    static func finishMessage(_ state: WizardState) -> String {
        withCreated(state, state.session.finishMessage(state)) + (tokenAfterword(state).map { " " + $0 } ?? "")
    }

    /// The closing line's word on the token after an accepted rejection: what the check found, or,
    /// when the wizard is left before it came, that the server may now reject the token.
    static func tokenAfterword(_ state: WizardState) -> String? {
        if state.tokenRejectedByApply {
            return (state.tokenRejectionSeen ? "The server now rejects the token this tool ran with" : "The server may now reject the token this tool ran with")
                + ": use a token within the cap (User settings > Tokens)."
        }
        if state.phase == .applying, state.several == nil, OrganizationSession.awaitsLockoutCheck(state) {
            return "The token caps or the switch were saved, so the server may now reject the token this tool ran with: use a token within the cap (User settings > Tokens)."
        }
        return nil
    }

    /// A closing line after what a first install created, which no later step undoes.
    static func withCreated(_ state: WizardState, _ line: String) -> String {
        (state.created + [line]).joined(separator: " ")
    }



    /// Where the answers went, and the next command with that very path: the name may not be
    /// the one offered (`-1` when it was taken), and in a folder others can write to a file of
    /// the offered name may be someone else's.
    static func savedMessage(path: String, sharedFolder: Bool, words: WizardWords) -> String {
        let quoted = path.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+,@=".unicodeScalars.contains($0) }
            ? path : "'" + path.replacing("'", with: "'\\''") + "'"
        var text = "Answers saved to \(path) (no password in it)" + (words.applyAnswers.map { "; to apply them again: \($0) \(quoted)" } ?? ".")
        if sharedFolder {
            text += " (Other users can create files in that folder: use this exact path, not another file of a similar name.)"
        }
        return text
    }

}
