import Foundation
import Testing
import TestSupport
import TFEClient

/// A `credentials_helper` in the Terraform CLI configuration is used as Terraform uses it: the
/// new token goes to the helper (on stdin, never in an argument), reading asks it (`get`), a
/// host already in credentials.tfrc.json stays there, and a host set in a `credentials` block
/// is refused.
@Suite("Credentials helper and the Terraform CLI configuration")
struct CredentialsHelperTests {
    static let token = SecretString("FAKE-helper-token-0123456789abcdefghijklmnopqrstuvwxyz")

    /// A home whose CLI configuration names the helper `fake` (see `FakeCredentialsHelper`).
    static func home(helperBody: String? = nil) throws -> (home: String, environment: [String: String]) {
        try FakeCredentialsHelper.home(helperBody: helperBody)
    }

    @Test("the new admin's token is stored by the helper (stdin only) and read back through it") func storeAndGet() throws {
        let (home, environment) = try Self.home()
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment)
        #expect(slot.store(Self.token) == .helper(name: "fake"))
        #expect(!FileManager.default.fileExists(atPath: CredentialsFile.path(home: home)), "no plaintext copy in credentials.tfrc.json")
        let args = try String(contentsOfFile: home + "/helper-args", encoding: .utf8)
        #expect(args == "--vault x store tfe.example.com\n")
        #expect(!args.contains(Self.token.exposedValue), "the token never in an argument list")
        let found = try TokenLookup(tokenFile: nil, environment: environment, homeDirectory: home).resolve(for: URL(string: "https://tfe.example.com")!)
        #expect(found.token == Self.token)
        #expect(try String(contentsOfFile: home + "/helper-args", encoding: .utf8).hasSuffix("--vault x get tfe.example.com\n"))
    }

    @Test("a host already in credentials.tfrc.json stays there; a host in a credentials block is refused") func whereItGoes() throws {
        let (home, environment) = try Self.home()
        try CredentialsFile.store(SecretString(""), host: "filed.example.com", home: home)
        let slot = try CredentialsSlot.prepare(host: "filed.example.com", home: home, environment: environment)
        #expect(slot.store(Self.token) == .stored(path: CredentialsFile.path(home: home)))
        do {
            _ = try CredentialsSlot.prepare(host: "typed.example.com", home: home, environment: environment)
            Issue.record("a host set in the CLI configuration was taken")
        } catch {
            #expect(error.description.contains("credentials block"), "\(error.description)")
        }
        let typed = try TokenLookup(tokenFile: nil, environment: environment, homeDirectory: home).resolve(for: URL(string: "https://typed.example.com")!)
        #expect(typed.token.exposedValue == "FAKE-typed-token")
    }

    @Test("a helper that hangs is killed at its time limit; its failure rescues the token") func timeout() throws {
        let (home, environment) = try Self.home(helperBody: "#!/bin/sh\nexec sleep 600\n")
        guard let program = CredentialsHelper.find(CLIConfig.Helper(name: "fake", args: []), home: home) else { Issue.record("not found"); return }
        var quick = program
        quick.timeout = 0.5
        let start = Date()
        #expect(throws: TFEError.self) { try quick.get(host: "tfe.example.com") }
        #expect(Date().timeIntervalSince(start) < 5)
        // The slot's helper has the default limit: a failing helper instead, to see the rescue.
        let failing = try Self.home(helperBody: "#!/bin/sh\necho 'FAKE-echo' >&2\nexit 3\n")
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: failing.home, environment: failing.environment)
        guard case .rescued(let path, let reason) = slot.store(Self.token) else { Issue.record("not rescued"); return }
        #expect(reason.contains("exited with status 3") && !reason.contains("FAKE-echo"), "\(reason)")
        #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains(Self.token.exposedValue) == true)
        _ = environment
    }

    @Test("a CLI configuration that is junk: a clear error naming the file, no crash",
          arguments: ["credentials_helper {", "x = ${var.y}", "credentials \"h\" { token = \"unterminated }", String(repeating: "{", count: 5000), "\u{0}\u{1}\u{ff}", "a = [1, 2"])
    func junk(text: String) throws {
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "cliconf-")
        try text.write(toFile: home + "/.terraformrc", atomically: true, encoding: .utf8)
        do {
            _ = try CLIConfig.load(environment: [:], home: home)
            Issue.record("junk accepted")
        } catch {
            #expect(error.description.contains(home + "/.terraformrc"), "\(error.description)")
        }
    }
}
