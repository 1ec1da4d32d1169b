import TFEClient

/// What the server holds now, read once at start (all reads concurrent) and kept up to date with
/// what each successful apply step returns.
public struct CurrentState: Sendable, Equatable {
    public var ping: PingInfo
    public var account: Account
    public var organization: Organization
    public var agentPools: [AgentPool]
    /// nil when the SMTP settings cannot be read (HCP Terraform, or not a site admin).
    public var smtp: SMTPSettings?
    public var smtpUnavailable: String?
    /// nil when the token TTL policies cannot be read (403: not in the owners team).
    public var tokenTTLPolicies: [TokenTTLPolicy]?
    public var tokenTTLUnavailable: String?

    public init(ping: PingInfo, account: Account, organization: Organization, agentPools: [AgentPool],
                smtp: SMTPSettings?, smtpUnavailable: String? = nil, tokenTTLPolicies: [TokenTTLPolicy]?, tokenTTLUnavailable: String? = nil) {
        self.ping = ping
        self.account = account
        self.organization = organization
        self.agentPools = agentPools
        self.smtp = smtp
        self.smtpUnavailable = smtpUnavailable
        self.tokenTTLPolicies = tokenTTLPolicies
        self.tokenTTLUnavailable = tokenTTLUnavailable
    }

    /// The current max TTL of a token type, if known.
    public func ttl(_ type: TokenType) -> Int64? {
        tokenTTLPolicies?.first { $0.tokenType == type }?.maxTTLMilliseconds
    }

    /// What the token may do, for the header line (`site admin, owner of my-org`).
    public var capabilities: String {
        var parts: [String] = []
        if account.isSiteAdmin && !ping.isHCP { parts.append("site admin") }
        parts.append(organization.canUpdate ? "can change \(organization.name)" : "read-only on \(organization.name)")
        return parts.joined(separator: ", ")
    }

    /// Why the SMTP section cannot be used, or nil when it can.
    public var smtpUnavailableReason: String? {
        if smtp != nil { return nil }
        if ping.isHCP { return "HCP Terraform has no admin API, so it has no SMTP settings." }
        if !account.isSiteAdmin { return "the token is not a site admin (SMTP settings need one)." }
        return smtpUnavailable ?? "the SMTP settings could not be read."
    }
}

/// Reads the whole current state with every request concurrent.
public enum StateLoader {
    /// - Throws: the first error that makes the wizard unusable (organization unreadable, bad
    ///   token, server unreachable). SMTP 404 and TTL 403 are recorded, not thrown.
    public static func load(client: TFEClient, organization: String) async throws(TFEError) -> CurrentState {
        async let ping = capture { try await client.ping() }
        async let account = capture { try await client.accountDetails() }
        async let smtp = capture { try await client.smtpSettings() }
        async let org = capture { try await client.organization(organization) }
        async let ttl = capture { try await client.tokenTTLPolicies(organization) }
        async let pools = capture { try await client.agentPools(organization) }
        let (p, a, s, o, t, ap) = await (ping, account, smtp, org, ttl, pools)

        let organizationValue = try o.get()
        var state = CurrentState(ping: try p.get(), account: try a.get(), organization: organizationValue,
                                 agentPools: (try? ap.get()) ?? [], smtp: nil, tokenTTLPolicies: nil)
        switch s {
        case .success(let value): state.smtp = value
        case .failure(.notFound(_, let message)): state.smtpUnavailable = message
        case .failure(let error): throw error
        }
        switch t {
        case .success(let value): state.tokenTTLPolicies = value
        case .failure(.forbidden), .failure(.notFound):
            state.tokenTTLUnavailable = "This token cannot read the token TTL policies (403): only the owners team can."
        case .failure(let error): throw error
        }
        if case .failure(let error) = ap, state.organization.defaultExecutionMode == .agent || organizationValue.canUpdate {
            // Without the pool list the pool cannot be chosen; say so rather than show an empty list.
            if case .forbidden = error {} else { throw error }
        }
        return state
    }

    static func capture<T>(_ body: () async throws -> T) async -> Result<T, TFEError> {
        do {
            return .success(try await body())
        } catch let error as TFEError {
            return .failure(error)
        } catch {
            return .failure(.transport(underlying: "\(error)", hint: ""))
        }
    }
}
