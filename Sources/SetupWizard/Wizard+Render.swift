import SetupKit
import TFEClient

extension Wizard {
    /// Draws the state into a frame of the given size.
    package static func render(_ state: WizardState, size: Size) -> Frame {
        var frame = Frame(size: size)
        guard size.width >= Size.minimum.width, size.height >= Size.minimum.height else {
            var lines = wrap("Terminal too small: need 60x16", width: size.width) + wrap("(now \(size.width)x\(size.height); enlarge the window)", width: size.width)
            lines += state.quitPending ? wrap("Quit without applying? [y/N]", width: size.width) : wrap("Keys do nothing until it is larger; Ctrl-C quits.", width: size.width)
            for (row, line) in lines.enumerated() { frame.put(line, row: row, column: 0, style: row == 0 ? .bold : .normal) }
            return frame
        }
        let g = Glyphs.of(state.config.ascii)
        header(state, g, &frame)
        let top = 3, bottom = size.height - 2
        let (lines, focusIndex) = body(state, g, width: size.width)
        // Scroll so the focused line (and the message under it) stays in view.
        let height = bottom - top
        var offset = 0
        if let focusIndex, lines.count > height {
            offset = min(max(0, focusIndex + 2 - height), lines.count - height)
        } else if focusIndex == nil {
            offset = max(0, min(state.scroll, lines.count - height))
        }
        for (i, line) in lines.dropFirst(offset).prefix(height).enumerated() {
            var col = 0
            for (text, style) in line.segments { col = frame.put(text, row: top + i, column: col, style: style) }
            // The last safety net: a line wider than the screen ends in … rather than a cut word.
            if line.width > size.width { frame.put(g.ellipsis, row: top + i, column: size.width - Frame.width(of: g.ellipsis), style: .dim) }
            if let c = line.cursorColumn, !state.quitPending, !state.helpShown { frame.cursor = Position(row: top + i, column: min(c, size.width - 1)) }
        }
        status(state, g, &frame, row: size.height - 2)
        // Say when there is more above or below, in the rule and the status row (never over text).
        if offset > 0 { frame.put(state.config.ascii ? " ^ more " : " ▲ more ", row: 2, column: size.width - 9, style: .dim) }
        if lines.count - offset > height {
            // Under the help any key closes it: ↓ is not offered there.
            let more = focusIndex == nil && !state.helpShown ? (state.config.ascii ? " v more (Down) " : " ▼ more (↓) ") : (state.config.ascii ? " v more " : " ▼ more ")
            frame.put(more, row: size.height - 2, column: size.width - Frame.width(of: more), style: .dim)
        }
        // One column stays free, as in the header: a row that touches the edge reads as cut.
        let keys = fitted(footer(state, g), width: size.width - 1)
        frame.put(keys.joined(separator: "  "), row: size.height - 1, column: 0, style: .dim)
        return frame
    }

    static func header(_ state: WizardState, _ g: Glyphs, _ frame: inout Frame) {
        let forms = (state.session.title(state, g) ?? [state.config.serverName]).map { " tfe-setup" + g.dot + $0 }
        // One column stays free: a title that touches the edge cannot be told from a cut one.
        let room = frame.size.width - 1
        let title = forms.first { Frame.width(of: $0) <= room } ?? forms.last!
        frame.put(ellipsized(title, width: room, ellipsis: g.ellipsis), row: 0, column: 0, style: .reverse)
        frame.fill(row: 0, style: .reverse)
        var col = 1
        let (names, currentName) = state.phase.screen.crumbs(state)
        if state.session.title(state, g) != nil {
            for (i, name) in names.enumerated() {
                if i > 0 { col = frame.put(g.crumb, row: 1, column: col, style: .dim) }
                col = frame.put(name, row: 1, column: col, style: name == currentName ? .bold : .dim)
            }
        }
        frame.put(String(repeating: g.rule, count: frame.size.width), row: 2, column: 0, style: .dim)
    }

    static func status(_ state: WizardState, _ g: Glyphs, _ frame: inout Frame, row: Int) {
        if state.quitPending {
            let text = state.phase == .applying ? "Quit? Requests already sent may still complete. [y/N]"
                : state.phase == .result || state.phase == .savePrompt ? "Quit? What failed stays unapplied. [y/N]" : "Quit without applying? [y/N]"
            frame.put(ellipsized(text, width: frame.size.width, ellipsis: g.ellipsis), row: row, column: 0, style: .reverse)
        } else if let notice = state.notice {
            let problem = state.statusNotice?.severity == .problem
            frame.put(ellipsized((problem ? g.warn + " " : "") + notice, width: frame.size.width, ellipsis: g.ellipsis), row: row, column: 0,
                      style: problem ? .error : .bold)
        }
    }

    /// A key hint of the footer and how much it matters when the row is narrow.
    struct KeyHint: Equatable {
        enum Priority: Int, Comparable {
            /// Quitting: always shown.
            case quit
            /// What the focused field or the screen is about (help, change a choice, apply).
            case essential
            /// Moving around.
            case navigation
            /// Everything else, in the order listed.
            case extra
            static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
        }
        var text: String
        var priority: Priority
        init(_ text: String, _ priority: Priority) {
            self.text = text
            self.priority = priority
        }
        /// A binding of the key map, as the footer writes it (`Ctrl-R all 2y`).
        init(_ binding: KeyBinding, _ g: Glyphs, _ priority: Priority) {
            self.init(binding.hint(g), priority)
        }
    }

    /// The key hints that fit, chosen by priority (then by order), shown in their order.
    static func fitted(_ keys: [KeyHint], width: Int) -> [String] {
        var chosen = Set<Int>()
        var used = 0
        let byPriority = keys.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
        for (i, key) in byPriority {
            let w = Frame.width(of: key.text) + (chosen.isEmpty ? 0 : 2)
            if used + w <= width {
                chosen.insert(i)
                used += w
            }
        }
        return keys.enumerated().filter { chosen.contains($0.offset) }.map(\.element.text)
    }

    /// The keys that apply in this phase, each with its priority.
    static func footer(_ state: WizardState, _ g: Glyphs) -> [KeyHint] {
        if state.helpShown { return [KeyHint("any key: close help", .quit)] }
        let keys = state.phase.screen.footer(state, g)
        // F1 works on every screen; a settings screen lists it itself (with its priority).
        guard !state.phase.isEditing, !keys.isEmpty else { return keys }
        return keys + [KeyHint(KeyMap.help, g, .essential)]
    }

    /// The body lines of the phase, and which one has the focus.
    static func body(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        if state.helpShown, !state.phase.isEditing { return (ScreenHelp.lines(state, g, width: width), nil) }
        return state.phase.screen.body(state, g, width: width)
    }


    /// One request's line while it runs (a spinner) or when done (✓/✗ and the message under it).
    static func stepLines(_ status: StepStatus, title: String, spin: String, _ g: Glyphs, width: Int) -> [Line] {
        switch status {
        case .running:
            return [Line("  \(spin) \(title)")]
        case .done(let r):
            var l = Line("  ")
            l.add(r.succeeded ? g.check : g.cross, r.succeeded ? .success : .error)
            l.add(" \(title) ", .bold)
            return [l] + wrap(r.message, width: width - 6).filter { !$0.isEmpty }.map { Line("      " + $0, r.succeeded ? .dim : .error) }
        }
    }

    static func stepsBody(_ state: WizardState, _ g: Glyphs, spin: String, width: Int) -> [Line] {
        var lines: [Line] = []
        // The save question does not change what happened: a failed step is still said, and
        // nothing sent is never "applied".
        let title: String
        if state.phase == .applying {
            title = "Applying…"
        } else if state.steps.isEmpty {
            title = "Nothing was sent: the server already had these settings."
        } else if failedResults(state).isEmpty {
            title = "All changes applied."
        } else {
            title = failedResults(state).contains { $0.saved == .unknown } ? "Some changes were not applied, or it is unknown whether they were."
                : "Some changes were not applied."
        }
        lines.append(Line(title, .bold))
        lines.append(Line("On \(state.config.serverName)" + (state.organization.map { ", organization \($0)" } ?? "") + ".", .dim))
        for step in Step.allCases {
            guard let status = state.steps[step] else { continue }
            lines += stepLines(status, title: step.title + ":", spin: spin, g, width: width)
        }
        lines += lockoutCheckLines(state, indent: "  ", width: width)
        if state.phase == .applying, !state.steps.values.contains(.running), OrganizationSession.awaitsLockoutCheck(state) {
            lines.append(Line("  \(spin) Token check: reading whether the server now rejects this token…"))
        }
        if state.phase == .savePrompt { lines += saveQuestion(state, width: width) }
        return lines
    }

    /// The read after an apply that rejects the token in use, as the Result shows it (without
    /// `LockoutCheck`'s "ok " marker); none before it has run.
    static func lockoutCheckLines(_ state: WizardState, indent: String, width: Int) -> [Line] {
        guard let check = state.lockoutCheck else { return [] }
        return wrap(check.hasPrefix("ok ") ? String(check.dropFirst(3)) : check, width: width - 2).map { Line(indent + $0, .bold) }
    }

    /// The question whether to save the answers, under what was applied.
    static func saveQuestion(_ state: WizardState, width: Int) -> [Line] {
        [Line()] + wrap("Save these answers to \(state.config.answersFileName)? [y/N]", width: width).map { Line($0, .bold) }
            + wrap("(\(state.config.words.answersUse). The password is never written.)", width: width).map { Line($0, .dim) }
    }
}
