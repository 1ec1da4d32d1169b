import Foundation
import SetupKit
import TFEClient

/// Line-by-line input and output for the plain mode (`TERM=dumb`, `--plain`, `ACCESSIBLE=1`).
public struct PlainIO: Sendable {
    /// Prints the prompt and reads a line; nil at end of input.
    public var ask: @Sendable (String) -> String?
    /// Like `ask`, with echo off (the password).
    public var askSecret: @Sendable (String) -> String?
    public var say: @Sendable (String) -> Void

    public init(ask: @escaping @Sendable (String) -> String?, askSecret: @escaping @Sendable (String) -> String?, say: @escaping @Sendable (String) -> Void) {
        self.ask = ask
        self.askSecret = askSecret
        self.say = say
    }
}

/// The same wizard as prompts, one per field: `<Label> [<current>]: `, Enter keeps the value in
/// brackets, `<` goes back one field. Same form, rules, plan and apply as the full screen.
public struct PlainWizard: Sendable {
    let io: PlainIO
    let services: WizardServices
    let config: WizardConfig

    public init(io: PlainIO, services: WizardServices, config: WizardConfig) {
        self.io = io
        self.services = services
        self.config = config
    }

    struct EndOfInput: Error {}

    /// Runs the prompts; returns the exit code and the closing message.
    public func run() async -> (Int32, String) {
        do {
            return try await session()
        } catch is EndOfInput {
            return (1, "Input ended before the end: nothing applied.")
        } catch let error as TFEError {
            return (1, error.commandLineDescription)
        } catch {
            return (1, "\(error)")
        }
    }

    private func line(_ prompt: String) throws -> String {
        guard let answer = io.ask(prompt) else { throw EndOfInput() }
        return answer.trimmingCharacters(in: .whitespaces)
    }

    private func yes(_ prompt: String, default value: Bool) throws -> Bool {
        while true {
            let a = try line(prompt).lowercased()
            if a.isEmpty { return value }
            if ["y", "yes"].contains(a) { return true }
            if ["n", "no"].contains(a) { return false }
            io.say("  Please answer y or n.")
        }
    }

    private func session() async throws -> (Int32, String) {
        var state = WizardState(config: config)
        var organization = config.organization
        if organization == nil {
            let orgs = try await services.client.organizations()
            guard !orgs.isEmpty else { return (1, "This token cannot see any organization.") }
            let names = orgs.map(\.name)
            let menu = names.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
            while organization == nil {
                let a = try line("Organization (\(menu)) [\(names[0])]: ")
                if a.isEmpty { organization = names[0] } else if let n = Int(a), names.indices.contains(n - 1) { organization = names[n - 1] } else if names.contains(a) { organization = a } else { io.say("  Choose a number from 1 to \(names.count) or a name.") }
            }
        }
        let org = organization!
        state.organization = org
        let current = try await StateLoader.load(client: services.client, organization: org)
        state.current = current
        state.form = WizardForm(current: current)
        state.prefill = state.form
        io.say("\(current.ping.serverDescription) · \(org) · \(current.capabilities)")
        if let reason = current.agentsUnavailable, config.sections.contains(.executionDefaults) { io.say("Agent mode not offered: \(reason)") }
        if let reason = current.smtpUnavailableReason, config.sections.contains(.smtp) { io.say("SMTP relay not shown: \(reason)") }
        if let draft = services.draftStore?.load(address: config.address, organization: org), draft.applied(to: state.form) != state.form {
            if try yes("You have answers typed earlier that were not applied. Resume them? [Y/n]: ", default: true) {
                state.form = draft.applied(to: state.form)
            } else {
                services.draftStore?.delete()
            }
        }
        try prompts(&state)
        let plan = Planner.plan(state.desiredSettings(sections: Wizard.editableSections(state)), current: current)
        io.say("")
        io.say("Review:")
        for (section, reason) in plan.unavailable.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { io.say("  \(section.title): \(reason)") }
        for issue in plan.unsupported { io.say("  Not sent: \(issue.message)") }
        if plan.isEmpty {
            io.say("  Nothing to change.")
            return (0, "Nothing changed.")
        }
        for change in plan.changes { io.say("  " + change.reviewLine(ascii: config.ascii, poolNames: state.poolNames)) }
        io.say("  (\(plan.requests.count) request\(plan.requests.count == 1 ? "" : "s"): " + plan.requests.map { "\($0.method) \($0.path)" }.joined(separator: ", ") + ")")
        guard try yes("Apply these changes? [y/N]: ", default: false) else { return (1, "Nothing applied.") }
        if let password = plan.smtp?.password { services.registerSecret(password) }
        var results = await Applier(client: services.client).apply(plan)
        report(results)
        while results.contains(where: { !$0.succeeded }), try yes("Retry the failed steps? [y/N]: ", default: false) {
            let again = await Applier(client: services.client).apply(plan.restricted(to: Set(results.filter { !$0.succeeded }.map(\.step))))
            report(again)
            results = results.filter(\.succeeded) + again
        }
        for r in results { state.steps[r.step] = .done(r) }
        if results.allSatisfy(\.succeeded) { services.draftStore?.delete() }
        if try yes("Save these answers to \(config.answersFileName)? [y/N]: ", default: false) {
            let path = (services.answersDirectory as NSString).appendingPathComponent(config.answersFileName)
            do {
                try PrivateFile.write(Data(Wizard.answers(state).utf8), to: path)
                io.say("Saved \(path) (no password in it).")
            } catch {
                io.say("Could not save the answers: \(error.description).")
            }
        }
        return (results.allSatisfy(\.succeeded) ? 0 : 1, Wizard.summary(state))
    }

    private func report(_ results: [StepResult]) {
        for r in results { io.say("  \(r.succeeded ? (config.ascii ? "ok" : "✓") : (config.ascii ? "FAILED" : "✗")) \(r.step.title): \(r.message)") }
    }

    /// Every visible field of every screen, in order; `<` steps back one field.
    private func prompts(_ state: inout WizardState) throws {
        var position: (screen: Int, field: Int) = (0, 0)
        let screens = state.screens
        while position.screen < screens.count {
            let section = screens[position.screen]
            let fields = state.visibleFields(section)
            if position.field == 0 { io.say("== \(section.title) ==") }
            guard position.field < fields.count else {
                let invalid = Wizard.issues(state, section)
                if let first = fields.first(where: { invalid[$0] != nil }) {
                    io.say("  ! \(invalid[first]!)")
                    position.field = fields.firstIndex(of: first)!
                    continue
                }
                position = (position.screen + 1, 0)
                continue
            }
            let field = fields[position.field]
            if let reason = state.readOnlyReason(field) {
                io.say("\(field.label): \(display(state, field)) (\(reason))")
                position.field += 1
                continue
            }
            let answer = try ask(state, field)
            if answer == "<" {
                if position.field > 0 { position.field -= 1 } else if position.screen > 0 {
                    position.screen -= 1
                    position.field = max(0, state.visibleFields(screens[position.screen]).count - 1)
                }
                continue
            }
            if let problem = apply(answer, to: field, &state) {
                io.say("  ! \(problem)")
                continue
            }
            if let message = Wizard.issues(state, section)[field] {
                io.say("  ! \(message)")
                continue
            }
            if let org = state.organization { try? services.draftStore?.save(Draft(address: config.address, organization: org, form: state.form, savedAt: services.now())) }
            position.field += 1
        }
    }

    private func display(_ state: WizardState, _ field: FieldID) -> String {
        switch field.kind {
        case .toggle: return (FieldSpec.of(field).flag.map { state.form[keyPath: $0] } ?? false) ? "y" : "n"
        case .choice: return FieldSpec.of(field).choice(state.form) ?? ""
        case .poolChoice: return state.poolLabel(state.form.pool)
        default: return state.form.text(field)
        }
    }

    private func ask(_ state: WizardState, _ field: FieldID) throws -> String {
        let current = display(state, field)
        switch field.kind {
        case .toggle: return try line("\(field.label) (y/n) [\(current)]: ")
        case .choice:
            let names = FieldSpec.of(field).options?(state) ?? []
            return try line("\(field.label) (\(names.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", "))) [\(current)]: ")
        case .poolChoice:
            let options = state.poolOptions.map(state.poolLabel)
            return try line("\(field.label) (\(options.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", "))) [\(current)]: ")
        case .password:
            guard let secret = io.askSecret("Password (hidden; Enter keeps the stored one): ") else { throw EndOfInput() }
            return secret
        default:
            return try line("\(field.label) [\(current)]: ")
        }
    }

    /// Puts an answer into the form; returns a problem with the answer itself (not a rule).
    private func apply(_ answer: String, to field: FieldID, _ state: inout WizardState) -> String? {
        if answer.isEmpty { return nil }  // Enter keeps the value in brackets
        switch field.kind {
        case .toggle:
            let a = answer.lowercased()
            guard ["y", "yes", "n", "no"].contains(a) else { return "Answer y or n." }
            if let flag = FieldSpec.of(field).flag { state.form[keyPath: flag] = a.hasPrefix("y") }
        case .choice:
            let names = FieldSpec.of(field).options?(state) ?? []
            let chosen = Int(answer).flatMap { names.indices.contains($0 - 1) ? names[$0 - 1] : nil } ?? (names.contains(answer.lowercased()) ? answer.lowercased() : nil)
            guard let name = chosen else { return "Choose a number from 1 to \(names.count) or a name: \(names.joined(separator: ", "))." }
            FieldSpec.of(field).setChoice(name, in: &state)
        case .poolChoice:
            let options = state.poolOptions
            if let n = Int(answer), options.indices.contains(n - 1) { state.form.pool = options[n - 1] }
            else if let p = options.first(where: { if case .pool(let id) = $0 { return id == answer } else { return false } }) { state.form.pool = p }
            else { return "Choose a number from 1 to \(options.count)." }
        default:
            state.form.setText(field, answer)
        }
        return nil
    }
}
