import FoundationEssentials

/// One API token as the token lists show it (never its value: the lists do not carry it).
///
/// Sources: go-tfe's `UserToken`, `TeamToken` and `OrganizationToken` (`created-at`,
/// `expired-at`, `last-used-at`, `description`, the team relationship) and the TFE API docs
/// (`user-tokens`, `team-tokens`, `organization-tokens`).
public struct TokenRecord: Sendable, Equatable {
    public var id: String
    /// Which TTL policy caps it: user, team, organization or audit trails.
    public var type: TokenType
    public var description: String?
    public var createdAt: Date?
    /// nil: the server reports no expiry.
    public var expiredAt: Date?
    public var lastUsedAt: Date?
    /// A team token's team (its id; its name where the server includes the team).
    public var teamID: String?
    public var teamName: String?

    public init(id: String, type: TokenType, description: String? = nil, createdAt: Date? = nil, expiredAt: Date? = nil,
                lastUsedAt: Date? = nil, teamID: String? = nil, teamName: String? = nil) {
        self.id = id
        self.type = type
        self.description = description
        self.createdAt = createdAt
        self.expiredAt = expiredAt
        self.lastUsedAt = lastUsedAt
        self.teamID = teamID
        self.teamName = teamName
    }

    /// How long it lives (`expired-at − created-at`), or nil when either is unknown: a token with
    /// no expiry counts as longer than any cap (unverified: HashiCorp's docs do not say).
    public var lifetimeMilliseconds: Int64? {
        guard let createdAt, let expiredAt else { return nil }
        return Int64((expiredAt.timeIntervalSince(createdAt) * 1000).rounded())
    }

    /// How a person tells it apart: `team ops, "deploy" (at-…)`, `"laptop" (at-…)`.
    public var label: String {
        var name = ""
        if type == .team { name = "team " + SafeText.line(teamName ?? teamID ?? "?") + ", " }
        if let description, !description.isEmpty { name += "\"\(SafeText.line(description))\" " }
        return name + "(\(SafeText.line(id)))"
    }
}

/// What the token in use is (`GET /account/details`' `authenticated-resource` relationship, in
/// TFE's OpenAPI spec): a user's token, a team's, an organization's; for team and organization
/// tokens the account is a synthetic "service user".
public struct AuthenticatedResource: Sendable, Equatable {
    public var type: String
    public var id: String
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// The TTL policy that caps the token in use, when its kind is one that has one.
    public var tokenType: TokenType? {
        switch type {
        case "users": return .user
        case "teams": return .team
        case "organizations": return .organization
        default: return nil
        }
    }
}
