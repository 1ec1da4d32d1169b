import Foundation
import Testing

/// The wizard names no command-line option of its own: the front end gives its words
/// (`WizardConfig.words`, `WizardConfig.wording`), so the wizard reads right under any front end.
@Suite("The wizard's sources name no command-line option")
struct WizardWordsTests {
    @Test("no string in Sources/SetupWizard names an option (--something)") func noOptionInStrings() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Sources/SetupWizard")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20, "found the wizard's sources")
        let option = try Regex(#""[^"\n]*--[a-z][^"\n]*""#)
        // Other tools' options in the commands quoted from HashiCorp's docs (the IACT on a
        // Replicated host) are not this tool's.
        let foreign = ["replicated admin --tty=0 retrieve-iact"]
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("///") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                && !foreign.contains(where: { line.contains($0) }) {
                #expect(line.firstMatch(of: option) == nil, "\(file):\(number + 1): \(line)")
            }
        }
    }

    @Test("the lockout is worded in one place: no string outside TokenReport says the apply rejects the token in use")
    func oneLockoutWording() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        let wordings = try Regex(#""[^"\n]*(rejects? the token this tool runs with|locks this tool out|rejects this tool's token)[^"\n]*""#)
        var places: [String] = []
        for case let file as String in FileManager.default.enumerator(atPath: sources.path) ?? .init()
        where file.hasSuffix(".swift") && !file.hasPrefix("TFESandbox") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") && line.firstMatch(of: wordings) != nil {
                places.append("\(file):\(number + 1)")
            }
        }
        #expect(places.count == 1 && places.first?.hasPrefix("SetupKit/TokenReport.swift") == true, "\(places)")
    }
}
