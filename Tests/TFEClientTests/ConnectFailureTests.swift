import CLIWording
import Foundation
import Glibc
import Logging
import Testing
import TestSupport
@testable import TFEClient
import TFESandbox

/// Which failures to connect are tried again for a while (a server restarting, a resolver that
/// did not answer) and which are said at once (nothing to wait for): real sockets and real DNS,
/// the tries counted in the transport's debug log, never by the clock.
@Suite("Connect failures: retried or said at once")
struct ConnectFailureTests {
    /// A transport whose debug log goes to a fresh file; `log()` reads it.
    struct Logged {
        let path: String
        let transport: AsyncHTTPTransport

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("connect-\(UUID().uuidString.prefix(8)).log").path
            let sink = try RedactingFileLogHandler.Sink(path: path)
            let logger = Logger(label: "t") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
            transport = try AsyncHTTPTransport(logger: logger)
        }

        func log() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        func count(_ message: String) -> Int { log().components(separatedBy: message).count - 1 }
    }

    /// This machine's first IPv4 address that is not loopback, if it has one.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var node: UnsafeMutablePointer<ifaddrs>? = first
        while let n = node {
            if let a = n.pointee.ifa_addr, a.pointee.sa_family == sa_family_t(AF_INET) {
                var text = [CChar](repeating: 0, count: 64)
                let address = a.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                var copy = address
                if inet_ntop(AF_INET, &copy, &text, socklen_t(text.count)) != nil {
                    let shown = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !shown.hasPrefix("127.") { return shown }
                }
            }
            node = n.pointee.ifa_next
        }
        return nil
    }

    func get(_ transport: AsyncHTTPTransport, _ address: String) async -> TFEError? {
        await failure {
            let configuration = try ClientConfiguration(address: URL(string: address)!, token: SecretString("fake-token-connect-7"), timeout: .seconds(10))
            return try await TFEClient(configuration: configuration, transport: transport, environment: .instant).ping()
        }
    }

    @Test("a refused connection on loopback (127.0.0.1, localhost) is said at once: one try, no retry")
    func refusedOnLoopback() async throws {
        let port = try closedLoopbackPort()
        for host in ["127.0.0.1", "localhost"] {
            let logged = try Logged()
            let error = await get(logged.transport, "https://\(host):\(port)")
            await logged.transport.shutdown()
            guard case .transport(let cause)? = error else { Issue.record("\(host): unexpected \(String(describing: error))"); continue }
            #expect(cause.cause == .refused(loopback: true), "\(host): \(cause)")
            #expect(!cause.mayHealByConnectingAgain)
            #expect(logged.count("connecting again") == 0, "\(host): tried again: \(logged.log())")
            #expect(error?.commandLineDescription.contains("the connection was refused") == true, "\(String(describing: error))")
        }
    }

    @Test("a refused connection to an address that is not loopback is still tried again for its window")
    func refusedElsewhereRetried() async throws {
        guard let address = Self.nonLoopbackAddress() else {
            // Without a second address the retry cannot be shown; the rule itself still can.
            #expect(AsyncHTTPTransport.refused("192.0.2.10").mayHealByConnectingAgain)
            return
        }
        let logged = try Logged()
        let error = await get(logged.transport, "https://\(address):\(try closedLoopbackPort())")
        await logged.transport.shutdown()
        guard case .transport(let cause)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(cause.cause == .refused(loopback: false), "\(cause)")
        #expect(logged.count("connecting again") == 1, "the first retry is logged once: \(logged.log())")
        let attempts = logged.log().split(separator: "\n").first { $0.contains("connect attempts") }
        #expect(attempts.map { $0.contains("outcome=gave up") } == true, "\(logged.log())")
        let count = attempts.flatMap { line in line.split(separator: " ").first { $0.hasPrefix("attempts=") } }.flatMap { Int($0.dropFirst("attempts=".count)) }
        #expect((count ?? 0) > 1, "\(String(describing: attempts))")
    }

    @Test("a name that does not exist (.invalid, NXDOMAIN) is said at once, naming it; no retry")
    func nameNotFound() async throws {
        let logged = try Logged()
        let error = await get(logged.transport, "https://tfe-setup-test.invalid")
        await logged.transport.shutdown()
        guard case .transport(let cause)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(cause.cause == .nameNotFound(host: "tfe-setup-test.invalid"), "\(cause)")
        #expect(cause.message == "the host name tfe-setup-test.invalid does not exist (DNS has no address for it)")
        #expect(logged.count("connecting again") == 0, "tried again: \(logged.log())")
        let text = error?.commandLineDescription ?? ""
        #expect(text.contains("Check how the host name is spelled in --address"), "\(text)")
        #expect(!text.contains("that the server is running"), "\(text)")
    }

    @Test("the rule: what waiting can heal is tried again, what it cannot is not", arguments: [
        (AsyncHTTPTransport.refused("127.0.0.1"), false),
        (AsyncHTTPTransport.refused("127.8.9.10"), false),
        (AsyncHTTPTransport.refused("[::1]"), false),
        (AsyncHTTPTransport.refused("LocalHost"), false),
        (AsyncHTTPTransport.refused("dev-box", resolvedToLoopback: true), false),
        (AsyncHTTPTransport.refused("10.0.0.7"), true),
        (AsyncHTTPTransport.refused("tfe.example.com"), true),
        (AsyncHTTPTransport.nameLookupFailure(code: Int(EAI_NONAME), host: "tfe.invalid"), false),
        (AsyncHTTPTransport.nameLookupFailure(code: AsyncHTTPTransport.eaiNoData, host: "tfe.example.com"), false),
        (AsyncHTTPTransport.nameLookupFailure(code: Int(EAI_AGAIN), host: "tfe.example.com"), true),
        (TransportError(.tls, "TLS failed (certificate verify failed)"), false),
        (TransportError(.connect, "the server's network cannot be reached from this machine"), true),
    ])
    func rule(error: TransportError, retried: Bool) {
        #expect(error.mayHealByConnectingAgain == retried, "\(error)")
        // Either way nothing was sent: a write may go again once it connects.
        #expect(error.provablyNotSent)
    }

    @Test("a transient DNS failure (EAI_AGAIN) says so and advises checking the address, not the name's spelling")
    func transientLookup() {
        let error = AsyncHTTPTransport.nameLookupFailure(code: Int(EAI_AGAIN), host: "tfe.example.com")
        #expect(error.cause == .nameLookupFailed)
        #expect(error.message.hasPrefix("the host name tfe.example.com could not be looked up (DNS: "), "\(error.message)")
        #expect(error.remedy == .checkAddress)
    }
}
