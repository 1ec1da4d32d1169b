import FoundationEssentials
import Logging

/// The shared client core: speaks the TFE / HCP Terraform API for the three settings this tool
/// manages. One instance per server; operations live in `TFEClient+<Resource>.swift`.
///
/// ```swift
/// let transport = try AsyncHTTPTransport(caCertificatePath: config.caCertificatePath)
/// let client = TFEClient(configuration: config, transport: transport)
/// let smtp = try await client.smtpSettings()
/// await transport.shutdown()
/// ```
public struct TFEClient: Sendable {
    public let configuration: ClientConfiguration
    let transport: any HTTPTransport
    let retryPolicy: RetryPolicy
    let environment: RetryEnvironment
    let logger: Logger
    /// Shared by every client that works on the same server with the same token, when given.
    public let limiter: RateLimiter?

    /// - Parameters:
    ///   - transport: shared by every client of the process; the caller shuts it down.
    ///   - logger: debug level logs each request (bodies redacted); info logs each retry.
    public init(configuration: ClientConfiguration, transport: any HTTPTransport, retryPolicy: RetryPolicy = RetryPolicy(),
                environment: RetryEnvironment = .live, logger: Logger = Logger(label: "tfe-setup.client", factory: { _ in SwiftLogNoOpLogHandler() }),
                limiter: RateLimiter? = nil) {
        self.limiter = limiter
        self.configuration = configuration
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.environment = environment
        self.logger = logger
    }

    /// The same client (server, transport, retries, log, pace) with another token: a flow that
    /// starts without one (a fresh installation) or makes one switches to it here.
    public func using(token: SecretString) -> TFEClient {
        var configuration = self.configuration
        configuration.token = token
        return TFEClient(configuration: configuration, transport: transport, retryPolicy: retryPolicy, environment: environment,
                         logger: logger, limiter: limiter)
    }

    /// How a request may be retried and how its errors read.
    ///
    /// Whatever the kind, a write (anything but GET) is sent again by this loop only when the
    /// server provably did not process it: a 429 (it refused it) or a failure to connect (it never
    /// got it; the transport retries those). A write that was sent and got no answer, or a 5xx,
    /// has an unknown outcome and is thrown as such: the caller reads before it sends again.
    enum RequestKind {
        /// GETs (retried on 5xx and drops), and the organization and TTL PATCHes (idempotent: the
        /// applier may send them again after a read shows they are still needed).
        case idempotent
        /// The SMTP PATCH: never retried (each try may send another email); its 401/500/504 are the relay's.
        case smtpPatch
        /// Sent once whatever the answer: a probe whose caller decides when to ask again (the
        /// health check), or a create that must not run twice (the first admin, an organization).
        case once
        /// A create that must not run twice (an agent pool): sent again only when it provably
        /// never reached the server — a 429 (refused before any work) or no connection made.
        case create
    }

    /// Sends one API request with retries and maps failures to `TFEError`.
    /// - Parameters:
    ///   - path: under the address, e.g. `/api/v2/ping`.
    ///   - fieldForPointer: maps a 422 `source.pointer` to the field the user typed.
    ///   - notFound: the message for a 404.
    ///   - mediaType: what the body is and what is accepted; JSON:API but for the endpoints
    ///     outside `/api/v2` (plain JSON, plain text).
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, kind: RequestKind = .idempotent,
              mediaType: String = "application/vnd.api+json",
              fieldForPointer: (String) -> FieldKey? = { _ in nil }, notFound: String? = nil) async throws(TFEError) -> HTTPResponse {
        var headers: [(String, String)] = [
            ("Accept", mediaType),
            ("User-Agent", configuration.userAgent),
        ]
        // No token yet (a fresh installation has none): the request goes without credentials,
        // rather than with an empty "Bearer" the server would log as a failed login.
        if !configuration.token.isEmpty { headers.insert(("Authorization", "Bearer \(configuration.token.exposedValue)"), at: 0) }
        if method != "GET" && method != "HEAD" { headers.append(("Content-Type", mediaType)) }
        let request = HTTPRequest(method: method, url: configuration.url(path: path, query: query), headers: headers, body: body)
        let isWrite = method != "GET" && method != "HEAD"
        // Every secret this request carries (the token, a query's one-time token, a body's
        // password): scrubbed from any text of a failure before it reaches a message.
        let secrets = Self.secrets(token: configuration.token, query: query, body: body)
        let started = environment.now()
        var retries = 0
        while true {
            if let limiter, !(await limiter.acquire(now: environment.now, sleep: environment.sleep)) {
                throw .transport(TransportError(.cancelled, "stopped before the request was sent"))
            }
            // Stopped (a fleet apply's first Ctrl-C): no new request leaves, not even after a wait.
            if Task.isCancelled {
                await limiter?.releaseUnsent()
                throw .transport(TransportError(.cancelled, "stopped before the request was sent"))
            }
            let t0 = environment.now()
            logger.debug("request", metadata: ["method": "\(method)", "path": "\(path)", "body": "\(Redactor.body(body))"])
            let outcome: Result<HTTPResponse, TransportError>
            // A stop while the transport was still trying to connect: nothing left this machine.
            var stoppedUnsent = false
            do {
                outcome = .success(try await transport.execute(request, timeout: configuration.timeout))
            } catch {
                // Cut short by a stop, not by the network: say so (the request may have arrived,
                // unless no connection was ever made).
                stoppedUnsent = Task.isCancelled && error.provablyNotSent
                outcome = .failure(!Task.isCancelled ? error
                    : TransportError(.cancelled, stoppedUnsent ? "stopped before the request was sent" : "stopped before the answer arrived"))
            }
            let answeredAt = environment.now()
            let elapsedMs = Int((environment.now() - t0) * 1000)
            var wait: Double?
            var failure: TFEError
            switch outcome {
            case .success(let response):
                logger.debug("response", metadata: [
                    "method": "\(method)", "path": "\(path)", "status": "\(response.status)", "duration_ms": "\(elapsedMs)",
                    "body": "\(Redactor.body(response.body))",
                ])
                await limiter?.observe(limitHeader: response.header("X-RateLimit-Limit"))
                if (200..<300).contains(response.status) {
                    await limiter?.release(answeredAt: answeredAt)
                    return response
                }
                failure = Self.error(for: Self.scrubbing(secrets, from: response), path: path, kind: kind, fieldForPointer: fieldForPointer, notFound: notFound)
                if response.status == 429 {
                    // Refused, not processed: safe to send again, a write too (unless `.once`).
                    wait = RetryPolicy.serverRequestedWait(response, now: environment.wallClock(), limit: retryPolicy.totalDeadline) ?? retryPolicy.backoff(attempt: retries, random: environment.random)
                } else if kind == .idempotent, !isWrite, [502, 503, 504].contains(response.status) {
                    // Only reads: a gateway's 5xx does not prove the server behind it did nothing.
                    wait = retryPolicy.backoff(attempt: retries, random: environment.random)
                }
            case .failure(let error):
                logger.debug("no response", metadata: ["method": "\(method)", "path": "\(path)", "error": "\(Redactor.scrubbing(secrets, from: error.message))", "duration_ms": "\(elapsedMs)"])
                var error = error
                error.message = Redactor.scrubbing(secrets, from: error.message)
                // Unless it provably never left, a write may have arrived and only its answer is
                // missing. Say so: the admin must not guess, and nobody may send it blindly again.
                error.requestMayHaveArrived = isWrite && !error.provablyNotSent && error.kind != .redirect && !stoppedUnsent
                failure = .transport(error)
                if kind == .idempotent, !isWrite, error.isRetryable { wait = retryPolicy.backoff(attempt: retries, random: environment.random) }
                // A create goes again only when no connection was ever made: nothing arrived.
                if kind == .create, error.kind == .connect, !error.requestMayHaveArrived, error.mayHealByConnectingAgain { wait = retryPolicy.backoff(attempt: retries, random: environment.random) }
            }
            // The SMTP PATCH is never retried, whatever its status: each try may send an email.
            if kind == .smtpPatch || kind == .once { wait = nil }
            let retrying = wait.map { retries < retryPolicy.maxRetries && environment.now() - started + $0 <= retryPolicy.totalDeadline } ?? false
            // The slot stays held a window past the answer (the server may have counted the request
            // at any instant until then); a request that provably never left frees it now. A 429 we
            // will wait out pauses everyone, not only this request (the limit is per user), in the
            // same step as the release: no request woken by this answer slips out before the
            // pause. A wait we will not take (past the deadline) pauses nobody.
            if case .failure(let error) = outcome, error.provablyNotSent {
                await limiter?.releaseUnsent()
            } else {
                var pause: Double?
                if retrying, case .rateLimited = failure { pause = wait }
                await limiter?.release(answeredAt: answeredAt, pausing: pause)
            }
            guard retrying, let delay = wait else { throw failure }
            retries += 1
            logger.info("retrying", metadata: [
                "method": "\(method)", "path": "\(path)", "retry": "\(retries)", "wait_s": "\(delay.fixed(2))",
                "reason": "\(Self.shortReason(failure))",
            ])
            do { try await environment.sleep(delay) } catch {
                // Stopped while waiting to retry: nothing more is sent for this request.
                throw .transport(TransportError(.cancelled, "stopped while waiting to retry (\(Self.shortReason(failure)))"))
            }
        }
    }

    /// Logs (info) that a write whose answer was lost goes again because a read showed the
    /// server still lacks its values.
    package func log(resendingAfterRead what: String, attempt: Int) {
        logger.info("resending after a read", metadata: ["step": "\(what)", "attempt": "\(attempt)"])
    }

    /// Waits the retry back-off before a write goes again; false when stopped meanwhile.
    package func pause(beforeResend attempt: Int) async -> Bool {
        let delay = retryPolicy.backoff(attempt: attempt, random: environment.random)
        do { try await environment.sleep(delay) } catch { return false }
        return !Task.isCancelled
    }

    /// The response with every secret of the request, in any spelling a JSON body can carry it,
    /// replaced: a server that echoes the token (or the IACT, or a password) in an error's
    /// `detail` must not get it onto the admin's screen.
    static func scrubbing(_ secrets: [String], from response: HTTPResponse) -> HTTPResponse {
        guard !secrets.isEmpty, let text = String(data: response.body, encoding: .utf8) else { return response }
        let scrubbed = Redactor.scrubbing(secrets, from: text)
        guard scrubbed != text else { return response }
        var copy = response
        copy.body = Data(scrubbed.utf8)
        return copy
    }

    /// The secrets a request carries, each in every spelling it can come back in: the API token,
    /// the values of query parameters named like secrets (the IACT rides in `?token=`), and the
    /// values of body keys the log redacts (the admin's and the SMTP relay's passwords).
    static func secrets(token: SecretString, query: [(String, String)], body: Data?) -> [String] {
        var values = [token.exposedValue]
        values += query.filter { Redactor.isSecretKey($0.0) }.map(\.1)
        if let body, let json = JSONValue.parse(body) { values += Redactor.secretValues(in: json) }
        return values.filter { $0.count >= 4 }.flatMap(Redactor.spellings(of:))
    }

    /// Maps a non-2xx response to the taxonomy.
    static func error(for response: HTTPResponse, path: String, kind: RequestKind, fieldForPointer: (String) -> FieldKey?, notFound: String?) -> TFEError {
        let errors = WireDecoding.errors(response.body)
        // Server text becomes part of our sentences, which every front end shows, wraps and
        // prints as lines: a line break (or any control) in it is made visible here, once, so
        // no detail or pointer can start a line of its own anywhere (the full screen included).
        let detail = SafeText.line(errors.first?.message ?? HTTPStatusText.text(for: response.status))
        switch response.status {
        case 401 where kind == .smtpPatch, 500 where kind == .smtpPatch, 504 where kind == .smtpPatch:
            return .smtpRelay(status: response.status, detail: detail)
        case 401:
            return .unauthorized(detail: detail)
        case 403:
            return .forbidden(detail: detail)
        case 404:
            return .notFound(path: path, message: notFound ?? "Not found, or not visible to this token")
        case 422:
            let fieldErrors = errors.isEmpty
                ? [TFEError.FieldError(field: nil, pointer: nil, message: detail)]
                : errors.map { e in
                    TFEError.FieldError(field: e.source?.pointer.flatMap(fieldForPointer), pointer: e.source?.pointer.map(SafeText.line), message: SafeText.line(e.message))
                }
            return .unprocessable(fieldErrors)
        case 429:
            return .rateLimited(retryAfter: RetryPolicy.serverRequestedWait(response, now: Date()))
        default:
            return .server(status: response.status, detail: detail)
        }
    }

    static func shortReason(_ error: TFEError) -> String {
        switch error {
        case .rateLimited: return "429 rate limited"
        case .server(let status, _): return "\(status)"
        case .transport(let error): return error.message
        default: return "error"
        }
    }

    /// Encodes a request body.
    func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding these plain structs cannot fail; a failure would be a programming error.
        (try? WireEncoding.encoder().encode(value)) ?? Data()
    }
}

/// Short reason phrases for statuses whose body says nothing.
enum HTTPStatusText {
    static func text(for status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not found"
        case 415: return "unsupported media type"
        case 422: return "unprocessable entity"
        case 429: return "too many requests"
        case 500: return "internal server error"
        case 502: return "bad gateway"
        case 503: return "service unavailable"
        case 504: return "gateway timeout"
        default: return "HTTP \(status)"
        }
    }
}
