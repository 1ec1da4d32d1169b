import FoundationEssentials

/// The key of a field the user can type, the same everywhere: screens, answers file paths, plan
/// output and the per-field issues of a 422. Spelled `section.field` (`smtp.port`).
public struct FieldKey: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// The section part (`smtp`, `execution_defaults`, `token_ttl`), or the whole key for
    /// top-level fields such as `organization`.
    public var section: String { rawValue.split(separator: ".").first.map(String.init) ?? rawValue }

    public static let organization: FieldKey = "organization"

    public static let smtpEnabled: FieldKey = "smtp.enabled"
    public static let smtpHost: FieldKey = "smtp.host"
    public static let smtpPort: FieldKey = "smtp.port"
    public static let smtpSender: FieldKey = "smtp.sender"
    public static let smtpAuth: FieldKey = "smtp.auth"
    public static let smtpUsername: FieldKey = "smtp.username"
    public static let smtpPassword: FieldKey = "smtp.password"
    public static let smtpTestEmail: FieldKey = "smtp.test_email_address"

    public static let executionMode: FieldKey = "execution_defaults.mode"
    public static let agentPool: FieldKey = "execution_defaults.agent_pool_id"
    /// The name of an agent pool to create (or to use, when the organization has one by that name).
    public static let agentPoolName: FieldKey = "execution_defaults.agent_pool_name"

    public static let ttlEnabled: FieldKey = "token_ttl.enabled"
    /// A first install (`bootstrap` in an answers file): the first admin and organization.
    public static let adminUsername: FieldKey = "bootstrap.admin.username"
    public static let adminEmail: FieldKey = "bootstrap.admin.email"
    public static let adminPassword: FieldKey = "bootstrap.admin.password"
    public static let iact: FieldKey = "bootstrap.iact"
    public static let organizationName: FieldKey = "bootstrap.organization.name"
    public static let organizationEmail: FieldKey = "bootstrap.organization.email"

    /// The duration field of one token type (`token_ttl.audit_trails`).
    public static func ttl(_ type: TokenType) -> FieldKey { FieldKey(rawValue: "token_ttl.\(type.rawValue)") }
}

/// One problem with one field, as a person should read it.
public struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The field the problem is about.
    public let field: FieldKey
    /// A sentence naming the field and the rule, e.g. "Port must be a whole number from 1 to 65535."
    public let message: String

    public init(_ field: FieldKey, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
