import SetupKit
import TFEClient

/// The agent pool of one organization: its pools by name, `(choose a pool)` and `Other…` (a typed id).
enum PoolChoiceKind: FieldKind {
    static func display(_ spec: FieldSpec, _ state: WizardState) -> String { state.poolLabel(state.form.pool) }

    static func edit(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key) {
        guard let step = OptionAnswer.step(&state, spec, key), step != 0 else { return }
        state.form.pool = Wizard.cycle(state.poolOptions, state.form.pool, step)
        state.errors[spec.id] = nil
    }

    static func draw(_ state: WizardState, _ spec: FieldSpec, focused: Bool, style: CellStyle, _ g: Glyphs, width: Int, into line: inout Line) {
        line.add("\(g.left) \(state.poolLabel(state.form.pool)) \(g.right)", style)
    }

    static func prompt(_ state: WizardState, _ spec: FieldSpec) -> PlainWizard.Prompt {
        .ask("\(spec.label) (\(PlainWizard.numbered(state.poolOptions.map(state.poolLabel)))) [\(spec.display(state))]: ", secret: false)
    }

    /// A number, a pool's name or id, `other`, or `none`.
    static func take(_ answer: String, _ spec: FieldSpec, _ state: inout WizardState) -> String? {
        let byID = state.poolOptions.firstIndex { $0 == .pool(answer) }
        return OptionAnswer.take(answer, names: state.poolOptions.map(FieldSpec.poolName(state)), extraMatch: byID, options: options(state, spec), &state)
    }

    static func options(_ state: WizardState, _ spec: FieldSpec) -> [(label: String, pick: @Sendable (inout WizardState) -> Void)] {
        state.poolOptions.map { option in (state.poolLabel(option), { $0.form.pool = option }) }
    }
}
