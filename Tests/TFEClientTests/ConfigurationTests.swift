import CLIWording
import Foundation
import Testing
import SetupKit
@testable import TFEClient

@Suite("Configuration and token lookup")
struct ConfigurationTests {
    let address = URL(string: "https://tfe-1.example.com")!

    func home(credentials: String? = nil) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tfe-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/.terraform.d", withIntermediateDirectories: true)
        if let credentials { try credentials.write(toFile: dir + "/.terraform.d/credentials.tfrc.json", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test("TF_TOKEN_ variable name uses Terraform's encoding") func variableName() {
        #expect(TokenLookup.terraformVariableName(forHost: "tfe-1.example.com") == "TF_TOKEN_tfe__1_example_com")
        #expect(TokenLookup.terraformVariableName(forHost: "app.terraform.io") == "TF_TOKEN_app_terraform_io")
    }

    @Test("lookup order: token file, TFE_TOKEN, TF_TOKEN_<host>, credentials file") func order() throws {
        let h = try home(credentials: #"{"credentials":{"tfe-1.example.com":{"token":"fake-cred-token"}}}"#)
        let file = h + "/token"
        try "  fake-file-token\n".write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["TFE_TOKEN": "fake-env-token", "TF_TOKEN_tfe__1_example_com": "fake-tf-token"]

        var r = try TokenLookup(tokenFile: file, environment: env, homeDirectory: h).resolve(for: address)
        #expect(r.token.exposedValue == "fake-file-token")
        #expect(r.source == .tokenFile(file))
        r = try TokenLookup(tokenFile: nil, environment: env, homeDirectory: h).resolve(for: address)
        #expect(r.token.exposedValue == "fake-env-token")
        r = try TokenLookup(tokenFile: nil, environment: ["TF_TOKEN_tfe__1_example_com": "fake-tf-token"], homeDirectory: h).resolve(for: address)
        #expect(r.token.exposedValue == "fake-tf-token")
        #expect(r.source == .environment("TF_TOKEN_tfe__1_example_com"))
        r = try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: address)
        #expect(r.token.exposedValue == "fake-cred-token")
    }

    @Test("Terraform's rules: host:port only for an address with a port (no fallback), hosts lowercased, TF_TOKEN_ the host alone")
    func hostPort() throws {
        let h = try home(credentials: #"{"credentials":{"tfe.example.com:8443":{"token":"fake-port-token"},"tfe.example.com":{"token":"fake-host-token"}}}"#)
        let withPort = URL(string: "https://tfe.example.com:8443")!
        #expect(try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: withPort).token.exposedValue == "fake-port-token")
        // Another port of the same host is another service: the bare host's token is not for it.
        let other = URL(string: "https://tfe.example.com:9443")!
        #expect(throws: TFEError.self) { try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: other) }
        // TF_TOKEN_ names a host without a port: it does not bind another port of that host.
        #expect(throws: TFEError.self) { try TokenLookup(tokenFile: nil, environment: ["TF_TOKEN_tfe_example_com": "fake-x"], homeDirectory: h).resolve(for: other) }
        // Host names are case-insensitive: Terraform looks them up lowercased.
        let upper = URL(string: "https://TFE.Example.COM")!
        #expect(try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: upper).token.exposedValue == "fake-host-token")
        let r = try TokenLookup(tokenFile: nil, environment: ["TF_TOKEN_tfe_example_com": "fake-y"], homeDirectory: h).resolve(for: upper)
        #expect(r.token.exposedValue == "fake-y")
        #expect(r.source == .environment("TF_TOKEN_tfe_example_com"))
        #expect(r.source.isBoundToHost)
        #expect(!TokenLookup.Source.environment("TFE_TOKEN").isBoundToHost)
        #expect(!TokenLookup.Source.tokenFile("/x").isBoundToHost)
    }

    @Test("TF_TOKEN_ binds only an LDH host without a port: its lossy name cannot make one host's token another's")
    func lossyVariableName() throws {
        let h = try home()
        // `tfe.acme_.corp.com` and `tfe.acme-corp.com` share the name TF_TOKEN_tfe_acme__corp_com.
        let env = ["TF_TOKEN_tfe_acme__corp_com": "fake-acme-corp-token"]
        #expect(try TokenLookup(tokenFile: nil, environment: env, homeDirectory: h).resolve(for: URL(string: "https://tfe.acme-corp.com")!).token.exposedValue == "fake-acme-corp-token")
        for address in ["https://tfe.acme_.corp.com", "http://tfe.acme_.corp.com", "https://tfe.acme-corp.com:8443"] {
            let url = try #require(URL(string: address))
            #expect(TokenLookup.terraformVariableName(for: url) == nil, "\(address)")
            do {
                let r = try TokenLookup(tokenFile: nil, environment: env, homeDirectory: h).resolve(for: url)
                Issue.record("\(address) took the token from \(r.source)")
            } catch {
                #expect(!error.description.contains("TF_TOKEN_"), "\(address): TF_TOKEN_ is not offered as a place to look: \(error)")
            }
        }
        #expect(TokenLookup.isLDH("tfe-1.example.com") && TokenLookup.isLDH("127.0.0.1"))
        #expect(!TokenLookup.isLDH("tfe.acme_.corp.com") && !TokenLookup.isLDH("-x.example.com") && !TokenLookup.isLDH("a..b") && !TokenLookup.isLDH("a.b-"))
    }

    @Test("no token anywhere, an empty or missing token file: clear errors") func missing() throws {
        let h = try home()
        #expect(throws: TFEError.self) { try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: address) }
        do {
            _ = try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: h).resolve(for: address)
        } catch {
            #expect(error.description.contains("TF_TOKEN_tfe__1_example_com"))
            #expect(error.commandLineDescription.contains("--token-file"))
        }
        try "\n".write(toFile: h + "/empty", atomically: true, encoding: .utf8)
        #expect(throws: TFEError.configuration("The token file \(h)/empty is empty.", remedy: .fixTokenFile)) {
            try TokenLookup(tokenFile: h + "/empty", environment: [:], homeDirectory: h).resolve(for: address)
        }
        #expect(throws: TFEError.self) { try TokenLookup(tokenFile: h + "/nope", environment: ["TFE_TOKEN": "x"], homeDirectory: h).resolve(for: address) }
    }

    @Test("a token file that is a device, a directory or huge is refused at once (no unbounded read)", arguments: ["/dev/zero", "/dev/urandom", "/tmp"])
    func tokenFileNotAFile(_ path: String) throws {
        let started = ContinuousClock.now
        #expect(throws: TFEError.self) { try TokenLookup(tokenFile: path, environment: [:], homeDirectory: "/nonexistent").resolve(for: address) }
        #expect(ContinuousClock.now - started < .seconds(5))
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-token-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: big, contents: Data(repeating: UInt8(ascii: "a"), count: 100_000))
        do {
            _ = try TokenLookup(tokenFile: big, environment: [:], homeDirectory: "/nonexistent").resolve(for: address)
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("larger than 16 KiB"), "\(error)")
        }
    }

    @Test("plain http:// only to loopback unless explicitly allowed") func insecureHTTP() throws {
        let token = SecretString("fake-token")
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.1.2.3", "https://tfe.example.com"] {
            #expect(throws: Never.self) { try ClientConfiguration(address: URL(string: ok)!, token: token) }
        }
        for bad in ["http://tfe.example.com", "http://10.0.0.5", "http://127.0.0.1.evil.com"] {
            #expect(throws: TFEError.self) { try ClientConfiguration(address: URL(string: bad)!, token: token) }
        }
        #expect(throws: Never.self) { try ClientConfiguration(address: URL(string: "http://tfe.example.com")!, token: token, allowInsecureHTTP: true) }
        #expect(throws: TFEError.self) { try ClientConfiguration(address: URL(string: "ftp://tfe.example.com")!, token: token) }
        #expect(try ClientConfiguration.parseAddress("tfe.example.com/").absoluteString == "https://tfe.example.com")
        #expect(throws: TFEError.self) { try ClientConfiguration.parseAddress("https://user:pw@tfe.example.com") }
    }

    @Test("secrets never print themselves") func secretString() {
        let s = SecretString("fake-secret-value")
        #expect("\(s)" == "<redacted>")
        #expect(String(reflecting: s) == "<redacted>")
        var dumped = ""
        dump(s, to: &dumped)
        #expect(!dumped.contains("fake-secret-value"))
    }
}
