import FoundationEssentials
import SetupKit
import TFEClient

/// The organization list: choosing one organization, or marking several for one baseline.

extension WizardState {
    /// The organizations the picker's filter lets through, in the order listed.
    package var shownOrganizations: [Organization] {
        let filter = pickerFilter.lowercased()
        return filter.isEmpty ? organizations : organizations.filter { $0.name.lowercased().contains(filter) }
    }
}

extension Wizard {
    // MARK: - Choosing organizations

    /// The organization list: ↑/↓ move; Enter sets up the highlighted one, or the marked ones
    /// when several are marked; Space marks, `a` marks every one shown, `n` none; `/` filters.
    static func pickerKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect] {
        let shown = state.shownOrganizations
        let last = max(0, shown.count - 1)
        if state.pickerFiltering {
            // Typing goes into the filter; Enter or Tab keeps it and goes back to marking.
            switch key {
            case .char(let c): state.pickerFilter.append(c)
            case .paste(let text): state.pickerFilter += text.filter { !$0.isNewline }
            case .backspace: if !state.pickerFilter.isEmpty { state.pickerFilter.removeLast() }
            case .ctrlU: state.pickerFilter = ""
            case .escape:
                state.pickerFilter = ""
                state.pickerFiltering = false
            case .enter, .tab: state.pickerFiltering = false
            case .up: state.pickerIndex = max(0, state.pickerIndex - 1)
            case .down: state.pickerIndex = min(last, state.pickerIndex + 1)
            default: break
            }
            if case .char = key { state.pickerIndex = 0 }
            if key == .backspace || key == .ctrlU || key == .escape { state.pickerIndex = 0 }
            return []
        }
        switch key {
        case .up, .backTab: state.pickerIndex = max(0, state.pickerIndex - 1)
        case .down, .tab: state.pickerIndex = min(last, state.pickerIndex + 1)
        case .home: state.pickerIndex = 0
        case .end: state.pickerIndex = last
        case .char("/"):
            state.pickerFiltering = true
        case .escape where !state.pickerFilter.isEmpty:
            state.pickerFilter = ""
            state.pickerIndex = 0
        case .char(" "):
            guard shown.indices.contains(state.pickerIndex) else { return [] }
            let name = shown[state.pickerIndex].name
            if state.marked.remove(name) == nil { state.marked.insert(name) }
            state.pickerIndex = min(last, state.pickerIndex + 1)
        case .char("a"), .char("A"):
            state.marked.formUnion(shown.map(\.name))
            state.notice = "Marked \(shown.count) organization\(shown.count == 1 ? "" : "s")\(state.pickerFilter.isEmpty ? "" : " matching \"\(state.pickerFilter)\""): \(state.marked.count) in all."
        case .char("n"), .char("N"):
            state.marked = []
            state.notice = "No organization marked: Enter sets up the highlighted one."
        case .enter:
            let chosen = state.organizations.filter { state.marked.contains($0.name) }
            if chosen.count > 1 { return SeveralSession.enterFleet(&state, chosen) }
            guard let org = chosen.first ?? (shown.indices.contains(state.pickerIndex) ? shown[state.pickerIndex] : nil) else {
                state.problem("No organization matches \"\(state.pickerFilter)\": Esc clears the filter.")
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
        let marked = state.marked.isEmpty ? "" : "\(g.dot)\(state.marked.count) marked"
        var lines = [Line("Choose the organizations to set up (\(state.organizations.count) this token sees\(marked)):", .bold)]
        lines += wrap("Enter sets up the highlighted one. Mark several (Space, or a for all shown) to give them one baseline.", width: width - 2)
            .map { Line($0, .dim) }
        if state.pickerFiltering || !state.pickerFilter.isEmpty {
            var filter = Line("Filter: ", .bold)
            filter.add(state.pickerFilter, state.pickerFiltering ? .reverse : .normal)
            if state.pickerFiltering { filter.cursorColumn = filter.width }
            filter.add("  \(shown.count) of \(state.organizations.count) match", .dim)
            lines.append(filter)
        }
        lines.append(Line())
        let first = lines.count
        let nameWidth = min(40, max(12, shown.map { Frame.width(of: SafeText.line($0.name)) }.max() ?? 12))
        for (i, org) in shown.enumerated() {
            let highlighted = i == state.pickerIndex
            var l = Line(highlighted ? "\(g.focus) " : "  ")
            l.add(state.marked.contains(org.name) ? "[x] " : "[ ] ", highlighted ? .bold : .normal)
            let name = SafeText.line(org.name)
            l.add(name, highlighted ? .reverse : .normal)
            l.add(String(repeating: " ", count: max(1, nameWidth + 2 - Frame.width(of: name))))
            var notes: [String] = []
            if !org.canUpdate { notes.append("read-only for this token") }
            if org.entitlements?.agents == false { notes.append("no agents") }
            notes.append("mode \(org.unknownExecutionMode.map(SafeText.line) ?? org.defaultExecutionMode.rawValue)")
            l.add(notes.joined(separator: g.dot), .dim)
            l.isFocus = highlighted && !state.pickerFiltering
            lines.append(l)
        }
        if shown.isEmpty { lines.append(Line("  No organization matches the filter (Esc clears it).", .dim)) }
        return (lines, state.pickerFiltering ? 2 : first + state.pickerIndex)
    }
}
