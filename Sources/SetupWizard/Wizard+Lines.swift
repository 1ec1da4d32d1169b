import SetupKit
import TFEClient

/// Plain mode's input: one typed line answers whatever the phase asks. The same reducer as the
/// full screen's keys — a line only says the answer in a different way (a number for a choice,
/// `y`/`n` for a question, `<` for "back one field") — so draft, review, apply, retry and save
/// behave the same in both modes.
extension Wizard {
    /// The answer an empty line gives to the yes/no question this phase asks, or nil when the
    /// phase asks none (a field, the organization, or a screen that only informs).
    package static func yesNoDefault(_ state: WizardState) -> Bool? {
        state.phase.screen.yesNoDefault(state)
    }

    static func lineAnswer(_ state: inout WizardState, _ text: String) -> [WizardEffect] {
        state.statusNotice = nil
        return state.phase.screen.line(&state, text.trimmingSpaces, raw: text)
    }

    /// How many organizations plain mode names in its prompt, and in one list of matches: a token
    /// that sees hundreds gets a count instead of a line of thousands of characters.
    static let plainListLimit = 12

    /// A number from the list, a name, or empty for the first. Any other text lists the
    /// organizations whose names contain it (ignoring case) with their numbers — it never picks
    /// one, so a typo cannot set up a different organization than the one meant.
    static func pickAnswer(_ state: inout WizardState, _ answer: String) -> [WizardEffect] {
        let names = state.picker.organizations.map(\.name)
        let index = answer.isEmpty ? 0 : (Int(answer).map { $0 - 1 } ?? names.firstIndex(of: answer))
        if let index, names.indices.contains(index) {
            state.picker.index = index
            return pickerKey(&state, .enter)
        }
        let needle = answer.lowercased()
        let matches = Int(answer) != nil ? [] : names.indices.filter { names[$0].lowercased().contains(needle) }
        guard !matches.isEmpty else {
            let none = Int(answer) == nil ? "No organization's name contains \"\(answer)\". " : ""
            let search = names.count > plainListLimit ? ", or part of a name to list the ones that contain it" : ""
            state.problem("\(none)Choose a number from 1 to \(names.count) or a name\(search).")
            return []
        }
        let listed = matches.prefix(plainListLimit).map { "\($0 + 1) \(names[$0])" }.joined(separator: ", ")
        let more = matches.count > plainListLimit ? ", and \(matches.count - plainListLimit) more (type more of the name)" : ""
        let count = matches.count == 1 ? "1 organization contains" : "\(matches.count) organizations contain"
        state.notice = "\(count) \"\(answer)\": \(listed)\(more). Type a number or a whole name."
        return []
    }

    /// The focused field's answer: empty keeps the value, `<` goes back one field; a valid answer
    /// moves on (leaving the screen checks all of it, as Enter on the full screen does).
    static func fieldAnswer(_ state: inout WizardState, _ section: Section, _ answer: String) -> [WizardEffect] {
        guard let field = state.focus else { return [] }
        let fields = state.visibleFields(section)
        let index = fields.firstIndex(of: field) ?? 0
        if answer == "<" {
            if index > 0 {
                setFocus(&state, fields[index - 1])
            } else if let i = state.screens.firstIndex(of: section), i > 0 {
                go(&state, to: state.screens[i - 1], focus: .last)
            }
            return []
        }
        if answer == "?" {
            state.notice = field.help
            return []
        }
        let before = state.form
        if !answer.isEmpty, state.readOnlyReason(field) == nil, let problem = FieldSpec.of(field).take(answer, in: &state) {
            state.problem(problem)
            return []
        }
        validateField(&state, field)
        if state.errors[field] != nil {
            // The answer is in the transcript; the prompt again offers the value before it.
            if field.takesText { state.form = before }
            return []
        }
        var commands: [WizardEffect] = []
        if state.form != before, let org = state.organization {
            commands.append(.saveDraft(Draft(address: state.config.address, organization: org, form: state.form)))
        }
        if case .ttl(let type) = field, let ms = state.form.newTTL(type) {
            // What the duration means, as the full screen shows beside the field, its warning, and
            // (when the caps as typed reject known tokens) the screen's note.
            let meaning = "\(field.label): \(TTLDuration.isDefault(ms) ? TTLDuration.days(milliseconds: ms) : TTLDuration.format(milliseconds: ms))"
            if let warning = lowering(state, type) {
                state.problem(meaning + ". " + warning)
            } else if let old = state.current?.ttl(type), TTLDuration.lowers(from: old, to: ms), let note = tokenNote(state) {
                if note.locksOut { state.problem(meaning + ". " + note.text) } else { state.notice = meaning + ". " + note.text }
            } else {
                state.notice = meaning
            }
        }
        // The answer may have shown or hidden fields (auth, mode, enabled).
        let now = state.visibleFields(section)
        if let i = now.firstIndex(of: field), i + 1 < now.count {
            setFocus(&state, now[i + 1])
            return commands
        }
        return commands + advance(&state, from: section)
    }
}

extension FieldSpec {
    /// A pool option by the name people type: the pool's name, `new`, `other`, or `none` for no pool yet.
    static func poolName(_ state: WizardState) -> (PoolSelection) -> String {
        { option in
            switch option {
            case .placeholder: return "none"
            case .other: return "other"
            case .create: return "new"
            case .pool(let id): return state.current?.agentPools.first { $0.id == id }?.name ?? id
            }
        }
    }

    /// Puts a typed answer into the form: `y`/`n` for a toggle, a number or a name for a choice,
    /// a number or a pool id for the pool, the text itself otherwise. Returns what is wrong with
    /// the answer itself (the field's rules run after).
    func take(_ answer: String, in state: inout WizardState) -> String? {
        kind.behaviour.take(answer, self, &state)
    }
}
