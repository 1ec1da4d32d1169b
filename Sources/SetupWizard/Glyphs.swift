/// The characters the frame uses, in a UTF-8 and an ASCII-only set.
struct Glyphs {
    /// `cross` marks a failed step; `errorMark` a field's problem (a short mark where `cross` is a word).
    let dot, arrow, check, cross, errorMark, focus, crumb, bullet, left, right, rule, warn, ellipsis: String
    let spinner: [String]
    /// The arrow keys as the footer names them.
    let up, down, leftRight: String

    static let utf8 = Glyphs(dot: " · ", arrow: " → ", check: "✓", cross: "✗", errorMark: "✗", focus: "›", crumb: " › ", bullet: "•", left: "◂", right: "▸",
                             rule: "─", warn: "!", ellipsis: "…", spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
                             up: "↑", down: "↓", leftRight: "←/→")
    static let ascii = Glyphs(dot: " - ", arrow: " -> ", check: "ok", cross: "FAILED", errorMark: "!", focus: ">", crumb: " > ", bullet: "*", left: "<", right: ">",
                              rule: "-", warn: "!", ellipsis: "~", spinner: ["|", "/", "-", "\\"],
                              up: "Up", down: "Down", leftRight: "Left/Right")

    static func of(_ ascii: Bool) -> Glyphs { ascii ? .ascii : .utf8 }

    /// The spinner's frame for a tick of the clock.
    func spin(_ tick: Int) -> String { spinner[tick % spinner.count] }
}

/// A line of the frame's body: styled segments, and where the cursor sits if it is the focused field.
struct Line {
    var segments: [(String, CellStyle)] = []
    var cursorColumn: Int?
    var isFocus = false

    init(_ text: String = "", _ style: CellStyle = .normal) {
        if !text.isEmpty { segments = [(text, style)] }
    }

    mutating func add(_ text: String, _ style: CellStyle = .normal) { segments.append((text, style)) }

    var width: Int { segments.reduce(0) { $0 + Frame.width(of: $1.0) } }

    /// The line's text without its styles (plain mode prints it).
    var text: String { segments.map(\.0).joined() }
}

/// The text cut to `width` cells, ending in the ellipsis when something was cut (a cut word is
/// never shown as if it were whole).
func ellipsized(_ text: String, width: Int, ellipsis: String) -> String {
    guard Frame.width(of: text) > width else { return text }
    let room = width - Frame.width(of: ellipsis)
    guard room > 0 else { return String(ellipsis.prefix(max(0, width))) }
    var head = ""
    var used = 0
    for ch in text {
        let w = Frame.width(of: String(ch))
        if used + w > room { break }
        head.append(ch)
        used += w
    }
    return head + ellipsis
}

/// Splits text into lines of at most `width` cells, at spaces where it can.
func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if Frame.width(of: candidate) <= width {
                line = candidate
            } else {
                if !line.isEmpty { lines.append(line) }
                var rest = String(word)
                while Frame.width(of: rest) > width {
                    var head = ""
                    for ch in rest where Frame.width(of: head + String(ch)) <= width { head.append(ch) }
                    if head.isEmpty { break }
                    lines.append(head)
                    rest = String(rest.dropFirst(head.count))
                }
                line = rest
            }
        }
        lines.append(line)
    }
    return lines
}
