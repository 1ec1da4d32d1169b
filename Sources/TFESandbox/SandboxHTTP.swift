import FoundationEssentials
import TFEClient

/// A request as the sandbox's router sees it.
public struct SandboxHTTPRequest: Sendable {
    public var method: String
    /// Without the query string.
    public var path: String
    public var query: String
    public var headers: [(String, String)]
    public var body: Data

    public init(method: String, path: String, query: String = "", headers: [(String, String)] = [], body: Data = Data()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringCase(name) }?.1
    }

    /// `page[number]=2&page[size]=100` → ["page[number]": "2", …] (percent-decoded).
    public var queryItems: [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { percentDecoded($0) ?? String($0) }
            if let k = kv.first { out[k] = kv.count > 1 ? kv[1] : "" }
        }
        return out
    }
}

/// A response, or a connection to drop (for fault injection).
public struct SandboxHTTPResponse: Error, Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
    public var drop: SandboxFault.Drop?

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data(), drop: SandboxFault.Drop? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.drop = drop
    }

    static let jsonAPIType = "application/vnd.api+json"

    /// A JSON:API document.
    static func document(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> SandboxHTTPResponse {
        SandboxHTTPResponse(status: status, headers: [("Content-Type", jsonAPIType)] + headers, body: Data(value.jsonText.utf8))
    }

    /// Plain JSON (the control API).
    static func json(_ status: Int, _ data: Data) -> SandboxHTTPResponse {
        SandboxHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: data)
    }

    /// `{"errors":[…]}` with one or more errors.
    static func errors(_ status: Int, _ errors: [SandboxAPIError], headers: [(String, String)] = []) -> SandboxHTTPResponse {
        document(status, .object(["errors": .array(errors.map(\.json))]), headers: headers)
    }

    static func error(_ status: Int, _ title: String, _ detail: String, pointer: String? = nil) -> SandboxHTTPResponse {
        errors(status, [SandboxAPIError(status: status, title: title, detail: detail, pointer: pointer)])
    }

    static let notFound = error(404, "not found", "The resource was not found, or you are not authorized to see it.")
    static let noContent = SandboxHTTPResponse(status: 204)
}

/// One JSON:API error object.
struct SandboxAPIError: Sendable {
    var status: Int
    var title: String
    var detail: String
    var pointer: String?

    init(status: Int = 422, title: String = "invalid attribute", detail: String, pointer: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.pointer = pointer
    }

    var json: JSONValue {
        var o: [String: JSONValue] = ["status": .string(String(status)), "title": .string(title), "detail": .string(detail)]
        if let pointer { o["source"] = .object(["pointer": .string(pointer)]) }
        return .object(o)
    }
}
