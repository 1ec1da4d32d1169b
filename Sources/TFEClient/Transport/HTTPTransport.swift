import FoundationEssentials

/// One HTTP request as the client core builds it. Only the transport reads the token header.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: URL, headers: [(String, String)], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response, its body read in full (bounded by the transport).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.equalsIgnoringCase(name) }?.1
    }
}

/// Why a request got no HTTP response.
public struct TransportError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// DNS failure, refused or unreachable, or a connect timeout: no connection was made, so
        /// nothing was sent.
        case connect
        /// The certificate was not trusted, or the TLS handshake failed: before any request was
        /// written (AsyncHTTPClient writes a request only on an established connection).
        case tls
        /// No answer within the timeout.
        case timeout
        /// The connection closed or was reset after it was made: the request may have been written
        /// and received, and only the answer is missing.
        case dropped
        /// The server answered with a redirect, which is never followed (the token stays on the configured host).
        case redirect
        /// The response body was larger than the transport accepts.
        case tooLarge
        /// The task was cancelled (the admin stopped the run): not sent, or its answer not awaited.
        case cancelled
        case other
    }
    public var kind: Kind
    public var message: String
    /// A write whose request went out but whose answer is missing: the server may have saved it.
    /// Set by the client (the transport does not know what a request changes).
    public var requestMayHaveArrived = false

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether the client's own retry loop should try a **read** again. Not `.connect`: the
    /// transport already keeps trying to connect for the whole connect window (about every
    /// 100 ms), so a retry here would only multiply that wait for a server that is down.
    public var isRetryable: Bool { kind == .dropped }

    /// True only when the request provably never reached the server: no connection was made, or
    /// the TLS handshake failed before the request was written. Only then may a write be sent
    /// again without first finding out what the server did (Go's net/http follows the same rule
    /// for requests that are not idempotent).
    public var provablyNotSent: Bool { kind == .connect || kind == .tls }

    /// What a person can do about it.
    public var remedy: Remedy {
        switch kind {
        case .connect, .other: return .checkAddress
        case .tls: return .trustPrivateCA
        case .timeout: return .allowMoreTime
        case .dropped: return .tryAgain
        case .redirect: return .useFinalAddress
        case .tooLarge: return .checkServerKind
        case .cancelled: return .tryAgain
        }
    }
}

/// Sends HTTP requests. The production implementation is `AsyncHTTPTransport`; tests may pass
/// their own.
public protocol HTTPTransport: Sendable {
    /// Sends one request and reads the whole response.
    /// - Throws: `TransportError` when no complete response arrived.
    func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse
    /// Releases connections and threads; call once, at the end of the process.
    func shutdown() async
}
