import FoundationEssentials

/// Reads response bodies into models. Anything that is not the expected JSON:API document becomes
/// `TFEError.decoding(what, where)` — never a crash, whatever the server sends.
package enum WireDecoding {
    /// Decodes a JSON:API document, naming what was expected and where decoding failed.
    package static func document<T: Decodable>(_ type: T.Type, from body: Data, what: String) throws(TFEError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw .decoding(what: what, where: location(of: error))
        } catch {
            throw .decoding(what: what, where: "body")
        }
    }

    package static func organization(_ body: Data) throws(TFEError) -> Organization {
        let doc = try document(JSONAPIDocument<OrganizationResource>.self, from: body, what: "organization")
        var org = organization(from: doc.data)
        if let attributes = JSONValue.parse(body)?["data"]?["attributes"]?.objectValue {
            org.scalarAttributes = attributes.filter { if case .object = $0.value { return false }; if case .array = $0.value { return false }; return true }
        }
        org.entitlements = entitlements(of: doc.data, in: doc.included)
        return org
    }

    package static func organizations(_ body: Data) throws(TFEError) -> (items: [OrganizationSummary], pagination: JSONAPIMeta.Pagination?) {
        let doc = try document(JSONAPIDocument<[OrganizationResource]>.self, from: body, what: "organization list")
        let items = doc.data.map { r in
            OrganizationSummary(name: r.attributes.name ?? r.id ?? "", canUpdate: r.attributes.permissions?.canUpdate ?? false)
        }
        try checkListedNames(items.map(\.name))
        return (items, doc.meta?.pagination)
    }

    /// A listed organization's name goes into paths, plan and report lines, prompts and the
    /// Terraform export: one that is not a valid organization name (a line break, a quote, an
    /// escape sequence) means the server is not what it claims, and the whole list is refused.
    static func checkListedNames(_ names: [String]) throws(TFEError) {
        for name in names where FieldRules.organizationName(name) != nil {
            throw .decoding(what: "an organization named \"\(SafeText.line(String(name.prefix(80))))\"", where: "data[].attributes.name")
        }
    }

    /// A page of the organization list as full organizations (the list returns the same resource
    /// as the single read): mode, pool, the max-TTL switch, permissions, and the entitlements of
    /// `included`, linked by each item's `entitlement-set` relationship.
    package static func organizationPage(_ body: Data) throws(TFEError) -> (items: [Organization], pagination: JSONAPIMeta.Pagination?) {
        let doc = try document(JSONAPIDocument<[OrganizationResource]>.self, from: body, what: "organization list")
        let items = doc.data.map { r in
            var org = organization(from: r)
            org.entitlements = entitlements(of: r, in: doc.included)
            return org
        }
        try checkListedNames(items.map(\.name))
        return (items, doc.meta?.pagination)
    }

    /// An organization's entitlement set among `included`: the one its `entitlement-set`
    /// relationship names, else (a single read, which includes only its own) the only one there.
    static func entitlements(of r: OrganizationResource, in included: [IncludedResource]?) -> Entitlements? {
        let sets = (included ?? []).filter { $0.type == "entitlement-sets" }
        let set = (r.relationships?.entitlementSet?.data?.id).flatMap { id in sets.first { $0.id == id } }
            ?? (sets.count == 1 ? sets.first : nil)
        return set.map { Entitlements(agents: $0.attributes?.agents) }
    }

    static func organization(from r: OrganizationResource) -> Organization {
        let mode = r.attributes.defaultExecutionMode
        var org = Organization(
            name: r.attributes.name ?? r.id ?? "",
            email: r.attributes.email,
            // An unknown mode (a newer server's) does not fail the whole screen: it is kept as text
            // and never written back; the enum holds a stand-in.
            defaultExecutionMode: mode.flatMap(ExecutionMode.init(rawValue:)) ?? .remote,
            defaultAgentPoolID: r.relationships?.defaultAgentPool?.data?.id,
            maxTTLEnabled: r.attributes.maxTTLEnabled ?? false,
            // A beta attribute: missing means the server does not support the switch.
            maxTTLSupported: r.attributes.maxTTLEnabled != nil,
            canUpdate: r.attributes.permissions?.canUpdate ?? false)
        if let mode, ExecutionMode(rawValue: mode) == nil { org.unknownExecutionMode = String(mode.prefix(100)) }
        return org
    }

    /// The policies; one token type listed twice is a decoding error (which one would count?).
    package static func tokenTTLPolicies(_ body: Data) throws(TFEError) -> [TokenTTLPolicy] {
        let policies = try document(JSONAPIDocument<[TokenTTLPolicyResource]>.self, from: body, what: "token TTL policies").data.map {
            TokenTTLPolicy(id: $0.id ?? "", tokenType: $0.attributes.tokenType, maxTTLMilliseconds: $0.attributes.maxTTLMilliseconds)
        }
        var seen: Set<TokenType> = []
        for (index, policy) in policies.enumerated() where !seen.insert(policy.tokenType).inserted {
            throw .decoding(what: "token TTL policies: token type \"\(SafeText.line(policy.tokenType.rawValue))\" listed twice",
                            where: "data[\(index)].attributes.token-type")
        }
        return policies
    }

    package static func agentPools(_ body: Data) throws(TFEError) -> (items: [AgentPool], pagination: JSONAPIMeta.Pagination?) {
        let doc = try document(JSONAPIDocument<[AgentPoolResource]>.self, from: body, what: "agent pool list")
        let items = doc.data.map {
            AgentPool(id: $0.id, name: $0.attributes.name, agentCount: $0.attributes.agentCount ?? 0, organizationScoped: $0.attributes.organizationScoped ?? true)
        }
        return (items, doc.meta?.pagination)
    }

    /// One agent pool (the answer of its create).
    package static func agentPool(_ body: Data) throws(TFEError) -> AgentPool {
        let r = try document(JSONAPIDocument<AgentPoolResource>.self, from: body, what: "agent pool").data
        return AgentPool(id: r.id, name: r.attributes.name, agentCount: r.attributes.agentCount ?? 0, organizationScoped: r.attributes.organizationScoped ?? true)
    }

    package static func account(_ body: Data) throws(TFEError) -> Account {
        let r = try document(JSONAPIDocument<AccountResource>.self, from: body, what: "account details").data
        let resource = r.relationships?.authenticatedResource?.data.map { AuthenticatedResource(type: $0.type, id: $0.id) }
        return Account(id: r.id, username: r.attributes.username ?? "", email: r.attributes.email,
                       isSiteAdmin: r.attributes.isAdmin ?? r.attributes.isSiteAdmin ?? false, authenticatedResource: resource)
    }

    /// A page of a token list (`GET /users/:id/authentication-tokens`, `/organizations/:org/team-tokens`).
    /// A date that does not parse is left unknown rather than guessed.
    package static func tokens(_ body: Data, type: TokenType) throws(TFEError) -> (items: [TokenRecord], pagination: JSONAPIMeta.Pagination?) {
        let doc = try document(JSONAPIDocument<[AuthenticationTokenResource]>.self, from: body, what: "token list")
        let teams = Dictionary((doc.included ?? []).compactMap { r in r.id.map { ($0, r.attributes?.name) } }, uniquingKeysWith: { a, _ in a })
        return (doc.data.map { record($0, type: type, teams: teams) }, doc.meta?.pagination)
    }

    /// One token (`GET /organizations/:org/authentication-token`).
    package static func token(_ body: Data, type: TokenType) throws(TFEError) -> TokenRecord {
        record(try document(JSONAPIDocument<AuthenticationTokenResource>.self, from: body, what: "organization token").data, type: type, teams: [:])
    }

    /// A user token's creation answer: its record and its secret.
    package static func createdToken(_ body: Data) throws(TFEError) -> (TokenRecord, String?) {
        let resource = try document(JSONAPIDocument<AuthenticationTokenResource>.self, from: body, what: "new user token").data
        return (record(resource, type: .user, teams: [:]), resource.attributes.token)
    }

    static func record(_ r: AuthenticationTokenResource, type: TokenType, teams: [String: String?]) -> TokenRecord {
        let team = r.relationships?.team?.data?.id
        return TokenRecord(id: String(r.id.prefix(80)), type: type, description: r.attributes.description.map { String($0.prefix(200)) },
                           createdAt: r.attributes.createdAt.flatMap(DateText.parseISO8601),
                           expiredAt: r.attributes.expiredAt.flatMap(DateText.parseISO8601),
                           lastUsedAt: r.attributes.lastUsedAt.flatMap(DateText.parseISO8601),
                           teamID: team, teamName: team.flatMap { teams[$0] ?? nil })
    }

    /// The JSON:API errors of an error response; an empty list when the body has none.
    /// The errors of a failed answer: JSON:API's `errors`, or the plain `{"status":"error",
    /// "error":"…"}` of the endpoints outside `/api/v2` (the first admin's).
    package static func errors(_ body: Data) -> [JSONAPIError] {
        if let errors = (try? JSONDecoder().decode(JSONAPIErrorDocument.self, from: body))?.errors { return errors }
        if let plain = JSONValue.parse(body), plain["status"]?.stringValue == "error", let message = plain["error"]?.stringValue {
            return [JSONAPIError(status: nil, title: nil, detail: String(message.prefix(500)))]
        }
        return []
    }

    /// `data.attributes.port` from a DecodingError's coding path.
    static func location(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c):
            return (c.codingPath + [key]).map(pathComponent).joined(separator: ".")
        @unknown default: return "body"
        }
        let path = context.codingPath.map(pathComponent).joined(separator: ".")
        return path.isEmpty ? "body" : path
    }

    private static func pathComponent(_ key: CodingKey) -> String {
        key.intValue.map { "[\($0)]" } ?? key.stringValue
    }
}
