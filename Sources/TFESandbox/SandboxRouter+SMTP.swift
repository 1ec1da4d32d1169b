import FoundationEssentials
import TFEClient

extension SandboxRouter {
    static let smtpAttributes: [String: JSONKind] = [
        "enabled": .bool, "host": .string, "port": .integer, "sender": .string, "auth": .string,
        "username": .string, "password": .string, "test-email-address": .string,
    ]

    func smtpDocument(_ status: Int) async -> SandboxHTTPResponse {
        let s = await store.state.smtp
        return .document(status, .object(["data": .object([
            "id": .string("smtp"), "type": .string("smtp-settings"),
            "attributes": .object([
                "enabled": .bool(s.enabled), "host": .string(s.host), "port": .integer(Int64(s.port)),
                "sender": .string(s.sender), "auth": .string(s.auth), "username": .string(s.username),
            ]),
        ])]))
    }

    /// The SMTP PATCH: strict attributes, the relay check when a test address is given, and no
    /// change at all when anything fails.
    func patchSMTP(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let object: [String: JSONValue]
        switch dataObject(request, type: "smtp-settings", typeRequired: false) {
        case .failure(let response): return response
        case .success(let o): object = o
        }
        let attributes = object["attributes"]?.objectValue ?? [:]
        var problems = Self.typeProblems(attributes, allowed: Self.smtpAttributes, unknownIsError: true)
        let current = await store.state.smtp
        var next = current
        if let v = attributes["enabled"]?.boolValue { next.enabled = v }
        if let v = attributes["host"]?.stringValue { next.host = v }
        if let v = attributes["port"]?.integerValue {
            if (1...65535).contains(v) { next.port = Int(v) } else {
                problems.append(.init(detail: "Port must be between 1 and 65535.", pointer: "/data/attributes/port"))
            }
        }
        if let v = attributes["sender"]?.stringValue { next.sender = v }
        if let v = attributes["auth"]?.stringValue {
            if ["none", "plain", "login"].contains(v) { next.auth = v } else {
                problems.append(.init(detail: "Auth must be one of none, plain, login.", pointer: "/data/attributes/auth"))
            }
        }
        if let v = attributes["username"]?.stringValue { next.username = v }
        let password = attributes["password"]?.stringValue ?? ""
        let testAddress = attributes["test-email-address"]?.stringValue

        if next.enabled {
            if next.host.isEmpty { problems.append(.init(detail: "Host can't be blank when SMTP is enabled.", pointer: "/data/attributes/host")) }
            if !Self.looksLikeEmail(next.sender) { problems.append(.init(detail: "Sender must be a valid email address.", pointer: "/data/attributes/sender")) }
        }
        if next.auth == "none" {
            if attributes["username"] != nil, !(attributes["username"]?.stringValue ?? "").isEmpty {
                problems.append(.init(detail: "Username must not be given when auth is none.", pointer: "/data/attributes/username"))
            }
            if !password.isEmpty { problems.append(.init(detail: "Password must not be given when auth is none.", pointer: "/data/attributes/password")) }
            next.username = ""
        } else if next.enabled || testAddress != nil {
            // Credentials are checked only where they will be used: a disabled relay with no test
            // email contacts nothing, and the real server accepts it without them.
            if next.username.isEmpty { problems.append(.init(detail: "Username can't be blank when auth is \(next.auth).", pointer: "/data/attributes/username")) }
            if password.isEmpty && !current.passwordSet {
                problems.append(.init(detail: "Password can't be blank when auth is \(next.auth).", pointer: "/data/attributes/password"))
            }
        }
        if let testAddress, !Self.looksLikeEmail(testAddress) {
            problems.append(.init(detail: "Test email address must be a valid email address.", pointer: "/data/attributes/test-email-address"))
        }
        if !problems.isEmpty { return .errors(422, problems) }

        next.passwordSet = next.auth == "none" ? false : (current.passwordSet || !password.isEmpty)
        if let testAddress {
            // The relay check: a failure stores nothing.
            if next.host.lowercased().hasSuffix(".invalid") || next.host.lowercased().hasSuffix(".invalid.") {
                return .error(504, "gateway timeout", "Timed out connecting to the SMTP relay \(next.host):\(next.port).")
            }
            if next.auth != "none" && next.username == "reject" {
                return .error(401, "unauthorized", "The SMTP relay \(next.host):\(next.port) rejected the credentials.")
            }
            await store.send(SandboxEmail(to: testAddress, from: next.sender, relay: "\(next.host):\(next.port)", username: next.username, atMs: store.nowMs()))
        }
        let final = next
        await store.mutate { $0.smtp = final }
        return await smtpDocument(200)
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}

/// The JSON types the strict checks know.
enum JSONKind: String {
    case bool = "a boolean", string = "a string", integer = "an integer", nullableString = "a string or null", any = "any value"

    func matches(_ v: JSONValue) -> Bool {
        switch (self, v) {
        case (.bool, .bool), (.string, .string), (.integer, .integer), (.nullableString, .string), (.nullableString, .null), (.any, _): return true
        default: return false
        }
    }
}

extension SandboxRouter {
    /// 422 errors for attributes of the wrong type, and (when strict) unknown attributes.
    static func typeProblems(_ attributes: [String: JSONValue], allowed: [String: JSONKind], unknownIsError: Bool, base: String = "/data/attributes") -> [SandboxAPIError] {
        attributes.keys.sorted().compactMap { key in
            let value = attributes[key]!
            guard let kind = allowed[key] else {
                return unknownIsError ? SandboxAPIError(detail: "Unknown attribute \"\(key)\".", pointer: "\(base)/\(key)") : nil
            }
            return kind.matches(value) ? nil : SandboxAPIError(detail: "\(key) must be \(kind.rawValue).", pointer: "\(base)/\(key)")
        }
    }
}
