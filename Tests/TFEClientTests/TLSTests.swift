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
    /// Makes a CA and a server certificate for 127.0.0.1 in a fresh directory.
    static func makeCertificates() throws -> (dir: String, ca: String, cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tfe-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(dir)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=tfe-setup test CA' \
              -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SandboxError("openssl failed (\(process.terminationStatus)); is openssl installed? scripts/install-deps installs it") }
        return (dir, dir + "/ca.pem", dir + "/server.pem", dir + "/server.key")
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
