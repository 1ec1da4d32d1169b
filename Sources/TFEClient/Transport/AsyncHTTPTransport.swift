import AsyncHTTPClient
import FoundationEssentials
import Glibc
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// The transport over AsyncHTTPClient: one `HTTPClient` for the process, no cookie storage (AHC
/// keeps none), redirects never followed (so the token never reaches another host), the system
/// CAs plus an optional private CA.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// The TLS settings of every connection: also those of the connection that reads a
    /// certificate's names when they do not include the host (`certificateNames`).
    private let tls: TLSConfiguration
    /// Debug level: each time a connection is tried again, and how many tries it took.
    private let logger: Logger
    /// Responses larger than this are refused (the biggest real answer here is a few KiB).
    public static let maxBodyBytes = 8 * 1024 * 1024

    /// - Parameter caCertificatePath: a PEM file of CAs to trust in addition to the system's.
    /// - Parameter logger: debug level logs each connection tried again (`connecting again`).
    /// - Throws: `TFEError.configuration` when the CA file cannot be read as PEM certificates.
    public init(caCertificatePath: String? = nil,
                logger: Logger = Logger(label: "tfe-setup.transport", factory: { _ in SwiftLogNoOpLogHandler() })) throws(TFEError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = caCertificatePath {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(path)
                if certificates.isEmpty { throw TFEError.configuration("") }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw .configuration("Cannot use the CA certificate file \(path): it must be a readable PEM file with at least one certificate (-----BEGIN CERTIFICATE-----).")
            }
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            // The connect window: AsyncHTTPClient retries a refused connection until it ends, so
            // this is how long "the server is down" takes to report. 5 s covers TCP + TLS over a slow VPN.
            timeout: .init(connect: .seconds(5)),
            decompression: .disabled)
        configuration.httpVersion = .automatic
        // AsyncHTTPClient's own retry of a failed connection would also retry a certificate it
        // does not trust, for the whole connect window: `execute` retries only what can heal.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.tls = tls
        self.logger = logger
    }

    /// How long a connection that fails and may heal (refused by a remote host, no route, a DNS
    /// lookup that did not answer) is tried again: a server that is restarting gets this long.
    /// What cannot heal by waiting is reported at once (`TransportError.mayHealByConnectingAgain`):
    /// a TLS failure, a name that does not exist, a refused connection on loopback.
    static let connectWindow: Duration = .seconds(5)
    static let connectRetrySpacing: Duration = .milliseconds(100)

    public func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let started = ContinuousClock.now
        var attempts = 1
        while true {
            do throws(TransportError) {
                let response = try await executeOnce(request, timeout: timeout)
                if attempts > 1 { logConnectAttempts(request, attempts, outcome: "connected") }
                return response
            } catch let failure where failure.mayHealByConnectingAgain && ContinuousClock.now - started + Self.connectRetrySpacing < Self.connectWindow {
                // No connection means nothing was sent: safe to try again, even for a write. Only
                // connection-establishment failures are `.connect` (see `classify`): a reset of a
                // connection that was made is `.dropped`, never retried here.
                if attempts == 1 {
                    logger.debug("connecting again", metadata: [
                        "host": "\(HostName.written(in: request.url))", "reason": "\(failure.message)",
                        "window_s": "\(Self.connectWindow.components.seconds)",
                    ])
                }
                attempts += 1
                do { try await Task.sleep(for: Self.connectRetrySpacing) } catch { throw failure }
            } catch {
                if attempts > 1 { logConnectAttempts(request, attempts, outcome: "gave up") }
                throw error
            }
        }
    }

    private func logConnectAttempts(_ request: HTTPRequest, _ attempts: Int, outcome: String) {
        logger.debug("connect attempts", metadata: ["host": "\(HostName.written(in: request.url))", "attempts": "\(attempts)", "outcome": "\(outcome)"])
    }

    private func executeOnce(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        var r = HTTPClientRequest(url: request.url.absoluteString)
        r.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        if let body = request.body { r.body = .bytes(ByteBuffer(bytes: body)) }
        let seconds = timeout.components.seconds
        let amount = TimeAmount.nanoseconds(max(1, seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        do {
            let response = try await client.execute(r, timeout: amount)
            var headers: [(String, String)] = []
            for h in response.headers { headers.append((h.name, h.value)) }
            if (300..<400).contains(Int(response.status.code)) {
                // Server text: made inert before it reaches any message.
                let location = response.headers.first(name: "Location").map(Self.shownLocation) ?? "another address"
                throw TransportError(.redirect, "the server redirected (\(response.status.code)) to \(location)")
            }
            // The timeout covers the body too: a server that sends the head and then stalls must not hang us.
            let body = try await Self.collect(response.body, within: timeout)
            return HTTPResponse(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch let error as TransportError {
            throw error
        } catch {
            var failure = Self.classify(error, url: request.url)
            if case .certificateNotForHost(let host, _, _) = failure.cause {
                // Trusted, but for other names: which ones, read on a connection of its own.
                failure = Self.certificateNotForHost(host, names: await certificateNames(of: request.url, within: min(timeout, .seconds(5))) ?? [],
                                                     url: request.url)
            }
            throw failure
        }
    }

    /// Reads the whole body, or fails with `.timeout` when it does not arrive in time.
    static func collect(_ body: HTTPClientResponse.Body, within timeout: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: maxBodyBytes)
                } catch is NIOTooManyBytesError {
                    throw TransportError(.tooLarge, "the answer was larger than \(maxBodyBytes / 1_048_576) MiB")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw TransportError(.timeout, "the answer's body did not arrive in time")
            }
            return buffer
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sorts AsyncHTTPClient's and NIO's errors into the kinds a person can act on.
    ///
    /// The line that matters most is between `.connect` (no connection was made: nothing was
    /// sent, a write may go again) and `.dropped` (a connection was made and then closed or reset:
    /// the server may have received the request). Only errors that can happen while connecting
    /// are `.connect`; anything else that ends a connection is `.dropped`, the safe side.
    /// - Parameter url: the request's address: its host says whether a refusal came from this
    ///   machine's own loopback, and is named when a certificate or a DNS name does not fit.
    static func classify(_ error: Error, url: URL? = nil) -> TransportError {
        let text = String(describing: error)
        let host = url.map { HostName.written(in: $0) } ?? ""
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .init(.timeout, "no answer in time")
            case .connectTimeout: return .init(.connect, "connecting timed out")
            case .remoteConnectionClosed: return .init(.dropped, "the server closed the connection")
            default: break
            }
        }
        // A TLS connection closed without close_notify happens after the handshake (mid-answer):
        // a drop, not a handshake failure.
        if text.contains("uncleanShutdown") {
            return .init(.dropped, "the connection closed before the whole answer arrived")
        }
        // A certificate the CAs vouch for, but for other names (NIOSSL checks the name after
        // the handshake, before any request is written).
        if text.contains("failedToValidateHostname") {
            return certificateNotForHost(SafeText.line(host), names: [], url: url)
        }
        // An https:// address whose server answered in plain HTTP: the first bytes of its answer
        // (`HTTP/1.1 400`) are no TLS record, which BoringSSL reports as a wrong version number.
        if text.contains("WRONG_VERSION_NUMBER"), let url {
            let plain = plainAddress(url)
            return .init(.tls, "the server at \(SafeText.line(String(plain.dropFirst("http://".count)))) answered in plain HTTP, not TLS",
                         cause: .plainHTTP(plainAddress: SafeText.line(plain)))
        }
        // Only a failed handshake or a certificate that is not trusted happens before a request
        // is written; any other TLS error (an alert, a failed read on an established session) may
        // come after the server got it: a drop, the safe side.
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshakeFailed") || text.contains("unableToValidateCertificate")
            || text.contains("NIOSSLExtraError") {
            return .init(.tls, "TLS failed (\(text.contains("CERTIFICATE_VERIFY_FAILED") ? "certificate verify failed" : "handshake failed"))")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .init(.dropped, "the TLS connection failed after it was made (\(Self.short(text)))")
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return refused(host)
            case EHOSTUNREACH, ENETUNREACH: return .init(.connect, "the server's network cannot be reached from this machine")
            // Reset, broken pipe, anything else on a connection that was made: the request may
            // have arrived.
            case ECONNRESET: return .init(.dropped, "the connection was reset (by the server or a proxy) before the answer came")
            case EPIPE: return .init(.dropped, "the connection was closed while the request was being sent")
            default: return .init(.dropped, "the connection failed before the answer came (\(String(cString: strerror(io.errnoCode))))")
            }
        }
        if let lookup = error as? SocketAddressError.UnknownHost {
            return nameLookupFailure(code: lookup.errorCode, host: host)
        }
        if let e = error as? NIOConnectionError {
            // No address to try: the DNS lookup's own code says whether the name does not exist.
            if e.connectionErrors.isEmpty, let lookup = (e.dnsAError ?? e.dnsAAAAError) as? SocketAddressError.UnknownHost {
                return nameLookupFailure(code: lookup.errorCode, host: host)
            }
            // Every address of the name refused: refused (on loopback when the address says so).
            if !e.connectionErrors.isEmpty, e.connectionErrors.allSatisfy({ ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                // A name whose every address is loopback (`/etc/hosts`) is refused on loopback too.
                let allLoopback = e.connectionErrors.allSatisfy { $0.target.ipAddress.map(IPLiteral.isLoopback) ?? false }
                return refused(host, resolvedToLoopback: allLoopback)
            }
        }
        if error is NIOConnectionError || text.contains("connectTimeout") {
            if text.contains("Connection refused") || text.contains("errno: 111") {
                return refused(host)
            }
            if text.contains("No route to host") || text.contains("Network is unreachable") {
                return .init(.connect, "the server's network cannot be reached from this machine")
            }
            if text.lowercased().contains("resolve") || text.contains("Name or service not known") || text.contains("nodename nor servname") {
                return .init(.connect, "the host name could not be resolved (DNS)", cause: .nameLookupFailed)
            }
            return .init(.connect, "could not connect (\(Self.short(text)))")
        }
        if text.lowercased().contains("resolve") || text.contains("Name or service not known") || text.contains("nodename nor servname") {
            return .init(.connect, "the host name could not be resolved (DNS)", cause: .nameLookupFailed)
        }
        if let parser = error as? HTTPParserError, parser == .invalidEOFState {
            return .init(.dropped, "the connection closed before the whole answer arrived")
        }
        if text.contains("ioOnClosedChannel") || text.contains("eof") || text.contains("remoteConnectionClosed") || text.contains("invalidEOFState")
            || text.contains("Connection reset") || text.contains("Broken pipe") {
            return .init(.dropped, "the connection closed before the whole answer arrived")
        }
        return .init(.other, Self.short(text))
    }

    /// A redirect's target as a message may show it: without its query, fragment and user info
    /// (a `Location` can echo the request's `?token=…`, the one-time IACT among them), cut to
    /// a length a line can hold, and made inert.
    static func shownLocation(_ location: String) -> String {
        var shown = location
        if let cut = shown.firstIndex(where: { $0 == "?" || $0 == "#" }) { shown = String(shown[..<cut]) }
        if let scheme = shown.firstRange(of: "://"), let at = shown[scheme.upperBound...].firstIndex(of: "@"),
           !shown[scheme.upperBound..<at].contains("/") {
            shown = String(shown[..<scheme.upperBound]) + String(shown[shown.index(after: at)...])
        }
        let hidden = shown.count < location.count ? " (its query hidden)" : ""
        return SafeText.line(String(shown.prefix(200))) + hidden
    }

    private static func short(_ text: String) -> String { SafeText.line(String(text.prefix(200))) }

    /// A refused connection; on loopback (the address written is 127.0.0.0/8, ::1 or
    /// `localhost`) it is this machine's own answer, and trying again cannot change it.
    /// - Parameter resolvedToLoopback: every address the name resolved to was loopback.
    static func refused(_ host: String, resolvedToLoopback: Bool = false) -> TransportError {
        let loopback = resolvedToLoopback || ClientConfiguration.isLoopback(host)
        return .init(.connect, "the connection was refused (nothing listens at that address and port\(loopback ? " on this machine" : ""))",
                     cause: .refused(loopback: loopback))
    }

    /// `getaddrinfo`'s answer as a failure: a name that does not exist (`EAI_NONAME`, or
    /// `EAI_NODATA`: no address for it) is said at once; any other failure (`EAI_AGAIN`: the
    /// resolver did not answer this time) may heal and is tried again.
    static func nameLookupFailure(code: Int, host: String) -> TransportError {
        let shown = SafeText.line(host)
        if code == Int(EAI_NONAME) || code == eaiNoData {
            return .init(.connect, "the host name \(shown) does not exist (DNS has no address for it)", cause: .nameNotFound(host: shown))
        }
        let reason = String(cString: gai_strerror(Int32(truncatingIfNeeded: code)))
        return .init(.connect, "the host name \(shown) could not be looked up (DNS: \(SafeText.line(reason)))", cause: .nameLookupFailed)
    }

    /// glibc's `EAI_NODATA` ("No address associated with hostname"), declared only under
    /// `_GNU_SOURCE`.
    static let eaiNoData = -5

    /// The address with `http://` and the port the https address used (443 when it named none):
    /// where a server that answers plain HTTP on that port can be reached.
    static func plainAddress(_ url: URL) -> String {
        "http://\(HostName.written(in: url)):\(url.port ?? 443)"
    }

    /// A trusted certificate that does not name `host`: which names it holds, when known, and
    /// the address with the first of them that is no wildcard, to suggest.
    static func certificateNotForHost(_ host: String, names: [String], url: URL?) -> TransportError {
        let shownNames = names.prefix(4).map(SafeText.line)
        let listed = Self.listed(shownNames + (names.count > 4 ? ["\(names.count - 4) more"] : []))
        let message = shownNames.isEmpty
            ? "the server's certificate does not name \(host)"
            : "the certificate is for \(listed), not \(host)"
        var example: String?
        if let url, let name = shownNames.first(where: { !$0.contains("*") && HostName.problem($0.contains(":") ? "[\($0)]" : $0) == nil }) {
            let written = name.contains(":") ? "[\(name)]" : name
            example = "\(url.scheme?.lowercased() ?? "https")://\(written)\(url.port.map { ":\($0)" } ?? "")"
        }
        return .init(.tls, message, cause: .certificateNotForHost(host: host, names: shownNames, example: example))
    }

    /// The names the server's certificate holds (subject alternative names, else its common
    /// name), read on a connection of its own: the same trust roots verify the chain (only the
    /// name is not checked, as that is what failed), and nothing but the TLS handshake is ever
    /// written on it. Nil when they cannot be read within `within`.
    func certificateNames(of url: URL, within: Duration) async -> [String]? {
        var configuration = tls
        configuration.certificateVerification = .noHostnameVerification
        guard let context = try? NIOSSLContext(configuration: configuration) else { return nil }
        var host = HostName.written(in: url)
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let serverName = IPLiteral.ipv4(host) == nil && IPLiteral.ipv6(host) == nil ? host : nil
        let port = url.port ?? 443
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: [String].self)
        let seconds = max(1, within.components.seconds)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(seconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    try channel.pipeline.syncOperations.addHandler(CertificateNamesHandler(promise: promise))
                }
            }
        let deadline = loop.scheduleTask(in: .seconds(seconds)) { promise.fail(ChannelError.connectTimeout(.seconds(seconds))) }
        defer { deadline.cancel() }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            return try await promise.futureResult.get()
        } catch {
            promise.fail(error)
            return nil
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listed(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words[words.count - 1]
    }

    /// The names of a certificate: its DNS and IP subject alternative names, else its common name.
    static func names(of certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            switch name.nameType {
            case .dnsName:
                names.append(String(decoding: Array(name.contents), as: UTF8.self))
            case .ipAddress:
                let bytes = Array(name.contents)
                var text = [CChar](repeating: 0, count: 64)
                let family = bytes.count == 4 ? AF_INET : bytes.count == 16 ? AF_INET6 : -1
                guard family >= 0, bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else { continue }
                names.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            default:
                continue
            }
        }
        if names.isEmpty {
            // NIOSSL shows the common name only in its description: `…;common_name=NAME;…>`.
            let description = certificate.description
            if let start = description.firstRange(of: ";common_name=") {
                let rest = description[start.upperBound...]
                names.append(String(rest.prefix { $0 != ";" && $0 != ">" }))
            }
        }
        return names.map { String($0.prefix(100)) }.filter { !$0.isEmpty }
    }
}

/// Completes a promise with the peer certificate's names once the TLS handshake is done, then
/// closes the connection; fails it on any error or an early close.
private final class CertificateNamesHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let promise: EventLoopPromise<[String]>

    init(promise: EventLoopPromise<[String]>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            promise.succeed(certificate.map { AsyncHTTPTransport.names(of: $0) } ?? [])
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
