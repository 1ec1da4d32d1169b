import FoundationEssentials
import SetupKit
import TFEClient

/// The organization list: choosing one organization, or marking several for one baseline.

extension WizardState {
    /// The organizations the picker's filter lets through, in the order listed.
    package var shownOrganizations: [Organization] { picker.shown }
}

extension Wizard {
    // MARK: - Choosing organizations

    /// The organization list: ↑/↓ move; Enter sets up the highlighted one, or the marked ones
    /// when several are marked; Space marks, `a` marks every one shown, `n` none; `/` filters.
    static func pickerKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        let shown = state.shownOrganizations
        let last = max(0, shown.count - 1)
        if state.picker.filtering {
            // Typing goes into the filter; Enter or Tab keeps it and goes back to marking.
            if TextInput.editFilter(&state.picker.filter, key) {
                state.picker.index = 0
                return []
            }
            switch key {
            case _ where KeyMap.lineUp.matches(key): state.picker.index = max(0, state.picker.index - 1)
            case _ where KeyMap.lineDown.matches(key): state.picker.index = min(last, state.picker.index + 1)
            case _ where KeyMap.back.matches(key):
                state.picker.filter = ""
                state.picker.filtering = false
                state.picker.index = 0
            case _ where KeyMap.enter.matches(key) || KeyMap.nextField.matches(key): state.picker.filtering = false
            default: break
            }
            return []
        }
        switch key {
        case _ where KeyMap.previousField.matches(key): state.picker.index = max(0, state.picker.index - 1)
        case _ where KeyMap.nextField.matches(key): state.picker.index = min(last, state.picker.index + 1)
        case _ where KeyMap.firstLine.matches(key): state.picker.index = 0
        case _ where KeyMap.lastLine.matches(key): state.picker.index = last
        case _ where KeyMap.filterList.matches(key):
            state.picker.filtering = true
        case _ where KeyMap.back.matches(key) && !state.picker.filter.isEmpty:
            state.picker.filter = ""
            state.picker.index = 0
        case _ where KeyMap.markOne.matches(key):
            guard shown.indices.contains(state.picker.index) else { return [] }
            let name = shown[state.picker.index].name
            if state.picker.marked.remove(name) == nil { state.picker.marked.insert(name) }
            state.picker.index = min(last, state.picker.index + 1)
        case _ where KeyMap.markAll.matches(key):
            state.picker.marked.formUnion(shown.map(\.name))
            state.notice = "Marked \(shown.count) organization\(shown.count == 1 ? "" : "s")\(state.picker.filter.isEmpty ? "" : " matching \"\(state.picker.filter)\""): \(state.picker.marked.count) in all."
        case _ where KeyMap.markNone.matches(key):
            state.picker.marked = []
            state.notice = "No organization marked: Enter sets up the highlighted one."
        case _ where KeyMap.enter.matches(key):
            let chosen = state.picker.organizations.filter { state.picker.marked.contains($0.name) }
            if chosen.count > 1 { return SeveralSession.enterFleet(&state, chosen) }
            guard let org = chosen.first ?? (shown.indices.contains(state.picker.index) ? shown[state.picker.index] : nil) else {
                state.problem("No organization matches \"\(state.picker.filter)\": Esc clears the filter.")
                return []
            }
            state.organization = org.name
            state.phase = .loading("Reading the current settings…")
            return [.loadState(organization: org.name)]
        default: break
        }
        return []
    }




    // MARK: - Review and apply


    /// The organization list: marks, the filter, and what the token may do in each.
    static func pickerBody(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        let shown = state.shownOrganizations
        let marked = state.picker.marked.isEmpty ? "" : "\(g.dot)\(state.picker.marked.count) marked"
        var lines = [Line("Choose the organizations to set up (\(state.picker.organizations.count) this token sees\(marked)):", .bold)]
        lines += wrap("Enter sets up the highlighted one. Mark several (Space, or a for all shown) to give them one baseline.", width: width - 2)
            .map { Line($0, .dim) }
        if state.picker.filtering || !state.picker.filter.isEmpty {
            var filter = Line("Filter: ", .bold)
            filter.add(state.picker.filter, state.picker.filtering ? .reverse : .normal)
            if state.picker.filtering { filter.cursorColumn = filter.width }
            filter.add("  \(shown.count) of \(state.picker.organizations.count) match", .dim)
            lines.append(filter)
        }
        lines.append(Line())
        let first = lines.count
        let nameWidth = min(40, max(12, shown.map { Frame.width(of: SafeText.line($0.name)) }.max() ?? 12))
        for (i, org) in shown.enumerated() {
            let highlighted = i == state.picker.index
            var l = Line(highlighted ? "\(g.focus) " : "  ")
            l.add(state.picker.marked.contains(org.name) ? "[x] " : "[ ] ", highlighted ? .bold : .normal)
            let name = SafeText.line(org.name)
            l.add(name, highlighted ? .reverse : .normal)
            l.add(String(repeating: " ", count: max(1, nameWidth + 2 - Frame.width(of: name))))
            var notes: [String] = []
            if !org.canUpdate { notes.append("read-only for this token") }
            if org.entitlements?.agents == false { notes.append("no agents") }
            notes.append("mode \(org.unknownExecutionMode.map(SafeText.line) ?? org.defaultExecutionMode.rawValue)")
            l.add(notes.joined(separator: g.dot), .dim)
            l.isFocus = highlighted && !state.picker.filtering
            lines.append(l)
        }
        if shown.isEmpty { lines.append(Line("  No organization matches the filter (Esc clears it).", .dim)) }
        return (lines, state.picker.filtering ? 2 : first + state.picker.index)
    }
}
