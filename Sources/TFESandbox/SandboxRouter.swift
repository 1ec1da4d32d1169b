import FoundationEssentials
import TFEClient

/// Routes requests to the fake API and the control API. Per-resource handlers live in
/// `SandboxRouter+<Resource>.swift`.
public struct SandboxRouter: Sendable {
    public let store: SandboxStore
    /// The port it listens on, for the control API's `Host` check (nil: any port on loopback).
    public let port: Int?

    public init(store: SandboxStore, port: Int? = nil) {
        self.store = store
        self.port = port
    }

    /// Answers one request: control API, armed faults, latency, auth, rate limit, then the API.
    public func handle(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        if request.path.hasPrefix("/_sandbox/") { return await control(request) }
        let start = store.nowMs()
        var response: SandboxHTTPResponse
        let fault = store.isBooting ? nil : await store.takeFault(method: request.method, path: request.path)
        if store.isBooting {
            // A starting TFE behind its proxy: 502 with the proxy's HTML, for every path.
            response = SandboxHTTPResponse(status: 502, headers: [("Content-Type", "text/html")],
                                           body: Data("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))
        } else if let fault, fault.shift == nil || fault.discard {
            if fault.discard {
                response = await SandboxStore.$discardingWrites.withValue(true) { await api(request) }
            } else {
                var handled: SandboxHTTPResponse?
                if fault.after {
                    if let early = await firstInstallRoute(request) { handled = early } else { handled = await api(request) }
                }
                if let handled, fault.status == nil, fault.body == nil, fault.drop == nil {
                    // `after` with nothing to answer instead: a slow server, the work done and
                    // its real answer sent once the delay has passed.
                    if fault.delayMs > 0 { try? await Task.sleep(for: .milliseconds(fault.delayMs)) }
                    response = handled
                } else {
                    response = await apply(fault)
                }
            }
        } else {
            let (inbound, outbound) = Self.delays(latencyMs: store.options.latencyMs, jitterMs: store.options.latencyJitterMs)
            if inbound > 0 { try? await Task.sleep(for: .microseconds(inbound)) }
            if let early = await firstInstallRoute(request) { response = early } else { response = await api(request) }
            if outbound > 0 { try? await Task.sleep(for: .microseconds(outbound)) }
            // Every answer carries the headers a server of this kind sends (app, release).
            if request.path.hasPrefix("/api/v2/") { response.headers += store.options.profile.headers }
            if let hostile = await store.hostile { response.body = hostile.transform(response.body, path: request.path) }
            // A shift fault answers as usual, then changes the list under the next page.
            if let shift = fault?.shift { await shiftOrganizations(shift) }
        }
        // Every answer carries the server's clock (RFC 9110 §6.6.1), skewed as a test asks.
        if !response.headers.contains(where: { $0.0.lowercased() == "date" }) {
            response.headers.append(("Date", DateText.httpDate(store.serverNow(skew: await store.clockSkewSeconds))))
        }
        let body = request.body.isEmpty ? nil : (JSONValue.parse(request.body)?.redacted ?? .string("<\(request.body.count) bytes, not JSON>"))
        await store.record(SandboxRequestRecord(method: request.method, path: request.path, query: Self.redactedQuery(request.query),
                                                status: response.drop == nil ? response.status : 0,
                                                startMs: start, endMs: store.nowMs(), body: body, tokenID: await store.tokenRecordID(Self.bearer(request))))
        return response
    }

    /// One request's delay in microseconds, before it is counted and handled and after: the
    /// latency all before (as without jitter), plus up to `jitterMs` more, split at random.
    static func delays(latencyMs: Int, jitterMs: Int) -> (inbound: Int, outbound: Int) {
        guard jitterMs > 0 else { return (latencyMs * 1000, 0) }
        let total = latencyMs * 1000 + Int.random(in: 0...(jitterMs * 1000))
        let inbound = Int.random(in: 0...total)
        return (inbound, total - inbound)
    }

    /// The bearer token of a request ("" when none).
    static func bearer(_ request: SandboxHTTPRequest) -> String {
        let auth = request.header("Authorization") ?? ""
        return auth.hasPrefix("Bearer ") ? String(auth.dropFirst(7)).trimmingSpaces : ""
    }

    /// The query as the request log keeps it: a `token` parameter (the IACT) hidden.
    static func redactedQuery(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.lowercased().hasPrefix("token=") ? "token=" + Redactor.placeholder : String(pair)
        }.joined(separator: "&")
    }

    private func apply(_ fault: SandboxFault) async -> SandboxHTTPResponse {
        if fault.delayMs > 0 { try? await Task.sleep(for: .milliseconds(fault.delayMs)) }
        let status = fault.status ?? 500
        var response: SandboxHTTPResponse
        if let raw = fault.body {
            response = SandboxHTTPResponse(status: status, headers: [("Content-Type", SandboxHTTPResponse.jsonAPIType)], body: Data(raw.utf8))
        } else {
            response = .error(status, "injected fault", "This failure was armed through /_sandbox/faults.")
        }
        if let headers = fault.headers {
            // Armed headers replace the defaults of the same name.
            response.headers.removeAll { h in headers.keys.contains { $0.equalsIgnoringCase(h.0) } }
            response.headers += headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        response.drop = fault.drop
        if fault.drop == .midBody && response.body.count < 64 {
            // Make the body long enough that "part of it" is a real truncation.
            response.body += Data(repeating: UInt8(ascii: " "), count: 64)
        }
        return response
    }

    /// The fake TFE API.
    private func api(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v2" else { return .notFound }
        let route = Array(parts.dropFirst(2))
        let options = store.options

        if route == ["ping"], request.method == "GET" {
            return SandboxHTTPResponse(status: 204, headers: [("X-RateLimit-Limit", String(options.rateLimit))])
        }

        let token = Self.bearer(request)
        guard let role = await store.authenticate(token) else {
            return .error(401, "unauthorized", "The API token is missing or not valid.")
        }
        let limitKey = store.tokens.isOwnersTeam(token) ? "team-owners" : store.tokens.isOrganizationToken(token) ? "organization" : role.rawValue
        if let wait = await store.rateLimit(key: limitKey) {
            return .errors(429, [SandboxAPIError(status: 429, title: "Too many requests", detail: "You have exceeded the API's rate limit.")], headers: [
                ("Retry-After", String(wait)), ("X-RateLimit-Limit", String(options.rateLimit)), ("X-RateLimit-Reset", String(wait)),
            ])
        }
        if request.method == "PATCH" || request.method == "POST" {
            let type = (request.header("Content-Type") ?? "").split(separator: ";").first.map { $0.trimmingSpaces.lowercased() }
            if type != SandboxHTTPResponse.jsonAPIType {
                return .error(415, "unsupported media type", "Writes must be sent with Content-Type: application/vnd.api+json.")
            }
        }

        switch (request.method, route) {
        case ("GET", ["account", "details"]):
            if store.tokens.isOwnersTeam(token) { return ownersTeamAccount() }
            if store.tokens.isOrganizationToken(token) { return organizationTokenAccount(await store.state.primaryOrganization) }
            return account(role, admin: await store.firstInstall?.admin)
        case (_, ["admin", "smtp-settings"]):
            guard !options.hcp, role.isSiteAdmin else { return .notFound }
            if request.method == "GET" { return await smtpDocument(200) }
            if request.method == "PATCH" { return await patchSMTP(request) }
        case ("GET", let r) where r.count == 3 && r[0] == "users" && r[2] == "authentication-tokens":
            return await userTokenList(role, userID: r[1], request)
        case ("POST", let r) where r.count == 3 && r[0] == "users" && r[2] == "authentication-tokens":
            return await createUserToken(role, token: token, userID: r[1], request)
        case ("DELETE", let r) where r.count == 2 && r[0] == "authentication-tokens":
            return await deleteUserToken(role, token: token, id: r[1])
        case ("GET", ["organizations"]):
            return await organizationList(role, request)
        case ("POST", ["organizations"]):
            return await createOrganization(request, role: role)
        case ("GET", ["admin", "organizations"]):
            guard !options.hcp, role.isSiteAdmin else { return .notFound }
            return await adminOrganizationList(request)
        case (_, let r) where r.count >= 2 && r[0] == "organizations":
            return await organizationRoutes(request, role: role, token: token, name: r[1], rest: Array(r.dropFirst(2)))
        default:
            break
        }
        return .notFound
    }

    private func organizationRoutes(_ request: SandboxHTTPRequest, role: SandboxRole, token: String, name: String, rest: [String]) async -> SandboxHTTPResponse {
        let state = await store.state
        let options = store.options
        guard let membership = role.membership(in: name, state: state) else { return .notFound }
        if let rejected = await store.lifetimeRejection(role, token: token, organization: name) { return .error(401, "unauthorized", rejected) }
        switch (request.method, rest) {
        case ("GET", []): return await organizationDocument(name, membership: membership, include: request.queryItems["include"])
        case ("PATCH", []):
            guard membership == .owner else { return .notFound }
            return await patchOrganization(name, request)
        case ("GET", ["agent-pools"]):
            guard options.profile.hasAgents else { return .notFound }   // no agents entitlement: every agent endpoint 404s
            return await agentPoolList(name, request)
        case ("POST", ["agent-pools"]):
            guard options.profile.hasAgents else { return .notFound }
            guard membership == .owner else { return .notFound }   // managing agent pools needs the owners team
            return await createAgentPool(name, request)
        case (_, ["token-ttl-policies"]) where !options.profile.hasTTLPolicies:
            return .notFound   // a release before the token-TTL-policy API
        case ("GET", ["token-ttl-policies"]):
            guard membership == .owner else { return .error(403, "forbidden", "Only members of the owners team can read the token TTL policies.") }
            return await ttlDocument(name)
        case ("PATCH", ["token-ttl-policies"]):
            guard membership == .owner else { return .error(403, "forbidden", "Only members of the owners team can change the token TTL policies.") }
            return await patchTTL(name, request)
        case ("GET", ["team-tokens"]):
            guard membership == .owner else { return .error(403, "forbidden", "Only members of the owners team can list the team tokens.") }
            return await teamTokenList(name, request)
        case ("GET", ["authentication-token"]):
            guard membership == .owner else { return .error(403, "forbidden", "Only members of the owners team can read the organization token.") }
            return await organizationTokenDocument(name, request)
        default: return .notFound
        }
    }

    /// The account behind the owners team's token: a service account, the team as the
    /// authenticated resource (TFE's OpenAPI: account details' `authenticated-resource`).
    private func ownersTeamAccount() -> SandboxHTTPResponse {
        .document(200, .object(["data": .object([
            "id": .string("user-api-team-owners"), "type": .string("users"),
            "attributes": .object(["username": .string("api-team_owners"), "is-admin": .bool(false), "is-site-admin": .bool(false), "is-service-account": .bool(true)]),
            "relationships": .object(["authenticated-resource": .object(["data": .object(["id": .string("team-owners"), "type": .string("teams")])])]),
        ])]))
    }

    /// The account behind the organization token: a service account, the organization as the
    /// authenticated resource.
    private func organizationTokenAccount(_ organization: String) -> SandboxHTTPResponse {
        .document(200, .object(["data": .object([
            "id": .string("user-api-org-\(organization)"), "type": .string("users"),
            "attributes": .object(["username": .string("api-org-\(organization)"), "is-admin": .bool(false), "is-site-admin": .bool(false), "is-service-account": .bool(true)]),
            "relationships": .object(["authenticated-resource": .object(["data": .object(["id": .string(organization), "type": .string("organizations")])])]),
        ])]))
    }

    /// The account of a role's token; on a fresh installation, the first admin's.
    private func account(_ role: SandboxRole, admin: SandboxFirstInstall.Admin?) -> SandboxHTTPResponse {
        let id = Self.userID(role, admin: admin)
        return .document(200, .object(["data": .object([
            "id": .string(id), "type": .string("users"),
            "attributes": .object([
                "username": .string(admin?.username ?? role.rawValue), "email": .string(admin?.email ?? "\(role.rawValue)@example.com"),
                "is-admin": .bool(role.isSiteAdmin), "is-site-admin": .bool(role.isSiteAdmin),
            ]),
            // What the token is (TFE's OpenAPI: account details' authenticated-resource): every
            // sandbox token is a user's.
            "relationships": .object(["authenticated-resource": .object(["data": .object(["id": .string(id), "type": .string("users")])])]),
        ])]))
    }

    /// The user id of a role's account (the first admin's, on a fresh installation).
    static func userID(_ role: SandboxRole, admin: SandboxFirstInstall.Admin?) -> String { "user-\(admin?.username ?? role.rawValue)" }

    /// Parses a JSON:API write body into its `data` object, or the 422 to answer.
    /// - Parameter typeRequired: false where the real endpoint accepts a body without `type` (the
    ///   SMTP settings, as the real endpoint does); a wrong type is refused either way.
    func dataObject(_ request: SandboxHTTPRequest, type: String, typeRequired: Bool = true) -> Result<[String: JSONValue], SandboxHTTPResponse> {
        guard let json = JSONValue.parse(request.body) else {
            return .failure(.error(400, "bad request", "The body is not valid JSON."))
        }
        guard let data = json["data"] else {
            return .failure(.error(422, "invalid document", "The document must have a data member.", pointer: "/data"))
        }
        guard let object = data.objectValue else {
            return .failure(.error(422, "invalid document", "data must be a single resource object, not a list.", pointer: "/data"))
        }
        guard object["type"]?.stringValue == type || (!typeRequired && object["type"] == nil) else {
            return .failure(.error(422, "invalid type", "data.type must be \"\(type)\".", pointer: "/data/type"))
        }
        if let attributes = object["attributes"], attributes.objectValue == nil {
            return .failure(.error(422, "invalid document", "data.attributes must be an object.", pointer: "/data/attributes"))
        }
        return .success(object)
    }

    /// `page[number]`/`page[size]` pagination of a list, with `meta.pagination`.
    /// - Parameter included: the `included` resources for the items of the page, if asked for.
    func paginate(_ items: [JSONValue], _ request: SandboxHTTPRequest, included: (([JSONValue]) -> [JSONValue])? = nil) -> SandboxHTTPResponse {
        let q = request.queryItems
        let size = max(1, min(100, Int(q["page[size]"] ?? "") ?? 20))
        let page = max(1, Int(q["page[number]"] ?? "") ?? 1)
        let total = items.count
        let pages = max(1, (total + size - 1) / size)
        let slice = Array(items.dropFirst((page - 1) * size).prefix(size))
        let pagination: JSONValue = .object([
            "current-page": .integer(Int64(page)), "page-size": .integer(Int64(size)),
            "prev-page": page > 1 ? .integer(Int64(page - 1)) : .null,
            "next-page": page < pages ? .integer(Int64(page + 1)) : .null,
            "total-pages": .integer(Int64(pages)), "total-count": .integer(Int64(total)),
        ])
        var document: [String: JSONValue] = ["data": .array(slice), "meta": .object(["pagination": pagination])]
        if let included { document["included"] = .array(included(slice)) }
        return .document(200, .object(document))
    }
}
