import FoundationEssentials

// The admin SMTP settings, as one resource: the values the server reports, a change to them, the
// `smtp-settings` JSON:API resource they travel in, and the wire's two directions (the PATCH
// body, a 422's pointer, the GET's answer). A new value of the relay is added here (and once in
// SetupKit's `SMTPSetting` table), not in five files.

/// The admin SMTP settings as the server reports them (password and test address are write-only).
public struct SMTPSettings: Sendable, Equatable, Codable {
    public var enabled: Bool
    public var host: String
    public var port: Int
    public var sender: String
    public var auth: SMTPAuth
    public var username: String

    public init(enabled: Bool = false, host: String = "", port: Int = 25, sender: String = "", auth: SMTPAuth = .none, username: String = "") {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.sender = sender
        self.auth = auth
        self.username = username
    }
}

/// A change to the admin SMTP settings. Every field is optional: nil keeps the server's value.
/// `password` and `testEmailAddress` are write-only (never read back).
public struct SMTPSettingsUpdate: Sendable, Equatable {
    public var enabled: Bool?
    public var host: String?
    public var port: Int?
    public var sender: String?
    public var auth: SMTPAuth?
    public var username: String?
    /// nil or empty keeps the stored password.
    public var password: SecretString?
    /// When set, the server sends a test email as a side effect of the PATCH.
    public var testEmailAddress: String?

    public init(enabled: Bool? = nil, host: String? = nil, port: Int? = nil, sender: String? = nil, auth: SMTPAuth? = nil, username: String? = nil, password: SecretString? = nil, testEmailAddress: String? = nil) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.sender = sender
        self.auth = auth
        self.username = username
        self.password = password
        self.testEmailAddress = testEmailAddress
    }

    /// Nothing would be sent (the empty-update guard refuses this before any request).
    public var isEmpty: Bool {
        enabled == nil && host == nil && port == nil && sender == nil && auth == nil && username == nil
            && (password?.isEmpty ?? true) && testEmailAddress == nil
    }
}

/// The `smtp-settings` resource.
package struct SMTPSettingsResource: Codable, Sendable {
    package var id: String?
    package var type: String
    package var attributes: Attributes
    package init(id: String? = nil, attributes: Attributes) {
        self.id = id
        self.type = "smtp-settings"
        self.attributes = attributes
    }

    /// Every attribute optional: on a PATCH an omitted attribute keeps its value; `null` is never sent.
    package struct Attributes: Codable, Sendable, Equatable {
        package var enabled: Bool?
        package var host: String?
        package var port: Int?
        package var sender: String?
        package var auth: String?
        package var username: String?
        package var password: String?
        package var testEmailAddress: String?
        enum CodingKeys: String, CodingKey {
            case enabled, host, port, sender, auth, username, password
            case testEmailAddress = "test-email-address"
        }
        package init(enabled: Bool? = nil, host: String? = nil, port: Int? = nil, sender: String? = nil, auth: String? = nil, username: String? = nil, password: String? = nil, testEmailAddress: String? = nil) {
            self.enabled = enabled
            self.host = host
            self.port = port
            self.sender = sender
            self.auth = auth
            self.username = username
            self.password = password
            self.testEmailAddress = testEmailAddress
        }
    }
}

extension WireEncoding {
    /// The SMTP PATCH body: only the attributes set; an empty password is left out (keep stored).
    package static func smtpBody(_ update: SMTPSettingsUpdate) -> JSONAPIDocument<SMTPSettingsResource> {
        let password = update.password.flatMap { $0.isEmpty ? nil : $0.exposedValue }
        return JSONAPIDocument(data: SMTPSettingsResource(attributes: .init(
            enabled: update.enabled, host: update.host, port: update.port, sender: update.sender,
            auth: update.auth?.rawValue, username: update.username, password: password,
            testEmailAddress: update.testEmailAddress)))
    }

    /// Maps a 422 `source.pointer` of the SMTP PATCH to a field key.
    package static func smtpField(forPointer pointer: String) -> FieldKey? {
        let map: [String: FieldKey] = [
            "enabled": .smtpEnabled, "host": .smtpHost, "port": .smtpPort, "sender": .smtpSender,
            "auth": .smtpAuth, "username": .smtpUsername, "password": .smtpPassword,
            "test-email-address": .smtpTestEmail,
        ]
        return attributeName(pointer).flatMap { map[$0] }
    }
}

extension WireDecoding {
    /// The GET's answer: an unknown auth is a decoding error (never taken for `none`).
    package static func smtpSettings(_ body: Data) throws(TFEError) -> SMTPSettings {
        let a = try document(JSONAPIDocument<SMTPSettingsResource>.self, from: body, what: "smtp-settings").data.attributes
        let authText = a.auth ?? "none"
        guard let auth = SMTPAuth(rawValue: authText) else {
            throw .decoding(what: "smtp-settings: unknown auth \"\(a.auth ?? "")\"", where: "data.attributes.auth")
        }
        return SMTPSettings(enabled: a.enabled ?? false, host: a.host ?? "", port: a.port ?? 25, sender: a.sender ?? "", auth: auth, username: a.username ?? "")
    }
}
