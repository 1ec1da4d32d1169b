import Foundation

// Wire types: Codable structs with explicit kebab-case keys, separate from the models the UI
// edits. Decoding is tolerant of extra keys (the real server sends many) and strict about the
// keys we rely on.

/// `{"data": …}` around one resource or a list.
public struct JSONAPIDocument<Resource: Codable & Sendable>: Codable, Sendable {
    public var data: Resource
    public var meta: JSONAPIMeta?
    /// Resources asked for with `?include=` (the organization's `entitlement-sets`).
    public var included: [IncludedResource]?
    public init(data: Resource, meta: JSONAPIMeta? = nil, included: [IncludedResource]? = nil) {
        self.data = data
        self.meta = meta
        self.included = included
    }
}

/// An included resource; only the entitlement set's flags are read.
public struct IncludedResource: Codable, Sendable {
    public var id: String?
    public var type: String
    public var attributes: Attributes?
    public struct Attributes: Codable, Sendable {
        public var agents: Bool?
    }
    public init(id: String?, type: String, agents: Bool?) {
        self.id = id
        self.type = type
        self.attributes = Attributes(agents: agents)
    }
}

/// `meta` of a list; only the pagination part is used.
public struct JSONAPIMeta: Codable, Sendable {
    public var pagination: Pagination?
    public init(pagination: Pagination?) { self.pagination = pagination }

    public struct Pagination: Codable, Sendable {
        public var currentPage: Int
        public var nextPage: Int?
        public var totalPages: Int?
        public var totalCount: Int?
        enum CodingKeys: String, CodingKey {
            case currentPage = "current-page", nextPage = "next-page", totalPages = "total-pages", totalCount = "total-count"
        }
        public init(currentPage: Int, nextPage: Int?, totalPages: Int?, totalCount: Int?) {
            self.currentPage = currentPage
            self.nextPage = nextPage
            self.totalPages = totalPages
            self.totalCount = totalCount
        }
    }
}

/// A resource identifier: `{"type":"agent-pools","id":"apool-…"}`.
public struct ResourceIdentifier: Codable, Sendable, Equatable {
    public var type: String
    public var id: String
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}

/// A to-one relationship whose `data` may be `null` (encoded as `null`, not omitted).
public struct ToOneRelationship: Codable, Sendable, Equatable {
    public var data: ResourceIdentifier?
    public init(data: ResourceIdentifier?) { self.data = data }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
    }
}

// MARK: - SMTP settings

/// The `smtp-settings` resource.
public struct SMTPSettingsResource: Codable, Sendable {
    public var id: String?
    public var type: String
    public var attributes: Attributes
    public init(id: String? = nil, attributes: Attributes) {
        self.id = id
        self.type = "smtp-settings"
        self.attributes = attributes
    }

    /// Every attribute optional: on a PATCH an omitted attribute keeps its value; `null` is never sent.
    public struct Attributes: Codable, Sendable, Equatable {
        public var enabled: Bool?
        public var host: String?
        public var port: Int?
        public var sender: String?
        public var auth: String?
        public var username: String?
        public var password: String?
        public var testEmailAddress: String?
        enum CodingKeys: String, CodingKey {
            case enabled, host, port, sender, auth, username, password
            case testEmailAddress = "test-email-address"
        }
        public init(enabled: Bool? = nil, host: String? = nil, port: Int? = nil, sender: String? = nil, auth: String? = nil, username: String? = nil, password: String? = nil, testEmailAddress: String? = nil) {
            self.enabled = enabled
            self.host = host
            self.port = port
            self.sender = sender
            self.auth = auth
            self.username = username
            self.password = password
            self.testEmailAddress = testEmailAddress
        }
    }
}

// MARK: - Organizations

/// The `organizations` resource (only the attributes this tool uses).
public struct OrganizationResource: Codable, Sendable {
    public var id: String?
    public var type: String
    public var attributes: Attributes
    public var relationships: Relationships?
    public init(id: String? = nil, attributes: Attributes, relationships: Relationships? = nil) {
        self.id = id
        self.type = "organizations"
        self.attributes = attributes
        self.relationships = relationships
    }

    public struct Attributes: Codable, Sendable, Equatable {
        public var name: String?
        public var email: String?
        public var defaultExecutionMode: String?
        public var maxTTLEnabled: Bool?
        public var permissions: Permissions?
        enum CodingKeys: String, CodingKey {
            case name, email, permissions
            case defaultExecutionMode = "default-execution-mode"
            case maxTTLEnabled = "max-ttl-enabled"
        }
        public init(name: String? = nil, email: String? = nil, defaultExecutionMode: String? = nil, maxTTLEnabled: Bool? = nil, permissions: Permissions? = nil) {
            self.name = name
            self.email = email
            self.defaultExecutionMode = defaultExecutionMode
            self.maxTTLEnabled = maxTTLEnabled
            self.permissions = permissions
        }
    }

    public struct Permissions: Codable, Sendable, Equatable {
        public var canUpdate: Bool?
        enum CodingKeys: String, CodingKey { case canUpdate = "can-update" }
        public init(canUpdate: Bool?) { self.canUpdate = canUpdate }
    }

    public struct Relationships: Codable, Sendable, Equatable {
        public var defaultAgentPool: ToOneRelationship?
        enum CodingKeys: String, CodingKey { case defaultAgentPool = "default-agent-pool" }
        public init(defaultAgentPool: ToOneRelationship?) { self.defaultAgentPool = defaultAgentPool }
    }
}

// MARK: - Token TTL policies

/// One `organization-token-ttl-policies` resource as listed by GET and the PATCH response.
public struct TokenTTLPolicyResource: Codable, Sendable {
    public var id: String?
    public var type: String
    public var attributes: Attributes
    public init(id: String?, attributes: Attributes) {
        self.id = id
        self.type = "organization-token-ttl-policies"
        self.attributes = attributes
    }

    public struct Attributes: Codable, Sendable, Equatable {
        public var tokenType: TokenType
        public var maxTTLMilliseconds: Int64
        public var createdAt: String?
        public var updatedAt: String?
        enum CodingKeys: String, CodingKey {
            case tokenType = "token-type", maxTTLMilliseconds = "max-ttl-ms", createdAt = "created-at", updatedAt = "updated-at"
        }
        public init(tokenType: TokenType, maxTTLMilliseconds: Int64, createdAt: String? = nil, updatedAt: String? = nil) {
            self.tokenType = tokenType
            self.maxTTLMilliseconds = maxTTLMilliseconds
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }
}

/// The TTL PATCH body in the OpenAPI spec's form: ONE resource whose attributes hold the list.
public struct TokenTTLPoliciesUpdateResource: Codable, Sendable {
    public var type: String
    public var attributes: Attributes
    public init(policies: [Entry]) {
        self.type = "organization-token-ttl-policies"
        self.attributes = Attributes(tokenTTLPolicies: policies)
    }

    public struct Attributes: Codable, Sendable, Equatable {
        public var tokenTTLPolicies: [Entry]
        enum CodingKeys: String, CodingKey { case tokenTTLPolicies = "token-ttl-policies" }
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var tokenType: TokenType
        public var maxTTLMilliseconds: Int64
        enum CodingKeys: String, CodingKey { case tokenType = "token-type", maxTTLMilliseconds = "max-ttl-ms" }
        public init(tokenType: TokenType, maxTTLMilliseconds: Int64) {
            self.tokenType = tokenType
            self.maxTTLMilliseconds = maxTTLMilliseconds
        }
    }
}

// MARK: - Agent pools, account

/// The `agent-pools` resource.
public struct AgentPoolResource: Codable, Sendable {
    public var id: String
    public var type: String
    public var attributes: Attributes
    public init(id: String, attributes: Attributes) {
        self.id = id
        self.type = "agent-pools"
        self.attributes = attributes
    }

    public struct Attributes: Codable, Sendable, Equatable {
        public var name: String
        public var agentCount: Int?
        public var organizationScoped: Bool?
        enum CodingKeys: String, CodingKey { case name, agentCount = "agent-count", organizationScoped = "organization-scoped" }
        public init(name: String, agentCount: Int?, organizationScoped: Bool?) {
            self.name = name
            self.agentCount = agentCount
            self.organizationScoped = organizationScoped
        }
    }
}

/// The `users` resource of `GET /account/details`.
public struct AccountResource: Codable, Sendable {
    public var id: String
    public var type: String
    public var attributes: Attributes
    public init(id: String, attributes: Attributes) {
        self.id = id
        self.type = "users"
        self.attributes = attributes
    }

    public struct Attributes: Codable, Sendable, Equatable {
        public var username: String?
        public var email: String?
        public var isAdmin: Bool?
        public var isSiteAdmin: Bool?
        enum CodingKeys: String, CodingKey { case username, email, isAdmin = "is-admin", isSiteAdmin = "is-site-admin" }
        public init(username: String?, email: String?, isAdmin: Bool?, isSiteAdmin: Bool? = nil) {
            self.username = username
            self.email = email
            self.isAdmin = isAdmin
            self.isSiteAdmin = isSiteAdmin
        }
    }
}

// MARK: - Errors

/// `{"errors":[…]}`.
public struct JSONAPIErrorDocument: Codable, Sendable, Equatable {
    public var errors: [JSONAPIError]
    public init(errors: [JSONAPIError]) { self.errors = errors }
}

/// One JSON:API error object. `status` is a string on the wire; some servers send a number,
/// so both decode.
public struct JSONAPIError: Codable, Sendable, Equatable {
    public var status: String?
    public var title: String?
    public var detail: String?
    public var source: Source?

    public struct Source: Codable, Sendable, Equatable {
        public var pointer: String?
        public init(pointer: String?) { self.pointer = pointer }
    }

    public init(status: String?, title: String?, detail: String?, pointer: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.source = pointer.map { Source(pointer: $0) }
    }

    enum CodingKeys: String, CodingKey { case status, title, detail, source }

    public init(from decoder: Decoder) throws {
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
    public var message: String { SafeText.line(detail ?? title ?? "no detail given") }
}
