import FoundationEssentials
import TFEClient

/// The sandbox's whole state, in the shape of `GET /_sandbox/state` (also `--seed` and `--state`).
/// The SMTP password is never kept: only whether one is set.
public struct SandboxState: Codable, Sendable, Equatable {
    public var smtp: SMTP
    public var organizations: [String: Org]

    public struct SMTP: Codable, Sendable, Equatable {
        public var enabled = false
        public var host = ""
        public var port = 25
        public var sender = ""
        public var auth = "none"
        public var username = ""
        public var passwordSet = false

        enum CodingKeys: String, CodingKey {
            case enabled, host, port, sender, auth, username
            case passwordSet = "password_set"
        }
        public init() {}
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
            host = try c.decodeIfPresent(String.self, forKey: .host) ?? ""
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 25
            sender = try c.decodeIfPresent(String.self, forKey: .sender) ?? ""
            auth = try c.decodeIfPresent(String.self, forKey: .auth) ?? "none"
            username = try c.decodeIfPresent(String.self, forKey: .username) ?? ""
            passwordSet = try c.decodeIfPresent(Bool.self, forKey: .passwordSet) ?? false
        }
    }

    public struct Org: Codable, Sendable, Equatable {
        /// The notification email it was created with (`POST /organizations`); nil for the seeds.
        public var email: String?
        public var defaultExecutionMode = "remote"
        public var defaultAgentPoolID: String?
        public var maxTTLEnabled = false
        public var tokenTTLMs: [String: Int64] = Dictionary(uniqueKeysWithValues: TokenType.known.map { ($0.rawValue, TTLDuration.twoYearsServer) })
        public var agentPools: [Pool] = []
        /// How the site-admin and owner tokens belong to this organization (`owner` or `member`;
        /// `admin`: nobody belongs, only a site admin reaches it, through the admin list);
        /// nil: the seed's rule (they own `my-org` only).
        public var access: String?
        /// The agents entitlement, where it differs from the profile's.
        public var agents: Bool?

        enum CodingKeys: String, CodingKey {
            case defaultExecutionMode = "default_execution_mode", defaultAgentPoolID = "default_agent_pool_id"
            case maxTTLEnabled = "max_ttl_enabled", tokenTTLMs = "token_ttl_ms", agentPools = "agent_pools", access, agents
        }
        public init(defaultExecutionMode: String = "remote", defaultAgentPoolID: String? = nil, maxTTLEnabled: Bool = false, agentPools: [Pool] = []) {
            self.defaultExecutionMode = defaultExecutionMode
            self.defaultAgentPoolID = defaultAgentPoolID
            self.maxTTLEnabled = maxTTLEnabled
            self.agentPools = agentPools
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            defaultExecutionMode = try c.decodeIfPresent(String.self, forKey: .defaultExecutionMode) ?? "remote"
            defaultAgentPoolID = try c.decodeIfPresent(String.self, forKey: .defaultAgentPoolID)
            maxTTLEnabled = try c.decodeIfPresent(Bool.self, forKey: .maxTTLEnabled) ?? false
            tokenTTLMs = try c.decodeIfPresent([String: Int64].self, forKey: .tokenTTLMs) ?? tokenTTLMs
            agentPools = try c.decodeIfPresent([Pool].self, forKey: .agentPools) ?? []
            access = try c.decodeIfPresent(String.self, forKey: .access)
            agents = try c.decodeIfPresent(Bool.self, forKey: .agents)
        }
        /// `default_agent_pool_id` is written as `null`, not left out.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(defaultExecutionMode, forKey: .defaultExecutionMode)
            try c.encode(defaultAgentPoolID, forKey: .defaultAgentPoolID)
            try c.encode(maxTTLEnabled, forKey: .maxTTLEnabled)
            try c.encode(tokenTTLMs, forKey: .tokenTTLMs)
            try c.encode(agentPools, forKey: .agentPools)
            try c.encodeIfPresent(access, forKey: .access)
            try c.encodeIfPresent(agents, forKey: .agents)
        }
    }

    public struct Pool: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var agentCount: Int
        /// false: the pool serves only the workspaces chosen for it (`organization-scoped`).
        public var organizationScoped: Bool
        enum CodingKeys: String, CodingKey { case id, name, agentCount = "agent_count", organizationScoped = "organization_scoped" }
        public init(id: String, name: String, agentCount: Int, organizationScoped: Bool = true) {
            self.id = id
            self.name = name
            self.agentCount = agentCount
            self.organizationScoped = organizationScoped
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            agentCount = try c.decode(Int.self, forKey: .agentCount)
            organizationScoped = try c.decodeIfPresent(Bool.self, forKey: .organizationScoped) ?? true
        }
        /// `organization_scoped` only when false: the state's documented shape stays as it was.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(agentCount, forKey: .agentCount)
            if !organizationScoped { try c.encode(false, forKey: .organizationScoped) }
        }
    }

    public init(smtp: SMTP, organizations: [String: Org]) {
        self.smtp = smtp
        self.organizations = organizations
    }

    /// The default seed (docs/sandbox.md).
    public static let defaultSeed = SandboxState(smtp: SMTP(), organizations: [
        "my-org": Org(agentPools: [
            Pool(id: "apool-abc123", name: "primary", agentCount: 3),
            Pool(id: "apool-def456", name: "gpu", agentCount: 1),
            Pool(id: "apool-empty9", name: "spare", agentCount: 0),
        ]),
        "other-org": Org(),
    ])

    /// A fresh installation: no organization, no SMTP relay.
    public static let freshInstallation = SandboxState(smtp: SMTP(), organizations: [:])

    /// The seed with `count` generated organizations (`fleet-001` …), varied as a real fleet is:
    /// every 10th already meets the seed scenario's baseline (agent on `primary`, max TTL on,
    /// user tokens 30d); every 10th has no pool named `primary`; every 10th lacks the agents
    /// entitlement; every 10th the owner token is only a member of; every 10th nobody belongs to
    /// (a site admin reaches it through the admin list); the rest remote with 2y TTLs.
    public func withFleet(_ count: Int) -> SandboxState {
        var state = self
        for i in 1...max(1, count) where count > 0 {
            let name = "fleet-" + i.zeroPadded(3)
            let suffix = i.zeroPadded(3)
            var org = Org(agentPools: [
                Pool(id: "apool-p\(suffix)", name: "primary", agentCount: 2),
                Pool(id: "apool-g\(suffix)", name: "gpu", agentCount: 1),
            ])
            org.access = "owner"
            switch i % 10 {
            case 1:
                org.defaultExecutionMode = "agent"
                org.defaultAgentPoolID = "apool-p\(suffix)"
                org.maxTTLEnabled = true
                org.tokenTTLMs["user"] = 2_592_000_000
            case 2: org.agentPools = [Pool(id: "apool-b\(suffix)", name: "build", agentCount: 1)]
            case 3: org.agents = false
            case 4: org.access = "member"
            case 5: org.access = "admin"
            default: break
            }
            state.organizations[name] = org
        }
        return state
    }

    /// The organization the roles are built around: `my-org` when present, else the first by name.
    public var primaryOrganization: String {
        organizations["my-org"] != nil ? "my-org" : (organizations.keys.sorted().first ?? "my-org")
    }

    /// The state as JSON text (keys sorted, slashes unescaped).
    public func jsonData() -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return (try? e.encode(self)) ?? Data("{}".utf8)
    }
}

/// The three tokens and what each may do.
public struct SandboxTokens: Codable, Sendable, Equatable {
    public var siteAdmin: String
    public var owner: String
    public var member: String
    /// A team token of the owners team (its record is the team token "ci-deploy"): it acts as an
    /// owner, and account details name the team as the authenticated resource.
    public var ownersTeam: String?
    /// The primary organization's organization token (its record is "organization token"): it
    /// acts as an owner there, and account details name the organization as the authenticated resource.
    public var organizationToken: String?

    enum CodingKeys: String, CodingKey { case siteAdmin = "site-admin", owner, member, ownersTeam = "owners-team", organizationToken = "organization-token" }

    public init(siteAdmin: String, owner: String, member: String, ownersTeam: String? = nil, organizationToken: String? = nil) {
        self.siteAdmin = siteAdmin
        self.owner = owner
        self.member = member
        self.ownersTeam = ownersTeam
        self.organizationToken = organizationToken
    }

    /// Whether `token` is the organization token.
    public func isOrganizationToken(_ token: String) -> Bool { organizationToken.map { Self.constantTimeEqual($0, token) } ?? false }

    /// Whether `token` is the owners team's token.
    public func isOwnersTeam(_ token: String) -> Bool { ownersTeam.map { Self.constantTimeEqual($0, token) } ?? false }

    /// Fresh random tokens in TFE's shape (`<14 chars>.atlasv1.<long>`).
    public static func generate() -> SandboxTokens {
        func token() -> String {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            let a = String((0..<14).map { _ in alphabet.randomElement()! })
            let b = String((0..<60).map { _ in alphabet.randomElement()! })
            return "\(a).atlasv1.\(b)"
        }
        return SandboxTokens(siteAdmin: token(), owner: token(), member: token(), ownersTeam: token(), organizationToken: token())
    }

    public func role(for token: String) -> SandboxRole? {
        // Compare every token so timing says nothing about which one nearly matched.
        var found: SandboxRole?
        for (value, role) in [(siteAdmin, SandboxRole.siteAdmin), (owner, .owner), (member, .member), (ownersTeam ?? "", .owner), (organizationToken ?? "", .owner)]
            where !value.isEmpty && Self.constantTimeEqual(value, token) {
            found = role
        }
        return found
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Who a token is: the role matrix of `tfe-setup sandbox --help`.
public enum SandboxRole: String, Sendable, CaseIterable {
    case siteAdmin = "site-admin", owner, member

    public var isSiteAdmin: Bool { self == .siteAdmin }

    /// The token's membership in an organization: nil = not a member.
    public func membership(in organization: String, state: SandboxState) -> Membership? {
        guard let org = state.organizations[organization] else { return nil }
        if org.access == "admin" {
            // Nobody is a member; a site admin administers it all the same.
            return self == .siteAdmin ? .owner : nil
        }
        if let access = org.access {
            switch self {
            case .siteAdmin, .owner: return access == "owner" ? .owner : .member
            case .member: return nil
            }
        }
        let primary = state.primaryOrganization
        switch self {
        case .siteAdmin: return organization == primary ? .owner : .member
        case .owner: return organization == primary ? .owner : nil
        case .member: return organization == primary ? .member : nil
        }
    }

    public enum Membership: Sendable { case owner, member }
}
