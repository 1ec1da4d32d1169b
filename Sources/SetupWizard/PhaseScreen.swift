import SetupKit
import TFEClient

/// What one phase of the wizard is on the screen and in plain mode, as one value that holds the
/// phase's data: its keys, plain mode's question and the answer to it, its body, footer and
/// crumb, and whether it takes input or waits for the server. `Phase.screen` is the one switch
/// over the phase that makes it; the reducer, both renderers and the terminal loop ask the
/// screen, so a new phase is one type here and its case in `Phase`.
protocol PhaseScreen {
    /// A key, after the keys every phase shares (too small, help, quit).
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect]
    /// Plain mode's typed line (`answer` is trimmed; `raw` is as typed, for secrets).
    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect]
    /// Plain mode's question.
    func prompt(_ state: WizardState) -> PlainWizard.Prompt
    /// The body's lines and the focused one.
    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?)
    /// The footer's key hints (help open is answered before the screen is asked).
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint]
    /// The header's steps, and the one the phase is at (nil: none stands out).
    func crumbs(_ state: WizardState) -> (names: [String], current: String?)
    /// Whether the frame takes input.
    func takesInput(_ state: WizardState) -> Bool
    /// Whether an answer from the server is awaited.
    func isWaiting(_ state: WizardState) -> Bool
    /// The answer an empty line gives to the phase's yes/no question, nil when it asks none.
    func yesNoDefault(_ state: WizardState) -> Bool?
    /// Whether the help key opens the screen's help page (`ScreenHelp`): F1 always, `?` where
    /// it types nothing. A settings screen says no: it shows the focused field's help itself.
    func takesHelp(_ state: WizardState, _ key: Key) -> Bool
}

extension PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { [] }
    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] { [] }
    func prompt(_ state: WizardState) -> PlainWizard.Prompt { .wait }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { [Wizard.KeyHint(KeyMap.quit, g, .quit)] }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), nil) }
    func takesInput(_ state: WizardState) -> Bool { true }
    func isWaiting(_ state: WizardState) -> Bool { false }
    func yesNoDefault(_ state: WizardState) -> Bool? { nil }
    func takesHelp(_ state: WizardState, _ key: Key) -> Bool {
        // F1 even while waiting (a new server may take minutes to start); `?` only where it
        // types nothing and keys act.
        !key.isCharacter || (takesInput(state) && !takesText(state))
    }
    /// Whether a typed character goes into text here (then `?` is text, not help).
    func takesText(_ state: WizardState) -> Bool { false }
}

extension Phase {
    /// The phase's screen, with the phase's data.
    var screen: any PhaseScreen {
        switch self {
        case .loading(let message): return LoadingScreen(message: message)
        case .pickOrganization: return PickerScreen()
        case .firstInstall: return FirstInstallScreen()
        case .resumeDraft(let draft): return ResumeDraftScreen(draft: draft)
        case .editing(let section): return EditingScreen(section: section)
        case .review: return ReviewScreen()
        case .applying: return ApplyingScreen()
        case .result: return ResultScreen()
        case .savePrompt: return SavePromptScreen()
        case .finished: return FinishedScreen()
        case .failed(let message): return FailedScreen(message: message)
        }
    }
}

extension Wizard {
    /// The settings screens' steps: each screen, then the Review.
    static func settingsCrumbs(_ state: WizardState) -> [String] { state.screens.map(\.title) + ["Review"] }

    /// ↑/↓, PgUp/PgDn (Space too), Home/End on a page that scrolls (the Review, the results):
    /// true when the key was one of them. The offset stays within the page, so ↑ after End moves
    /// at once.
    static func scrolled(_ state: inout WizardState, _ key: Key) -> Bool {
        let size = state.terminalSize ?? Size(width: 80, height: 24)
        let height = max(1, size.height - 5)   // the header's three rows, the status and the footer
        let count = body(state, Glyphs.of(state.config.ascii), width: size.width).0.count
        let last = max(0, count - height)
        let step: Int
        switch key {
        case _ where KeyMap.lineUp.matches(key): step = -1
        case _ where KeyMap.lineDown.matches(key): step = 1
        case _ where KeyMap.pageUp.matches(key): step = -max(1, height - 1)
        case _ where KeyMap.pageDown.matches(key): step = max(1, height - 1)
        case _ where KeyMap.firstLine.matches(key): step = -count
        case _ where KeyMap.lastLine.matches(key): step = count
        default: return false
        }
        state.scroll = min(last, max(0, min(state.scroll, last) + step))
        return true
    }

    /// A yes/no question's typed answer: empty takes the default; anything but y/n is asked again.
    static func yesNo(_ state: inout WizardState, _ answer: String, byDefault: Bool) -> Bool? {
        let a = answer.lowercased()
        guard a.isEmpty || ["y", "yes", "n", "no"].contains(a) else {
            state.problem("Please answer y or n.")
            return nil
        }
        return a.isEmpty ? byDefault : a.hasPrefix("y")
    }

    /// A typed line on a page its session answers (the Review, the results): `<` is Esc, a page
    /// that asks nothing (nothing to change, nothing failed) goes on as Enter, otherwise the y/n
    /// answer goes to `decide`.
    static func pageLine(_ state: inout WizardState, _ answer: String, byDefault: Bool?,
                         press: (inout WizardState, Key) -> [WizardEffect],
                         decide: (inout WizardState, Bool) -> [WizardEffect]) -> [WizardEffect] {
        if answer == "<" { return press(&state, .escape) }
        guard let byDefault else { return press(&state, .enter) }
        guard let yes = yesNo(&state, answer, byDefault: byDefault) else { return [] }
        return decide(&state, yes)
    }

    /// Plain mode's yes/no question with its default shown.
    static func question(_ text: String, byDefault: Bool) -> PlainWizard.Prompt {
        .ask("\(text) \(byDefault ? "[Y/n]" : "[y/N]"): ", secret: false)
    }
}

/// Reading from the server: a spinner and what is read.
struct LoadingScreen: PhaseScreen {
    let message: String
    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { ([Line("\(g.spin(state.spinner)) \(message)")], nil) }
    func takesInput(_ state: WizardState) -> Bool { false }
    func isWaiting(_ state: WizardState) -> Bool { true }
}

/// The start failed (no token, server unreachable…): the message; r reads again, Enter quits.
struct FailedScreen: PhaseScreen {
    let message: String

    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        if KeyMap.enter.matches(key) || KeyMap.back.matches(key) { return [.quit(exitCode: 1, message: message)] }
        guard KeyMap.readAgain.matches(key) else { return [] }
        // A server still coming up is common at set-up time: read again without restarting.
        state.phase = .loading("Reading the current settings again…")
        return state.session.readAgain(&state)
    }

    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] { Wizard.handle(&state, .enter) }
    func prompt(_ state: WizardState) -> PlainWizard.Prompt { .proceed(say: nil, .line("")) }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        let source = state.config.tokenSource.map { wrap("The API token came from \($0).", width: width - 2).map { Line("  " + $0, .dim) } } ?? []
        return (wrap(message, width: width - 2).map { Line("  " + $0, .error) } + source
                + [Line(), Line("Press r to try again (e.g. once the server is up), or Enter to quit.")], nil)
    }

    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        [Wizard.KeyHint(KeyMap.readAgain, g, .essential), Wizard.KeyHint("Enter quit", .quit)]
    }
}

/// The organizations the token sees: pick one, or mark several for one baseline.
struct PickerScreen: PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { Wizard.pickerKey(&state, key) }
    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] { Wizard.pickAnswer(&state, answer) }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        let names = state.picker.organizations.map(\.name)
        if names.count > Wizard.plainListLimit {
            return .ask("Organization (\(names.count): a number, a name, or part of a name to list matches) [\(names.first ?? "")]: ", secret: false)
        }
        return .ask("Organization (\(PlainWizard.numbered(names))) [\(names.first ?? "")]: ", secret: false)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { Wizard.pickerBody(state, g, width: width) }
    func takesText(_ state: WizardState) -> Bool { state.picker.filtering }

    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        let quit = Wizard.KeyHint(KeyMap.quit, g, .quit)
        if state.picker.filtering {
            return [Wizard.KeyHint("type to filter", .essential), Wizard.KeyHint("Enter/Tab done", .essential), Wizard.KeyHint("Esc clear", .navigation), quit]
        }
        let marked = state.picker.marked.count
        return [Wizard.KeyHint("\(g.up)/\(g.down) choose", .navigation), Wizard.KeyHint(marked > 1 ? "Enter \(marked) marked" : "Enter this one", .essential),
                Wizard.KeyHint("Space mark", .essential), Wizard.KeyHint("a all", .essential), Wizard.KeyHint("n none", .extra),
                Wizard.KeyHint("/ filter", .essential), quit]
    }
}

/// The first install's steps (its own session answers them).
struct FirstInstallScreen: PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { FirstInstallSession.key(&state, key) }
    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] { FirstInstallSession.line(&state, raw) }
    func prompt(_ state: WizardState) -> PlainWizard.Prompt { FirstInstallSession.prompt(state) }
    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { FirstInstallSession.lines(state, g, width: width) }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { state.session.footer(state, g) }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { FirstInstallSession.crumbs(state) }
    func takesInput(_ state: WizardState) -> Bool { !(state.firstInstall?.step.isWaiting ?? false) }
    func isWaiting(_ state: WizardState) -> Bool { state.firstInstall?.step.isWaiting ?? false }
    func takesText(_ state: WizardState) -> Bool { !FirstInstall.Field.of(state.firstInstall?.step ?? .waiting(lastAnswer: nil, waited: 0)).isEmpty }
}

/// Answers typed earlier and not applied: resume them, or start from the server's settings.
struct ResumeDraftScreen: PhaseScreen {
    let draft: Draft

    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { Wizard.resumeKey(&state, key, draft) }

    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] {
        guard let yes = Wizard.yesNo(&state, answer, byDefault: true) else { return [] }
        return Wizard.resumeKey(&state, (yes ? KeyMap.yes : KeyMap.no).keys[0], draft)
    }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        Wizard.question("You have answers typed earlier that were not applied. Resume them?", byDefault: true)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        let when = draft.savedAt.map { " (saved \(DateText.localMinute($0)))" } ?? ""
        return ([Line("You have answers typed earlier for \(state.organization ?? "this organization") that were not applied\(when).", .bold),
                 Line(), Line("Resume them? [Y/n]"), Line("(The password is never saved: you will type it again if needed.)", .dim)], nil)
    }

    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        [Wizard.KeyHint("y/Enter resume", .essential), Wizard.KeyHint("n start fresh", .essential), Wizard.KeyHint(KeyMap.quit, g, .quit)]
    }

    func yesNoDefault(_ state: WizardState) -> Bool? { true }
}

/// A screen of settings fields.
struct EditingScreen: PhaseScreen {
    let section: Section

    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { Wizard.editingKey(&state, key, section) }
    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] { Wizard.fieldAnswer(&state, section, answer) }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        guard let field = state.focus else { return .wait }
        let spec = FieldSpec.of(field)
        if let reason = state.readOnlyReason(field) {
            return .proceed(say: "\(spec.label): \(spec.display(state)) (\(reason))", .line(""))
        }
        return spec.kind.behaviour.prompt(state, spec)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        if state.helpShown, let f = state.focus {
            return ([Line("Help: \(f.label)", .bold), Line()] + wrap(f.help, width: width - 2).map { Line("  " + $0) } + [Line(), Line("Press any key to close.", .dim)], nil)
        }
        return Wizard.editingBody(state, section, g, width: width)
    }

    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        typealias KeyHint = Wizard.KeyHint
        let quit = KeyHint(KeyMap.quit, g, .quit)
        if let list = state.list {
            let typing = list.filtering ? [KeyHint("type to filter", .extra)] : [KeyHint("letter jumps", .extra), KeyHint("/ filter", .extra)]
            return typing + [ KeyHint("\(g.up)/\(g.down) choose", .navigation), KeyHint("Enter pick", .essential),
                    KeyHint("Esc close", .essential), quit]
        }
        var keys = [KeyHint(KeyMap.nextField, g, .navigation), KeyHint(KeyMap.previousField, g, .navigation)]
        let editable = state.focus.map { state.readOnlyReason($0) == nil } ?? false
        if editable, let f = state.focus, f.kind == .toggle {
            keys.append(KeyHint(KeyMap.toggle, g, .essential))
        } else if editable, let f = state.focus, f.kind == .choice || f.kind == .poolChoice {
            keys.append(KeyHint(KeyMap.choiceList, g, .essential))
            keys.append(KeyHint("\(g.leftRight) change", .extra))
        }
        keys.append(KeyHint(KeyMap.enter, g, .navigation))
        if state.screens.first != section {
            keys.append(KeyHint(KeyMap.back, g, .extra))
        } else if state.canGoBackToOrganizationList {
            keys.append(KeyHint("Esc organizations", .extra))
        }
        if section == .tokenTTL, state.readOnlyReason(.ttl(.organization)) == nil { keys.append(KeyHint(KeyMap.resetTTLs, g, .essential)) }
        if editable, let f = state.focus, f.takesText { keys.append(KeyHint(KeyMap.clearField, g, .extra)) }
        return keys + [KeyHint(KeyMap.help, g, .essential), quit]
    }

    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), section.title) }
    func takesHelp(_ state: WizardState, _ key: Key) -> Bool { false }
}

/// The Review: what applying would change and send (the flow's session draws and answers it).
struct ReviewScreen: PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        Wizard.scrolled(&state, key) ? [] : state.session.reviewKey(&state, key)
    }

    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] {
        // `t`: a new token within the cap, then the apply with it.
        if answer.lowercased() == "t", Wizard.renewalCap(state) != nil { return state.session.reviewKey(&state, KeyMap.renewToken.keys[0]) }
        return Wizard.pageLine(&state, answer, byDefault: yesNoDefault(state), press: { $0.session.reviewKey(&$0, $1) }) { state, yes in
            guard yes else { return [.quit(exitCode: 1, message: Wizard.nothingApplied(state))] }
            // A plan that rejects the token in use is applied only by the explicit key.
            return state.session.reviewKey(&state, state.reviewLocksOutToken ? KeyMap.acceptTokenRejection.keys[0] : KeyMap.enter.keys[0])
        }
    }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        // The Review is printed again once the tokens are read; the question waits for them.
        if state.awaitsTokens { return .wait }
        if case .making = state.renewal { return .wait }
        guard let byDefault = yesNoDefault(state) else { return .proceed(say: nil, .line("")) }
        if state.reviewLocksOutToken, Wizard.renewalCap(state) != nil {
            return .ask("Make a new token within the cap and apply with it (t), apply anyway knowing that " + TokenReport.lockout() + " (y), or quit (n)? [t/y/N]: ", secret: false)
        }
        return Wizard.question(state.reviewLocksOutToken ? "Apply anyway, knowing that " + TokenReport.lockout() + "?" : "Apply these changes?", byDefault: byDefault)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { (state.session.body(state, g, width: width), nil) }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { state.session.footer(state, g) }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), "Review") }
    func yesNoDefault(_ state: WizardState) -> Bool? { state.plan?.isEmpty == false ? false : nil }
}

/// The requests on their way.
struct ApplyingScreen: PhaseScreen {
    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { (state.session.body(state, g, width: width), nil) }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { [Wizard.KeyHint("working", .essential), Wizard.KeyHint(KeyMap.quit, g, .quit)] }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), "Review") }
    func takesInput(_ state: WizardState) -> Bool { false }
    func isWaiting(_ state: WizardState) -> Bool { true }
}

/// What was applied, with `r`, `e` and the screens' numbers (the flow's session answers them).
struct ResultScreen: PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        Wizard.scrolled(&state, key) ? [] : Self.press(&state, key)
    }

    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] {
        Wizard.pageLine(&state, answer, byDefault: yesNoDefault(state), press: { Self.press(&$0, $1) }) { state, yes in
            Self.press(&state, yes ? KeyMap.retry.keys[0] : KeyMap.enter.keys[0])
        }
    }

    /// A key on the Result, whichever flow answers it. Once the caps just applied reject this
    /// token, every key but Enter would send a request that gets a 401 (a retry, a reopened
    /// screen, a fresh read): it says why instead.
    static func press(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        if state.tokenRejectedByApply, !KeyMap.enter.matches(key) {
            state.problem(Wizard.tokenRejectedNotice(state))
            return []
        }
        return state.session.resultKey(&state, key)
    }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        guard let byDefault = yesNoDefault(state) else { return .proceed(say: nil, .line("")) }
        return Wizard.question("Retry the failed steps?", byDefault: byDefault)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) { (state.session.body(state, g, width: width), nil) }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        if state.tokenRejectedByApply { return [Wizard.KeyHint("Enter finish", .essential), Wizard.KeyHint(KeyMap.scrollPage, g, .extra)] }
        return state.session.footer(state, g)
    }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), "Review") }
    /// No question once the caps just applied reject this token: a retry would only get 401s
    /// (the result says so), so plain mode finishes as Enter does.
    func yesNoDefault(_ state: WizardState) -> Bool? { Wizard.failedResults(state).isEmpty || state.tokenRejectedByApply ? nil : false }
}

/// Whether to save the answers file.
struct SavePromptScreen: PhaseScreen {
    func key(_ state: inout WizardState, _ key: Key) -> [WizardEffect] { Wizard.saveKey(&state, key) }

    func line(_ state: inout WizardState, _ answer: String, raw: String) -> [WizardEffect] {
        guard let yes = Wizard.yesNo(&state, answer, byDefault: false) else { return [] }
        return Wizard.saveKey(&state, (yes ? KeyMap.yes : KeyMap.no).keys[0])
    }

    func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        Wizard.question("Save these answers to \(state.config.answersFileName)?", byDefault: false)
    }

    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        // The question is the last lines: held in view (a long result scrolls above it).
        let lines = state.session.body(state, g, width: width)
        return (lines, lines.count - 1)
    }

    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { [Wizard.KeyHint("y save", .essential), Wizard.KeyHint("n/Enter skip", .essential)] }
    func crumbs(_ state: WizardState) -> (names: [String], current: String?) { (Wizard.settingsCrumbs(state), "Review") }
    func yesNoDefault(_ state: WizardState) -> Bool? { false }
}

/// The end: what happened stays on screen until the program exits.
struct FinishedScreen: PhaseScreen {
    func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        (Wizard.stepsBody(state, g, spin: g.spin(state.spinner), width: width), nil)
    }
    func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] { [] }
    func takesInput(_ state: WizardState) -> Bool { false }
}
