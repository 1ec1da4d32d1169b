import Foundation
import Testing
import TFEClient

/// The credentials file's key for a server: one server, one key, never shared by two servers.
@Suite("Credentials keys: IPv6 hosts bracketed")
struct CredentialsKeyTests {
    @Test("[fd00::1]:8443 and [fd00::1:8443] get distinct, bracketed keys; names and IPv4 keep theirs") func ipv6Keys() throws {
        let withPort = try ClientConfiguration.parseAddress("https://[fd00::1]:8443")
        let noPort = try ClientConfiguration.parseAddress("https://[fd00::1:8443]")
        #expect(TokenLookup.credentialsHost(for: withPort) == "[fd00::1]:8443")
        #expect(TokenLookup.credentialsHost(for: noPort) == "[fd00::1:8443]")
        #expect(TokenLookup.credentialsHost(for: try ClientConfiguration.parseAddress("https://[FD00::AB]")) == "[fd00::ab]")
        #expect(TokenLookup.credentialsHost(for: try ClientConfiguration.parseAddress("TFE.example.com:8443")) == "tfe.example.com:8443")
        #expect(TokenLookup.credentialsHost(for: try ClientConfiguration.parseAddress("10.0.0.1")) == "10.0.0.1")
        // No TF_TOKEN_ variable can name an IPv6 host: its name would lose the colons.
        #expect(TokenLookup.terraformVariableName(for: noPort) == nil)
        #expect(TokenLookup.terraformVariableName(for: try ClientConfiguration.parseAddress("https://[fd00::1]")) == nil)
    }

    @Test("a token stored for one IPv6 server is not found for the other") func ipv6Tokens() throws {
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "keys-")
        let withPort = try ClientConfiguration.parseAddress("https://[fd00::1]:8443")
        let noPort = try ClientConfiguration.parseAddress("https://[fd00::1:8443]")
        try CredentialsFile.store(SecretString("FAKE-token-with-port"), host: TokenLookup.credentialsHost(for: withPort), home: home)
        let lookup = TokenLookup(tokenFile: nil, environment: [:], homeDirectory: home)
        #expect(try lookup.resolve(for: withPort).token.exposedValue == "FAKE-token-with-port")
        #expect(throws: TFEError.self) { try lookup.resolve(for: noPort) }
        try CredentialsFile.store(SecretString("FAKE-token-no-port"), host: TokenLookup.credentialsHost(for: noPort), home: home)
        #expect(try lookup.resolve(for: noPort).token.exposedValue == "FAKE-token-no-port")
        #expect(try lookup.resolve(for: withPort).token.exposedValue == "FAKE-token-with-port")
        let json = JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: CredentialsFile.path(home: home))))
        #expect(json?["credentials"]?["[fd00::1]:8443"]?["token"]?.stringValue == "FAKE-token-with-port")
        #expect(json?["credentials"]?["[fd00::1:8443]"]?["token"]?.stringValue == "FAKE-token-no-port")
    }
}
