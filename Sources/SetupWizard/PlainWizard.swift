import FoundationEssentials
import SetupKit
import TFEClient

/// Line-by-line input and output for the plain mode (`TERM=dumb`, `--plain`, `ACCESSIBLE=1`).
package struct PlainIO: Sendable {
    /// Prints the prompt and reads a line; nil at end of input.
    package var ask: @Sendable (String) -> String?
    /// Like `ask`, with echo off (the password).
    package var askSecret: @Sendable (String) -> String?
    package var say: @Sendable (String) -> Void

    package init(ask: @escaping @Sendable (String) -> String?, askSecret: @escaping @Sendable (String) -> String?, say: @escaping @Sendable (String) -> Void) {
        self.ask = ask
        self.askSecret = askSecret
        self.say = say
    }
}

/// The wizard as prompts, one per field: `<Label> [<current>]: `, Enter keeps the value in
/// brackets, `<` goes back one field. Only a renderer: the same `WizardRuntime` and `Wizard.update`
/// as the full screen run the flow (draft, review, apply, retry, save); this prints what changed
/// as lines, asks what the phase asks, and sends the typed line back as `.line`.
package struct PlainWizard: Sendable {
    let io: PlainIO
    let services: WizardServices
    let config: WizardConfig
    /// Handed the runtime once it has started: the front end's signal handling watches it there.
    let watch: @Sendable (WizardRuntime) -> Void

    package init(io: PlainIO, services: WizardServices, config: WizardConfig, watch: @escaping @Sendable (WizardRuntime) -> Void = { _ in }) {
        self.io = io
        self.services = services
        var config = config
        config.plain = true
        self.config = config
        self.watch = watch
    }

    /// What plain mode does next for a state.
    package enum Prompt: Equatable {
        /// Wait for the server (loading, applying).
        case wait
        /// Ask a line (hidden for a secret).
        case ask(String, secret: Bool)
        /// Nothing to ask: say the line (if any) and send the event (a read-only field, a screen
        /// that only informs, a failed start).
        case proceed(say: String?, WizardEvent)
    }

    /// Runs the prompts; returns the exit code and the closing message.
    package func run() async -> (Int32, String) {
        let runtime = WizardRuntime(config: config, services: services)
        var changes = runtime.changes.makeAsyncIterator()
        await runtime.start()
        watch(runtime)
        var shown: WizardState?
        var answered = false
        while true {
            let state = await runtime.state
            for line in Self.transcript(from: shown, to: state, answered: answered) { io.say(line) }
            (shown, answered) = (state, false)
            if let exit = await runtime.exit {
                await runtime.shutdown()
                return exit
            }
            switch Self.prompt(state) {
            case .wait:
                if await changes.next() == nil { return (1, "Stopped.") }
            case .proceed(let line, let event):
                if let line { io.say(line) }
                await runtime.send(event)
                answered = true
            case .ask(let text, let secret):
                guard let answer = secret ? io.askSecret(text) : io.ask(text) else {
                    await runtime.shutdown()
                    return (1, state.appliedSomething ? Wizard.summary(state) + " Input ended before the end." : "Input ended before the end: nothing applied.")
                }
                await runtime.send(.line(answer))
                answered = true
            }
        }
    }

    /// What a state asks of plain mode.
    static func prompt(_ state: WizardState) -> Prompt {
        state.phase.screen.prompt(state)
    }

    static func numbered(_ names: [String]) -> String {
        names.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
    }

    /// The lines to print between two states: the server and what it lacks once loaded, a
    /// screen's title on entering it, the problem with the last answer, the review, the results.
    static func transcript(from old: WizardState?, to new: WizardState, answered: Bool) -> [String] {
        var lines: [String] = []
        if old?.current == nil, let current = new.current, let org = new.organization {
            lines.append("\(new.config.serverName) · \(current.ping.serverDescription) · \(org) · \(current.capabilities)")
            if let reason = current.agentsUnavailable, new.config.sections.contains(.executionDefaults) { lines.append("Agent mode not offered: \(reason)") }
            if let reason = current.smtpUnavailableReason, new.config.sections.contains(.smtp) { lines.append("SMTP relay not shown: \(reason)") }
        }
        if let f = new.firstInstall, new.phase == .firstInstall {
            lines += FirstInstallSession.transcript(from: old?.phase == .firstInstall ? old?.firstInstall : nil, to: f, new)
        }
        if answered {
            if case .editing = new.phase, let field = new.focus, let error = new.errors[field] { lines.append("  ! \(error)") }
        }
        if let notice = new.statusNotice, answered || notice != old?.statusNotice {
            lines.append((notice.severity == .problem ? "  ! " : "  ") + notice.text)
        }
        if case .failed = new.phase, old?.phase != new.phase, let source = new.config.tokenSource {
            lines.append("The API token came from \(source).")
        }
        if case .editing(let section) = new.phase, old?.phase != new.phase {
            lines.append("== \(section.title) ==")
            lines.append(section.purpose)
        }
        let g = Glyphs.of(new.config.ascii)
        if new.phase == .review {
            // A transcript prints the Review once, complete: while the tokens are still being read
            // it says so, and the Review follows when they are in.
            let entered = old?.phase != .review
            if entered && new.awaitsTokens {
                lines += ["", Wizard.readingTokens]
            } else if !new.awaitsTokens, entered || old?.awaitsTokens == true {
                lines += ["", "Review:"] + OrganizationSession.reviewBody(new, g, width: 1_000).map(\.text)
            }
        }
        if new.phase == .result, old?.phase != .result {
            lines += Wizard.stepsBody(new, g, spin: "", width: 1_000).map(\.text) + Wizard.renewalLines(new, width: 1_000).map(\.text)
            if new.tokenRejectedByApply { lines.append(Wizard.tokenRejectedNotice(new)) }
        }
        // The token this session made first, deleted (or not) after the Result was printed.
        if let outcome = new.replacedTokenOutcome, outcome != old?.replacedTokenOutcome { lines.append(outcome) }
        return lines
    }
}
