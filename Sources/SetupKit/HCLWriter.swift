import TFEClient

/// A small writer for the HCL this exporter needs: blocks, aligned attributes, comments.
struct HCLWriter {
    private(set) var text = ""
    private var indent = 0
    /// Attributes waiting to be written with their `=` aligned (as `terraform fmt` does).
    private var pending: [(name: String, value: String, trailing: String?)] = []

    /// A `#` comment, one per line of `text`. Lines are split on `\n` *scalars* (in Swift "\r\n"
    /// is one Character, so splitting Characters on "\n" would miss it) and every other line break
    /// or control left in a line is escaped (`SafeText.line`): Terraform ends a comment at CR, LF
    /// or CRLF, so a raw one would let server text continue as live configuration.
    mutating func comment(_ text: String) {
        flush()
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            for piece in Self.wrapped(SafeText.line(String(Substring(line))), width: 96) { emit("# " + piece) }
        }
    }

    /// A long comment line in pieces of at most `width` characters, broken at spaces (a word
    /// longer than that stays whole), so the file reads without horizontal scrolling.
    static func wrapped(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        var pieces: [String] = [], current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > width {
                pieces.append(current)
                current = String(word)
            } else {
                current = current.isEmpty ? String(word) : current + " " + word
            }
        }
        pieces.append(current)
        return pieces
    }

    mutating func blank() {
        flush()
        text += "\n"
    }

    mutating func block(_ header: String, _ body: (inout HCLWriter) -> Void) {
        flush()
        emit(header + " {")
        indent += 1
        body(&self)
        flush()
        indent -= 1
        emit("}")
    }

    mutating func importBlock(to address: String, id: String) {
        block("import") {
            $0.attribute("to", raw: address)
            $0.attribute("id", id)
        }
    }

    /// A string attribute; `trailing` becomes a `# comment` after the value.
    mutating func attribute(_ name: String, _ value: String, trailing: String? = nil) { pending.append((name, Self.quoted(value), trailing)) }
    mutating func attribute(_ name: String, _ value: Int) { pending.append((name, String(value), nil)) }
    mutating func attribute(_ name: String, _ value: Bool) { pending.append((name, value ? "true" : "false", nil)) }
    /// An attribute whose value is written as given (a reference or an expression).
    mutating func attribute(_ name: String, raw: String) { pending.append((name, raw, nil)) }

    private mutating func flush() {
        let width = pending.map(\.name.count).max() ?? 0
        for (name, value, trailing) in pending {
            emit(name.padded(to: width) + " = " + value + (trailing.map { " # " + SafeText.line($0) } ?? ""))
        }
        pending.removeAll()
    }

    private mutating func emit(_ line: String) {
        text += String(repeating: "  ", count: indent) + line + "\n"
    }

    /// An HCL string literal: quotes, backslashes and control characters escaped, and `${` / `%{`
    /// doubled so that no value is read as a template.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Controls, C1, bidi and format characters as \uXXXX: inert in the file and on a terminal.
                if SafeText.isUnsafe(scalar) {
                    out += SafeText.utf16Escapes(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out.replacing("${", with: "$${").replacing("%{", with: "%%{")
    }
}
