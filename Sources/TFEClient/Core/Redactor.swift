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
}
