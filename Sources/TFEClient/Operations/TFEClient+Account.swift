import FoundationEssentials

extension TFEClient {
    /// The token's user; `isSiteAdmin` decides whether the SMTP screen can be shown.
    public func accountDetails() async throws(TFEError) -> Account {
        let response = try await send("GET", APIPath.accountDetails)
        return try WireDecoding.account(response.body)
    }

    /// Pings the API: the app name tells HCP Terraform from Terraform Enterprise.
    public func ping() async throws(TFEError) -> PingInfo {
        let response = try await send("GET", APIPath.ping)
        return PingInfo(appName: response.header("TFP-AppName") ?? "Terraform Enterprise",
                        apiVersion: response.header("TFP-API-Version"),
                        rateLimit: response.header("X-RateLimit-Limit").flatMap { Int($0) },
                        release: (response.header("X-TFE-Current-Version") ?? response.header("X-TFE-Version"))
                            .map { ServerRelease(String($0.trimmingSpaces.prefix(40))) })
    }
}
