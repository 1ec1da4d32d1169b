import FoundationEssentials

extension TFEClient {

    static func notFoundMessage(organization name: String) -> String {
        "Organization \"\(name)\" was not found, or this token cannot see it: check the name, and that the token's user is a member"
    }

    /// Reads an organization: default mode and pool, `max-ttl-enabled`, `permissions.can-update`,
    /// and its entitlement set in the same request (`?include=entitlement-set`).
    public func organization(_ name: String) async throws(TFEError) -> Organization {
        try Self.checkOrganizationName(name)
        let response = try await send("GET", APIPath.organization(name), query: [("include", "entitlement-set")],
                                      notFound: Self.notFoundMessage(organization: name))
        return try Self.checkReturnedName(WireDecoding.organization(response.body), asked: name)
    }

    /// The organization a server returns must be the one asked for, and its name must be a valid
    /// organization name: the name goes into paths, review lines and the Terraform export, so a
    /// server must not be able to slip anything else in (line breaks, quotes, escape sequences).
    static func checkReturnedName(_ organization: Organization, asked name: String) throws(TFEError) -> Organization {
        guard FieldRules.organizationName(organization.name) == nil,
              organization.name.lowercased() == name.lowercased() else {
            throw .decoding(what: "an organization named \"\(SafeText.line(organization.name))\" instead of \"\(name)\"", where: "data.attributes.name")
        }
        return organization
    }

    /// Changes mode, pool and `max-ttl-enabled` in ONE organization PATCH.
    /// - Parameter current: the server's organization, for "agent mode needs a pool" (nil skips it).
    /// - Throws: `.validation` / `.requiredFieldMissing` before any request; a 404 for a non-owner.
    @discardableResult
    public func updateOrganization(_ name: String, _ update: OrganizationDefaultsUpdate, current: Organization?) async throws(TFEError) -> Organization {
        try Self.checkOrganizationName(name)
        if update.isEmpty { throw .requiredFieldMissing("the organization update sets neither mode, pool nor max-ttl-enabled") }
        let issues = Validation.issues(for: update, current: current)
        if !issues.isEmpty { throw .validation(issues) }
        let response = try await send("PATCH", APIPath.organization(name), body: encode(WireEncoding.organizationBody(update)),
                                      fieldForPointer: WireEncoding.organizationField(forPointer:),
                                      notFound: Self.notFoundMessage(organization: name) + " (changing it needs the owners team)")
        return try Self.checkReturnedName(WireDecoding.organization(response.body), asked: name)
    }

    /// Resets the default execution settings: mode `remote`, which clears the pool.
    @discardableResult
    public func resetOrganizationDefaults(_ name: String) async throws(TFEError) -> Organization {
        try await updateOrganization(name, .reset, current: nil)
    }

    /// Every organization the token can see, following pagination.
    public func organizations() async throws(TFEError) -> [OrganizationSummary] {
        try await consistentList(APIPath.organizations, decode: WireDecoding.organizations, id: \.name)
    }

    /// Every organization the token belongs to, as full organizations with their entitlements:
    /// one request per 100 organizations instead of one per organization.
    public func organizationsDetailed() async throws(TFEError) -> [Organization] {
        try await consistentList(APIPath.organizations, query: [("include", "entitlement-set")], decode: WireDecoding.organizationPage, id: \.name)
    }

    /// Every organization of the installation, by name (`GET /api/v2/admin/organizations`: site
    /// admins on TFE; 404 on HCP Terraform and for other tokens). A name that is not a valid
    /// organization name is refused where the page is decoded: names go into paths and lines.
    public func adminOrganizationNames() async throws(TFEError) -> [String] {
        try await consistentList(APIPath.adminOrganizations, decode: WireDecoding.organizations, id: \.name).map(\.name)
    }

    /// Every agent pool of an organization, in the server's order, following pagination.
    /// - Parameter maxPages: fewer pages than the default, where many organizations are read:
    ///   a fleet plan's caps would otherwise multiply (100 pages for each of 10,000 organizations).
    public func agentPools(_ organization: String, maxPages: Int = TFEClient.maxPages) async throws(TFEError) -> [AgentPool] {
        try Self.checkOrganizationName(organization)
        return try await paginated(APIPath.agentPools(organization), decode: WireDecoding.agentPools,
                                   notFound: Self.notFoundMessage(organization: organization), maxPages: maxPages)
    }

    /// Creates an agent pool (`POST /organizations/:name/agent-pools`, 201): the new pool.
    /// Sent once: a lost answer is never followed by a second POST (it may have made the pool),
    /// only a connection never made or a 429 goes again. The answer must be a pool of the name
    /// asked for with an id of the `apool-…` form: the id goes into the organization PATCH next.
    /// - Throws: `.validation` before any request (the name's rule); `.unprocessable` with the
    ///   name's field for a 422 (a name taken, …); a 404 without the right or the entitlement.
    public func createAgentPool(_ organization: String, name: String, organizationScoped: Bool = true) async throws(TFEError) -> AgentPool {
        try Self.checkOrganizationName(organization)
        let issues = Validation.issues(forNewAgentPool: name, mode: nil)
        if !issues.isEmpty { throw .validation(issues) }
        let response = try await send("POST", APIPath.agentPools(organization),
                                      body: Data(WireEncoding.agentPoolBody(name: name, organizationScoped: organizationScoped).jsonText.utf8), kind: .create,
                                      fieldForPointer: WireEncoding.agentPoolField(forPointer:),
                                      notFound: Self.notFoundMessage(organization: organization) + " (creating an agent pool needs the owners team and the agents entitlement)")
        let pool = try WireDecoding.agentPool(response.body)
        guard FieldRules.agentPoolID(pool.id) == nil, pool.name == name else {
            throw .decoding(what: "an agent pool \"\(SafeText.line(pool.name))\" (\(SafeText.line(pool.id))) instead of a new pool named \"\(SafeText.line(name))\"", where: "data")
        }
        return pool
    }

    /// The pool pages read per organization of a fleet plan: 1,000 pools, far beyond a real
    /// organization, and at most 10 requests each.
    public static let fleetPoolPages = 10

    static func checkOrganizationName(_ name: String) throws(TFEError) {
        if let message = FieldRules.organizationName(name) { throw .validation([ValidationIssue(.organization, message)]) }
    }

    /// The most pages and items a list may have. Far beyond any real organization list or pool
    /// list, and small enough that a server that never stops (or pads its pages) cannot make us
    /// hold gigabytes: past it the read fails with a clear message instead.
    public static let maxPages = 100
    public static let maxItems = 10_000

    /// An organization list that must add up (the name is an organization's id): a list that
    /// shifts while it is paged (an organization created or deleted between two pages) repeats
    /// one or skips one, and whoever acts on "every organization" would skip one unawares. Such a
    /// list is walked once more; when that does not add up either, the read fails and says why.
    func consistentList<Item>(_ path: String, query: [(String, String)] = [], decode: (Data) throws(TFEError) -> (items: [Item], pagination: JSONAPIMeta.Pagination?),
                              id: (Item) -> String) async throws(TFEError) -> [Item] {
        let first = try await walk(path, query: query, decode: decode, id: id)
        guard let problem = first.problem else { return first.items }
        let second = try await walk(path, query: query, decode: decode, id: id)
        guard let again = second.problem else { return second.items }
        throw .configuration("The organization list changed while it was read, twice in a row (\(problem); then \(again)): "
                             + "an organization may have been skipped, so the list is not used. Try again once organizations are no longer being created or deleted.")
    }

    /// One walk through every page, remembering repeats and the server's counts.
    func walk<Item>(_ path: String, query: [(String, String)], decode: (Data) throws(TFEError) -> (items: [Item], pagination: JSONAPIMeta.Pagination?),
                    id: (Item) -> String) async throws(TFEError) -> ListWalk<Item> {
        var walk = ListWalk<Item>()
        var seen = Set<String>()
        var page = 1
        for _ in 0..<Self.maxPages {
            let response = try await send("GET", path, query: query + [("page[number]", "\(page)"), ("page[size]", "100")])
            let (items, pagination) = try decode(response.body)
            walk.take(items, id: id, seen: &seen, total: pagination?.totalCount)
            if walk.items.count + walk.repeated.count > Self.maxItems {
                throw .decoding(what: "a list of more than \(Self.maxItems) items (the most this tool reads)", where: "\(path) page \(page)")
            }
            guard let next = pagination?.nextPage, next > page else { return walk }
            page = next
        }
        throw .decoding(what: "a list of more than \(Self.maxPages) pages (the most this tool reads)", where: "meta.pagination.next-page of \(path)")
    }

    /// Reads every page (`page[size]=100`) until `meta.pagination.next-page` is null.
    func paginated<Item>(_ path: String, query: [(String, String)] = [], decode: (Data) throws(TFEError) -> (items: [Item], pagination: JSONAPIMeta.Pagination?),
                         notFound: String? = nil, maxPages: Int = TFEClient.maxPages) async throws(TFEError) -> [Item] {
        var all: [Item] = []
        var page = 1
        for _ in 0..<max(1, min(maxPages, Self.maxPages)) {
            let response = try await send("GET", path, query: query + [("page[number]", "\(page)"), ("page[size]", "100")], notFound: notFound)
            let (items, pagination) = try decode(response.body)
            all += items
            if all.count > Self.maxItems {
                throw .decoding(what: "a list of more than \(Self.maxItems) items (the most this tool reads)", where: "\(path) page \(page)")
            }
            guard let next = pagination?.nextPage, next > page else { return all }
            page = next
        }
        throw .decoding(what: "a list of more than \(max(1, min(maxPages, Self.maxPages))) pages (the most this tool reads)", where: "meta.pagination.next-page of \(path)")
    }
}
