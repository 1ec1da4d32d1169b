import SetupKit
import TFEClient

/// Text, a password (hidden) or a duration (its meaning beside it): edited at a cursor through
/// the form engine's `FieldFocus`, drawn and asked by `TextFieldView`.
enum TextKind: FieldKind {
    static func display(_ spec: FieldSpec, _ state: WizardState) -> String { state.form.text(spec.id) }

    static func edit(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key) {
        if let text = state.editing.edit(state.form.text(spec.id), key), text != state.form.text(spec.id) { state.form.setText(spec.id, text) }
    }

    static func draw(_ state: WizardState, _ spec: FieldSpec, focused: Bool, style: CellStyle, _ g: Glyphs, width: Int, into line: inout Line) {
        // A duration keeps room for what it means (`now 2y · new 90d = …`).
        let room = max(8, width - line.width - 1 - (spec.kind == .duration ? 30 : 0))
        TextFieldView.value(state.form.text(spec.id), secret: spec.kind == .password, placeholder: spec.placeholder(state),
                            focus: focused ? (state.editing.cursor, state.editing.selected) : nil, style: style, room: room, g, into: &line)
        if case .ttl(let type) = spec.id { Wizard.durationInfo(state, type, into: &line, width: width) }
    }

    static func prompt(_ state: WizardState, _ spec: FieldSpec) -> PlainWizard.Prompt {
        if spec.kind == .password {
            return TextFieldView.prompt(spec.label, current: "", secret: true, hiddenNote: String(spec.placeholder(state).dropFirst().dropLast()))
        }
        return TextFieldView.prompt(spec.label, current: spec.display(state), secret: false)
    }

    static func take(_ answer: String, _ spec: FieldSpec, _ state: inout WizardState) -> String? {
        state.form.setText(spec.id, answer)
        return nil
    }
}
