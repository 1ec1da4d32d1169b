import Foundation
import Testing
import TestSupport
import TFESandbox

/// Answers files as an admin reuses them: plan without the password, apply
/// again without a second test email.
@Suite("Answers files: planning without the password, re-applying without a test email")
struct AnswersFileUseTests {

    @Test("plan without SMTP_PASSWORD shows every other change and reports the password missing (exit 1); apply sends nothing") func planWithoutPassword() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            let plan = await CLI.run(server, dir, ["plan", "--answers", answers], env: [:])
            #expect(plan.status == 1, "\(plan.output)")
            #expect(plan.output.contains("Token TTLs · Team: 2y (default) → 90d"), "the rest is planned: \(plan.output)")
            #expect(plan.output.contains("Error ($.smtp.password_env): the environment variable SMTP_PASSWORD is not set"), "\(plan.output)")
            let apply = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve"], env: [:])
            #expect(apply.status == 1)
            #expect(apply.output.contains("nothing applied"), "\(apply.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "no request changed anything")
        }
    }

    @Test("apply --no-test-email leaves the test address out: applied again, no second test email") func noTestEmail() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed)
            let first = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(first.status == 0, "\(first.output)")
            #expect(await server.store.sentEmails.count == 1)
            let plan = await CLI.run(server, dir, ["plan", "--answers", answers, "--no-test-email"])
            #expect(!plan.output.contains("Test email address"), "\(plan.output)")
            let again = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com", "--no-test-email"])
            #expect(again.status == 0, "\(again.output)")
            #expect(await server.store.sentEmails.count == 1, "no second test email")
        }
    }

    @Test("a file naming password_env (as the wizard saves it) plans clean after its apply, its variable set or not: the password goes only with another relay change or --update-password")
    func passwordOnlyWhenAsked() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", CLI.seed.replacingOccurrences(of: #","test_email_address":"ops@example.com""#, with: ""))
            let first = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("Password: (will be sent), from $SMTP_PASSWORD"), "sent with the rest of the relay: \(first.output)")
            let patches = await server.store.requestLog.filter { $0.method == "PATCH" }.count
            let plan = await CLI.run(server, dir, ["plan", "--answers", answers])
            #expect(plan.status == 0, "a drift check passes: \(plan.output)")
            #expect(plan.output.contains("Password: not sent: nothing else in the relay changes") && plan.output.contains("--update-password"), "\(plan.output)")
            let again = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            #expect(again.status == 0 && again.output.contains("Nothing to change."), "\(again.output)")
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" }.count == patches, "nothing sent")
            // Where the password is not sent, its variable is not needed: a CI drift check without it passes.
            let unset = await CLI.run(server, dir, ["plan", "--answers", answers], env: [:])
            #expect(unset.status == 0 && !unset.output.contains("Error"), "\(unset.output)")
            let unsetApply = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve"], env: [:])
            #expect(unsetApply.status == 0 && unsetApply.output.contains("Nothing to change."), "\(unsetApply.output)")
            let unsetAsked = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--update-password"], env: [:])
            #expect(unsetAsked.status == 1 && unsetAsked.output.contains("nothing applied: ") && unsetAsked.output.contains("SMTP_PASSWORD is not set"),
                    "asked to send a password it does not have: \(unsetAsked.output)")
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" }.count == patches, "nothing sent")
            let asked = await CLI.run(server, dir, ["plan", "--answers", answers, "--update-password"])
            #expect(asked.status == 2 && asked.output.contains("Password: (will be sent), from $SMTP_PASSWORD"), "\(asked.output)")
            let sent = await CLI.run(server, dir, ["apply", "--answers", answers, "--auto-approve", "--update-password"])
            #expect(sent.status == 0, "\(sent.output)")
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" && $0.path == "/api/v2/admin/smtp-settings" }.count == 2, "the password sent again, when asked")
        }
    }
}
