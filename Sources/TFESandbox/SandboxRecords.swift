import FoundationEssentials
import TFEClient

/// One request as `GET /_sandbox/requests` lists it (secret values redacted).
public struct SandboxRequestRecord: Codable, Sendable, Equatable {
    public var method: String
    public var path: String
    public var query: String
    public var status: Int
    public var startMs: Double
    public var endMs: Double
    public var body: JSONValue?
    /// The id of the token record that authenticated the request (never its secret), or nil.
    public var tokenID: String? = nil

    enum CodingKeys: String, CodingKey { case method, path, query, status, body, startMs = "start_ms", endMs = "end_ms", tokenID = "token_id" }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(path, forKey: .path)
        try c.encode(query, forKey: .query)
        try c.encode(status, forKey: .status)
        try c.encode(startMs, forKey: .startMs)
        try c.encode(endMs, forKey: .endMs)
        try c.encode(body ?? .null, forKey: .body)
        try c.encodeIfPresent(tokenID, forKey: .tokenID)
    }
}

/// One test email the relay "sent".
public struct SandboxEmail: Codable, Sendable, Equatable {
    public var to: String
    public var from: String
    public var relay: String
    public var username: String
    public var atMs: Double
    enum CodingKeys: String, CodingKey { case to, from, relay, username, atMs = "at_ms" }
}

/// A fault armed through `POST /_sandbox/faults`.
public struct SandboxFault: Codable, Sendable, Equatable {
    public var method: String?
    public var path: String
    public var status: Int?
    public var count: Int
    public var headers: [String: String]?
    public var delayMs: Int
    public var drop: Drop?
    public var body: String?
    /// Handle the request first (the change is saved), then answer with the fault: a server that
    /// did the work but whose answer was lost.
    public var after: Bool
    /// Answer as the API would (200 and the new values) but keep nothing: a server, or a proxy's
    /// cache, that echoes a write without storing it.
    public var discard: Bool
    /// Answer as usual, then shift the organization list under the next page (the fault's path
    /// is then `/api/v2/organizations`): a list that changes while it is paged.
    public var shift: Shift?

    /// How the connection ends instead of an answer: closed before it, closed halfway through
    /// its body, or reset (TCP RST, as a proxy that dies does) before it.
    public enum Drop: String, Codable, Sendable { case beforeResponse = "before_response", midBody = "mid_body", reset }
    /// `insert`: an organization the tokens own is created first in name order, so the next page
    /// repeats one and the count grows; `delete`: the first goes, so the next page skips one.
    public enum Shift: String, Codable, Sendable { case insert, delete }

    enum CodingKeys: String, CodingKey { case method, path, status, count, headers, drop, body, after, discard, shift, delayMs = "delay_ms" }

    public init(method: String? = nil, path: String, status: Int? = nil, count: Int = 1, headers: [String: String]? = nil,
                delayMs: Int = 0, drop: Drop? = nil, body: String? = nil, after: Bool = false, discard: Bool = false, shift: Shift? = nil) {
        self.discard = discard
        self.method = method
        self.path = path
        self.status = status
        self.count = count
        self.headers = headers
        self.delayMs = delayMs
        self.drop = drop
        self.body = body
        self.after = after
        self.shift = shift
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(String.self, forKey: .method)
        path = try c.decode(String.self, forKey: .path)
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? 1
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers)
        delayMs = try c.decodeIfPresent(Int.self, forKey: .delayMs) ?? 0
        drop = try c.decodeIfPresent(Drop.self, forKey: .drop)
        body = try c.decodeIfPresent(String.self, forKey: .body)
        after = try c.decodeIfPresent(Bool.self, forKey: .after) ?? false
        shift = try c.decodeIfPresent(Shift.self, forKey: .shift)
        discard = try c.decodeIfPresent(Bool.self, forKey: .discard) ?? false
    }
}
