import FoundationEssentials

// Wire types: Codable structs with explicit kebab-case keys, separate from the models the UI
// edits. Decoding is tolerant of extra keys (the real server sends many) and strict about the
// keys we rely on.

/// `{"data": …}` around one resource or a list.
package struct JSONAPIDocument<Resource: Codable & Sendable>: Codable, Sendable {
    package var data: Resource
    package var meta: JSONAPIMeta?
    /// Resources asked for with `?include=` (the organization's `entitlement-sets`).
    package var included: [IncludedResource]?
    package init(data: Resource, meta: JSONAPIMeta? = nil, included: [IncludedResource]? = nil) {
        self.data = data
        self.meta = meta
        self.included = included
    }
}

/// An included resource; only the entitlement set's flags are read.
package struct IncludedResource: Codable, Sendable {
    package var id: String?
    package var type: String
    package var attributes: Attributes?
    package struct Attributes: Codable, Sendable {
        package var agents: Bool?
        /// A team's name (the team tokens' `include=team`).
        package var name: String?
    }
    package init(id: String?, type: String, agents: Bool?, name: String? = nil) {
        self.id = id
        self.type = type
        self.attributes = Attributes(agents: agents, name: name)
    }
}

/// `meta` of a list; only the pagination part is used.
package struct JSONAPIMeta: Codable, Sendable {
    package var pagination: Pagination?
    package init(pagination: Pagination?) { self.pagination = pagination }

    package struct Pagination: Codable, Sendable {
        package var currentPage: Int
        package var nextPage: Int?
        package var totalPages: Int?
        package var totalCount: Int?
        enum CodingKeys: String, CodingKey {
            case currentPage = "current-page", nextPage = "next-page", totalPages = "total-pages", totalCount = "total-count"
        }
        package init(currentPage: Int, nextPage: Int?, totalPages: Int?, totalCount: Int?) {
            self.currentPage = currentPage
            self.nextPage = nextPage
            self.totalPages = totalPages
            self.totalCount = totalCount
        }
    }
}

/// A resource identifier: `{"type":"agent-pools","id":"apool-…"}`.
package struct ResourceIdentifier: Codable, Sendable, Equatable {
    package var type: String
    package var id: String
    package init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

/// A to-one relationship whose `data` may be `null` (encoded as `null`, not omitted).
package struct ToOneRelationship: Codable, Sendable, Equatable {
    package var data: ResourceIdentifier?
    package init(data: ResourceIdentifier?) { self.data = data }
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
    }
}

// MARK: - Organizations

/// The `organizations` resource (only the attributes this tool uses).
package struct OrganizationResource: Codable, Sendable {
    package var id: String?
    package var type: String
    package var attributes: Attributes
    package var relationships: Relationships?
    package init(id: String? = nil, attributes: Attributes, relationships: Relationships? = nil) {
        self.id = id
        self.type = "organizations"
        self.attributes = attributes
        self.relationships = relationships
    }

    package struct Attributes: Codable, Sendable, Equatable {
        package var name: String?
        package var email: String?
        package var defaultExecutionMode: String?
        package var maxTTLEnabled: Bool?
        package var permissions: Permissions?
        enum CodingKeys: String, CodingKey {
            case name, email, permissions
            case defaultExecutionMode = "default-execution-mode"
            case maxTTLEnabled = "max-ttl-enabled"
        }
        package init(name: String? = nil, email: String? = nil, defaultExecutionMode: String? = nil, maxTTLEnabled: Bool? = nil, permissions: Permissions? = nil) {
            self.name = name
            self.email = email
            self.defaultExecutionMode = defaultExecutionMode
            self.maxTTLEnabled = maxTTLEnabled
            self.permissions = permissions
        }
    }

    package struct Permissions: Codable, Sendable, Equatable {
        package var canUpdate: Bool?
        enum CodingKeys: String, CodingKey { case canUpdate = "can-update" }
        package init(canUpdate: Bool?) { self.canUpdate = canUpdate }
    }

    package struct Relationships: Codable, Sendable, Equatable {
        package var defaultAgentPool: ToOneRelationship?
        /// Links a list item to its entitlement set among `included`.
        package var entitlementSet: ToOneRelationship?
        enum CodingKeys: String, CodingKey { case defaultAgentPool = "default-agent-pool", entitlementSet = "entitlement-set" }
        package init(defaultAgentPool: ToOneRelationship?, entitlementSet: ToOneRelationship? = nil) {
            self.defaultAgentPool = defaultAgentPool
            self.entitlementSet = entitlementSet
        }
    }
}

// MARK: - Token TTL policies

/// One `organization-token-ttl-policies` resource as listed by GET and the PATCH response.
package struct TokenTTLPolicyResource: Codable, Sendable {
    package var id: String?
    package var type: String
    package var attributes: Attributes
    package init(id: String?, attributes: Attributes) {
        self.id = id
        self.type = "organization-token-ttl-policies"
        self.attributes = attributes
    }

    package struct Attributes: Codable, Sendable, Equatable {
        package var tokenType: TokenType
        package var maxTTLMilliseconds: Int64
        package var createdAt: String?
        package var updatedAt: String?
        enum CodingKeys: String, CodingKey {
            case tokenType = "token-type", maxTTLMilliseconds = "max-ttl-ms", createdAt = "created-at", updatedAt = "updated-at"
        }
        package init(tokenType: TokenType, maxTTLMilliseconds: Int64, createdAt: String? = nil, updatedAt: String? = nil) {
            self.tokenType = tokenType
            self.maxTTLMilliseconds = maxTTLMilliseconds
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }
}

/// The TTL PATCH body in the OpenAPI spec's form: ONE resource whose attributes hold the list.
package struct TokenTTLPoliciesUpdateResource: Codable, Sendable {
    package var type: String
    package var attributes: Attributes
    package init(policies: [Entry]) {
        self.type = "organization-token-ttl-policies"
        self.attributes = Attributes(tokenTTLPolicies: policies)
    }

    package struct Attributes: Codable, Sendable, Equatable {
        package var tokenTTLPolicies: [Entry]
        enum CodingKeys: String, CodingKey { case tokenTTLPolicies = "token-ttl-policies" }
    }

    package struct Entry: Codable, Sendable, Equatable {
        package var tokenType: TokenType
        package var maxTTLMilliseconds: Int64
        enum CodingKeys: String, CodingKey { case tokenType = "token-type", maxTTLMilliseconds = "max-ttl-ms" }
        package init(tokenType: TokenType, maxTTLMilliseconds: Int64) {
            self.tokenType = tokenType
            self.maxTTLMilliseconds = maxTTLMilliseconds
        }
    }
}

// MARK: - Agent pools, account

/// The `agent-pools` resource.
package struct AgentPoolResource: Codable, Sendable {
    package var id: String
    package var type: String
    package var attributes: Attributes
    package init(id: String, attributes: Attributes) {
        self.id = id
        self.type = "agent-pools"
        self.attributes = attributes
    }

    package struct Attributes: Codable, Sendable, Equatable {
        package var name: String
        package var agentCount: Int?
        package var organizationScoped: Bool?
        enum CodingKeys: String, CodingKey { case name, agentCount = "agent-count", organizationScoped = "organization-scoped" }
        package init(name: String, agentCount: Int?, organizationScoped: Bool?) {
            self.name = name
            self.agentCount = agentCount
            self.organizationScoped = organizationScoped
        }
    }
}

/// The `users` resource of `GET /account/details`.
package struct AccountResource: Codable, Sendable {
    package var id: String
    package var type: String
    package var attributes: Attributes
    package var relationships: Relationships?
    package init(id: String, attributes: Attributes, relationships: Relationships? = nil) {
        self.id = id
        self.type = "users"
        self.attributes = attributes
        self.relationships = relationships
    }

    package struct Relationships: Codable, Sendable {
        package var authenticatedResource: ToOneRelationship?
        enum CodingKeys: String, CodingKey { case authenticatedResource = "authenticated-resource" }
        package init(authenticatedResource: ToOneRelationship?) { self.authenticatedResource = authenticatedResource }
    }

    package struct Attributes: Codable, Sendable, Equatable {
        package var username: String?
        package var email: String?
        package var isAdmin: Bool?
        package var isSiteAdmin: Bool?
        enum CodingKeys: String, CodingKey { case username, email, isAdmin = "is-admin", isSiteAdmin = "is-site-admin" }
        package init(username: String?, email: String?, isAdmin: Bool?, isSiteAdmin: Bool? = nil) {
            self.username = username
            self.email = email
            self.isAdmin = isAdmin
            self.isSiteAdmin = isSiteAdmin
        }
    }
}

// MARK: - Authentication tokens

/// One `authentication-tokens` resource of the token lists (user, team, organization tokens).
package struct AuthenticationTokenResource: Codable, Sendable {
    package var id: String
    package var type: String
    package var attributes: Attributes
    package var relationships: Relationships?

    package struct Attributes: Codable, Sendable {
        package var description: String?
        package var createdAt: String?
        package var expiredAt: String?
        package var lastUsedAt: String?
        /// The secret: only in the answer that creates the token.
        package var token: String?
        enum CodingKeys: String, CodingKey { case description, createdAt = "created-at", expiredAt = "expired-at", lastUsedAt = "last-used-at", token }
    }

    package struct Relationships: Codable, Sendable {
        package var team: ToOneRelationship?
    }
}

// MARK: - Errors

/// `{"errors":[…]}`.
package struct JSONAPIErrorDocument: Codable, Sendable, Equatable {
    package var errors: [JSONAPIError]
    package init(errors: [JSONAPIError]) { self.errors = errors }
}

/// One JSON:API error object. `status` is a string on the wire; some servers send a number,
/// so both decode.
package struct JSONAPIError: Codable, Sendable, Equatable {
    package var status: String?
    package var title: String?
    package var detail: String?
    package var source: Source?

    package struct Source: Codable, Sendable, Equatable {
        package var pointer: String?
        package init(pointer: String?) { self.pointer = pointer }
    }

    package init(status: String?, title: String?, detail: String?, pointer: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.source = pointer.map { Source(pointer: $0) }
    }

    enum CodingKeys: String, CodingKey { case status, title, detail, source }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decodeIfPresent(String.self, forKey: .status) {
            status = text
        } else if let number = try? c.decodeIfPresent(Int.self, forKey: .status) {
            status = String(number)
        } else {
            status = nil
        }
        title = try? c.decodeIfPresent(String.self, forKey: .title)
        detail = try? c.decodeIfPresent(String.self, forKey: .detail)
        source = try? c.decodeIfPresent(Source.self, forKey: .source)
    }

    /// The text to show a person: the detail, else the title.
    /// The detail (else the title) for messages: server text, so made inert (`SafeText.line`).
    package var message: String { SafeText.line(detail ?? title ?? "no detail given") }
}
