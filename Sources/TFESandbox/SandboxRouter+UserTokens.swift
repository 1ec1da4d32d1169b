import FoundationEssentials
import TFEClient

/// Making and deleting user tokens, as the TFE API docs (`api-docs/user-tokens.mdx`) and go-tfe
/// (`user_token.go`) describe them: only a user's own user token may make one for that user; the
/// secret is in the creation answer only; `expired-at` must lie in the server's future.
extension SandboxRouter {
    /// `POST /users/:id/authentication-tokens` → 201 with `attributes.token`.
    func createUserToken(_ role: SandboxRole, token: String, userID: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        // A team or organization token is not a user's: it may not make user tokens.
        guard !store.tokens.isOwnersTeam(token), !store.tokens.isOrganizationToken(token), userID == Self.userID(role, admin: await store.firstInstall?.admin) else { return .notFound }
        let object: [String: JSONValue]
        switch dataObject(request, type: "authentication-tokens") {
        case .success(let o): object = o
        case .failure(let refusal): return refusal
        }
        let attributes = object["attributes"] ?? .object([:])
        let now = store.serverNow(skew: await store.clockSkewSeconds)
        var expires: Date?
        if let value = attributes["expired-at"], value != .null {
            guard let text = value.stringValue, let date = DateText.parseISO8601(text) else {
                return .error(422, "invalid attribute", "Expired at is not a valid date.", pointer: "/data/attributes/expired-at")
            }
            guard date > now else {
                return .error(422, "invalid attribute", "Expired at must be in the future.", pointer: "/data/attributes/expired-at")
            }
            expires = date.addingTimeInterval(await store.newTokenExtraSeconds)
        } else {
            // Without an expiry a user token lives two years (the server's default).
            expires = now.addingTimeInterval(TimeInterval(TTLDuration.twoYearsServer) / 1000)
        }
        let description = attributes["description"]?.stringValue ?? ""
        let secret = SandboxTokens.generate().owner
        // A random id, nothing of the secret in it: the id is printed and logged.
        let id = "at-" + String((0..<12).map { _ in Array("abcdefghijklmnopqrstuvwxyz0123456789").randomElement()! })
        let record = SandboxTokenRecords.Record(id: id, description: description, createdAt: now, expiredAt: expires, lastUsedAt: nil)
        await store.addMinted(record, secret: secret, role: role)
        guard case .object(var resource) = record.resource(), case .object(var attrs) = resource["attributes"] else { return .notFound }
        attrs["token"] = .string(secret)
        resource["attributes"] = .object(attrs)
        return .document(201, .object(["data": .object(resource)]))
    }

    /// `DELETE /authentication-tokens/:id` → 204 for one of the caller's own user tokens.
    func deleteUserToken(_ role: SandboxRole, token: String, id: String) async -> SandboxHTTPResponse {
        guard !store.tokens.isOwnersTeam(token), !store.tokens.isOrganizationToken(token), await store.deleteUserToken(id, role: role) else { return .notFound }
        return .noContent
    }
}

extension SandboxStore {
    /// Keeps a token made through the API: its record in the role's list, its secret to authenticate.
    func addMinted(_ record: SandboxTokenRecords.Record, secret: String, role: SandboxRole) {
        tokenRecords.user[role, default: []].append(record)
        tokenRecords.minted.append((secret, role, record.id))
    }

    /// Deletes one of a role's user tokens by id; false when it has none with that id. The
    /// role's fixed token and the first admin's stop authenticating when theirs is deleted.
    func deleteUserToken(_ id: String, role: SandboxRole) -> Bool {
        guard let index = tokenRecords.user[role]?.firstIndex(where: { $0.id == id }) else { return false }
        tokenRecords.user[role]?.remove(at: index)
        if let made = tokenRecords.minted.firstIndex(where: { $0.id == id }) {
            tokenRecords.minted.remove(at: made)
        } else if id == "at-first-admin" {
            firstAdminTokenDeleted = true
        } else if id == "at-\(role.rawValue)-main" {
            revoke(role)
        }
        return true
    }
}

extension SandboxStore {
    /// The record id of the token that authenticates with `token` (for the request log), or nil.
    func tokenRecordID(_ token: String) -> String? {
        guard !token.isEmpty else { return nil }
        if let made = tokenRecords.minted.first(where: { SandboxTokens.constantTimeEqual($0.secret, token) }) { return made.id }
        if let admin = firstInstall?.admin, SandboxTokens.constantTimeEqual(admin.token, token) { return "at-first-admin" }
        if tokens.isOwnersTeam(token) { return "at-team-ci-deploy" }
        if tokens.isOrganizationToken(token) { return "at-org-automation" }
        return tokens.role(for: token).map { "at-\($0.rawValue)-main" }
    }
}
