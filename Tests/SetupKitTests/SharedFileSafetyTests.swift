import Foundation
@testable import SetupKit
import Testing
import TestSupport
import TFEClient

/// A shared answers file may not pick the admin's secrets, and the files we write are private
/// from their first byte.
@Suite("Shared files and written files")
struct SharedFileSafetyTests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func problems(_ smtp: String, environment: [String: String]) -> [AnswersFile.Problem] {
        let json = #"{"smtp":{"enabled":true,"host":"mail.attacker.example","sender":"a@b.example","auth":"login","username":"u",\#(smtp)}}"#
        do {
            _ = try AnswersFile.decode(Data(json.utf8), environment: environment, passwordFileOption: "--smtp-password-file")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("password_env may name only SMTP_… or TFE_SETUP_… variables, never one holding an API token",
          arguments: [("TFE_TOKEN", "not a variable for the SMTP password"), ("TF_TOKEN_tfe_example_com", "not a variable for the SMTP password"),
                      ("ATLAS_TOKEN", "not a variable for the SMTP password"), ("AWS_SECRET_ACCESS_KEY", "not a variable for the SMTP password"),
                      ("VAULT_TOKEN", "not a variable for the SMTP password"), ("SMTP_", "not a variable for the SMTP password"),
                      ("SMTP_INNOCENT_LOOKING", "API token"), ("TFE_SETUP_RELAY", "API token")])
    func passwordEnvRefused(name: String, why: String) {
        let environment = ["TFE_TOKEN": "fake-api-token-1", "TF_TOKEN_tfe_example_com": "fake-api-token-2", "ATLAS_TOKEN": "fake-api-token-3",
                           "AWS_SECRET_ACCESS_KEY": "fake-aws-secret", "VAULT_TOKEN": "fake-vault-token",
                           "SMTP_INNOCENT_LOOKING": "fake-api-token-2", "TFE_SETUP_RELAY": "fake-api-token-1"]
        let found = Self.problems(#""password_env":"\#(name)""#, environment: environment)
        #expect(found.contains { $0.path == "$.smtp.password_env" && $0.message.contains(why) }, "\(found)")
    }

    @Test("password_env naming the relay's own password is accepted, and the plan can say where it came from",
          arguments: ["SMTP_PASSWORD", "TFE_SETUP_SMTP_PASSWORD"])
    func passwordEnvAccepted(name: String) throws {
        let file = try AnswersFile.decode(Data(#"{"smtp":{"auth":"login","username":"u","password_env":"\#(name)"}}"#.utf8),
                                          environment: [name: "fake-relay-pw", "TFE_TOKEN": "fake-api-token"])
        #expect(file.desired.smtp?.password?.exposedValue == "fake-relay-pw")
        #expect(file.passwordSource == "$" + name)
    }

    @Test("password_file in the answers file is refused: a password file is named on the command line only") func passwordFileInFile() throws {
        let dir = try Self.directory()
        let secret = dir + "/vault-token"
        _ = FileManager.default.createFile(atPath: secret, contents: Data("fake-vault-token\n".utf8), attributes: [.posixPermissions: 0o600])
        let found = Self.problems(#""password_file":"\#(secret)""#, environment: [:])
        #expect(found.contains { $0.path == "$.smtp.password_file" && $0.message.contains("command line only") && $0.message.contains("--smtp-password-file") }, "\(found)")
        // The refusal does not suggest the file's own path as the thing to pass.
        #expect(!found.contains { $0.message.contains(secret) }, "\(found)")
    }

    /// Decodes with `--smtp-password-file path`; the problems, or none.
    static func problems(passwordFile path: String, smtp: String = "", environment: [String: String]) -> [AnswersFile.Problem] {
        let json = #"{"smtp":{"enabled":true,"host":"mail.example.com","sender":"a@b.example","auth":"login","username":"u"\#(smtp)}}"#
        do {
            _ = try AnswersFile.decode(Data(json.utf8), environment: environment, passwordFile: path, passwordFileOption: "--smtp-password-file")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("--smtp-password-file: only a one-line regular file of the user's own, readable by nobody else") func passwordFile() throws {
        let dir = try Self.directory()
        func make(_ name: String, _ text: String, mode: Int) -> String {
            let path = dir + "/" + name
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
            return path
        }
        let good = make("good", "fake-relay-pw\n", mode: 0o600)
        let file = try AnswersFile.decode(Data(#"{"smtp":{"auth":"login","username":"u"}}"#.utf8), environment: [:], passwordFile: good, passwordFileOption: "--smtp-password-file")
        #expect(file.desired.smtp?.password?.exposedValue == "fake-relay-pw")
        #expect(file.passwordSource == "--smtp-password-file \(good)")

        let key = make("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        let wide = make("wide", "fake-relay-pw\n", mode: 0o644)
        let token = make("token", "fake-api-token-1\n", mode: 0o600)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: good)
        let cases: [(String, String)] = [(key, "more than one line"), (wide, "chmod 600"), (dir + "/link", "not a regular file"), (token, "API token")]
        for (path, why) in cases {
            let found = Self.problems(passwordFile: path, environment: ["TFE_TOKEN": "fake-api-token-1"])
            #expect(found.contains { $0.path == "--smtp-password-file" && $0.message.contains(why) }, "\(path): \(found)")
        }
        if geteuid() == 0 {
            let foreign = make("foreign", "fake-relay-pw\n", mode: 0o600)
            #expect(chown(foreign, 65534, 65534) == 0)
            let found = Self.problems(passwordFile: foreign, environment: [:])
            #expect(found.contains { $0.message.contains("belongs to another user") }, "\(found)")
        }
        // One source at a time, and only for a file that has a relay to send it to.
        let both = Self.problems(passwordFile: good, smtp: #","password_env":"SMTP_PASSWORD""#, environment: ["SMTP_PASSWORD": "fake-relay-pw"])
        #expect(both.contains { $0.message.contains("not both") }, "\(both)")
        do {
            _ = try AnswersFile.decode(Data(#"{"token_ttl":{"user":"30d"}}"#.utf8), environment: [:], passwordFile: good, passwordFileOption: "--smtp-password-file")
            Issue.record("a password file without an smtp section was accepted")
        } catch {
            #expect(error.problems.contains { $0.path == "--smtp-password-file" && $0.message.contains("no smtp section") }, "\(error)")
        }
    }

    @Test("\"1M\" is refused (month or minute?); a TTL under one hour gets a warning") func monthOrMinute() throws {
        #expect(throws: TTLDuration.ParseError.ambiguousMonth) { try TTLDuration.parse("1M") }
        #expect(throws: TTLDuration.ParseError.ambiguousMonth) { try TTLDuration.parse(" 3 M ") }
        #expect(try TTLDuration.parse("1m") == 60_000)
        #expect(try TTLDuration.parse("1MO") == 2_592_000_000)
        #expect(try TTLDuration.parse("5MS") == 5)
        #expect(TTLDuration.shortTTLWarning(milliseconds: 60_000)?.contains("under one hour") == true)
        #expect(TTLDuration.shortTTLWarning(milliseconds: 3_600_000) == nil)
        let field = FieldRules.duration("1M", label: "User token TTL") ?? ""
        #expect(field.hasSuffix("or m (minutes)?"), "one mark, not \"?.\": \(field)")
        #expect(FieldRules.duration("0d", label: "User token TTL")?.hasSuffix(".") == true)
        let answers = #"{"token_ttl":{"user":"1M"}}"#
        do {
            _ = try AnswersFile.decode(Data(answers.utf8), environment: [:], passwordFileOption: "--smtp-password-file")
            Issue.record("1M accepted")
        } catch {
            #expect(error.problems.first?.message.contains("did you mean mo (months) or m (minutes)?") == true, "\(error)")
            #expect(error.problems.first?.message.hasSuffix("?.") == false, "one mark, not two: \(error)")
        }
    }

    @Test("written files are 0600 from the start (even with umask 0), never through a link; the draft folder is tightened to 0700")
    func privateFiles() throws {
        let dir = try Self.directory()
        let old = umask(0)
        defer { umask(old) }
        let path = dir + "/export.json"
        try PrivateFile.write(Data("{}\n".utf8), to: path)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        try PrivateFile.write(Data("{\"a\":1}\n".utf8), to: path)
        #expect((try? String(contentsOfFile: path, encoding: .utf8)) == "{\"a\":1}\n")

        let victim = dir + "/victim"
        _ = FileManager.default.createFile(atPath: victim, contents: Data("keep\n".utf8), attributes: [.posixPermissions: 0o644])
        try FileManager.default.createSymbolicLink(atPath: dir + "/planted", withDestinationPath: victim)
        #expect(throws: PrivateFile.Failure.self) { try PrivateFile.write(Data("x".utf8), to: dir + "/planted") }
        #expect((try? String(contentsOfFile: victim, encoding: .utf8)) == "keep\n")

        let wide = dir + "/state/tfe-setup"
        try FileManager.default.createDirectory(atPath: wide, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try PrivateFile.makePrivateDirectory(wide)
        #expect((try FileManager.default.attributesOfItem(atPath: wide)[.posixPermissions] as? Int) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary file left")

        let a = try PrivateFile.makeTemporaryDirectory(prefix: "tfe-setup-demo-")
        let b = try PrivateFile.makeTemporaryDirectory(prefix: "tfe-setup-demo-")
        #expect(a != b && !a.hasSuffix("\(getpid())"))
        #expect((try FileManager.default.attributesOfItem(atPath: a)[.posixPermissions] as? Int) == 0o700)
    }

    @Test("HCL comments: server text with CRLF, CR, U+2028 or escapes stays inside its comment line") func hclComments() {
        var w = HCLWriter()
        w.comment("Organization \"my-org\r\ndata \"external\" \"x\" { program = [\"id\"] }\r\n#\" exported\rnext\u{2028}x\u{1B}[31m")
        for line in w.text.split(separator: "\n") {
            #expect(line.hasPrefix("# "), "\(line)")
            #expect(line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }, "\(line)")
        }
        #expect(!w.text.contains("\r"))
        #expect(HCLWriter.quoted("a\u{9B}b\u{202E}c\u{2028}") == #""a\u009Bb\u202Ec\u2028""#)
    }
}

extension SharedFileSafetyTests {
    @Test("strict JSON: trailing commas are refused with line and column, as jq and Python refuse them")
    func trailingCommas() {
        for (text, line, column) in [(#"{"token_ttl":{"user":"30d",},}"#, 1, 28), ("{\n  \"organizations\": [\"a\",\n  ]\n}", 3, 3)] {
            do {
                _ = try AnswersFile.decode(Data(text.utf8), environment: [:], passwordFileOption: "--smtp-password-file")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.problems.first?.message.contains("line \(line), column \(column)") == true, "\(error)")
                #expect(error.problems.first?.message.contains("no trailing comma") == true, "\(error)")
            }
        }
    }

    @Test("an answers file cut short names the line and column of its end") func truncated() {
        for (text, line, column) in [(#"{"smtp": {"port": 587"#, 1, 22), ("{\"smtp\": {\n  \"port\": 587\n", 3, 1)] {
            do {
                _ = try AnswersFile.decode(Data(text.utf8), environment: [:], passwordFileOption: "--smtp-password-file")
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.problems.first?.message.contains("line \(line), column \(column)") == true, "\(error)")
            }
        }
    }
}
