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
    /// What exactly went wrong, where the transport knows more than the kind: it picks the
    /// advice, and whether trying to connect again can help.
    public enum Cause: Sendable, Equatable {
        /// Nothing more is known than the kind and the message.
        case unspecified
        /// Nothing listens at that address and port. `loopback`: the address is this machine's
        /// own (127.0.0.0/8, ::1, localhost), where no network in between can be the reason.
        case refused(loopback: Bool)
        /// The name does not exist (NXDOMAIN, `EAI_NONAME`) or has no address: waiting does not
        /// make it appear.
        case nameNotFound(host: String)
        /// The name could not be looked up this time (`EAI_AGAIN`, a resolver that did not
        /// answer): it may work a moment later.
        case nameLookupFailed
        /// The certificate is trusted but names other hosts than `host`. `names`: the names it
        /// holds (subject alternative names, else its common name); empty when they could not be
        /// read. `example`: the address with the first of them that is no wildcard, to suggest.
        case certificateNotForHost(host: String, names: [String], example: String?)
        /// An `https://` address whose server answered in plain HTTP, not TLS; `plainAddress` is
        /// the same address with `http://`.
        case plainHTTP(plainAddress: String)
    }

    public var kind: Kind
    public var message: String
    public var cause: Cause = .unspecified
    /// A write whose request went out but whose answer is missing: the server may have saved it.
    /// Set by the client (the transport does not know what a request changes).
    public var requestMayHaveArrived = false

    public init(_ kind: Kind, _ message: String, cause: Cause = .unspecified) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// Whether connecting again a moment later can succeed where this attempt failed: a server
    /// that is restarting, a route or a resolver that comes back. Not a refused connection on
    /// this machine's own loopback (nothing in between to come back: the port is wrong, or the
    /// server is not running), not a name that does not exist, not a TLS failure.
    public var mayHealByConnectingAgain: Bool {
        guard kind == .connect else { return false }
        switch cause {
        case .refused(let loopback): return !loopback
        case .nameNotFound: return false
        default: return true
        }
    }

    /// Whether the client's own retry loop should try a **read** again. Not `.connect`: the
    /// transport already keeps trying to connect for the whole connect window (about every
    /// 100 ms) when that may help (`mayHealByConnectingAgain`), so a retry here would only
    /// multiply that wait for a server that is down, or repeat what cannot change.
    public var isRetryable: Bool { kind == .dropped }

    /// True only when the request provably never reached the server: no connection was made, or
    /// the TLS handshake failed before the request was written. Only then may a write be sent
    /// again without first finding out what the server did (Go's net/http follows the same rule
    /// for requests that are not idempotent).
    public var provablyNotSent: Bool { kind == .connect || kind == .tls }

    /// What a person can do about it.
    public var remedy: Remedy {
        switch cause {
        case .certificateNotForHost(let host, _, let example): return .useNameOnCertificate(host: host, example: example)
        case .plainHTTP(let plainAddress): return .usePlainHTTPOrEnableTLS(plainAddress: plainAddress)
        case .nameNotFound(let host): return .checkHostName(host)
        case .unspecified, .refused, .nameLookupFailed: break
        }
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
