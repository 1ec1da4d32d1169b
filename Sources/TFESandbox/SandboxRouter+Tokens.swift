import FoundationEssentials
import TFEClient

/// The token lists (reads only; no token's value is ever in them): a user's own tokens, an
/// organization's team tokens and its organization token, as go-tfe and the TFE API docs show.
extension SandboxRouter {
    /// `GET /users/:id/authentication-tokens`: only the caller's own (another user's id: 404,
    /// as no API lists other users' tokens).
    func userTokenList(_ role: SandboxRole, userID: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        guard userID == Self.userID(role, admin: await store.firstInstall?.admin) else { return .notFound }
        let records = await store.tokenRecords.user[role] ?? []
        return paginate(records.map { $0.resource() }, request)
    }

    /// `GET /organizations/:org/team-tokens`: every team token, with the team when `include=team`.
    func teamTokenList(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let state = await store.state
        let records = name == state.primaryOrganization ? await store.tokenRecords.team : []
        let include = (request.queryItems["include"] ?? "").split(separator: ",").contains("team")
        return paginate(records.map { $0.resource() }, request, included: include ? { page in
            var seen: Set<String> = []
            return page.compactMap { item -> JSONValue? in
                guard let id = item["relationships"]?["team"]?["data"]?["id"]?.stringValue, seen.insert(id).inserted else { return nil }
                return .object(["id": .string(id), "type": .string("teams"), "attributes": .object(["name": .string(String(id.dropFirst(5)))])])
            }
        } : nil)
    }

    /// `GET /organizations/:org/authentication-token`: 404 when the organization has none.
    func organizationTokenDocument(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let state = await store.state
        guard request.queryItems["token"] == nil, name == state.primaryOrganization, let record = await store.tokenRecords.organization else { return .notFound }
        return .document(200, .object(["data": record.resource()]))
    }
}
