import FoundationEssentials
import TFEClient

/// JSON with keys in a chosen order, pretty-printed: files people read and keep in version control.
package indirect enum OrderedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    package static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.text() == b.text() }

    /// Two-space indented text with a trailing newline at the top level.
    package func text(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .string(let s): return JSONValue.string(s).jsonText
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n" + pairs.map { "\(pad)\(JSONValue.string($0.0).jsonText): \($0.1.text(indent: indent + 1))" }.joined(separator: ",\n") + "\n\(end)}"
        }
    }
}
