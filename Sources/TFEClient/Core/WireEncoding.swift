import FoundationEssentials

/// Turns updates into the exact request bodies of the contract, and 422 pointers back into
/// field keys. "Leave unchanged / set / clear" is encoded here and nowhere else.
package enum WireEncoding {
    /// The encoder for request bodies: no escaped slashes; keys sorted so bodies are stable.
    package static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    /// The organization PATCH body: mode, pool (relationship form) and `max-ttl-enabled` in one.
    package static func organizationBody(_ update: OrganizationDefaultsUpdate) -> JSONAPIDocument<OrganizationResource> {
        var relationships: OrganizationResource.Relationships?
        if case .set(let id) = update.agentPool {
            relationships = .init(defaultAgentPool: ToOneRelationship(data: ResourceIdentifier(type: "agent-pools", id: id)))
        }
        // `.clear` sends nothing: it is valid only with remote/local, and the server clears the
        // pool itself when the mode leaves agent (a pool sent with those modes is a 422).
        return JSONAPIDocument(data: OrganizationResource(
            attributes: .init(defaultExecutionMode: update.mode?.rawValue, maxTTLEnabled: update.maxTTLEnabled),
            relationships: relationships))
    }

    /// The agent pool POST body, as go-tfe's `AgentPoolCreateOptions` and the provider's
    /// `tfe_agent_pool` send it: `{"data":{"type":"agent-pools","attributes":{"name":…,"organization-scoped":true}}}`.
    package static func agentPoolBody(name: String, organizationScoped: Bool) -> JSONValue {
        .object(["data": .object(["type": .string("agent-pools"),
                                  "attributes": .object(["name": .string(name), "organization-scoped": .bool(organizationScoped)])])])
    }

    /// Maps a 422 `source.pointer` of the agent pool POST to a field key.
    package static func agentPoolField(forPointer pointer: String) -> FieldKey? {
        attributeName(pointer) == "name" ? .agentPoolName : nil
    }

    /// The TTL PATCH body in the spec's form (one resource, list in `token-ttl-policies`).
    package static func tokenTTLBody(_ update: TokenTTLUpdate) -> JSONAPIDocument<TokenTTLPoliciesUpdateResource> {
        JSONAPIDocument(data: TokenTTLPoliciesUpdateResource(policies: update.orderedEntries.map { .init(tokenType: $0.0, maxTTLMilliseconds: $0.1) }))
    }

    /// Maps a 422 `source.pointer` of the organization PATCH to a field key.
    package static func organizationField(forPointer pointer: String) -> FieldKey? {
        if pointer.hasPrefix("/data/relationships/default-agent-pool") { return .agentPool }
        switch attributeName(pointer) {
        case "default-execution-mode": return .executionMode
        case "default-agent-pool-id": return .agentPool
        case "max-ttl-enabled": return .ttlEnabled
        default: return nil
        }
    }

    /// Maps a 422 `source.pointer` of the TTL PATCH to a field key, using the order the types
    /// were sent in (`/data/attributes/token-ttl-policies/1/max-ttl-ms` → the second type sent).
    package static func tokenTTLField(forPointer pointer: String, sent: [TokenType]) -> FieldKey? {
        let parts = pointer.split(separator: "/").map(String.init)
        // ["data", "attributes", "token-ttl-policies", "1", "max-ttl-ms"]
        if parts.count >= 4, parts[2] == "token-ttl-policies", let index = Int(parts[3]), sent.indices.contains(index) {
            return .ttl(sent[index])
        }
        return nil
    }

    /// `/data/attributes/port` → `port`.
    static func attributeName(_ pointer: String) -> String? {
        let parts = pointer.split(separator: "/")
        guard parts.count >= 3, parts[0] == "data", parts[1] == "attributes" else { return nil }
        return String(parts[2])
    }
}
