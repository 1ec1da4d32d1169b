/// The one output sanitizer: what server or file text may look like when it reaches a terminal,
/// stdout or stderr.
///
/// Every string from a server or a file is hostile until it passes here. A terminal obeys the
/// control characters in what it prints: ESC starts sequences that recolor, clear the screen,
/// set the window title or write the clipboard (OSC 52); C1 controls (U+0080–U+009F, e.g. U+009B,
/// a one-character CSI) do the same on many terminals; CR and line breaks let a value forge a line
/// of our own output ("All settings applied successfully."); bidi and other format characters
/// (U+202E, U+2066…) reorder what a reader sees. Those characters are shown as visible escapes
/// (`\x1b`, `\u{202e}`), so nothing is lost and nothing acts.
///
/// ```swift
/// SafeText.line("gpu\u{1B}]52;c;aGk=\u{07}")   // "gpu\\x1b]52;c;aGk=\\x07"
/// SafeText.block("ok\nline two\u{1B}[2J")        // "ok\nline two\\x1b[2J" (our own line breaks stay)
/// ```
public enum SafeText {
    /// Whether a scalar must never reach a terminal as it is: C0 and C1 controls, DEL, the line
    /// and paragraph separators, and format characters (bidi embeddings, overrides and isolates,
    /// zero-width characters, the BOM, soft hyphen …).
    @inline(__always)
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return false }           // printable ASCII: nearly everything
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) { return true }
        if v == 0x2028 || v == 0x2029 { return true }
        return scalar.properties.generalCategory == .format
    }

    /// Whether `text` has nothing that `line` would escape.
    public static func isClean(_ text: String) -> Bool { !text.unicodeScalars.contains(where: isUnsafe) }

    /// A visible, inert spelling of an unsafe scalar: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16)
            return scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
        }
    }

    /// One line: every unsafe scalar escaped, line breaks too. For a value from a server or a file
    /// put inside a message of ours (a pool name, an error's detail, a host).
    public static func line(_ text: String) -> String { sanitize(text, keepingLineBreaks: false) }

    /// Text of several lines that we composed: `\n` stays, every other unsafe scalar is escaped.
    /// The last gate before stdout and stderr.
    public static func block(_ text: String) -> String { sanitize(text, keepingLineBreaks: true) }

    static func sanitize(_ text: String, keepingLineBreaks: Bool) -> String {
        replacing(text, where: { isUnsafe($0) && !(keepingLineBreaks && $0 == "\n") }, with: escape)
    }

    /// `text` with every scalar that matches written as `replacement` gives it; the text itself
    /// when none matches (nearly always).
    static func replacing(_ text: String, where matches: (Unicode.Scalar) -> Bool, with replacement: (Unicode.Scalar) -> String) -> String {
        guard text.unicodeScalars.contains(where: matches) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if matches(scalar) { out.append(contentsOf: replacement(scalar).unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// JSON text with every unsafe scalar that JSON encoders leave raw (C1, DEL, bidi and format
    /// characters, U+2028/2029) written as `\uXXXX`. Only valid on JSON text: outside strings JSON
    /// has nothing but ASCII punctuation, digits, letters and whitespace, which are never touched.
    public static func jsonEscapingUnsafe(_ json: String) -> String {
        replacing(json, where: { $0.value >= 0x7F && isUnsafe($0) }, with: utf16Escapes)
    }

    /// `\uXXXX` (a surrogate pair above U+FFFF), as JSON and HCL both read it.
    public static func utf16Escapes(_ scalar: Unicode.Scalar) -> String {
        String(scalar).utf16.map { unit in
            let hex = String(unit, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }
}
