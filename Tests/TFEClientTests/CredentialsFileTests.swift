import Foundation
import Testing
import TFEClient

/// The token stored as `terraform login` stores it, and `TokenLookup` finding it there.
@Suite("Credentials file: stored as terraform login does")
struct CredentialsFileTests {
    static func home() throws -> String { try PrivateFile.makeTemporaryDirectory(prefix: "creds-") }

    @Test("a new file: the host's entry, 2-space indent, mode 0600; TokenLookup finds it") func newFile() throws {
        let home = try Self.home()
        let outcome = try CredentialsFile.store(SecretString("fake-admin-token.atlasv1.x"), host: "TFE.Example.com:8443", home: home)
        #expect(outcome == .stored)
        let path = CredentialsFile.path(home: home)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "{\n  \"credentials\": {\n    \"tfe.example.com:8443\": {\n      \"token\": \"fake-admin-token.atlasv1.x\"\n    }\n  }\n}\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let found = try TokenLookup(tokenFile: nil, environment: [:], homeDirectory: home).resolve(for: URL(string: "https://tfe.example.com:8443")!)
        #expect(found.token.exposedValue == "fake-admin-token.atlasv1.x")
    }

    @Test("other hosts and keys are kept; the same token again writes nothing; a different one is not replaced unless asked") func existing() throws {
        let home = try Self.home()
        try FileManager.default.createDirectory(atPath: home + "/.terraform.d", withIntermediateDirectories: true)
        let path = CredentialsFile.path(home: home)
        try #"{"credentials":{"app.terraform.io":{"token":"fake-other-token"}},"extra":1}"#.write(toFile: path, atomically: true, encoding: .utf8)
        try CredentialsFile.store(SecretString("fake-admin-token"), host: "tfe.example.com", home: home)
        let json = JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(json?["credentials"]?["app.terraform.io"]?["token"]?.stringValue == "fake-other-token")
        #expect(json?["credentials"]?["tfe.example.com"]?["token"]?.stringValue == "fake-admin-token")
        #expect(json?["extra"] == .integer(1))
        #expect(try CredentialsFile.store(SecretString("fake-admin-token"), host: "tfe.example.com", home: home) == .unchanged)
        #expect(throws: CredentialsFile.Failure.differentToken(path: path, host: "tfe.example.com")) {
            try CredentialsFile.store(SecretString("fake-new-token"), host: "tfe.example.com", home: home)
        }
        #expect(try CredentialsFile.store(SecretString("fake-new-token"), host: "tfe.example.com", home: home, replacingDifferent: true) == .stored)
    }

    @Test("a symbolic link, a file that is not JSON, a folder that is a file: refused, nothing overwritten") func refusals() throws {
        let home = try Self.home()
        try FileManager.default.createDirectory(atPath: home + "/.terraform.d", withIntermediateDirectories: true)
        let path = CredentialsFile.path(home: home)
        let target = home + "/elsewhere.json"
        try "{}".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: CredentialsFile.Failure.self) { try CredentialsFile.store(SecretString("fake-token"), host: "h", home: home) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{}")
        try FileManager.default.removeItem(atPath: path)
        try "credentials = nope".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CredentialsFile.Failure.unreadable(path: path, reason: "it is not a JSON object")) {
            try CredentialsFile.store(SecretString("fake-token"), host: "h", home: home)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "credentials = nope")
        let other = try Self.home()
        try "".write(toFile: other + "/.terraform.d", atomically: true, encoding: .utf8)
        do {
            try CredentialsFile.store(SecretString("fake-token"), host: "h", home: other)
            Issue.record("stored under a file")
        } catch {
            #expect(error.description.contains("is not a folder"))
        }
    }
}
