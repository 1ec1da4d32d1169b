import FoundationEssentials

/// The token lists a tighter TTL policy is checked against: reads only, never a token's value.
extension TFEClient {
    /// The caller's own user tokens (`GET /users/:id/authentication-tokens`, every page).
    public func userTokens(userID: String) async throws(TFEError) -> [TokenRecord] {
        try Self.checkResourceID(userID, what: "user id")
        return try await paginated(APIPath.userTokens(userID), decode: { (body: Data) throws(TFEError) in try WireDecoding.tokens(body, type: .user) })
    }

    /// Every team token of an organization, with its team (`include=team` where the server gives it).
    public func teamTokens(_ organization: String) async throws(TFEError) -> [TokenRecord] {
        try Self.checkOrganizationName(organization)
        return try await paginated(APIPath.teamTokens(organization), query: [("include", "team")],
                                   decode: { (body: Data) throws(TFEError) in try WireDecoding.tokens(body, type: .team) })
    }

    /// The organization token, or (`auditTrails`, HCP Terraform) the audit-trail token.
    public func organizationToken(_ organization: String, auditTrails: Bool = false) async throws(TFEError) -> TokenRecord {
        try Self.checkOrganizationName(organization)
        let response = try await send("GET", APIPath.organizationToken(organization), query: auditTrails ? [("token", "audit-trails")] : [])
        return try WireDecoding.token(response.body, type: auditTrails ? .auditTrails : .organization)
    }

    /// An id that goes into a path: letters, digits, `-` and `_` only.
    static func checkResourceID(_ id: String, what: String) throws(TFEError) {
        let ok = !id.isEmpty && id.count <= 80 && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        if !ok { throw .decoding(what: "a \(what) that cannot go into a path", where: "account details") }
    }
}

/// A user token just made: its record and its secret, which the server shows only in the
/// creation answer.
public struct CreatedToken: Sendable {
    public var record: TokenRecord
    public var token: SecretString
}

extension TFEClient {
    /// `POST /users/:id/authentication-tokens` with an `expired-at`: a new token of the caller's
    /// own user (web-unified-docs `api-docs/user-tokens.mdx`, go-tfe `UserTokens.CreateWithOptions`).
    /// Sent once: after a lost answer a token may exist that nobody has, so the caller finds it
    /// by its description instead of sending again.
    public func createUserToken(userID: String, description: String, expiresAt: Date) async throws(TFEError) -> CreatedToken {
        try Self.checkResourceID(userID, what: "user id")
        let body = JSONValue.object(["data": .object(["type": .string("authentication-tokens"), "attributes": .object([
            "description": .string(description), "expired-at": .string(DateText.iso8601(expiresAt)),
        ])])])
        let response = try await send("POST", APIPath.userTokens(userID), body: Data(body.jsonText.utf8), kind: .once,
                                      notFound: "Creating a user token was refused: only the user's own user token may create one")
        let (record, secret) = try WireDecoding.createdToken(response.body)
        guard let secret, !secret.isEmpty, secret.count <= CredentialsSlot.tokenRoom, secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw .decoding(what: "an answer without the new token", where: APIPath.userTokens(userID))
        }
        return CreatedToken(record: record, token: SecretString(secret))
    }

    /// `DELETE /authentication-tokens/:id`: one of the caller's own tokens (204).
    public func deleteAuthenticationToken(id: String) async throws(TFEError) {
        try Self.checkResourceID(id, what: "token id")
        _ = try await send("DELETE", APIPath.authenticationToken(id), kind: .once, notFound: "The token \(id) was not found: it was deleted already, or is not yours")
    }

    /// The server's clock, from the `Date` header of an answer to `GET /account/details` (every
    /// HTTP server sends one, RFC 9110 §6.6.1); nil when the header is missing or unreadable.
    /// An expiry is computed from it, not from this machine's clock, which may be off.
    public func serverDate() async throws(TFEError) -> Date? {
        let response = try await send("GET", APIPath.accountDetails)
        return response.header("Date").flatMap(DateText.parseHTTPDate)
    }
}
