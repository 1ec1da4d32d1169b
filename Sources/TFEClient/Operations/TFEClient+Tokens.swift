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
