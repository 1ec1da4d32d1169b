import Foundation
import SetupKit
import Testing
import TestSupport
import TFEClient

/// The answers-file decoder against files nobody checked: the fuzz corpus's seeds mutated
/// structurally, and the inputs fuzzing taught us about. Always a result or a list of problems
/// with JSON paths — never a crash, a hang or an unbounded read.
@Suite("Answers decoder: structure-aware properties and fuzz regressions")
struct AnswersPropertyTests {
    static let corpus = HCLParser.repositoryRoot + "/Fuzz/corpus/answers"
    static let environment = ["SMTP_PASSWORD": "fake-prop-pw"]

    static func check(_ data: Data, _ note: @autoclosure () -> String) {
        do {
            _ = try AnswersFile.decode(data, environment: environment, passwordFileOption: "--smtp-password-file")
        } catch {
            #expect(!error.problems.isEmpty, "\(note())")
            #expect(error.problems.allSatisfy { $0.path.hasPrefix("$") && !$0.message.isEmpty }, "\(error) for \(note())")
        }
    }

    @Test("2,000 structural mutations of the seeds: a result or problems with paths") func mutations() throws {
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted().compactMap { JSONValue.parse(FileManager.default.contents(atPath: Self.corpus + "/" + $0)!) }
        #expect(seeds.count >= 5)
        var rng = SeededGenerator(seed: 0xA115)
        for _ in 0..<2_000 {
            var doc = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) { doc = JSONMutator.mutate(doc, &rng) }
            Self.check(Data(doc.jsonText.utf8), String(doc.jsonText.prefix(300)))
        }
    }

    @Test("deep nesting and huge numbers give problems, not a crash") func extremes() {
        for text in [String(repeating: "[", count: 100_000), #"{"smtp":"# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}",
                     #"{"smtp":"# + JSONMutator.nested(400).jsonText + "}",
                     #"{"smtp":{"port":1e400}}"#, #"{"token_ttl":{"team":99999999999999999999999}}"#, #"{"token_ttl":{"team":-0.0}}"#] {
            Self.check(Data(text.utf8), String(text.prefix(60)))
        }
    }

    /// Found by reasoning about what the fuzzer could reach: a password file naming a device read
    /// until memory ran out (/dev/zero) or waited for typing (/dev/tty).
    @Test("--smtp-password-file: a device, a directory or a huge file is refused at once", arguments: ["/dev/zero", "/dev/urandom", "/tmp", "/dev/null"])
    func passwordFileDevices(_ path: String) throws {
        let started = ContinuousClock.now
        let json = #"{"smtp":{"auth":"login","username":"bot"}}"#
        #expect(throws: AnswersProblems.self) { try AnswersFile.decode(Data(json.utf8), environment: [:], passwordFile: path, passwordFileOption: "--smtp-password-file") }
        do { _ = try AnswersFile.decode(Data(json.utf8), environment: [:], passwordFile: path, passwordFileOption: "--smtp-password-file") } catch {
            #expect(error.problems.contains { $0.path == "--smtp-password-file" }, "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(5), "no unbounded read")
    }

    @Test("a password file over 4 KiB is refused as too large") func passwordFileTooLarge() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "a"), count: 10_000), attributes: [.posixPermissions: 0o600])
        do {
            _ = try AnswersFile.decode(Data(#"{"smtp":{"auth":"login","username":"bot"}}"#.utf8), environment: [:], passwordFile: path, passwordFileOption: "--smtp-password-file")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("larger than 4 KiB"), "\(error)")
        }
    }
}
