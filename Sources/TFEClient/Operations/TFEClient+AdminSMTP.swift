import FoundationEssentials

extension TFEClient {
    /// The 404 message of the admin SMTP endpoint.
    static let smtpNotAvailable = "SMTP settings are " + TFEError.adminNotAvailable

    /// Reads the admin SMTP settings (TFE only, site-admin token).
    /// - Throws: `TFEError.notFound` with the "not available" message on HCP Terraform or without
    ///   site-admin rights.
    public func smtpSettings() async throws(TFEError) -> SMTPSettings {
        let response = try await send("GET", APIPath.smtpSettings, notFound: Self.smtpNotAvailable)
        return try WireDecoding.smtpSettings(response.body)
    }

    /// Changes the admin SMTP settings with one PATCH carrying only the values set. Never retried:
    /// the relay check may send a test email each time.
    /// - Parameters:
    ///   - current: the server's settings, for the rules that need them (pass nil to skip those).
    /// - Throws: `.validation` / `.requiredFieldMissing` before any request; `.smtpRelay` for the
    ///   relay's 401/500/504; `.unprocessable` with field keys for a 422.
    @discardableResult
    public func updateSMTPSettings(_ update: SMTPSettingsUpdate, current: SMTPSettings?) async throws(TFEError) -> SMTPSettings {
        if update.isEmpty { throw .requiredFieldMissing("the SMTP update sets no value") }
        let issues = Validation.issues(for: update, current: current)
        if !issues.isEmpty { throw .validation(issues) }
        let body = encode(WireEncoding.smtpBody(update))
        let response: HTTPResponse
        do {
            response = try await send("PATCH", APIPath.smtpSettings, body: body, kind: .smtpPatch,
                                      fieldForPointer: WireEncoding.smtpField(forPointer:), notFound: Self.smtpNotAvailable)
        } catch .smtpRelay(401, let detail) {
            // A 401 here means the relay refused the credentials — or that the API token stopped
            // working since the read (revoked, expired). One cheap read tells them apart.
            do {
                _ = try await accountDetails()
            } catch .unauthorized {
                throw .unauthorized(detail: "the API token stopped working after the settings were read (revoked or expired?); the SMTP change was not saved")
            } catch {
                // Any other failure says nothing about the token: keep the relay's reading.
            }
            throw .smtpRelay(status: 401, detail: detail)
        }
        return try WireDecoding.smtpSettings(response.body)
    }
}
