import SetupKit
import TFEClient

/// A kind of field as one type (huh's `Field`): how its value reads on one line, how a key
/// changes it, how it is drawn on its screen, how plain mode asks for it and takes the typed
/// answer, and the options its list offers. Every field of every settings screen is a
/// `FieldSpec` of one kind; the rest of the wizard asks the kind (`FieldID.Kind.behaviour`, the
/// one switch over kinds) and never switches over kinds or fields itself.
protocol FieldKind {
    /// The value as one line (`y`/`n`, a choice, the pool's label, the text).
    static func display(_ spec: FieldSpec, _ state: WizardState) -> String
    /// One key on the focused field (not a read-only one).
    static func edit(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key)
    /// The value's part of the field's line; a text field also sets the cursor.
    static func draw(_ state: WizardState, _ spec: FieldSpec, focused: Bool, style: CellStyle, _ g: Glyphs, width: Int, into line: inout Line)
    /// Plain mode's question for the field.
    static func prompt(_ state: WizardState, _ spec: FieldSpec) -> PlainWizard.Prompt
    /// Puts plain mode's typed answer into the form; what is wrong with the answer itself, if
    /// anything (the field's rules run after).
    static func take(_ answer: String, _ spec: FieldSpec, _ state: inout WizardState) -> String?
    /// The options its list offers (labels) and what picking one sets; none for a field without a list.
    static func options(_ state: WizardState, _ spec: FieldSpec) -> [(label: String, pick: @Sendable (inout WizardState) -> Void)]
}

extension FieldKind {
    static func options(_ state: WizardState, _ spec: FieldSpec) -> [(label: String, pick: @Sendable (inout WizardState) -> Void)] { [] }
}

extension FieldID.Kind {
    /// The type that owns this kind's behaviour.
    var behaviour: any FieldKind.Type {
        switch self {
        case .toggle: return ToggleKind.self
        case .choice: return ChoiceKind.self
        case .poolChoice: return PoolChoiceKind.self
        case .text, .password, .duration: return TextKind.self
        }
    }
}

/// Picks an option of a list by what plain mode typed: a number, a name, or the start of one
/// that only one option has (`pri` → primary). Shared by the two kinds with lists.
enum OptionAnswer {
    static func take(_ answer: String, names: [String], extraMatch: Int? = nil,
                     options: [(label: String, pick: @Sendable (inout WizardState) -> Void)], _ state: inout WizardState) -> String? {
        let a = answer.lowercased()
        let index = Int(answer).map { $0 - 1 }
            ?? names.firstIndex { $0.lowercased() == a }
            ?? extraMatch
            ?? { let starts = names.indices.filter { names[$0].lowercased().hasPrefix(a) }; return starts.count == 1 ? starts[0] : nil }()
        guard let index, options.indices.contains(index) else {
            return "Choose a number from 1 to \(names.count) or a name: \(names.joined(separator: ", "))."
        }
        options[index].pick(&state)
        return nil
    }

    /// A key on a field with a list: Space opens the list, a letter picks the next option that
    /// starts with it (as whiptail does), and nil is returned; ←/→ are −1/+1; any other key is 0.
    static func step(_ state: inout WizardState, _ spec: FieldSpec, _ key: Key) -> Int? {
        if case .char(let c) = key {
            if KeyMap.choiceList.matches(key) { Wizard.openList(&state, spec.id) } else { Wizard.jumpChoice(&state, spec.id, letter: c) }
            return nil
        }
        return key == .left ? -1 : (key == .right ? 1 : 0)
    }
}
