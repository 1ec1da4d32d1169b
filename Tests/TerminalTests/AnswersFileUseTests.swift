import Foundation
import Testing
import TestSupport
import TFESandbox

/// Answers files as an admin reuses them: plan without the password, apply
/// again without a second test email.
@Suite("Answers files: planning without the password, re-applying without a test email")
struct AnswersFileUseTests {
    typealias Auto = AutomationCommandTests

    @Test("plan without SMTP_PASSWORD shows every other change and reports the password missing (exit 1); apply sends nothing") func planWithoutPassword() async throws {
        try await Auto.with { server, dir in
            let answers = Auto.write(dir, "answers.json", Auto.seed)
            let plan = await Auto.run(server, dir, ["plan", "--answers", answers], env: [:])
            #expect(plan.status == 1, "\(plan.output)")
            #expect(plan.output.contains("Token TTLs · Team: 2y (default) → 90d"), "the rest is planned: \(plan.output)")
            #expect(plan.output.contains("Error ($.smtp.password_env): the environment variable SMTP_PASSWORD is not set"), "\(plan.output)")
            let apply = await Auto.run(server, dir, ["apply", "--answers", answers, "--auto-approve"], env: [:])
            #expect(apply.status == 1)
            #expect(apply.output.contains("nothing applied"), "\(apply.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "no request changed anything")
        }
    }

    @Test("apply --no-test-email leaves the test address out: applied again, no second test email") func noTestEmail() async throws {
        try await Auto.with { server, dir in
            let answers = Auto.write(dir, "answers.json", Auto.seed)
            let first = await Auto.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(first.status == 0, "\(first.output)")
            #expect(await server.store.sentEmails.count == 1)
            let plan = await Auto.run(server, dir, ["plan", "--answers", answers, "--no-test-email"])
            #expect(!plan.output.contains("Test email address"), "\(plan.output)")
            let again = await Auto.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com", "--no-test-email"])
            #expect(again.status == 0, "\(again.output)")
            #expect(await server.store.sentEmails.count == 1, "no second test email")
        }
    }
}
