import SetupKit
import TFEClient

/// The inline list of a choice field (Auth, Mode, Agent pool): opened with Space, the current
/// value marked; a letter moves to the next option that starts with it (as whiptail and dialog
/// do), `/` starts a filter (organizations may have hundreds of pools), ↑/↓ move, Enter picks,
/// Esc closes.
package struct ChoiceList: Equatable, Sendable {
    package var field: FieldID
    package var filter = ""
    /// Typing goes into the filter (after `/`) rather than jumping.
    package var filtering = false
    /// The highlighted row among the filtered options.
    package var index = 0
}

extension Wizard {
    /// The options of a choice field as shown (labels) and what picking one sets.
    static func choiceOptions(_ state: WizardState, _ field: FieldID) -> [(label: String, pick: @Sendable (inout WizardState) -> Void)] {
        let spec = FieldSpec.of(field)
        return spec.kind.behaviour.options(state, spec)
    }

    /// The options the filter lets through, with their index among all options.
    static func filteredOptions(_ state: WizardState, _ list: ChoiceList) -> [(offset: Int, label: String)] {
        let all = choiceOptions(state, list.field).map(\.label).enumerated().map { ($0.offset, $0.element) }
        let filter = list.filter.lowercased()
        guard !filter.isEmpty else { return all }
        return all.filter { $0.1.lowercased().contains(filter) }
    }

    /// The current value's index among all options.
    static func currentOption(_ state: WizardState, _ field: FieldID) -> Int? {
        let labels = choiceOptions(state, field).map(\.label)
        return labels.firstIndex(of: FieldSpec.of(field).display(state))
    }

    /// The index of the next label after `index` (wrapping) that starts with `letter`, ignoring
    /// case and a leading bracket (`(choose a pool)` starts with c); nil when none does.
    static func nextOption(startingWith letter: Character, in labels: [String], after index: Int?) -> Int? {
        guard !labels.isEmpty else { return nil }
        let wanted = String(letter).lowercased()
        let start = index.map { $0 + 1 } ?? 0
        for step in 0..<labels.count {
            let i = (start + step) % labels.count
            let label = labels[i].drop { $0 == "(" }.lowercased()
            if label.hasPrefix(wanted) { return i }
        }
        return nil
    }

    /// A letter on a closed choice: the value becomes the next option that starts with it.
    static func jumpChoice(_ state: inout WizardState, _ field: FieldID, letter: Character) {
        let options = choiceOptions(state, field)
        guard let i = nextOption(startingWith: letter, in: options.map(\.label), after: currentOption(state, field)) else {
            state.problem("No option of \(field.label) starts with \"\(SafeText.line(String(letter)))\"; Space lists them.")
            return
        }
        options[i].pick(&state)
        state.errors[field] = nil
    }

    /// Opens the list on the focused choice field, the current value highlighted.
    static func openList(_ state: inout WizardState, _ field: FieldID, filter: String = "") {
        var list = ChoiceList(field: field, filter: filter, filtering: !filter.isEmpty)
        let shown = filteredOptions(state, list)
        list.index = shown.firstIndex { $0.offset == currentOption(state, field) } ?? 0
        state.list = list
    }

    /// A key while the list is open.
    static func listKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        guard var list = state.list else { return [] }
        let shown = filteredOptions(state, list)
        // Space picks while nothing is typed; once a filter is typed it is part of it.
        let spacePicks = key.isCharacter && KeyMap.pick.matches(key) && list.filter.isEmpty
        if list.filtering, !spacePicks, TextInput.editFilter(&list.filter, key) {
            list.index = 0
            state.list = list
            return []
        }
        if !list.filtering, case .char(let c) = key, !spacePicks {
            if c == "/" {
                list.filtering = true
            } else if let i = nextOption(startingWith: c, in: shown.map(\.label), after: list.index) {
                list.index = i
            } else {
                state.problem("No option starts with \"\(SafeText.line(String(c)))\"; / filters by any part of the name.")
            }
            state.list = list
            return []
        }
        switch key {
        case _ where KeyMap.lineUp.matches(key): list.index = max(0, list.index - 1)
        case _ where KeyMap.lineDown.matches(key): list.index = min(max(0, shown.count - 1), list.index + 1)
        case _ where KeyMap.back.matches(key) || KeyMap.wrapsAround.contains(key):
            state.list = nil
            return []
        case _ where KeyMap.pick.matches(key):
            guard shown.indices.contains(list.index) else {
                state.problem("Nothing matches \"\(SafeText.line(list.filter))\"; Backspace to widen the filter, Esc to close.")
                return []
            }
            let before = state.form
            choiceOptions(state, list.field)[shown[list.index].offset].pick(&state)
            state.list = nil
            state.errors[list.field] = nil
            if state.form != before, let org = state.organization {
                return [.saveDraft(Draft(address: state.config.address, organization: org, form: state.form))]
            }
            return []
        default:
            return []
        }
        state.list = list
        return []
    }

    /// The list's lines under its field: the filter, then the options (at most `rows`, scrolled
    /// to keep the highlighted one in view), the current value marked.
    static func listLines(_ state: WizardState, _ list: ChoiceList, _ g: Glyphs, width: Int, rows: Int = 8) -> [Line] {
        let shown = filteredOptions(state, list)
        let current = currentOption(state, list.field)
        let hint = "letter jumps\(g.dot)/ filter\(g.dot)Enter pick\(g.dot)Esc close"
        var lines = [Line("    " + (list.filtering ? "Filter: \(SafeText.line(list.filter))" : hint), .dim)]
        if shown.isEmpty { return lines + [Line("      (nothing matches)", .dim)] }
        let first = min(max(0, list.index - rows + 1), max(0, shown.count - rows))
        for (i, option) in shown.enumerated().dropFirst(first).prefix(rows) {
            var line = Line("    " + (option.offset == current ? g.check : " ") + " ")
            let text = wrap(option.label, width: max(8, width - 8)).first ?? ""
            line.add(text, i == list.index ? .reverse : .normal)
            lines.append(line)
        }
        if shown.count > rows { lines.append(Line("      \(shown.count) options; \(list.index + 1) of them highlighted", .dim)) }
        return lines
    }
}
