import FoundationEssentials

/// Redaction as the contract says: the values of secret JSON keys at any depth (whole key,
/// case-insensitive — `token-type` is not a secret), and secret headers.
public enum Redactor {
    /// JSON keys whose values are replaced.
    public static let secretKeys: Set<String> = [
        "password", "token", "access_token", "refresh_token", "secret", "private_key", "private-key", "client_secret",
        "smtp_password", "smtp-password", "api_token", "api-token", "authorization",
    ]
    /// Keys whose values are personal data: not secret (the sandbox's request log keeps them), but
    /// never written to the log file.
    public static let personalKeys: Set<String> = ["test-email-address", "test_email_address"]
    /// Headers replaced by name.
    public static let secretHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization"]
    /// Header names containing one of these are replaced too.
    public static let secretHeaderParts = ["token", "secret", "password", "api-key"]
    public static let placeholder = "<redacted>"

    /// Whether a JSON key's value must be hidden.
    public static func isSecretKey(_ key: String) -> Bool { secretKeys.contains(key.lowercased()) }

    /// Whether a header's value must be hidden.
    public static func isSecretHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        return secretHeaders.contains(n) || secretHeaderParts.contains { n.contains($0) }
    }

    /// Headers with secret values replaced.
    public static func headers(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { isSecretHeader($0.0) ? ($0.0, placeholder) : $0 }
    }

    /// A body for a log line: redacted JSON (secrets and personal data hidden), or a note when it is not JSON (its text could hold
    /// anything, so it is not logged).
    public static func body(_ data: Data?) -> String {
        guard let data, !data.isEmpty else { return "" }
        guard let json = JSONValue.parse(data) else {
            return "<\(data.count) bytes, not JSON, not logged>"
        }
        return json.redacted(personal: true).jsonText
    }

    /// Every spelling a secret can take in a log line: raw, and as JSON encoders write it inside
    /// a string — `"` and `\` escaped, `/` as `/` or `\/`, controls as `\n` or `\u000a`, anything
    /// outside ASCII raw or as `\uXXXX` (hex in either case) — and as `SafeText` shows it. A
    /// server that echoes the password back in a body must not get it past the scrubber in a
    /// spelling of its own.
    public static func spellings(of secret: String) -> [String] {
        var out: [String] = [secret]
        for slash in [false, true] {
            for shortControls in [true, false] {
                for nonASCII in NonASCII.allCases {
                    for upper in [false, true] {
                        out.append(jsonEscaped(secret, slash: slash, shortControls: shortControls, nonASCII: nonASCII, upperHex: upper))
                    }
                }
            }
        }
        out.append(SafeText.line(secret))
        out.append(percentEncoded(secret, upperHex: true))
        out.append(percentEncoded(secret, upperHex: false))
        out.append(SafeText.line(percentEncoded(secret, upperHex: true)))
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The string values of secret keys anywhere in a JSON document (a request body's passwords),
    /// so the text of an error about that request can be scrubbed of them.
    public static func secretValues(in json: JSONValue) -> [String] {
        switch json {
        case .object(let members):
            return members.flatMap { key, value -> [String] in
                if isSecretKey(key), case .string(let s) = value { return [s] }
                return secretValues(in: value)
            }
        case .array(let items):
            return items.flatMap(secretValues(in:))
        default:
            return []
        }
    }

    /// A secret as a URL carries it: every byte but the unreserved ones as `%XX` (both cases of
    /// hex), so a `Location` header that echoes `?token=…` is caught too.
    static func percentEncoded(_ secret: String, upperHex: Bool) -> String {
        var out = ""
        for byte in secret.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                let digits = String(byte, radix: 16, uppercase: upperHex)
                out += "%" + (digits.count == 1 ? "0" : "") + digits
            }
        }
        return out
    }

    /// How an encoder writes what is not ASCII: raw (Foundation's), raw but for the characters
    /// that could act on a terminal (ours), or all as `\uXXXX` (ASCII-only encoders).
    enum NonASCII: CaseIterable { case raw, unsafeEscaped, allEscaped }

    /// `text` with every one of `spellings` replaced by the placeholder, longest first (so a
    /// spelling that contains another goes whole); `text` itself when none occurs.
    public static func scrubbing(_ spellings: [String], from text: String) -> String {
        var out = text
        for s in spellings.sorted(by: { $0.count > $1.count }) where out.contains(s) { out = out.replacing(s, with: placeholder) }
        return out
    }

    static func jsonEscaped(_ text: String, slash: Bool, shortControls: Bool, nonASCII: NonASCII, upperHex: Bool) -> String {
        func hex(_ unit: UInt16) -> String {
            let digits = String(unit, radix: 16, uppercase: upperHex)
            return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += slash ? "\\/" : "/"
            case "\n" where shortControls: out += "\\n"
            case "\r" where shortControls: out += "\\r"
            case "\t" where shortControls: out += "\\t"
            case "\u{08}" where shortControls: out += "\\b"
            case "\u{0C}" where shortControls: out += "\\f"
            default:
                let escaped: Bool
                switch nonASCII {
                case .raw: escaped = false
                case .unsafeEscaped: escaped = scalar.value >= 0x7F && SafeText.isUnsafe(scalar)
                case .allEscaped: escaped = scalar.value > 0x7E
                }
                if scalar.value < 0x20 || escaped {
                    out += String(scalar).utf16.map(hex).joined()
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
