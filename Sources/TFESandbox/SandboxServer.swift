import FoundationEssentials
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TFEClient

/// The sandbox's HTTP server on 127.0.0.1: SwiftNIO directly (not a framework), because fault
/// injection needs raw control of the connection — closing before answering, or after part of
/// the body.
public final class SandboxServer: Sendable {
    public let port: Int
    public let store: SandboxStore
    public var tokens: SandboxTokens { store.tokens }
    /// `http://127.0.0.1:PORT`
    public var address: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
    private let isTLS: Bool
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let acceptTask: Task<Void, Never>
    /// The connections being served, so that `kill()` can cut them.
    private let openConnections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    /// Requests larger than this are refused with 413.
    static let maxRequestBytes = 1_048_576

    /// Binds and starts serving.
    /// - Throws: `SandboxError` when the port is in use or the state file cannot be read.
    /// - Parameter seed: the state to start from; by default the profile's (`SandboxProfile.seed`).
    public static func start(options: SandboxOptions = SandboxOptions(), seed: SandboxState? = nil,
                             tokens: SandboxTokens = .generate()) async throws -> SandboxServer {
        let profileSeed = seed ?? options.profile.seed
        var initial: SandboxState?
        if let path = options.statePath, FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path), let state = try? JSONDecoder().decode(SandboxState.self, from: data) else {
                throw SandboxError("The state file \(path) is not a sandbox state (the shape of GET /_sandbox/state). Delete it or pass another --state.")
            }
            initial = state
        }
        let seed = options.fleet > 0 ? profileSeed.withFleet(options.fleet) : profileSeed
        let store = SandboxStore(options: options, seed: seed, tokens: tokens, initial: initial)
        var tlsContext: NIOSSLContext?
        if let tls = options.tls {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
                tlsContext = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            } catch {
                throw SandboxError("Cannot load the TLS certificate \(tls.certificatePath) or key \(tls.keyPath): \(error).")
            }
        }
        let context = tlsContext
        let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: options.port) { child in
                    child.eventLoop.makeCompletedFuture {
                        if let context { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                        // No pipelining assistance: it would hold back a close until the response is complete,
                        // and the faults must close mid-response.
                        try child.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            throw SandboxError("Cannot listen on 127.0.0.1:\(options.port): \(error). Is the port in use? Choose another with --port, or 0 for a free one.")
        }
        return SandboxServer(store: store, channel: channel, isTLS: context != nil)
    }

    private init(store: SandboxStore, channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>, isTLS: Bool) {
        let open = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        self.openConnections = open
        self.store = store
        self.isTLS = isTLS
        self.channel = channel
        self.port = channel.channel.localAddress?.port ?? 0
        let router = SandboxRouter(store: store, port: self.port)
        self.acceptTask = Task {
            try? await channel.executeThenClose { inbound in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in inbound {
                            group.addTask {
                                let id = ObjectIdentifier(connection.channel)
                                open.withLockedValue { $0[id] = connection.channel }
                                await Self.serve(connection, router: router)
                                _ = open.withLockedValue { $0.removeValue(forKey: id) }
                            }
                        }
                    } catch {}
                }
            }
        }
    }

    /// The ready line, exactly as documented in `tfe-setup sandbox --help`: keys in this order, slashes not escaped.
    public var readyLine: String {
        func q(_ s: String) -> String { JSONValue.string(s).jsonText }
        let organization = "my-org"
        let line = #"{"address":\#(q(address)),"organization":\#(q(organization)),"tokens":{"site-admin":\#(q(tokens.siteAdmin)),"owner":\#(q(tokens.owner)),"member":\#(q(tokens.member))}"#
        // A fresh installation has no users, so those tokens open nothing yet: its IACT does.
        guard let iact = store.firstInstallIACT else { return line + "}" }
        return line + #","iact":\#(q(iact))}"#
    }

    /// Like a crash: stops listening and cuts every open connection at once, answering nothing
    /// (requests in flight get no answer and change nothing that was not already saved).
    public func kill() async { await shutDown(cuttingConnections: true) }

    /// Stops listening and closes the server socket.
    public func stop() async { await shutDown(cuttingConnections: false) }

    private func shutDown(cuttingConnections: Bool) async {
        try? await channel.channel.close()
        if cuttingConnections {
            for connection in openConnections.withLockedValue({ Array($0.values) }) { try? await connection.close() }
        }
        acceptTask.cancel()
        _ = await acceptTask.value
    }

    /// Serves one keep-alive connection: read a whole request, answer it, repeat.
    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, router: SandboxRouter) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let h):
                    head = h
                    body.clear()
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes <= maxRequestBytes { body.writeBuffer(&chunk) }
                case .end:
                    guard let h = head else { continue }
                    let (path, query) = split(h.uri)
                    let request = SandboxHTTPRequest(method: h.method.rawValue, path: path, query: query,
                                                     headers: h.headers.map { ($0.name, $0.value) }, body: Data(body.readableBytesView))
                    let response = body.readableBytes >= maxRequestBytes
                        ? SandboxHTTPResponse.error(413, "payload too large", "The request body is too large.")
                        : await router.handle(request)
                    if response.drop == .reset {
                        // SO_LINGER 0: the close sends a TCP RST, which the client reads as
                        // "connection reset by peer" (ECONNRESET), not as an orderly end.
                        if let options = connection.channel as? SocketOptionProvider {
                            try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                        }
                        try? await connection.channel.close()
                        return
                    }
                    if response.drop == .beforeResponse {
                        // Close the socket outright (not a half-close), so the client sees it at once.
                        try? await connection.channel.close()
                        return
                    }
                    var headers = HTTPHeaders(response.headers)
                    headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
                    let status = HTTPResponseStatus(statusCode: response.status)
                    try await outbound.write(.head(HTTPResponseHead(version: h.version, status: status, headers: headers)))
                    if response.drop == .midBody {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body.prefix(response.body.count / 2)))))
                        try? await connection.channel.close()
                        return
                    }
                    if !response.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
                    try await outbound.write(.end(nil))
                    head = nil
                }
            }
        }
    }

    private static func split(_ uri: String) -> (String, String) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<q]), String(uri[uri.index(after: q)...]))
    }
}

/// A sandbox start-up failure, with a message for a person.
public struct SandboxError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
