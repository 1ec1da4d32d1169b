import SetupKit
import TFEClient

/// A toggle: on/off, and for a baseline of several organizations keep → on → off → keep.
enum ToggleKind: FieldKind {
    static func isOn(_ spec: FieldSpec, _ form: WizardForm) -> Bool { spec.flag.map { form[keyPath: $0] } ?? false }

    static func display(_ spec: FieldSpec, _ state: WizardState) -> String { isOn(spec, state.form) ? "y" : "n" }

    static func edit(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key) {
        guard KeyMap.toggle.matches(key), let flag = spec.flag else { return }
        guard FieldSpec.keeps(spec.section, state) else {
            state.form[keyPath: flag].toggle()
            return
        }
        if state.form.kept.remove(spec.id) != nil {
            state.form[keyPath: flag] = true
        } else if state.form[keyPath: flag] {
            state.form[keyPath: flag] = false
        } else {
            state.form.kept.insert(spec.id)
        }
    }

    static func draw(_ state: WizardState, _ spec: FieldSpec, focused: Bool, style: CellStyle, _ g: Glyphs, width: Int, into line: inout Line) {
        if let unavailable = spec.unavailableText?(state) {
            line.add(unavailable, .dim)
        } else if state.form.kept.contains(spec.id) {
            line.add("[-] keep", style)
            line.add("  keep / on / off", .dim)
        } else {
            line.add(isOn(spec, state.form) ? "[x] on" : "[ ] off", style)
        }
    }

    static func prompt(_ state: WizardState, _ spec: FieldSpec) -> PlainWizard.Prompt {
        .ask("\(spec.label) (y/n) [\(spec.display(state))]: ", secret: false)
    }

    static func take(_ answer: String, _ spec: FieldSpec, _ state: inout WizardState) -> String? {
        let a = answer.lowercased()
        guard ["y", "yes", "n", "no"].contains(a) else { return "Answer y or n." }
        if let flag = spec.flag { state.form[keyPath: flag] = a.hasPrefix("y") }
        return nil
    }
}
