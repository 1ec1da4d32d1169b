import Foundation
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// What an attacker or a misconfigured proxy could try: redirects, plain HTTP, switching TLS
/// verification off.
@Suite("Hardening")
struct HardeningTests {
    @Test("a redirect to another host is not followed, so the token never reaches it", arguments: [
        ("GET", "/api/v2/organizations/my-org", 302), ("PATCH", "/api/v2/organizations/my-org", 307), ("GET", "/api/v2/account/details", 301),
    ])
    func redirect(method: String, path: String, status: Int) async throws {
        let elsewhere = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0))
        try await SandboxFixture.with { f in
            await f.server.store.arm(SandboxFault(method: method, path: path, status: status, headers: ["Location": elsewhere.address + path]))
            let client = try f.client()
            let error = await failure {
                if method == "GET", path.hasSuffix("details") { return try await client.accountDetails() as Any }
                if method == "GET" { return try await client.organization("my-org") as Any }
                return try await client.updateOrganization("my-org", OrganizationDefaultsUpdate(maxTTLEnabled: true), current: nil) as Any
            }
            guard case .transport(let cause)? = error, let underlying = Optional(cause.message) else { Issue.record("unexpected \(String(describing: error))"); return }
            #expect(underlying.contains("redirected (\(status))"), "\(underlying)")
            #expect(await elsewhere.store.requestLog.isEmpty, "the other host saw no request, so no Authorization header")
            #expect(await f.requests().filter { $0.path == path }.count == 1, "a redirect is not retried either")
        }
        await elsewhere.stop()
    }

    @Test("http:// to a host that is not loopback is refused unless --insecure-http; https is never downgraded") func plainHTTP() throws {
        for address in ["http://tfe.example.com", "http://10.0.0.5:8080", "http://127.0.0.1.nip.io"] {
            #expect(throws: TFEError.self, "\(address)") {
                try ClientConfiguration(address: URL(string: address)!, token: SecretString("fake-tok"))
            }
        }
        for address in ["http://127.0.0.1:1234", "http://localhost:1234", "http://[::1]:1234", "https://tfe.example.com"] {
            #expect(throws: Never.self, "\(address)") { try ClientConfiguration(address: URL(string: address)!, token: SecretString("fake-tok")) }
        }
    }

    @Test("no option switches TLS verification off: none exists, and --insecure-http does not do it") func noTLSBypass() async throws {
        // 1. No command offers such an option.
        for command in ["wizard", "demo", "plan", "apply", "export", "sandbox"] {
            let help = Subprocess.run([TmuxSession.binary, command, "--help"]).output.lowercased()
            #expect(help.contains("usage:"), "\(command)")
            for word in ["skip-verify", "no-verify", "insecure-tls", "tls-skip", "skip-tls", "disable-tls", "insecure-skip", "--insecure "] {
                #expect(!help.contains(word), "\(command) --help offers \(word)")
            }
        }
        #expect(!Subprocess.run([TmuxSession.binary, "--help"]).output.lowercased().contains("no-verify"))
        // 2. An untrusted certificate is refused even with --insecure-http and a token file given.
        let certs = try TLSTests.makeCertificates()
        let server = try await SandboxServer.start(options: SandboxOptions(rateLimit: 0, tls: (certs.cert, certs.key)))
        let tokenFile = certs.dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.owner.utf8), attributes: [.posixPermissions: 0o600])
        let r = await Subprocess.runAsync(["/bin/sh", "-c", [TmuxSession.binary, "export", "--organization", "my-org", "--address", server.address,
                                                            "--token-file", tokenFile, "--insecure-http"].map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("certificate") && r.output.contains("--ca-cert"), "\(r.output)")
        #expect(await server.store.requestLog.isEmpty, "nothing got through")
        await server.stop()
    }
}
