import FoundationEssentials
import TFEClient

extension SandboxRouter {
    /// The endpoints a TFE has outside `/api/v2` from its first start: the health check, the
    /// readiness probe, the IACT and the first admin. Nil for any other path.
    func firstInstallRoute(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse? {
        let profile = store.options.profile
        switch (request.method, request.path) {
        case ("GET", "/_health_check") where !profile.isHCP:
            return SandboxHTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data("OK".utf8))
        case ("GET", "/api/v1/health/readiness") where !profile.isHCP:
            return .json(200, Data(#"{"status":"ready"}"#.utf8))
        case ("GET", "/admin/retrieve-iact"):
            return await retrieveIACT()
        case ("POST", "/admin/initial-admin-user"):
            return await createInitialAdmin(request)
        default:
            return nil
        }
    }

    /// The IACT as plain text, while it may be fetched; otherwise what a proxy in front of a
    /// refusing TFE answers (HTML, the status undocumented: a user report saw 401).
    private func retrieveIACT() async -> SandboxHTTPResponse {
        let now = store.nowMs()
        guard let first = await store.firstInstall, first.retrievable, !first.expired, first.admin == nil,
              now < first.retrievableUntilMs else {
            return SandboxHTTPResponse(status: 403, headers: [("Content-Type", "text/html")],
                                       body: Data("<html><body><h1>403 Forbidden</h1></body></html>".utf8))
        }
        return SandboxHTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data(first.iact.utf8))
    }

    /// The first admin: plain JSON in and out. 404 "Unauthorized to perform action" for a wrong,
    /// expired or used IACT (and when users exist); 422 for a malformed body or values.
    private func createInitialAdmin(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        func answer(_ status: Int, _ error: String) -> SandboxHTTPResponse {
            .json(status, Data(JSONValue.object(["status": .string("error"), "error": .string(error)]).jsonText.utf8))
        }
        let given = request.queryItems["token"] ?? ""
        guard let first = await store.firstInstall, first.admin == nil, !first.expired,
              SandboxTokens.constantTimeEqual(first.iact, given) else {
            return answer(404, "Unauthorized to perform action")
        }
        guard let body = JSONValue.parse(request.body), case .object = body,
              let username = body["username"]?.stringValue, let email = body["email"]?.stringValue,
              let password = body["password"]?.stringValue else {
            return answer(422, "username, email and password are required")
        }
        if username.isEmpty || !username.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) }) {
            return answer(422, "Username can only contain letters, numbers, dashes, underscores and periods")
        }
        if !email.contains("@") || email.hasPrefix("@") || email.hasSuffix("@") { return answer(422, "Email is invalid") }
        if password.count < 10 { return answer(422, "Password is too short (minimum is 10 characters)") }
        let token = SandboxTokens.generate().siteAdmin
        let created = await store.changeFirstInstall { first -> Bool in
            // Checked again inside the one change: two concurrent requests make one admin.
            guard first.admin == nil else { return false }
            first.admin = .init(username: username, email: email, token: token)
            return true
        }
        guard created == true else { return answer(404, "Unauthorized to perform action") }
        await store.addFirstAdminToken()
        return .json(200, Data(JSONValue.object(["status": .string("created"), "token": .string(token)]).jsonText.utf8))
    }

    /// `POST /api/v2/organizations`: a site admin creates an organization and owns it.
    func createOrganization(_ request: SandboxHTTPRequest, role: SandboxRole) async -> SandboxHTTPResponse {
        // limit-user-organization-creation is on by default: only site admins create organizations.
        guard role.isSiteAdmin else { return .notFound }
        guard let body = JSONValue.parse(request.body), body["data"]?["type"]?.stringValue == "organizations",
              let attributes = body["data"]?["attributes"] else {
            return .error(422, "invalid body", "The body must be {\"data\": {\"type\": \"organizations\", \"attributes\": {…}}}.", pointer: "/data")
        }
        let name = attributes["name"]?.stringValue ?? ""
        let email = attributes["email"]?.stringValue ?? ""
        var problems: [SandboxAPIError] = []
        if name.isEmpty || !name.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-_".unicodeScalars.contains($0) }) {
            problems.append(SandboxAPIError(detail: "Name is invalid: only letters, numbers, - and _", pointer: "/data/attributes/name"))
        }
        if !email.contains("@") { problems.append(SandboxAPIError(detail: "Email is invalid", pointer: "/data/attributes/email")) }
        if !problems.isEmpty { return .errors(422, problems) }
        let created = await store.mutate { state -> Bool in
            guard state.organizations[name] == nil else { return false }
            var org = SandboxState.Org()
            org.access = "owner"
            org.email = email
            state.organizations[name] = org
            return true
        }
        guard created else {
            return .errors(422, [SandboxAPIError(detail: "Name has already been taken", pointer: "/data/attributes/name")])
        }
        var response = await organizationDocument(name, membership: .owner, include: nil)
        response.status = 201
        return response
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
}
