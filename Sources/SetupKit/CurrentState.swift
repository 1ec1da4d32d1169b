import TFEClient

/// What the server holds now, read once at start (all reads concurrent) and kept up to date with
/// what each successful apply step returns.
package struct CurrentState: Sendable, Equatable {
    package var ping: PingInfo
    package var account: Account
    package var organization: Organization
    package var agentPools: [AgentPool]
    /// nil when the SMTP settings cannot be read (HCP Terraform, or not a site admin).
    package var smtp: SMTPSettings?
    package var smtpUnavailable: String?
    /// nil when the token TTL policies cannot be read (403: not in the owners team).
    package var tokenTTLPolicies: [TokenTTLPolicy]?
    package var tokenTTLUnavailable: String?
    /// Why agent mode cannot be chosen (no agents entitlement, no pool list), or nil.
    package var agentsUnavailable: String?
    /// Why there is no organization to set up (none exists yet, or none was asked for), or nil.
    /// Set, `organization` is a placeholder and only the site-wide SMTP relay can be used.
    package var organizationUnavailable: String?
    /// The existing tokens, read when a tighter TTL policy is possible (nil: not read).
    package var tokenInventory: TokenInventory?

    package init(ping: PingInfo, account: Account, organization: Organization, agentPools: [AgentPool],
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
    package func ttl(_ type: TokenType) -> Int64? {
        tokenTTLPolicies?.first { $0.tokenType == type }?.maxTTLMilliseconds
    }

    /// What the token may do, for the header line (`site admin, owner of my-org`).
    package var capabilities: String {
        var parts: [String] = []
        if account.isSiteAdmin && !ping.isHCP { parts.append("site admin") }
        if organizationUnavailable != nil { return parts.isEmpty ? "SMTP relay only" : parts.joined() + ", SMTP relay only" }
        parts.append(organization.canUpdate ? "can change \(organization.name)" : "read-only on \(organization.name)")
        return parts.joined(separator: ", ")
    }

    /// Why the max-TTL switch cannot be changed here, or nil when it can.
    package var ttlSwitchUnavailableReason: String? {
        organization.maxTTLSupported ? nil
            : "\(ping.serverDescription) does not report max-ttl-enabled for \(organization.name) (a beta attribute), so the switch is left alone."
    }

    /// Why the SMTP section cannot be used, or nil when it can.
    package var smtpUnavailableReason: String? {
        if smtp != nil { return nil }
        if ping.isHCP { return "HCP Terraform has no admin API, so it has no SMTP settings." }
        if !account.isSiteAdmin { return "the token is not a site admin (SMTP settings need one)." }
        return smtpUnavailable ?? "the SMTP settings could not be read."
    }
}

extension CurrentState {
    /// The SMTP read's answer: the settings, or (404: not an admin, HCP) why there are none.
    mutating func take(smtp result: Result<SMTPSettings, TFEError>) throws(TFEError) {
        switch result {
        case .success(let value): smtp = value
        case .failure(.notFound(_, let message)): smtpUnavailable = message
        case .failure(let error): throw error
        }
    }
}

/// Reads the whole current state with every request concurrent.
package enum StateLoader {
    /// - Throws: the first error that makes the wizard unusable (organization unreadable, bad
    ///   token, server unreachable). SMTP 404 and TTL 403 are recorded, not thrown.
    /// - Parameter tokensIfTightening: the TTL settings about to be planned: the existing tokens
    ///   (`TokenInventory`) are read too when they make a cap in force tighter
    ///   (`Planner.tightensCaps`) — only then do the tokens decide anything. In a second round,
    ///   since the caller's own list needs the account's id and the decision needs the policies
    ///   the first round reads.
    package static func load(client: TFEClient, organization: String,
                             tokensIfTightening desiredTTL: DesiredSettings.TokenTTL? = nil) async throws(TFEError) -> CurrentState {
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
        try state.take(smtp: s)
        switch t {
        case .success(let value): state.tokenTTLPolicies = value
        case .failure(.forbidden):
            state.tokenTTLUnavailable = "This token cannot read the token TTL policies (403): only the owners team can."
        case .failure(.notFound):
            state.tokenTTLUnavailable = ttlNotFoundReason(state.ping)
        case .failure(let error): throw error
        }
        if organizationValue.entitlements?.agents == false {
            // The entitlement set says it: no guess from a bare 404.
            state.agentsUnavailable = "\(organizationValue.name) has no agents entitlement (its plan does not include agents), so agent mode cannot be chosen."
        } else if case .failure(let error) = ap {
            switch error {
            case .notFound:
                state.agentsUnavailable = "\(state.ping.serverDescription) has no agent pools for \(organizationValue.name) (404): its plan may not include agents, so agent mode cannot be chosen."
            case .forbidden:
                break
            default:
                // Without the pool list the pool cannot be chosen; say so rather than show an empty list.
                if state.organization.defaultExecutionMode == .agent || organizationValue.canUpdate { throw error }
            }
        }
        if let desiredTTL, Planner.tightensCaps(desiredTTL, current: state) { state.tokenInventory = await readTokens(client: client, state: state) }
        return state
    }

    /// The existing tokens a tighter cap is checked against, for a state already read: the
    /// three lists at once (and on HCP Terraform the audit-trail token with them).
    package static func readTokens(client: TFEClient, state: CurrentState) async -> TokenInventory {
        let organization = state.organization.name
        // Only HCP Terraform has an audit-trail token.
        async let audit = state.ping.isHCP ? auditTrailToken(client: client, organization: organization) : nil
        var inventory = await TokenInventory.read(client: client, account: state.account, organization: organization)
        inventory.auditTrails = await audit
        return inventory
    }

    private static func auditTrailToken(client: TFEClient, organization: String) async -> TokenInventory.Listing {
        await TokenInventory.listing("the audit-trail token", noneIs404: true) { [try await client.organizationToken(organization, auditTrails: true)] }
    }

    /// What a baseline for several organizations needs besides them: the server, the account and
    /// the site-wide SMTP relay (nil with the reason where it cannot be used). The organization
    /// is a placeholder: each one's state comes with its plan.
    /// - Parameter noOrganization: why no organization is read (none exists, none asked for): the
    ///   state then says so (`organizationUnavailable`), and only the relay can be planned.
    package static func loadSiteWide(client: TFEClient, noOrganization: String? = nil) async throws(TFEError) -> CurrentState {
        async let ping = capture { try await client.ping() }
        async let account = capture { try await client.accountDetails() }
        async let smtp = capture { try await client.smtpSettings() }
        let (p, a, s) = await (ping, account, smtp)
        var state = CurrentState(ping: try p.get(), account: try a.get(), organization: Organization(name: "", canUpdate: true),
                                 agentPools: [], smtp: nil, tokenTTLPolicies: nil)
        try state.take(smtp: s)
        state.organizationUnavailable = noOrganization
        return state
    }

    /// Why the organization's sections are skipped when the server has none yet.
    package static let noOrganizationYet = "this server has no organization yet, so only the site-wide SMTP relay can be set (create one first: the wizard offers to, or a bootstrap section in an answers file)."

    /// The first release with token TTL policies (terraform-provider-tfe gates its resource there).
    package static let ttlPoliciesRelease = [2, 0, 1]

    /// Why a 404 on the TTL policies: named from the release and the app, not guessed as "not an owner".
    static func ttlNotFoundReason(_ ping: PingInfo) -> String {
        if ping.isHCP {
            return "HCP Terraform does not offer token TTL policies to this organization (404; they are a beta feature there)."
        }
        if let release = ping.release, release.isOlder(than: ttlPoliciesRelease) == true {
            return "This Terraform Enterprise release (\(SafeText.line(release.text))) has no token TTL policies; they need 2.0.1 or later."
        }
        let which = ping.release.map { "release \(SafeText.line($0.text))" } ?? "release unknown"
        return "This Terraform Enterprise (\(which)) has no token TTL policies (404); they need release 2.0.1 or later."
    }

    static func capture<T>(_ body: () async throws -> T) async -> Result<T, TFEError> {
        do {
            return .success(try await body())
        } catch let error as TFEError {
            return .failure(error)
        } catch {
            return .failure(.transport(TransportError(.other, "\(error)")))
        }
    }
}

extension CurrentState {
    /// The state as it would be once `desired` is applied: what the wizard's saved answers file
    /// states (through `AnswersEncoder.encode(current:)`, the export's own encoder), so the form's
    /// values are turned into settings in one place (`WizardForm.desired`), not twice.
    package func applying(_ desired: DesiredSettings) -> CurrentState {
        var next = self
        if let u = desired.smtp, var s = next.smtp {
            for setting in SMTPSetting.all { setting.apply(u, &s) }
            next.smtp = s
        }
        if let e = desired.executionDefaults {
            if let mode = e.mode {
                next.organization.defaultExecutionMode = mode
                next.organization.unknownExecutionMode = nil
            }
            switch e.agentPool {
            case .set(let id): next.organization.defaultAgentPoolID = id
            case .clear: next.organization.defaultAgentPoolID = nil
            case .unchanged: break
            }
            // A pool by name: the organization's pool of that name (a created one once absorbed).
            if let name = e.agentPoolName, let pool = agentPools.first(where: { $0.name == name }) { next.organization.defaultAgentPoolID = pool.id }
            if next.organization.defaultExecutionMode != .agent { next.organization.defaultAgentPoolID = nil }
        }
        if let t = desired.tokenTTL {
            if let enabled = t.enabled, ttlSwitchUnavailableReason == nil { next.organization.maxTTLEnabled = enabled }
            if var policies = next.tokenTTLPolicies {
                for (type, ms) in t.milliseconds {
                    if let i = policies.firstIndex(where: { $0.tokenType == type }) { policies[i].maxTTLMilliseconds = ms }
                }
                next.tokenTTLPolicies = policies
            }
        }
        return next
    }
}

extension CurrentState {
    /// What a Terraform Enterprise holds right after its first install, as the plan of a first
    /// install assumes before anything exists to read: the relay off, the organization new
    /// (remote, no agent pool, the switch off, every token type at the 2-year default), and the
    /// first admin a site admin. `apply` reads the real state once the admin exists.
    package static func newInstallation(organization: String, email: String?, admin: String) -> CurrentState {
        CurrentState(ping: PingInfo(appName: "Terraform Enterprise"), account: Account(id: "", username: admin, isSiteAdmin: true),
                     organization: Organization(name: organization, email: email, canUpdate: true), agentPools: [],
                     smtp: SMTPSettings(), tokenTTLPolicies: TokenType.known.map { TokenTTLPolicy(tokenType: $0, maxTTLMilliseconds: TTLDuration.twoYearsServer) })
    }
}
