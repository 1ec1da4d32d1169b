import FoundationEssentials

extension TFEClient {

    /// Reads the max-TTL policies of every token type (not paginated). Unknown types are kept.
    /// - Throws: `.forbidden` for a token outside the owners team.
    public func tokenTTLPolicies(_ organization: String) async throws(TFEError) -> [TokenTTLPolicy] {
        try Self.checkOrganizationName(organization)
        let response = try await send("GET", APIPath.tokenTTLPolicies(organization), notFound: Self.notFoundMessage(organization: organization))
        return try WireDecoding.tokenTTLPolicies(response.body)
    }

    /// Changes the max TTL of the given types in ONE PATCH (the spec's form); types left out keep
    /// their values. Returns all policies as the server reports them after the change.
    /// - Throws: `.requiredFieldMissing` when no type is set, `.validation` for a value ≤ 0 —
    ///   both before any request.
    @discardableResult
    public func updateTokenTTLPolicies(_ organization: String, _ update: TokenTTLUpdate) async throws(TFEError) -> [TokenTTLPolicy] {
        try Self.checkOrganizationName(organization)
        if update.milliseconds.isEmpty { throw .requiredFieldMissing("the token TTL update sets no token type") }
        let issues = Validation.issues(for: update)
        if !issues.isEmpty { throw .validation(issues) }
        let sent = update.orderedEntries.map(\.0)
        let response = try await send("PATCH", APIPath.tokenTTLPolicies(organization), body: encode(WireEncoding.tokenTTLBody(update)),
                                      fieldForPointer: { WireEncoding.tokenTTLField(forPointer: $0, sent: sent) },
                                      notFound: Self.notFoundMessage(organization: organization))
        return try WireDecoding.tokenTTLPolicies(response.body)
    }

    /// Sets the given types (default: the four known ones) to the 2-year default the SDKs write.
    @discardableResult
    public func resetTokenTTLPolicies(_ organization: String, types: [TokenType] = TokenType.known) async throws(TFEError) -> [TokenTTLPolicy] {
        try await updateTokenTTLPolicies(organization, TokenTTLUpdate(Dictionary(uniqueKeysWithValues: types.map { ($0, TTLDuration.twoYearsSDK) })))
    }
}
