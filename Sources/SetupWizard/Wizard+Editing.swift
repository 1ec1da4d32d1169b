import SetupKit
import TFEClient

extension Wizard {
    enum FocusTarget { case first, last, field(FieldID) }

    /// Shows a screen with a field focused, the cursor at the end of its value.
    static func go(_ state: inout WizardState, to section: Section, focus target: FocusTarget) {
        state.phase = .editing(section)
        let fields = state.visibleFields(section)
        switch target {
        case .first: setFocus(&state, fields.first)
        case .last: setFocus(&state, fields.last)
        case .field(let f): setFocus(&state, fields.contains(f) ? f : fields.first)
        }
    }

    static func setFocus(_ state: inout WizardState, _ field: FieldID?) {
        state.focus = field
        state.cursor = field.map { state.form.text($0).count } ?? 0
    }

    static func editingKey(_ state: inout WizardState, _ key: Key, _ section: Section) -> [WizardCommand] {
        guard let field = state.focus else { return [] }
        let fields = state.visibleFields(section)
        let index = fields.firstIndex(of: field) ?? 0
        let before = state.form
        state.notice = nil

        switch key {
        case .tab:
            moveFocus(&state, to: fields[(index + 1) % fields.count], leaving: field)
        case .down:
            if index + 1 < fields.count { moveFocus(&state, to: fields[index + 1], leaving: field) }
        case .backTab:
            moveFocus(&state, to: fields[(index + fields.count - 1) % fields.count], leaving: field)
        case .up:
            if index > 0 { moveFocus(&state, to: fields[index - 1], leaving: field) }
        case .enter:
            if index + 1 < fields.count {
                moveFocus(&state, to: fields[index + 1], leaving: field)
            } else {
                advance(&state, from: section)
            }
        case .escape:
            validateField(&state, field)
            if let i = state.screens.firstIndex(of: section), i > 0 { go(&state, to: state.screens[i - 1], focus: .last) }
        case .f1:
            state.helpShown = true
        case .char("?") where !field.takesText:
            state.helpShown = true
        case .ctrlR where section == .tokenTTL:
            if let reason = state.readOnlyReason(.ttl(.organization)) {
                state.problem(reason)
            } else {
                for t in TokenType.known { state.form.setText(.ttl(t), "2y") }
                for t in TokenType.known { state.errors[.ttl(t)] = nil }
                if case .ttl = field { state.cursor = state.form.text(field).count }
                state.notice = "All four set to the 2-year default (2y)."
            }
        default:
            if let reason = state.readOnlyReason(field) {
                if isEditKey(key) { state.problem(reason) }
            } else {
                edit(&state, field, key)
            }
        }
        if state.form != before {
            // The message was about the old value; it comes back when focus leaves, if still due.
            state.errors[field] = nil
        }
        if state.form != before, let org = state.organization {
            // Fields shown or hidden by this edit (auth, mode, enabled) keep focus sensible.
            if !state.visibleFields(section).contains(field) { setFocus(&state, state.visibleFields(section).last) }
            return [.saveDraft(Draft(address: state.config.address, organization: org, form: state.form))]
        }
        return []
    }

    static func isEditKey(_ key: Key) -> Bool {
        switch key {
        case .char, .paste, .backspace, .delete, .ctrlU, .left, .right: return true
        default: return false
        }
    }

    static func moveFocus(_ state: inout WizardState, to next: FieldID, leaving field: FieldID) {
        validateField(&state, field)
        setFocus(&state, next)
    }

    /// Leaves a screen forward: every visible field must be valid.
    static func advance(_ state: inout WizardState, from section: Section) {
        let invalid = validateScreen(&state, section)
        if let first = invalid.first {
            setFocus(&state, first)
            state.problem("Fix the marked field\(invalid.count == 1 ? "" : "s") to continue.")
            return
        }
        if let i = state.screens.firstIndex(of: section), i + 1 < state.screens.count {
            go(&state, to: state.screens[i + 1], focus: .first)
        } else {
            enterReview(&state)
        }
    }

    /// Toggles, choices and text editing.
    static func edit(_ state: inout WizardState, _ field: FieldID, _ key: Key) {
        switch field.kind {
        case .toggle:
            guard key == .left || key == .right || key == .char(" ") else { return }
            if let flag = FieldSpec.of(field).flag { state.form[keyPath: flag].toggle() }
        case .choice:
            let step = key == .left ? -1 : (key == .right || key == .char(" ") ? 1 : 0)
            guard step != 0 else { return }
            let spec = FieldSpec.of(field)
            let options = spec.options?(state) ?? []
            if let current = spec.choice(state.form), !options.isEmpty {
                spec.setChoice(cycle(options, current, step), in: &state)
            }
            if field == .mode, state.modeOptions.count < ExecutionMode.allCases.count, let reason = state.current?.agentsUnavailable {
                state.problem("Agent mode is not offered: " + reason)
            }
        case .poolChoice:
            let step = key == .left ? -1 : (key == .right || key == .char(" ") ? 1 : 0)
            guard step != 0 else { return }
            state.form.pool = cycle(state.poolOptions, state.form.pool, step)
            state.errors[.pool] = nil
        case .text, .password, .duration:
            editText(&state, field, key)
        }
    }

    static func cycle<T: Equatable>(_ all: [T], _ value: T, _ step: Int) -> T {
        let i = all.firstIndex(of: value) ?? (step > 0 ? -1 : all.count)
        return all[((i + step) % all.count + all.count) % all.count]
    }

    /// A text field: insert at the cursor, move, delete, clear, paste.
    static func editText(_ state: inout WizardState, _ field: FieldID, _ key: Key) {
        var chars = Array(state.form.text(field))
        var cursor = min(state.cursor, chars.count)
        switch key {
        case .char(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        case .paste(let text):
            // Line breaks in a paste would be Enter presses; in a one-line field they are dropped,
            // with every other control or format character. Filtered by scalar: in Swift "\r\n" is
            // one Character, equal to neither "\r" nor "\n", and it once slipped into a password.
            let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { !SafeText.isUnsafe($0) }))
            chars.insert(contentsOf: clean, at: cursor)
            cursor += clean.count
        case .backspace:
            guard cursor > 0 else { return }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < chars.count else { return }
            chars.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = chars.count
        case .ctrlU:
            chars = []
            cursor = 0
        default: return
        }
        let text = String(chars)
        if text != state.form.text(field) { state.form.setText(field, text) }
        state.cursor = cursor
    }
}
