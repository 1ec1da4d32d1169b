import FoundationEssentials

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
        default: return SafeText.line(rawValue.prefix(1).uppercased() + rawValue.dropFirst().replacing("_", with: " "))
        }
    }
}

/// The organization attributes this tool reads.
public struct Organization: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var defaultExecutionMode: ExecutionMode
    /// The default agent pool's id, or nil when none is set.
    public var defaultAgentPoolID: String?
    /// The mode as the server sent it when this build does not know it (a newer server's mode):
    /// shown as it is and never written back; `defaultExecutionMode` then holds `.remote` only as
    /// a stand-in that nothing sends.
    public var unknownExecutionMode: String?
    public var maxTTLEnabled: Bool
    /// Whether the server reports `max-ttl-enabled` at all. It is a beta attribute: where it is
    /// missing the switch is *unsupported*, not *off*, and is never sent.
    public var maxTTLSupported: Bool
    /// `permissions.can-update`: whether this token may change the organization.
    public var canUpdate: Bool
    /// The organization's entitlement set (`?include=entitlement-set`), nil when the server sent none.
    public var entitlements: Entitlements?
    /// Every scalar attribute of the read, as sent (booleans, numbers, strings, nulls), for the
    /// Terraform export's `tfe_organization` (which manages the whole organization).
    public var scalarAttributes: [String: JSONValue] = [:]

    public init(name: String, email: String? = nil, defaultExecutionMode: ExecutionMode = .remote, defaultAgentPoolID: String? = nil,
                maxTTLEnabled: Bool = false, maxTTLSupported: Bool = true, canUpdate: Bool = false, entitlements: Entitlements? = nil) {
        self.name = name
        self.email = email
        self.defaultExecutionMode = defaultExecutionMode
        self.defaultAgentPoolID = defaultAgentPoolID
        self.maxTTLEnabled = maxTTLEnabled
        self.maxTTLSupported = maxTTLSupported
        self.canUpdate = canUpdate
        self.entitlements = entitlements
    }
}

/// What the organization's plan includes (`entitlement-sets`): only the flags this tool needs.
public struct Entitlements: Sendable, Equatable {
    /// Agents (agent mode and agent pools). Without it every agent endpoint answers 404.
    public var agents: Bool?
    public init(agents: Bool?) { self.agents = agents }
}

/// A release number (`1.1.0`, `2.0.1`) or a monthly release name (`v202410-1`), comparable
/// where both sides are numeric.
public struct ServerRelease: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var description: String { text }

    /// The numeric parts of `X-TFE-Current-Version` (`2.0.1` → [2, 0, 1]); nil for monthly names.
    public var numeric: [Int]? {
        let parts = text.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }

    /// Whether this release is older than `other` (numeric releases only; nil when unknown).
    public func isOlder(than other: [Int]) -> Bool? {
        guard let mine = numeric else { return nil }
        for i in 0..<max(mine.count, other.count) {
            let a = i < mine.count ? mine[i] : 0, b = i < other.count ? other[i] : 0
            if a != b { return a < b }
        }
        return false
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
    /// What the token in use belongs to (a user, a team, an organization), when the server says.
    public var authenticatedResource: AuthenticatedResource?

    public init(id: String, username: String, email: String? = nil, isSiteAdmin: Bool, authenticatedResource: AuthenticatedResource? = nil) {
        self.id = id
        self.username = username
        self.email = email
        self.isSiteAdmin = isSiteAdmin
        self.authenticatedResource = authenticatedResource
    }
}

/// What `GET /api/v2/ping` tells about the server.
public struct PingInfo: Sendable, Equatable {
    /// `TFP-AppName`: `HCP Terraform` or `Terraform Enterprise`.
    public var appName: String
    public var apiVersion: String?
    /// Requests per second allowed (`X-RateLimit-Limit`), when the server says.
    public var rateLimit: Int?
    /// The release: `X-TFE-Current-Version` (TFE ≥ 1.0.3), else `X-TFE-Version` (the monthly name,
    /// TFE ≥ v202208-3), else nil (HCP Terraform, or an older TFE).
    public var release: ServerRelease?

    public init(appName: String, apiVersion: String? = nil, rateLimit: Int? = nil, release: ServerRelease? = nil) {
        self.appName = appName
        self.apiVersion = apiVersion
        self.rateLimit = rateLimit
        self.release = release
    }

    /// `Terraform Enterprise 1.1.0`, `HCP Terraform`: for headers and messages.
    public var serverDescription: String { release.map { "\(SafeText.line(appName)) \(SafeText.line($0.text))" } ?? SafeText.line(appName) }

    /// `TFE`, `HCP`, or the server's own name when it is neither: for a narrow header.
    public var shortAppName: String {
        switch appName {
        case "Terraform Enterprise": return "TFE"
        case "HCP Terraform": return "HCP"
        default: return SafeText.line(appName)
        }
    }

    /// HCP Terraform has no admin API (no SMTP settings).
    public var isHCP: Bool { appName.lowercased().contains("hcp") }
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
