import Foundation

/// How the SMTP relay authenticates.
public enum SMTPAuth: String, Sendable, Codable, CaseIterable, Hashable {
    case none, plain, login
}

/// Where an organization's runs execute by default.
public enum ExecutionMode: String, Sendable, Codable, CaseIterable, Hashable {
    case remote, local, agent
}

/// A kind of API token that has its own maximum lifetime. The four known types have constants;
/// any other type the server reports (the spec knows `metrics`) decodes without failing and is
/// shown read-only.
public struct TokenType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let organization = TokenType(rawValue: "organization")
    public static let team = TokenType(rawValue: "team")
    public static let user = TokenType(rawValue: "user")
    /// Underscore here, although token creation spells it `audit-trails`.
    public static let auditTrails = TokenType(rawValue: "audit_trails")

    /// The four types this tool edits, in screen order.
    public static let known: [TokenType] = [.organization, .team, .user, .auditTrails]
    /// Whether this tool edits the type (others are shown read-only).
    public var isKnown: Bool { Self.known.contains(self) }

    /// The label people see (`Audit trails`).
    public var label: String {
        switch rawValue {
        case "audit_trails": return "Audit trails"
        // An unknown type's name comes from the server: made inert.
        default: return SafeText.line(rawValue.prefix(1).uppercased() + rawValue.dropFirst().replacingOccurrences(of: "_", with: " "))
        }
    }
}

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

/// The organization attributes this tool reads.
public struct Organization: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var defaultExecutionMode: ExecutionMode
    /// The default agent pool's id, or nil when none is set.
    public var defaultAgentPoolID: String?
    public var maxTTLEnabled: Bool
    /// `permissions.can-update`: whether this token may change the organization.
    public var canUpdate: Bool

    public init(name: String, email: String? = nil, defaultExecutionMode: ExecutionMode = .remote, defaultAgentPoolID: String? = nil, maxTTLEnabled: Bool = false, canUpdate: Bool = false) {
        self.name = name
        self.email = email
        self.defaultExecutionMode = defaultExecutionMode
        self.defaultAgentPoolID = defaultAgentPoolID
        self.maxTTLEnabled = maxTTLEnabled
        self.canUpdate = canUpdate
    }
}

/// An agent pool an organization's runs can use.
public struct AgentPool: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var agentCount: Int
    public var organizationScoped: Bool

    public init(id: String, name: String, agentCount: Int, organizationScoped: Bool = true) {
        self.id = id
        self.name = name
        self.agentCount = agentCount
        self.organizationScoped = organizationScoped
    }
}

/// The maximum lifetime of one token type.
public struct TokenTTLPolicy: Sendable, Equatable, Hashable {
    public var id: String
    public var tokenType: TokenType
    public var maxTTLMilliseconds: Int64

    public init(id: String = "", tokenType: TokenType, maxTTLMilliseconds: Int64) {
        self.id = id
        self.tokenType = tokenType
        self.maxTTLMilliseconds = maxTTLMilliseconds
    }
}

/// The user a token belongs to.
public struct Account: Sendable, Equatable {
    public var id: String
    public var username: String
    public var email: String?
    /// `is-admin` (older TFE: `is-site-admin`): needed for the SMTP settings.
    public var isSiteAdmin: Bool

    public init(id: String, username: String, email: String? = nil, isSiteAdmin: Bool) {
        self.id = id
        self.username = username
        self.email = email
        self.isSiteAdmin = isSiteAdmin
    }
}

/// What `GET /api/v2/ping` tells about the server.
public struct PingInfo: Sendable, Equatable {
    /// `TFP-AppName`: `HCP Terraform` or `Terraform Enterprise`.
    public var appName: String
    public var apiVersion: String?
    /// Requests per second allowed (`X-RateLimit-Limit`), when the server says.
    public var rateLimit: Int?

    public init(appName: String, apiVersion: String? = nil, rateLimit: Int? = nil) {
        self.appName = appName
        self.apiVersion = apiVersion
        self.rateLimit = rateLimit
    }

    /// HCP Terraform has no admin API (no SMTP settings).
    public var isHCP: Bool { appName.localizedCaseInsensitiveContains("HCP") }
}

/// An organization the token can see (for the organization picker).
public struct OrganizationSummary: Sendable, Equatable, Hashable {
    public var name: String
    public var canUpdate: Bool
    public init(name: String, canUpdate: Bool) {
        self.name = name
        self.canUpdate = canUpdate
    }
}
