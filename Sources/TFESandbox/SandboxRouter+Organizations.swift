import FoundationEssentials
import TFEClient

extension SandboxRouter {
    func organizationResource(_ name: String, _ org: SandboxState.Org, canUpdate: Bool) -> JSONValue {
        var attributes: [String: JSONValue] = [
            "name": .string(name), "email": .string("admin@\(name).example.com"),
            "default-execution-mode": .string(org.defaultExecutionMode),
            "permissions": .object(["can-update": .bool(canUpdate), "can-destroy": .bool(canUpdate)]),
            // Attributes a real organization reports that this tool does not set (the Terraform
            // export carries them so that tfe_organization adopts them unchanged).
            "session-timeout": .integer(20160), "session-remember": .integer(20160),
            "collaborator-auth-policy": .string("password"), "owners-team-saml-role-id": .null,
            "cost-estimation-enabled": .bool(true), "send-passing-statuses-for-untriggered-speculative-plans": .bool(false),
            "allow-force-delete-workspaces": .bool(false),
            // Two that go-tfe's Organization reads and the provider's tfe_organization defaults
            // to true when left out.
            "speculative-plan-management-enabled": .bool(true), "user-tokens-enabled": .bool(true),
        ]
        if store.options.profile.isHCP { attributes["assessments-enforced"] = .bool(false) }
        // A beta attribute: older releases do not report it at all.
        if store.options.profile.reportsMaxTTLEnabled { attributes["max-ttl-enabled"] = .bool(org.maxTTLEnabled) }
        return .object([
            "id": .string(name), "type": .string("organizations"),
            "attributes": .object(attributes),
            "relationships": .object([
                "default-agent-pool": .object(["data": org.defaultAgentPoolID.map { .object(["id": .string($0), "type": .string("agent-pools")]) } ?? .null]),
                "entitlement-set": .object(["data": .object(["id": .string("org-\(name)"), "type": .string("entitlement-sets")])]),
            ]),
        ])
    }

    /// - Parameter include: `entitlement-set` adds the organization's entitlements (`included`).
    func organizationDocument(_ name: String, membership: SandboxRole.Membership, include: String?) async -> SandboxHTTPResponse {
        guard let org = await store.state.organizations[name] else { return .notFound }
        var document: [String: JSONValue] = ["data": organizationResource(name, org, canUpdate: membership == .owner)]
        if include?.split(separator: ",").contains("entitlement-set") == true {
            document["included"] = .array([entitlementSet(name, org)])
        }
        return .document(200, .object(document))
    }

    func entitlementSet(_ name: String, _ org: SandboxState.Org) -> JSONValue {
        .object([
            "id": .string("org-\(name)"), "type": .string("entitlement-sets"),
            "attributes": .object(["agents": .bool(org.agents ?? store.options.profile.hasAgents), "operations": .bool(true), "teams": .bool(true),
                                   "sso": .bool(!store.options.profile.isHCP), "audit-logging": .bool(true)]),
        ])
    }

    /// The organizations the token belongs to, paginated; `?include=entitlement-set` adds each
    /// page's entitlement sets (linked by the `entitlement-set` relationship).
    func organizationList(_ role: SandboxRole, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let state = await store.state
        // An organization nobody belongs to is not in anyone's list: a site admin finds it
        // through the admin list only.
        let names = state.organizations.keys.sorted().filter { role.membership(in: $0, state: state) != nil && state.organizations[$0]?.access != "admin" }
        let items: [JSONValue] = names.map { organizationResource($0, state.organizations[$0]!, canUpdate: role.membership(in: $0, state: state) == .owner) }
        guard request.queryItems["include"]?.split(separator: ",").contains("entitlement-set") == true else { return paginate(items, request) }
        return paginate(items, request) { page in
            page.compactMap { $0["id"]?.stringValue }.compactMap { name in state.organizations[name].map { self.entitlementSet(name, $0) } }
        }
    }

    /// `GET /api/v2/admin/organizations`: every organization of the installation, paginated, as the
    /// admin API describes them (name, email, state; no execution settings, no permissions).
    func adminOrganizationList(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let state = await store.state
        let items: [JSONValue] = state.organizations.keys.sorted().map { name in
            .object(["id": .string(name), "type": .string("organizations"),
                     "attributes": .object(["name": .string(name), "email": .string("admin@\(name).example.com"), "is-disabled": .bool(false),
                                            "notification-email": .null, "sso-enabled": .bool(false)])])
        }
        return paginate(items, request)
    }

    func agentPoolList(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let pools = await store.state.organizations[name]?.agentPools ?? []
        return paginate(pools.map(agentPoolResource), request)
    }

    func agentPoolResource(_ p: SandboxState.Pool) -> JSONValue {
        .object(["id": .string(p.id), "type": .string("agent-pools"), "attributes": .object([
            "name": .string(p.name), "agent-count": .integer(Int64(p.agentCount)), "organization-scoped": .bool(p.organizationScoped),
        ])])
    }

    /// `POST /organizations/:name/agent-pools` (go-tfe's `AgentPools.Create`, the provider's
    /// `tfe_agent_pool`): `name` required, `organization-scoped` optional (true when left out).
    /// 201 with the pool; 422 for an empty or taken name (a name is unique in its organization)
    /// or an attribute of the wrong type. The new pool has no agents.
    func createAgentPool(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let object: [String: JSONValue]
        switch dataObject(request, type: "agent-pools") {
        case .failure(let response): return response
        case .success(let o): object = o
        }
        let attributes = object["attributes"]?.objectValue ?? [:]
        var problems = Self.typeProblems(attributes, allowed: ["name": .string, "organization-scoped": .bool], unknownIsError: false)
        let poolName = attributes["name"]?.stringValue ?? ""
        if attributes["name"] == nil || (attributes["name"]?.stringValue != nil && poolName.trimmingSpaces.isEmpty) {
            problems.append(.init(detail: "Name can't be blank", pointer: "/data/attributes/name"))
        }
        if !problems.isEmpty { return .errors(422, problems) }
        let scoped = attributes["organization-scoped"]?.boolValue ?? true
        let id = "apool-" + String((0..<16).map { _ in Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").randomElement()! })
        let made = await store.mutate { state -> SandboxState.Pool? in
            guard let org = state.organizations[name], !org.agentPools.contains(where: { $0.name == poolName }) else { return nil }
            let pool = SandboxState.Pool(id: id, name: poolName, agentCount: 0, organizationScoped: scoped)
            state.organizations[name]?.agentPools.append(pool)
            return pool
        }
        guard let made else { return .errors(422, [SandboxAPIError(detail: "Name has already been taken", pointer: "/data/attributes/name")]) }
        return .document(201, .object(["data": agentPoolResource(made)]))
    }

    /// The organization PATCH: mode, pool (relationship or the documented attribute form) and
    /// `max-ttl-enabled`; other attributes are accepted and ignored, as the real endpoint has many.
    func patchOrganization(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let object: [String: JSONValue]
        switch dataObject(request, type: "organizations") {
        case .failure(let response): return response
        case .success(let o): object = o
        }
        guard var org = await store.state.organizations[name] else { return .notFound }
        let attributes = object["attributes"]?.objectValue ?? [:]
        var problems = Self.typeProblems(attributes, allowed: [
            "default-execution-mode": .string, "max-ttl-enabled": .bool, "default-agent-pool-id": .nullableString,
        ].merging(attributes.keys.filter { !["default-execution-mode", "max-ttl-enabled", "default-agent-pool-id"].contains($0) }.map { ($0, .any) }) { a, _ in a },
            unknownIsError: false)
        if let mode = attributes["default-execution-mode"]?.stringValue {
            if ["remote", "local", "agent"].contains(mode) { org.defaultExecutionMode = mode } else {
                problems.append(.init(detail: "Default execution mode must be one of remote, local, agent.", pointer: "/data/attributes/default-execution-mode"))
            }
        }
        // A release without the beta attribute accepts and ignores it (unverified on a real one;
        // the client reads back what was kept either way).
        if let flag = attributes["max-ttl-enabled"]?.boolValue, store.options.profile.reportsMaxTTLEnabled { org.maxTTLEnabled = flag }

        // The pool: the relationship form, or the attribute form the documentation lists.
        var poolGiven = false
        var pool: String?
        var poolPointer = "/data/relationships/default-agent-pool"
        if let relationship = object["relationships"]?["default-agent-pool"] {
            poolGiven = true
            switch relationship["data"] {
            case .null?: pool = nil
            case .object(let identifier)?:
                if identifier["type"]?.stringValue != "agent-pools" || identifier["id"]?.stringValue == nil {
                    problems.append(.init(detail: "default-agent-pool must be {\"type\":\"agent-pools\",\"id\":\"apool-…\"}.", pointer: poolPointer + "/data"))
                }
                pool = identifier["id"]?.stringValue
            default:
                problems.append(.init(detail: "default-agent-pool needs a data member (an identifier or null).", pointer: poolPointer))
            }
        } else if let attribute = attributes["default-agent-pool-id"] {
            poolGiven = true
            poolPointer = "/data/attributes/default-agent-pool-id"
            pool = attribute.stringValue
        }
        if !problems.isEmpty { return .errors(422, problems) }

        if org.defaultExecutionMode == "agent", !(org.agents ?? store.options.profile.hasAgents) {
            return .error(422, "invalid attribute", "This organization is not entitled to use agents.", pointer: "/data/attributes/default-execution-mode")
        }
        if poolGiven, let pool {
            if org.defaultExecutionMode != "agent" {
                return .error(422, "invalid attribute", "Default agent pool must not be specified unless using 'agent' execution mode", pointer: poolPointer)
            }
            if !org.agentPools.contains(where: { $0.id == pool }) {
                return .error(422, "invalid attribute", "Agent pool \(pool) was not found in this organization.", pointer: poolPointer)
            }
            org.defaultAgentPoolID = pool
        } else if poolGiven {
            org.defaultAgentPoolID = nil
        }
        // Switching the mode away from agent clears the pool by itself.
        if org.defaultExecutionMode != "agent" { org.defaultAgentPoolID = nil }
        if org.defaultExecutionMode == "agent" && org.defaultAgentPoolID == nil {
            return .error(422, "invalid attribute", "Agent execution mode requires a default agent pool.", pointer: "/data/relationships/default-agent-pool")
        }
        let final = org
        // Write only the fields this endpoint owns: a TTL PATCH handled meanwhile (the actor is
        // re-entered at every await) must not be overwritten with the copy read above.
        let saved = await store.mutate { state -> SandboxState.Org? in
            state.organizations[name]?.defaultExecutionMode = final.defaultExecutionMode
            state.organizations[name]?.defaultAgentPoolID = final.defaultAgentPoolID
            state.organizations[name]?.maxTTLEnabled = final.maxTTLEnabled
            return state.organizations[name]
        }
        return .document(200, .object(["data": organizationResource(name, saved ?? final, canUpdate: true)]))
    }
}

extension SandboxRouter {
    /// Changes the organization list between two pages (a `shift` fault): `insert` creates an
    /// organization first in name order that the tokens own (so the next page repeats one and
    /// the count grows), `delete` removes the first one (so the next page skips one).
    func shiftOrganizations(_ shift: SandboxFault.Shift) async {
        await store.mutate { state in
            switch shift {
            case .insert:
                var n = 1
                while state.organizations["a-new-\(n.zeroPadded(3))"] != nil { n += 1 }
                var org = SandboxState.Org(agentPools: [SandboxState.Pool(id: "apool-new\(n.zeroPadded(3))", name: "primary", agentCount: 1)])
                org.access = "owner"
                state.organizations["a-new-\(n.zeroPadded(3))"] = org
            case .delete:
                if let first = state.organizations.keys.sorted().first { state.organizations[first] = nil }
            }
        }
    }
}
