import TFEClient

/// How the form engine draws and asks a field, for every screen: the label column, a text
/// value's window around the cursor (bullets for a secret, the selection shown), the problem
/// under a field, and plain mode's prompt. The settings screens and the first install's screens
/// draw their fields with these, so a field looks and edits the same wherever it is.
enum TextFieldView {
    /// The label column's width, the focus mark included.
    static let labelWidth = 22

    /// `▸ Label:              ` — the line a field's value is added to.
    static func labelLine(_ label: String, focused: Bool, readOnly: Bool = false, _ g: Glyphs) -> Line {
        var line = Line(focused ? "\(g.focus) " : "  ", .bold)
        let text = label + ":"
        line.add(text + String(repeating: " ", count: max(0, labelWidth - 2 - text.count)), focused ? .bold : (readOnly ? .dim : .normal))
        line.add(" ")
        return line
    }

    /// A text value on its line: the placeholder when empty and not focused; otherwise the part
    /// that fits `room` cells around the cursor, `…` on each side cut, the selection drawn as one.
    /// The cell after the value is kept, focused or not, so what follows does not move.
    static func value(_ raw: String, secret: Bool, placeholder: String, focus: (cursor: Int, selected: Bool)?, style: CellStyle,
                      room: Int, _ g: Glyphs, into line: inout Line) {
        let shown = secret ? String(repeating: g.bullet, count: raw.count) : raw
        guard !shown.isEmpty || focus != nil else {
            line.add(placeholder, .dim)
            return
        }
        let chars = Array(shown)
        let window = Wizard.scrollWindow(chars, cursor: focus.map { min($0.cursor, chars.count) } ?? 0, room: room, ellipsis: g.ellipsis)
        let start = line.width
        if window.cutLeft { line.add(g.ellipsis, .dim) }
        line.add(window.text, focus?.selected == true ? .selection : style)
        if window.cutRight { line.add(g.ellipsis, .dim) }
        if focus != nil { line.cursorColumn = start + window.cursorOffset }
        if !window.cutRight { line.add(" ", focus != nil ? style : .normal) }
    }

    /// The lines under a field with a problem: an error once it is reported, dim while typing.
    static func problem(_ text: String, reported: Bool, _ g: Glyphs, width: Int) -> [Line] {
        wrap("\(g.errorMark) \(text)", width: width - 5).map { Line("    " + $0, reported ? .error : .dim) }
    }

    /// Plain mode's question for a text field: `Label [current]: ` (an empty line keeps what is
    /// in the brackets, even when that is nothing), or `Label (hidden…): ` for a secret.
    static func prompt(_ label: String, current: String, secret: Bool, hiddenNote: String? = nil, extra: String = "") -> PlainWizard.Prompt {
        if secret { return .ask("\(label) (hidden\(hiddenNote.map { "; " + $0 } ?? "")\(extra)): ", secret: true) }
        return .ask("\(label) [\(SafeText.line(current))]\(extra): ", secret: false)
    }
}
