import FoundationEssentials

/// A freshly installed TFE, from HashiCorp's docs: the health check, the initial admin creation
/// token (IACT), the first admin and the first organization. None of these has a JSON:API shape
/// but the organization; none is retried blindly (a create sent twice fails the second time).
extension TFEClient {
    /// What one health check saw.
    public enum Readiness: Equatable, Sendable {
        case ready
        /// Not yet: the answer, as a short phrase (`502 bad gateway`, `connection refused`).
        case starting(String)
    }

    /// One `GET /_health_check`, not retried: 200 is ready; a 5xx or no answer is "starting" (a
    /// starting TFE answers 502/503 from its proxy for minutes). A 404 means the server has no
    /// such check (HCP Terraform, an older release): the API's ping decides instead.
    public func readiness() async -> Readiness {
        do {
            _ = try await send("GET", APIPath.healthCheck, kind: .once, mediaType: "text/plain")
            return .ready
        } catch {
            if case .notFound = error {
                do {
                    _ = try await send("GET", APIPath.ping, kind: .once)
                    return .ready
                } catch {
                    return .starting(Self.shortAnswer(error))
                }
            }
            return .starting(Self.shortAnswer(error))
        }
    }

    /// Asks the health check every `interval` seconds until it answers 200 or `deadline` seconds
    /// have passed; `progress` hears each "not yet" with the seconds waited so far.
    /// - Throws: `.firstInstall(.notReady)` at the deadline, naming the last answer.
    public func waitUntilReady(deadline: Double, interval: Double = 1,
                               progress: @Sendable (_ waited: Double, _ answer: String) -> Void = { _, _ in }) async throws(TFEError) {
        let started = environment.now()
        while true {
            switch await readiness() {
            case .ready:
                return
            case .starting(let answer):
                let waited = environment.now() - started
                if waited + interval > deadline {
                    throw .firstInstall(.notReady(waitedSeconds: Int(waited.rounded()), lastAnswer: answer))
                }
                progress(waited, answer)
                do { try await environment.sleep(interval) } catch {
                    throw .transport(TransportError(.cancelled, "stopped while waiting for the server to come up"))
                }
            }
        }
    }

    /// `GET /admin/retrieve-iact`: the IACT as plain text, whitespace and a TTY's `\r` stripped.
    /// - Throws: `.firstInstall(.iactNotRetrievable)` for any answer but 200 with a token-like body.
    public func retrieveIACT() async throws(TFEError) -> SecretString {
        let response: HTTPResponse
        do {
            response = try await send("GET", APIPath.retrieveIACT, kind: .once, mediaType: "text/plain")
        } catch {
            throw .firstInstall(.iactNotRetrievable(lastAnswer: Self.shortAnswer(error)))
        }
        let text = String(decoding: response.body.prefix(1024), as: UTF8.self)
        guard let iact = FieldRules.cleanIACT(text) else {
            throw .firstInstall(.iactNotRetrievable(lastAnswer: "\(response.status) with a body that is not a token"))
        }
        return iact
    }

    /// `POST /admin/initial-admin-user?token=IACT`: creates the first admin (a site admin) and
    /// returns that user's API token. Sent once: after a lost answer the admin may exist.
    /// - Throws: `.validation` before any request; `.firstInstall(.iactRefused)` for a 404 (wrong,
    ///   expired or used IACT, or users exist); `.firstInstall(.adminRefused)` for a 422.
    public func createInitialAdmin(iact: SecretString, username: String, email: String, password: SecretString) async throws(TFEError) -> SecretString {
        let issues = Validation.issues(forAdmin: username, email: email, password: password)
        if !issues.isEmpty { throw .validation(issues) }
        let body = JSONValue.object(["username": .string(username), "email": .string(email), "password": .string(password.exposedValue)])
        let response: HTTPResponse
        do {
            response = try await send("POST", APIPath.initialAdminUser, query: [("token", iact.exposedValue)], body: Data(body.jsonText.utf8),
                                      kind: .once, mediaType: "application/json")
        } catch {
            throw Self.adminFailure(error, secrets: [iact, password])
        }
        guard let reply = JSONValue.parse(response.body), reply["status"]?.stringValue == "created",
              let token = reply["token"]?.stringValue, !token.isEmpty, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw .decoding(what: "an answer without the new admin's token", where: APIPath.initialAdminUser)
        }
        return SecretString(token)
    }

    /// A failed first-admin request in the taxonomy. Its body is plain JSON
    /// (`{"status":"error","error":"…"}`); its texts are not documented, so the status decides
    /// what it means, and the server's words, shown as a detail, lose any echo of the IACT or
    /// the password.
    static func adminFailure(_ error: TFEError, secrets: [SecretString]) -> TFEError {
        func scrubbed(_ text: String) -> String {
            secrets.reduce(text) { text, secret in
                secret.exposedValue.count < 4 ? text : Redactor.scrubbing(Redactor.spellings(of: secret.exposedValue), from: text)
            }
        }
        switch error {
        case .notFound: return .firstInstall(.iactRefused(detail: "Unauthorized to perform action"))
        case .unprocessable(let errors): return .firstInstall(.adminRefused(detail: scrubbed(errors.map(\.message).joined(separator: "; "))))
        case .server(let status, let detail): return .server(status: status, detail: scrubbed(detail))
        default: return error
        }
    }

    /// `POST /api/v2/organizations` with its name and email: the new organization. Sent once: a
    /// lost answer is found out by reading the organization before sending again.
    public func createOrganization(name: String, email: String) async throws(TFEError) -> Organization {
        let issues = Validation.issues(forNewOrganization: name, email: email)
        if !issues.isEmpty { throw .validation(issues) }
        let body = JSONValue.object(["data": .object(["type": .string("organizations"),
                                                      "attributes": .object(["name": .string(name), "email": .string(email)])])])
        let response = try await send("POST", APIPath.organizations, body: Data(body.jsonText.utf8), kind: .once,
                                      fieldForPointer: { $0 == "/data/attributes/name" ? .organizationName : ($0 == "/data/attributes/email" ? .organizationEmail : nil) },
                                      notFound: "Creating an organization was refused: only site admins may create one on this server")
        return try Self.checkReturnedName(WireDecoding.organization(response.body), asked: name)
    }

    /// A failure as a few words for progress lines and "last answer: …".
    static func shortAnswer(_ error: TFEError) -> String {
        switch error {
        case .server(let status, let detail): return "\(status) \(detail)"
        case .notFound: return "404 not found"
        case .forbidden: return "403 forbidden"
        case .unauthorized: return "401 unauthorized"
        case .transport(let e): return e.message
        default: return SafeText.line(error.description)
        }
    }
}
