import SetupKit
import TFEClient

extension Wizard {
    /// A screen of fields: notes, one line per field, a message line under a field with a problem.
    static func editingBody(_ state: WizardState, _ section: Section, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        guard state.session.title(state, g) != nil else { return ([], nil) }
        let current = state.current
        // What the screen is for comes first: a new admin should not have to guess.
        var lines = wrap(section.purpose, width: width - 2).map { Line($0, .dim) } + state.session.screenIntro(state, section, width: width)
        var focusIndex: Int?
        if state.screens.first == section, state.config.sections.contains(.smtp), let reason = current?.smtpUnavailableReason {
            lines += wrap("SMTP relay not shown: \(reason)", width: width - 2).map { Line($0, .dim) }
        }
        if section != .smtp, let reason = state.readOnlyReason(.mode) {
            lines += wrap(reason, width: width - 2).map { Line($0, .bold) }
        }
        if section == .tokenTTL, let reason = current?.tokenTTLUnavailable, current?.tokenTTLPolicies == nil {
            lines += wrap(reason, width: width - 2).map { Line($0, .bold) }
        }
        if !lines.isEmpty { lines.append(Line()) }

        for field in state.visibleFields(section) {
            let focused = state.focus == field
            let readOnly = state.readOnlyReason(field) != nil
            var line = TextFieldView.labelLine(field.label, focused: focused, readOnly: readOnly, g)
            value(state, field, focused: focused, readOnly: readOnly, g, width: width, into: &line)
            line.isFocus = focused
            if focused { focusIndex = lines.count }
            lines.append(line)
            if let list = state.list, list.field == field {
                lines += listLines(state, list, g, width: width)
                focusIndex = lines.count - 2   // scrolled so the whole open list is in view
                continue
            }
            let indent = String(repeating: " ", count: 4)
            if let error = state.errors[field] {
                lines += TextFieldView.problem(error, reported: true, g, width: width)
            } else if let note = FieldSpec.of(field).note?(state) {
                let text = note.emphasis == .warning ? "\(g.warn) \(note.text)" : note.text
                lines += wrap(text, width: width - 5).map { Line(indent + $0, note.emphasis == .dim ? .dim : .bold) }
            }
        }
        if section == .smtp, !state.form.smtpEnabled {
            lines += relayFieldsWhileOff(state, g, width: width)
        }
        if section == .tokenTTL {
            for p in current?.tokenTTLPolicies ?? [] where !p.tokenType.isKnown {
                lines.append(Line("  \(p.tokenType.label): \(TTLDuration.display(milliseconds: p.maxTTLMilliseconds)) (read-only: not managed here)", .dim))
            }
            if let note = tokenNote(state) {
                lines.append(Line())
                lines += wrap((note.locksOut ? g.warn + " " : "") + note.text, width: width - 4).map { Line("  " + $0, note.locksOut ? .error : .bold) }
            }
        }
        return (lines, focusIndex)
    }

    /// The relay's fields while it is off: shown dimmed (not focused, not sent), so the admin sees
    /// what turning it on asks for.
    static func relayFieldsWhileOff(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        var on = state
        on.form.smtpEnabled = true
        let shown = Set(state.visibleFields(.smtp))
        return on.visibleFields(.smtp).filter { !shown.contains($0) }.map { field in
            var line = TextFieldView.labelLine(field.label, focused: false, readOnly: true, g)
            value(on, field, focused: false, readOnly: true, g, width: width, into: &line)
            return line
        }
    }

    /// What the Token TTLs note and the Review say while the tokens are still being read.
    static let readingTokens = "Reading the existing tokens, to tell whom these caps reject (the token this tool runs with among them)…"

    /// The Token TTLs screen's note as the values are typed: how many known tokens the caps as
    /// typed reject, the token in use first. Nil when no cap gets tighter in force (or the tokens
    /// were not read). The same report as the Review's (the planner's), only shorter.
    static func tokenNote(_ state: WizardState) -> (text: String, locksOut: Bool)? {
        if let note = enforcementOffNote(state) { return (note, false) }
        if state.awaitsTokens { return (readingTokens, false) }
        guard let current = state.current, current.tokenInventory != nil,
              let report = Planner.plan(state.desiredSettings(sections: [.tokenTTL]), current: current).tokenReport else { return nil }
        let inUseCounted: Int
        if case .rejected = report.inUse { inUseCounted = 1 } else { inUseCounted = 0 }
        let others = report.rejectedCount - inUseCounted
        let more = others == 0 ? "" : " and \(others) other known token\(others == 1 ? "" : "s")"
        switch report.inUse {
        case .rejected(let record, _):
            return (TokenReport.lockoutSentence() + " (\(record.label))\(more): the Review names them and asks first.", true)
        case .kept:
            return (others == 0 ? "No known token is rejected by these caps; the token this tool runs with stays."
                    : "These caps reject \(others) known token\(others == 1 ? "" : "s") at once (the Review names them); the token this tool runs with stays.", false)
        case .unknown(let reason):
            return ("These caps reject \(others) known token\(others == 1 ? "" : "s") at once; whether the token this tool runs with is one cannot be told ("
                    + TFEError.clause(reason) + "), so it counts as rejected: the Review asks before applying.", true)
        }
    }

    /// One organization's caps lowered with enforcement left (or turned) off: they reject nothing
    /// yet, so one note says what turning it on would do, instead of the same sentence under each
    /// lowered field (at 60x16 the repeats pushed the fields off the screen).
    static func enforcementOffNote(_ state: WizardState) -> String? {
        guard state.several == nil, !state.form.ttlEnabled, let current = state.current, current.organization.maxTTLSupported,
              TokenType.known.contains(where: { type in
                  guard let new = state.form.newTTL(type), let old = current.ttl(type) else { return false }
                  return TTLDuration.lowers(from: old, to: new)
              }) else { return nil }
        return "Enforcement is off: these caps reject no token. Turned on, they reject at once every token over its cap "
            + "(HashiCorp's docs), possibly the one in use."
    }

    /// The value part of a field's line (its kind draws it); sets the cursor column on a focused text field.
    static func value(_ state: WizardState, _ field: FieldID, focused: Bool, readOnly: Bool, _ g: Glyphs, width: Int, into line: inout Line) {
        let spec = FieldSpec.of(field)
        spec.kind.behaviour.draw(state, spec, focused: focused, style: readOnly ? .dim : (focused ? .reverse : .normal), g, width: width, into: &line)
    }

    /// The part of a value that fits `room` cells with the cursor in it: where it starts, whether
    /// each side is cut (each cut side costs one cell for its marker), and the cursor's offset.
    static func scrollWindow(_ chars: [Character], cursor: Int, room: Int, ellipsis: String)
        -> (text: String, cutLeft: Bool, cutRight: Bool, cursorOffset: Int) {
        let marker = Frame.width(of: ellipsis)
        func width(_ slice: ArraySlice<Character>) -> Int { slice.reduce(0) { $0 + Frame.width(of: String($1)) } }
        // One cell stays free for the cursor at the end, or for the right marker.
        var first = 0
        while first < cursor, (first > 0 ? marker : 0) + width(chars[first..<cursor]) + 1 > room { first += 1 }
        let left = first > 0 ? marker : 0
        var end = first
        var used = left
        while end < chars.count, used + Frame.width(of: String(chars[end])) <= room - 1 { used += Frame.width(of: String(chars[end])); end += 1 }
        // The last character may take the free cell when nothing follows it.
        if end == chars.count - 1, used + Frame.width(of: String(chars[end])) <= room, cursor < chars.count { end += 1 }
        return (String(chars[first..<end]), first > 0, end < chars.count, left + width(chars[first..<cursor]))
    }

    /// `now 2y (default) · new 90d`; narrower screens drop "new".
    static func durationInfo(_ state: WizardState, _ type: TokenType, into line: inout Line, width: Int) {
        let g = Glyphs.of(state.config.ascii)
        // Several organizations have as many current values: only the new one is shown.
        let keeps = state.session.keeps(.tokenTTL)
        let now = keeps ? "" : "  now " + (state.current?.ttl(type).map(TTLDuration.display(milliseconds:)) ?? "?")
        let lead = keeps ? "  " : now + g.dot
        var forms = [now]
        if let ms = state.form.newTTL(type) {
            if !keeps, ms == state.current?.ttl(type) {
                forms = [lead + "unchanged", now]
            } else if TTLDuration.isDefault(ms) {
                // The two 2-year values differ by 0.485 days: say which one is meant.
                forms = [lead + "new " + TTLDuration.days(milliseconds: ms), now]
            } else {
                forms = [lead + "new \(TTLDuration.format(milliseconds: ms))", now]
            }
        }
        let room = width - line.width - 1
        line.add(forms.first { Frame.width(of: $0) <= room } ?? ellipsized(forms.last!, width: max(0, room), ellipsis: g.ellipsis), .dim)
    }

    /// The warning for a TTL under one hour (first), or the note for a TTL lowered below the
    /// server's value (none between the two spellings of the 2-year default).
    static func lowering(_ state: WizardState, _ type: TokenType) -> String? {
        guard let new = state.form.newTTL(type) else { return nil }
        // The tokens were read: the screen's note says which ones the caps reject, and the line
        // itself shows now → new, so the field says nothing more (at 60x16 three repeats of it
        // pushed the note off the screen).
        if TTLDuration.shortTTLWarning(milliseconds: new) == nil, let old = state.current?.ttl(type), TTLDuration.lowers(from: old, to: new),
           tokenNote(state) != nil {
            return nil
        }
        return TTLDuration.changeNote(from: state.current?.ttl(type), to: new)
    }
}
