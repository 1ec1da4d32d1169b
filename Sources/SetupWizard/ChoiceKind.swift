import SetupKit
import TFEClient

/// A choice among raw values (the mode, the auth): ←/→ cycle, Space or a letter opens its list.
enum ChoiceKind: FieldKind {
    static func display(_ spec: FieldSpec, _ state: WizardState) -> String { spec.choice(state.form) ?? "" }

    static func edit(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key) {
        guard let step = OptionAnswer.step(&state, spec, key), step != 0 else { return }
        let options = spec.choices(state)
        if let current = spec.choice(state.form), !options.isEmpty {
            spec.setChoice(Wizard.cycle(options, current, step), in: &state)
        }
        if spec.id == .mode, state.modeOptions.count < ExecutionMode.allCases.count, let reason = state.current?.agentsUnavailable {
            state.problem("Agent mode is not offered: " + reason)
        }
    }

    static func draw(_ state: WizardState, _ spec: FieldSpec, focused: Bool, style: CellStyle, _ g: Glyphs, width: Int, into line: inout Line) {
        line.add("\(g.left) \(spec.choice(state.form) ?? "") \(g.right)", style)
        line.add("  " + spec.choices(state).joined(separator: " / "), .dim)
    }

    static func prompt(_ state: WizardState, _ spec: FieldSpec) -> PlainWizard.Prompt {
        .ask("\(spec.label) (\(PlainWizard.numbered(spec.choices(state)))) [\(spec.display(state))]: ", secret: false)
    }

    static func take(_ answer: String, _ spec: FieldSpec, _ state: inout WizardState) -> String? {
        let options = self.options(state, spec)
        return OptionAnswer.take(answer, names: options.map(\.label), options: options, &state)
    }

    static func options(_ state: WizardState, _ spec: FieldSpec) -> [(label: String, pick: @Sendable (inout WizardState) -> Void)] {
        spec.choices(state).map { value in (value, { spec.setChoice(value, in: &$0) }) }
    }
}
