import FoundationEssentials
import TFEClient

/// How long the sandbox's existing tokens live (`tfe-setup sandbox --token-lifetimes`).
public enum SandboxTokenLifetimes: String, Sendable, CaseIterable {
    /// As an installation in service has them: the tokens in use live 2 years (the user-token
    /// default), so a tighter policy with enforcement on rejects them, as HashiCorp's docs say.
    case real
    /// Every role's token in use lives one second, inside any cap a seed or a policy sets in
    /// practice: tests that are not about the lockout keep working after they turn enforcement on.
    case short
}

/// The tokens the sandbox lists (never their values: the lists do not carry them): each role's
/// own user tokens (the first is the one it authenticates with), the primary organization's team
/// tokens and its organization token. Shapes as go-tfe's `UserToken`, `TeamToken` and
/// `OrganizationToken`: `created-at`, `expired-at` (null: no expiry), `last-used-at`.
public struct SandboxTokenRecords: Sendable {
    public struct Record: Sendable, Equatable {
        public var id: String
        public var description: String
        public var createdAt: Date
        /// nil: no expiry.
        public var expiredAt: Date?
        public var lastUsedAt: Date?
        /// A team token's team name.
        public var team: String?

        /// `expired-at − created-at` in milliseconds; nil when it never expires.
        public var lifetimeMs: Int64? { expiredAt.map { Int64(($0.timeIntervalSince(createdAt) * 1000).rounded()) } }

        func resource(type: String = "authentication-tokens") -> JSONValue {
            var relationships: [String: JSONValue] = [:]
            if let team { relationships["team"] = .object(["data": .object(["id": .string("team-\(team)"), "type": .string("teams")])]) }
            return .object([
                "id": .string(id), "type": .string(type),
                "attributes": .object([
                    "description": .string(description),
                    "created-at": .string(DateText.iso8601(createdAt)),
                    "expired-at": expiredAt.map { .string(DateText.iso8601($0)) } ?? .null,
                    "last-used-at": lastUsedAt.map { .string(DateText.iso8601($0)) } ?? .null,
                ]),
                "relationships": .object(relationships),
            ])
        }
    }

    /// Each role's user tokens, the one in use first.
    public var user: [SandboxRole: [Record]]
    /// The primary organization's team tokens.
    public var team: [Record]
    /// The primary organization's organization token.
    public var organization: Record?
    /// User tokens made through the API (`POST /users/:id/authentication-tokens`): their
    /// secrets, which authenticate as the role that made them, and their records' ids.
    public var minted: [(secret: String, role: SandboxRole, id: String)] = []

    /// The tokens of a sandbox started at `now`.
    /// - Parameter fresh: a new installation: the organization its first admin creates has no
    ///   team or organization token yet.
    public static func make(_ lifetimes: SandboxTokenLifetimes, now: Date, fresh: Bool = false) -> SandboxTokenRecords {
        let day: TimeInterval = 86_400
        let twoYears = TimeInterval(TTLDuration.twoYearsServer) / 1000
        func ago(_ days: Double) -> Date { now.addingTimeInterval(-days * day) }
        func record(_ id: String, _ description: String, createdDaysAgo: Double, lifetime: TimeInterval?, team: String? = nil) -> Record {
            let created = ago(createdDaysAgo)
            return Record(id: id, description: description, createdAt: created, expiredAt: lifetime.map { created.addingTimeInterval($0) },
                          lastUsedAt: ago(min(createdDaysAgo, 1)), team: team)
        }
        var user: [SandboxRole: [Record]] = [:]
        for role in SandboxRole.allCases {
            let inUse = lifetimes == .real
                ? record("at-\(role.rawValue)-main", "\(role.rawValue) workstation", createdDaysAgo: 40, lifetime: twoYears)
                : Record(id: "at-\(role.rawValue)-main", description: "\(role.rawValue) workstation", createdAt: now,
                         expiredAt: now.addingTimeInterval(1), lastUsedAt: now)
            // Never used since it was made: the token in use is the most recently used one.
            // Short mode: inside any cap too. The API cannot say which of a user's tokens is in use,
            // so the guard counts every one of them; a long-lived second token would stop every
            // test seed at the guard.
            var laptop = record("at-\(role.rawValue)-laptop", "laptop", createdDaysAgo: 200, lifetime: lifetimes == .real ? twoYears : 1)
            laptop.lastUsedAt = nil
            user[role] = [inUse, laptop]
        }
        if fresh { return SandboxTokenRecords(user: user, team: [], organization: nil) }
        return SandboxTokenRecords(user: user, team: [
            record("at-team-ci-deploy", "ci-deploy", createdDaysAgo: 100, lifetime: 365 * day, team: "owners"),
            record("at-team-nightly", "nightly", createdDaysAgo: 10, lifetime: 30 * day, team: "platform"),
            record("at-team-legacy", "legacy", createdDaysAgo: 900, lifetime: nil, team: "platform"),
        ], organization: record("at-org-automation", "organization token", createdDaysAgo: 300, lifetime: twoYears))
    }

    /// The lifetime of the token a role authenticates with (nil: no expiry): a token made through
    /// the API has its own record; the role's fixed token is its first.
    public func inUseLifetimeMs(_ role: SandboxRole, token: String) -> Int64? {
        if let made = minted.first(where: { SandboxTokens.constantTimeEqual($0.secret, token) }) {
            return user[made.role]?.first { $0.id == made.id }?.lifetimeMs
        }
        return user[role]?.first?.lifetimeMs
    }

    /// The role a token made through the API authenticates as (every one compared, so timing
    /// says nothing about which one nearly matched).
    public func mintedRole(_ token: String) -> SandboxRole? {
        var found: SandboxRole?
        for made in minted where SandboxTokens.constantTimeEqual(made.secret, token) { found = made.role }
        return found
    }

    /// A first admin's tokens, made when it is created (the token `initial-admin-user` answers).
    public mutating func addFirstAdmin(_ lifetimes: SandboxTokenLifetimes, now: Date) {
        let lifetime: TimeInterval = lifetimes == .real ? TimeInterval(TTLDuration.twoYearsServer) / 1000 : 1
        user[.siteAdmin] = [Record(id: "at-first-admin", description: "initial admin user", createdAt: now,
                                   expiredAt: now.addingTimeInterval(lifetime), lastUsedAt: now)]
    }
}
