import CLIWording
import Foundation
import Testing
import TestSupport
import SetupKit
@testable import TFEClient
@testable import TFESandbox

/// Real TLS on loopback with a private CA made by openssl at test time.
@Suite("TLS with a private CA")
struct TLSTests {
    /// Makes a CA and a server certificate for 127.0.0.1 (and localhost) in a fresh directory.
    static func makeCertificates(names: String = "IP:127.0.0.1,DNS:localhost") throws -> (dir: String, ca: String, cert: String, key: String) {
        try TestCertificates.make(names: names)
    }

    @Test("refused with a clear certificate error without --ca-cert; works with it") func privateCA() async throws {
        let certs = try Self.makeCertificates()
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, tls: (certs.cert, certs.key)))
        #expect(server.address.hasPrefix("https://127.0.0.1:"))
        let configuration = try ClientConfiguration(address: URL(string: server.address)!, token: SecretString(server.tokens.owner))

        let plain = try AsyncHTTPTransport()
        let refused = await failure { try await TFEClient(configuration: configuration, transport: plain, environment: .instant).organization("my-org") }
        await plain.shutdown()
        guard case .transport(let cause)? = refused, let underlying = Optional(cause.message), let hint = refused?.commandLineDescription else { Issue.record("unexpected \(String(describing: refused))"); await server.stop(); return }
        #expect(underlying.contains("certificate"))
        #expect(hint.contains("--ca-cert"))
        #expect(await server.store.requestLog.isEmpty, "no request got through")

        let trusting = try AsyncHTTPTransport(caCertificatePath: certs.ca)
        let org = try await TFEClient(configuration: configuration, transport: trusting).organization("my-org")
        #expect(org.name == "my-org")
        await trusting.shutdown()
        await server.stop()
    }

    @Test("a trusted certificate for another name: the names it holds, not NIOSSL's words; the name it holds then works")
    func certificateForAnotherName() async throws {
        let certs = try Self.makeCertificates(names: "DNS:localhost")
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, tls: (certs.cert, certs.key)))
        let port = try #require(URL(string: server.address)?.port)
        let configuration = try ClientConfiguration(address: URL(string: "https://127.0.0.1:\(port)")!, token: SecretString(server.tokens.owner))
        let transport = try AsyncHTTPTransport(caCertificatePath: certs.ca)
        let error = await failure { try await TFEClient(configuration: configuration, transport: transport, environment: .instant).organization("my-org") }
        guard case .transport(let cause)? = error else { Issue.record("unexpected \(String(describing: error))"); await transport.shutdown(); await server.stop(); return }
        #expect(cause.cause == .certificateNotForHost(host: "127.0.0.1", names: ["localhost"], example: "https://localhost:\(port)"), "\(cause)")
        #expect(cause.message == "the certificate is for localhost, not 127.0.0.1")
        #expect(cause.provablyNotSent, "the name is checked before any request is written")
        let text = error?.commandLineDescription ?? ""
        #expect(text == "Could not talk to the server: the certificate is for localhost, not 127.0.0.1. Use the name on the certificate in --address (https://localhost:\(port)), or get a certificate that names 127.0.0.1.", "\(text)")
        #expect(!text.contains("NIOSSL") && !text.contains("<none>") && !text.contains("server is running") && !text.contains("--ca-cert"), "\(text)")
        #expect(await server.store.requestLog.isEmpty, "no request got through")
        // The advice works: the name on the certificate, same CA, same port.
        let named = try ClientConfiguration(address: URL(string: "https://localhost:\(port)")!, token: SecretString(server.tokens.owner))
        #expect(try await TFEClient(configuration: named, transport: transport).organization("my-org").name == "my-org")
        await transport.shutdown()
        await server.stop()
    }

    @Test("a certificate for several names lists them (at most four, then how many more), and a wildcard is never the suggested address")
    func certificateNames() {
        let url = URL(string: "https://10.1.2.3:8443")!
        let many = AsyncHTTPTransport.certificateNotForHost("10.1.2.3", names: ["*.example.com", "tfe.example.com", "10.9.9.9", "a.example.com", "b.example.com", "c.example.com"], url: url)
        #expect(many.message == "the certificate is for *.example.com, tfe.example.com, 10.9.9.9, a.example.com and 2 more, not 10.1.2.3")
        #expect(many.remedy == .useNameOnCertificate(host: "10.1.2.3", example: "https://tfe.example.com:8443"))
        let unknown = AsyncHTTPTransport.certificateNotForHost("10.1.2.3", names: [], url: url)
        #expect(unknown.message == "the server's certificate does not name 10.1.2.3")
        #expect(TFEError.transport(unknown).commandLineDescription.hasSuffix("Use the name on the certificate in --address, or get a certificate that names 10.1.2.3."))
    }

    @Test("https:// to a server that speaks plain HTTP: said so, with the http:// address; the handshake's real error is BoringSSL's wrong version number")
    func httpsToPlainHTTP() async throws {
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
        let plain = try #require(URL(string: server.address))
        #expect(plain.scheme == "http")
        let port = try #require(plain.port)
        // What the stack really says, before our words: the sandbox answers the ClientHello with
        // an HTTP 400, whose first bytes are no TLS record.
        let transport = try AsyncHTTPTransport()
        let configuration = try ClientConfiguration(address: URL(string: "https://127.0.0.1:\(port)")!, token: SecretString(server.tokens.owner))
        let error = await failure { try await TFEClient(configuration: configuration, transport: transport, environment: .instant).organization("my-org") }
        await transport.shutdown()
        guard case .transport(let cause)? = error else { Issue.record("unexpected \(String(describing: error))"); await server.stop(); return }
        #expect(cause.kind == .tls && cause.provablyNotSent, "\(cause)")
        #expect(cause.cause == .plainHTTP(plainAddress: "http://127.0.0.1:\(port)"), "\(cause)")
        let text = error?.commandLineDescription ?? ""
        #expect(text == "Could not talk to the server: the server at 127.0.0.1:\(port) answered in plain HTTP, not TLS. Use --address http://127.0.0.1:\(port), or enable TLS on the server.", "\(text)")
        #expect(await server.store.requestLog.isEmpty, "nothing reached the API")
        // To a host that is not loopback: TLS first; plain http only knowingly, with the flag that allows it.
        let remote = AsyncHTTPTransport.classify(NIOSSLTestError.wrongVersion, url: URL(string: "https://tfe.example.com")!)
        #expect(TFEError.transport(remote).commandLineDescription.hasSuffix("Enable TLS on the server; or, knowing the token then crosses the network unencrypted, use --address http://tfe.example.com:443 with --insecure-http."),
                "\(TFEError.transport(remote).commandLineDescription)")
        await server.stop()
    }

    @Test("a CA file that is not PEM is a clear configuration error") func badCAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID().uuidString).pem").path
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TFEError.self) { try AsyncHTTPTransport(caCertificatePath: path) }
        #expect(throws: TFEError.self) { try AsyncHTTPTransport(caCertificatePath: path + ".missing") }
    }

    @Test("SSL_CERT_FILE is trusted for https and not even read for a plain-HTTP address") func sslCertFileOnlyForHTTPS() async throws {
        let certs = try TLSTests.makeCertificates()
        let notPEM = certs.dir + "/not-a-ca.pem"
        try "hello".write(toFile: notPEM, atomically: true, encoding: .utf8)
        let tls = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, tls: (certs.cert, certs.key)))
        let plain = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
        let tokenFile = certs.dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(tls.tokens.owner.utf8), attributes: [.posixPermissions: 0o600])
        let plainToken = certs.dir + "/plain-token"
        _ = FileManager.default.createFile(atPath: plainToken, contents: Data(plain.tokens.owner.utf8), attributes: [.posixPermissions: 0o600])
        func export(_ address: String, token: String, caFile: String) async -> (status: Int32, output: String) {
            let command = [TmuxSession.binary, "export", "--organization", "my-org", "--address", address, "--token-file", token].map(TmuxSession.quote)
            return await Subprocess.runAsync(["/bin/sh", "-c", "SSL_CERT_FILE=\(TmuxSession.quote(caFile)) " + command.joined(separator: " ") + " 2>&1"])
        }
        let trusted = await export(tls.address, token: tokenFile, caFile: certs.ca)
        #expect(trusted.status == 0 && trusted.output.contains("\"execution_defaults\""), "the private CA from SSL_CERT_FILE is trusted: \(trusted.output)")
        let broken = await export(tls.address, token: tokenFile, caFile: notPEM)
        #expect(broken.status != 0 && broken.output.contains("Cannot use the CA certificate file"), "a bad SSL_CERT_FILE is named for https: \(broken.output)")
        let loopback = await export(plain.address, token: plainToken, caFile: notPEM)
        #expect(loopback.status == 0, "http:// never reads SSL_CERT_FILE: \(loopback.output)")
        await tls.stop()
        await plain.stop()
    }
}

/// An error whose text is the one BoringSSL gives when an answer is no TLS record.
private enum NIOSSLTestError: Error, CustomStringConvertible {
    case wrongVersion
    var description: String { "handshakeFailed(sslError([Error: 268435714 error:100000f7:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER]))" }
}
