import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// Plain mode and the full screen agree: the same review lines and the same answers file for the
/// seed scenario (parity check: both are renderers of the same reducer).
@Suite("Plain mode and full screen agree")
struct PlainParityTests {
    /// Answers for plain mode's prompts, by how the prompt starts.
    static let answers: [(String, String)] = [
        ("Enabled (y/n)", "y"), ("Host [", "smtp.example.com"), ("Port [", "587"), ("Sender [", "noreply@example.com"),
        ("Auth (", "login"), ("Username [", "smtp-bot"), ("Test email address [", "ops@example.com"),
        ("Mode (", "agent"), ("Agent pool (", "apool-abc123"),
        ("Enforce max TTL (y/n)", "y"), ("Organization [", "1y"), ("Team [", "90d"), ("User [", "30d"), ("Audit trails [", "2y"),
        ("Apply these changes?", "y"), ("Save these answers", "y"),
    ]

    /// Runs plain mode against a fresh sandbox; returns its review lines and the saved answers file.
    static func plain() async throws -> (review: [String], answers: String) {
        try await SandboxFixture.with { f in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parity-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let said = LockedLines()
            let io = PlainIO(
                ask: { prompt in
                    said.append(prompt)
                    return Self.answers.first { prompt.hasPrefix($0.0) }?.1 ?? ""
                },
                askSecret: { _ in WizardFlowTests.password },
                say: { said.append($0) })
            let config = WizardConfig(address: f.server.address, organization: "my-org", sections: Section.allCases, ascii: false)
            let services = WizardServices(client: try f.client(.siteAdmin), draftStore: nil, answersDirectory: dir)
            let (code, message) = await PlainWizard(io: io, services: services, config: config).run()
            #expect(code == 0, "\(message)\n\(said.lines.joined(separator: "\n"))")
            let lines = said.lines
            let start = (lines.firstIndex { $0.hasPrefix("These changes will be applied on ") } ?? lines.count - 1) + 1
            // The change lines (the warnings that follow them are checked by the Planner's tests).
            let review = lines[start...].prefix { !$0.isEmpty && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("Warning:") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let file = (try? String(contentsOfFile: dir + "/" + config.answersFileName, encoding: .utf8)) ?? ""
            return (Array(review), file)
        }
    }

    /// Runs the full screen (headless) against a fresh sandbox; the same two things.
    static func fullScreen() async throws -> (review: [String], answers: String) {
        var result: (review: [String], answers: String) = ([], "")
        try await WizardHarness.with { h in
            await WizardFlowTests.typeSeedScenario(h)
            let state = await h.state
            let report = try #require(state.planReport)
            let review = report.entries.map { report.changeLine($0, ascii: false) }
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            await h.press(.enter)
            #expect(await h.until { $0.phase == .savePrompt })
            await h.press(.char("y"))
            #expect(await h.until { if case .finished = $0.phase { return true } else { return false } })
            let file = (try? String(contentsOfFile: h.directory + "/tfe-setup-answers.json", encoding: .utf8)) ?? ""
            result = (review, file)
        }
        return result
    }

    @Test("the seed scenario: the same review lines and the same answers file") func parity() async throws {
        let plain = try await Self.plain()
        let full = try await Self.fullScreen()
        #expect(!plain.review.isEmpty && plain.review == full.review, "plain:\n\(plain.review.joined(separator: "\n"))\nfull:\n\(full.review.joined(separator: "\n"))")
        #expect(!plain.answers.isEmpty && plain.answers.replacingOccurrences(of: #""address": "[^"]*""#, with: "", options: .regularExpression)
                == full.answers.replacingOccurrences(of: #""address": "[^"]*""#, with: "", options: .regularExpression),
                "plain:\n\(plain.answers)\nfull:\n\(full.answers)")
        #expect(!plain.answers.contains(WizardFlowTests.password) && !full.answers.contains(WizardFlowTests.password))
    }
}

/// Lines collected from `@Sendable` closures.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
