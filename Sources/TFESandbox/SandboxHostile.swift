import FoundationEssentials
import TFEClient

/// The sandbox as a hostile server (`POST /_sandbox/hostile`): every string a real server could
/// send back is made hostile, so tests can show that nothing the tool prints, draws or writes
/// obeys it. Clears with `DELETE /_sandbox/hostile` or `POST /_sandbox/reset`.
///
/// ```json
/// {"text": "\r\ndata \"external\" \"x\" {…}\r\n#\u001b]0;PWNED\u0007",
///  "keep": ["auth", "default-execution-mode"], "max_ttl_ms": 0, "extra_token_type": "x\r\ny",
///  "duplicate_lists": false}
/// ```
public struct SandboxHostile: Codable, Sendable, Equatable {
    /// Appended to every string attribute of API answers (and to every error's title and detail).
    public var text: String
    /// Attribute names left alone, by name (`auth`) or by resource type and name
    /// (`organizations.name`, leaving pool names hostile). An unknown `auth` makes the SMTP screen
    /// unreadable, which a test of the other fields may not want.
    public var keep: [String]
    /// Replaces every policy's `max-ttl-ms` (0, negative, Int64.max: numbers no TTL can be).
    public var maxTTLMs: Int64?
    /// A token type the tool does not know, added to the policy list (its name is server text).
    public var extraTokenType: String?
    /// Lists every item of a `data` list twice (two policies of one token type, two pools).
    public var duplicateLists: Bool

    enum CodingKeys: String, CodingKey {
        case text, keep, maxTTLMs = "max_ttl_ms", extraTokenType = "extra_token_type", duplicateLists = "duplicate_lists"
    }

    public init(text: String, keep: [String] = [], maxTTLMs: Int64? = nil, extraTokenType: String? = nil, duplicateLists: Bool = false) {
        self.text = text
        self.keep = keep
        self.maxTTLMs = maxTTLMs
        self.extraTokenType = extraTokenType
        self.duplicateLists = duplicateLists
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        keep = try c.decodeIfPresent([String].self, forKey: .keep) ?? []
        maxTTLMs = try c.decodeIfPresent(Int64.self, forKey: .maxTTLMs)
        extraTokenType = try c.decodeIfPresent(String.self, forKey: .extraTokenType)
        duplicateLists = try c.decodeIfPresent(Bool.self, forKey: .duplicateLists) ?? false
    }

    /// An API answer's body made hostile (bodies that are not JSON pass unchanged).
    func transform(_ body: Data, path: String) -> Data {
        guard !body.isEmpty, var root = JSONValue.parse(body) else { return body }
        if case .object(var o) = root {
            if let data = o["data"] { o["data"] = transformData(data, path: path) }
            if let errors = o["errors"]?.arrayValue {
                o["errors"] = .array(errors.map { error in
                    guard case .object(var e) = error else { return error }
                    for key in ["title", "detail"] { if let s = e[key]?.stringValue { e[key] = .string(s + text) } }
                    return .object(e)
                })
            }
            root = .object(o)
        }
        return Data(root.jsonText.utf8)
    }

    private func transformData(_ data: JSONValue, path: String) -> JSONValue {
        switch data {
        case .array(var items):
            items = items.map(transformResource)
            if path.hasSuffix("/token-ttl-policies"), let extra = extraTokenType {
                items.append(.object(["id": .string("orgttl-extra"), "type": .string("organization-token-ttl-policies"),
                                      "attributes": .object(["token-type": .string(extra), "max-ttl-ms": .integer(maxTTLMs ?? 86_400_000)])]))
            }
            if duplicateLists { items = items.flatMap { [$0, $0] } }
            return .array(items)
        default:
            return transformResource(data)
        }
    }

    private func transformResource(_ resource: JSONValue) -> JSONValue {
        guard case .object(var r) = resource, case .object(var attributes)? = r["attributes"] else { return resource }
        let type = r["type"]?.stringValue ?? ""
        for (key, value) in attributes where !keep.contains(key) && !keep.contains("\(type).\(key)") {
            if case .string(let s) = value { attributes[key] = .string(s + text) }
        }
        if let ms = maxTTLMs, attributes["max-ttl-ms"] != nil { attributes["max-ttl-ms"] = .integer(ms) }
        r["attributes"] = .object(attributes)
        return .object(r)
    }
}
