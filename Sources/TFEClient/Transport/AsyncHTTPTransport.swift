import AsyncHTTPClient
import FoundationEssentials
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The transport over AsyncHTTPClient: one `HTTPClient` for the process, no cookie storage (AHC
/// keeps none), redirects never followed (so the token never reaches another host), the system
/// CAs plus an optional private CA.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// Responses larger than this are refused (the biggest real answer here is a few KiB).
    public static let maxBodyBytes = 8 * 1024 * 1024

    /// - Parameter caCertificatePath: a PEM file of CAs to trust in addition to the system's.
    /// - Throws: `TFEError.configuration` when the CA file cannot be read as PEM certificates.
    public init(caCertificatePath: String? = nil) throws(TFEError) {
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
    }

    /// How long a connection that fails (refused, no route, DNS) is tried again: a server that
    /// is restarting gets this long. A TLS failure (an untrusted certificate) is reported at once.
    static let connectWindow: Duration = .seconds(5)
    static let connectRetrySpacing: Duration = .milliseconds(100)

    public func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        let started = ContinuousClock.now
        while true {
            do throws(TransportError) {
                return try await executeOnce(request, timeout: timeout)
            } catch let failure where failure.kind == .connect && ContinuousClock.now - started + Self.connectRetrySpacing < Self.connectWindow {
                // No connection means nothing was sent: safe to try again, even for a write. Only
                // connection-establishment failures are `.connect` (see `classify`): a reset of a
                // connection that was made is `.dropped`, never retried here.
                do { try await Task.sleep(for: Self.connectRetrySpacing) } catch { throw failure }
            }
        }
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
            throw Self.classify(error)
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
    static func classify(_ error: Error) -> TransportError {
        let text = String(describing: error)
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
        // Only a failed handshake or a certificate that is not trusted happens before a request
        // is written; any other TLS error (an alert, a failed read on an established session) may
        // come after the server got it: a drop, the safe side.
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("handshakeFailed") || text.contains("unableToValidateCertificate")
            || text.contains("failedToValidateHostname") || text.contains("NIOSSLExtraError") {
            return .init(.tls, "TLS failed (\(text.contains("CERTIFICATE_VERIFY_FAILED") ? "certificate verify failed" : "handshake failed"))")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .init(.dropped, "the TLS connection failed after it was made (\(Self.short(text)))")
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return .init(.connect, "the connection was refused (nothing listens at that address and port)")
            case EHOSTUNREACH, ENETUNREACH: return .init(.connect, "the server's network cannot be reached from this machine")
            // Reset, broken pipe, anything else on a connection that was made: the request may
            // have arrived.
            case ECONNRESET: return .init(.dropped, "the connection was reset (by the server or a proxy) before the answer came")
            case EPIPE: return .init(.dropped, "the connection was closed while the request was being sent")
            default: return .init(.dropped, "the connection failed before the answer came (\(String(cString: strerror(io.errnoCode))))")
            }
        }
        if error is NIOConnectionError || text.contains("connectTimeout") {
            if text.contains("Connection refused") || text.contains("errno: 111") {
                return .init(.connect, "the connection was refused (nothing listens at that address and port)")
            }
            if text.contains("No route to host") || text.contains("Network is unreachable") {
                return .init(.connect, "the server's network cannot be reached from this machine")
            }
            if text.lowercased().contains("resolve") || text.contains("Name or service not known") || text.contains("nodename nor servname") {
                return .init(.connect, "the host name could not be resolved (DNS)")
            }
            return .init(.connect, "could not connect (\(Self.short(text)))")
        }
        if text.lowercased().contains("resolve") || text.contains("Name or service not known") || text.contains("nodename nor servname") {
            return .init(.connect, "the host name could not be resolved (DNS)")
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
}
