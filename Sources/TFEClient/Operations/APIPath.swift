/// Every API path this tool uses, defined once (the client's requests, the plan's request list,
/// messages that name a path).
public enum APIPath {
    public static let ping = "/api/v2/ping"
    public static let accountDetails = "/api/v2/account/details"
    /// Site-admin settings; HCP Terraform and non-admins get 404 for everything below it.
    public static let adminPrefix = "/api/v2/admin/"
    public static let smtpSettings = adminPrefix + "smtp-settings"
    public static let organizations = "/api/v2/organizations"
    /// Every organization of the installation (site admins).
    public static let adminOrganizations = adminPrefix + "organizations"

    /// Outside `/api/v2`: the health check, the IACT and the first admin (TFE only).
    public static let healthCheck = "/_health_check"
    public static let retrieveIACT = "/admin/retrieve-iact"
    public static let initialAdminUser = "/admin/initial-admin-user"

    public static func organization(_ name: String) -> String { organizations + "/" + name }
    public static func agentPools(_ organization: String) -> String { Self.organization(organization) + "/agent-pools" }
    public static func tokenTTLPolicies(_ organization: String) -> String { Self.organization(organization) + "/token-ttl-policies" }
    /// A user's own tokens (only the caller's: no API lists other users' tokens).
    public static func userTokens(_ userID: String) -> String { "/api/v2/users/" + userID + "/authentication-tokens" }
    public static func authenticationToken(_ id: String) -> String { "/api/v2/authentication-tokens/" + id }
    public static func teamTokens(_ organization: String) -> String { Self.organization(organization) + "/team-tokens" }
    /// The organization token (`?token=audit-trails`: HCP Terraform's audit-trail token).
    public static func organizationToken(_ organization: String) -> String { Self.organization(organization) + "/authentication-token" }
}
