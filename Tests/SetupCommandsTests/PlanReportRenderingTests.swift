import Foundation
import SetupKit
import Testing
import TestFixtures
import TFEClient
@testable import SetupCommands
@testable import SetupWizard

/// The wizard's Review, `plan` and `plan --json` render one `PlanReport`: each fact in it — a
/// change, a problem, a warning, a request, the lockout — shows in all three.
@Suite("One plan report, three renderings")
struct PlanReportRenderingTests {
    /// The seed against a fresh server whose one user token lives two years (the 30-day user cap
    /// rejects it), with a broken rule and a password whose variable is not set.
    static func report() -> (PlanReport, Plan, CurrentState) {
        var current = Seed.fresh()
        let now = Date()
        current.tokenInventory = TokenInventory(
            inUse: AuthenticatedResource(type: "users", id: "user-admin"),
            user: .tokens([TokenRecord(id: "at-main", type: .user, description: "laptop", createdAt: now.addingTimeInterval(-86_400),
                                       expiredAt: now.addingTimeInterval(700 * 86_400), lastUsedAt: now, teamID: nil, teamName: nil)]),
            team: .tokens([]), organization: .tokens([]))
        var plan = Planner.plan(Seed.desired, current: current)
        plan.issues.append(ValidationIssue(.smtpSender, "Sender must be an email address (fake rule for this test)."))
        plan.warnings.append(ValidationIssue(.agentPool, "primary has no agents connected (fake warning for this test)."))
        let missing = AnswersFile.Problem(path: "$.smtp.password_env", message: "the environment variable FAKE_PW is not set")
        return (PlanReport(plan, current: current, passwordSource: "$FAKE_PW", missingPassword: missing), plan, current)
    }

    @Test("every change, problem, warning and request, and the lockout, are in the Review, the plan text and the JSON")
    func sameFacts() throws {
        let (report, plan, current) = Self.report()
        #expect(report.lockout == .refused(uncertain: false))
        #expect(report.problems.map(\.kind) == [.invalid, .missingSecret])

        let text = Automation.describe(report, ascii: false).joined(separator: "\n")
        let json = report.json.text()
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-org", sections: Section.allCases, ascii: false))
        state.current = current
        state.plan = plan
        let review = OrganizationSession.reviewBody(state, .utf8, width: 1_000).map(\.text).joined(separator: "\n")

        for entry in report.entries {
            let line = entry.change.reviewLine(ascii: false, poolNames: report.poolNames)
            #expect(text.contains(line), "plan text lacks \(line)")
            #expect(review.contains(line), "Review lacks \(line)")
            #expect(json.contains("\"field\": \"\(entry.change.field.rawValue.split(separator: ".", maxSplits: 1).last!)\""), "JSON lacks \(entry.change.field)")
        }
        #expect(text.contains("from $FAKE_PW"), "the password's source is named beside it")
        for problem in report.problems {
            #expect(text.contains(problem.message) && json.contains(problem.message), "\(problem.message)")
        }
        // The wizard has no answers file: its own problems are the plan's.
        #expect(review.contains(plan.issues[0].message))
        for warning in report.warnings {
            #expect(text.contains(warning.message) && json.contains(warning.message) && review.contains(warning.message))
        }
        for request in report.requests {
            #expect(text.contains(request.path) && json.contains(request.path) && review.contains(request.path))
        }
        let lockout = String(TokenReport.lockout().dropFirst())   // "Applying …" in the Review, "applying …" in the text
        #expect(text.contains(lockout) && review.contains(lockout))
        #expect(json.contains("\"verdict\": \"rejected\""))
        // One wording of the requests accepting would send, staged: the Review lists them in that order.
        let staged = try #require(report.requestsIfAccepted)
        #expect(staged.last?.path == "/api/v2/organizations/my-org", "the switch goes last")
        #expect(review.contains("Apply sends \(staged.count) requests with y"))
    }

    @Test("accepted, the report says so and the plan text words it; nothing else changes")
    func accepted() {
        let (_, plan, current) = Self.report()
        let accepted = PlanReport(plan.puttingTokenWritesLast(), current: current, accepted: true)
        #expect(accepted.lockout == .accepted)
        #expect(accepted.requestsIfAccepted == nil)
        #expect(Automation.describe(accepted, ascii: true).contains { $0.hasPrefix("Accepted (--accept-token-rejection)") })
    }
}
