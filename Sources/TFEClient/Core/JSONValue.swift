import FoundationEssentials

/// Any JSON value, decoded strictly (a `true` is never a number, `1.5` never an integer), for the
/// places that must check types and name paths: the sandbox's strict request checks, request
/// logs, and later the answers file.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .integer(i); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        if let o = try? c.decode([String: JSONValue].self) { self = .object(o); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON text; nil when it is not JSON.
    public static func parse(_ data: Data) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: data) }

    /// Compact JSON text, keys sorted, slashes not escaped.
    public var jsonText: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The encoder escapes C0 controls but leaves C1, bidi and format characters raw: escape
        // those too, so no JSON we print or write can act on a terminal that shows it.
        return (try? e.encode(self)).map { SafeText.jsonEscapingUnsafe(String(decoding: $0, as: UTF8.self)) } ?? "null"
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var integerValue: Int64? { if case .integer(let i) = self { return i } else { return nil } }

    /// The same value with secret keys' values replaced at any depth (see `Redactor`).
    public var redacted: JSONValue { redacted(personal: false) }

    /// - Parameter personal: also hide personal data (`Redactor.personalKeys`), as the log does.
    public func redacted(personal: Bool) -> JSONValue {
        switch self {
        case .object(let o):
            return .object(Dictionary(uniqueKeysWithValues: o.map { k, v in
                let hidden = Redactor.isSecretKey(k) || (personal && Redactor.personalKeys.contains(k.lowercased()))
                return (k, hidden ? .string(Redactor.placeholder) : v.redacted(personal: personal))
            }))
        case .array(let a): return .array(a.map { $0.redacted(personal: personal) })
        default: return self
        }
    }
}
