import FoundationEssentials
import TFEClient

extension SandboxRouter {
    static let ttlTypes = ["organization", "team", "user", "audit_trails"]

    func ttlDocument(_ name: String) async -> SandboxHTTPResponse {
        let ttls = await store.state.organizations[name]?.tokenTTLMs ?? [:]
        let items: [JSONValue] = Self.ttlTypes.compactMap { type in
            ttls[type].map { ms in
                .object(["id": .string("ottlp-\(name)-\(type.replacing("_", with: "-"))"), "type": .string("organization-token-ttl-policies"),
                         "attributes": .object(["token-type": .string(type), "max-ttl-ms": .integer(ms),
                                                "created-at": .string("2026-01-01T00:00:00.000Z"), "updated-at": .string("2026-01-01T00:00:00.000Z")])])
            }
        }
        return .document(200, .object(["data": .array(items)]))
    }

    /// The TTL PATCH in the spec's form; the array form pytfe sends is refused with 422.
    func patchTTL(_ name: String, _ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        let object: [String: JSONValue]
        switch dataObject(request, type: "organization-token-ttl-policies") {
        case .failure(let response): return response
        case .success(let o): object = o
        }
        let attributes = object["attributes"]?.objectValue ?? [:]
        var problems = Self.typeProblems(attributes, allowed: ["token-ttl-policies": .any], unknownIsError: true)
        guard let list = attributes["token-ttl-policies"]?.arrayValue, !list.isEmpty else {
            problems.append(.init(detail: "token-ttl-policies must be a non-empty list of {token-type, max-ttl-ms}.", pointer: "/data/attributes/token-ttl-policies"))
            return .errors(422, problems)
        }
        var changes: [String: Int64] = [:]
        for (index, entry) in list.enumerated() {
            let base = "/data/attributes/token-ttl-policies/\(index)"
            guard let fields = entry.objectValue else {
                problems.append(.init(detail: "Each policy must be an object.", pointer: base)); continue
            }
            problems += Self.typeProblems(fields, allowed: ["token-type": .string, "max-ttl-ms": .any], unknownIsError: true, base: base)
            let type = fields["token-type"]?.stringValue
            if let type, !Self.ttlTypes.contains(type) {
                problems.append(.init(detail: "token-type must be one of organization, team, user, audit_trails.", pointer: base + "/token-type"))
            } else if type == nil, fields["token-type"] == nil {
                problems.append(.init(detail: "token-type is required.", pointer: base + "/token-type"))
            }
            switch fields["max-ttl-ms"] {
            case .integer(let ms)? where ms > 0:
                if let type { changes[type] = ms }
            case nil:
                problems.append(.init(detail: "max-ttl-ms is required.", pointer: base + "/max-ttl-ms"))
            default:
                problems.append(.init(detail: "max-ttl-ms must be a positive integer number of milliseconds.", pointer: base + "/max-ttl-ms"))
            }
        }
        if !problems.isEmpty { return .errors(422, problems) }
        let final = changes
        await store.mutate { state in
            for (type, ms) in final { state.organizations[name]?.tokenTTLMs[type] = ms }
        }
        return await ttlDocument(name)
    }
}
