import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The wizard against tokens as a server in service has them: the Token TTLs screen says whom
/// the caps as typed reject, and the Review does not lock the tool out on Enter.
@Suite("Wizard: whom a tighter token policy rejects")
struct WizardTokenLockoutTests {
    static var real: SandboxOptions {
        var o = SandboxOptions(rateLimit: 0)
        o.tokenLifetimes = .real
        return o
    }

    /// On the Token TTLs screen: enforcement on, the user cap typed as 30d (the focus stays there).
    static func enforceUserCap30d(_ h: WizardHarness) async {
        #expect(await h.until { if case .editing(.tokenTTL) = $0.phase { return true } else { return false } })
        await h.press(.char(" "), .tab, .tab, .tab)
        await h.replace("30d")
    }

    @Test("user tokens to 30 days with enforcement on: the screen's note names the token in use, Enter on the Review applies nothing, y applies with the policies and the switch last, and the check sees the 401")
    func lockoutIsAsked() async throws {
        try await WizardHarness.with(options: Self.real, sections: [.tokenTTL]) { h in
            await Self.enforceUserCap30d(h)
            let screen = await h.screenText()
            #expect(screen.contains("Applying this rejects the token this tool runs with"), "\(screen)")
            #expect(screen.contains("site-admin workstation"))
            #expect(!screen.contains("keep their expiry"))
            await h.leaveScreen()
            #expect(await h.until { $0.phase == .review })
            let review = await h.frame(100, 60).text
            #expect(review.contains("REJECTED: the token this tool runs with"), "\(review)")
            #expect(review.contains("Applying this rejects the token this tool runs with. To make a new user token within 30d"), "the way through first: \(review)")
            #expect(await h.frame().text.contains("y apply anyway"), "the footer names the key")

            await h.press(.enter)
            #expect(await h.state.phase == .review, "Enter alone does not apply it")
            #expect(await h.state.statusNotice?.text.contains("Not applied") == true)
            #expect(await h.fixture.requests().allSatisfy { $0.method == "GET" })

            await h.press(.char("y"))
            #expect(await h.until { $0.lockoutCheck != nil })
            #expect(await h.state.lockoutCheck?.contains("now rejects this token (401), as expected") == true)
            let writes = await h.fixture.requests().filter { $0.method == "PATCH" }
            #expect(writes.map(\.path) == ["/api/v2/organizations/my-org/token-ttl-policies", "/api/v2/organizations/my-org"], "the policies, then the switch")
            #expect(await h.screenText().contains("the server now rejects this token"))
        }
    }

    @Test("plain mode: the Review's question names the rejection, and y answers it")
    func plainQuestion() async throws {
        try await WizardHarness.with(options: Self.real, sections: [.tokenTTL]) { h in
            await Self.enforceUserCap30d(h)
            await h.leaveScreen()
            #expect(await h.until { $0.phase == .review })
            guard case .ask(let question, _) = PlainWizard.prompt(await h.state) else { Issue.record("no question"); return }
            #expect(question.contains("rejects the token this tool runs with"), "\(question)")
            // Plain mode speaks plain mode: what it prints names typed answers, never the full
            // screen's keys or layout.
            var plain = await h.state
            plain.config.plain = true
            let printed = PlainWizard.transcript(from: nil, to: plain, answered: true).joined(separator: "\n")
            #expect(printed.contains("Review:") && printed.contains("the question at the end asks"), "\(printed)")
            for screenWords in ["Esc", "Enter does not apply it", "the note below", "Press e", "PgDn"] {
                #expect(!printed.contains(screenWords), "plain mode says \"\(screenWords)\": \(printed)")
            }
            #expect(printed.contains("to change the caps: <"), "\(printed)")
            await h.runtime.send(.line("y"))
            #expect(await h.until { $0.lockoutCheck != nil })
        }
    }

    @Test("the switch saved but answered 500 beside the accepted lockout: the Result waits for the token check, which finds the token rejected; r sends nothing, and plain mode asks no retry")
    func failureBesideLockout() async throws {
        try await WizardHarness.with(options: Self.real, sections: [.tokenTTL]) { h in
            await Self.enforceUserCap30d(h)
            await h.leaveScreen()
            #expect(await h.until { $0.phase == .review })
            let review = await h.state
            // The switch is saved, then its answer is a 500: the policy is in force all the same.
            await h.fixture.server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org", status: 500, after: true))
            await h.press(.char("y"))
            #expect(await h.until { $0.phase == .result })
            let result = await h.state
            #expect(Wizard.failedResults(result).map(\.step) == [.ttlSwitch], "\(result.steps)")
            #expect(result.lockoutCheck?.contains("now rejects this token (401)") == true, "\(result.lockoutCheck ?? "no check")")
            #expect(result.tokenRejectedByApply)
            #expect(Wizard.finishMessage(result).hasSuffix("The server now rejects the token this tool ran with: use a token within the cap (User settings > Tokens)."),
                    "\(Wizard.finishMessage(result))")
            let sent = await h.fixture.requests().count
            await h.press(.char("r"))
            let refusal = await h.state.notice ?? ""
            #expect(refusal.contains("nothing more can be sent with it"), "\(refusal)")
            #expect(await h.fixture.requests().count == sent, "r sent nothing (it would get 401s)")

            // The same answers through the reducer alone: the Result does not open before the
            // check is in (the screen says it is reading), so no key can retry in between.
            var replay = review
            _ = Wizard.update(&replay, .key(.char("y")))
            for case .done(let step) in result.steps.sorted(by: { $0.key < $1.key }).map(\.value) { _ = Wizard.update(&replay, .stepFinished(step)) }
            #expect(replay.phase == .applying, "waits for the check")
            #expect(Wizard.finishMessage(replay).contains("The token caps or the switch were saved, so the server may now reject the token this tool ran with"),
                    "quitting before the check says what may be: \(Wizard.finishMessage(replay))")
            #expect(Wizard.render(replay, size: Size(width: 80, height: 24)).text.contains("Token check: reading whether the server now rejects this token"))
            _ = Wizard.update(&replay, .lockoutChecked(result.lockoutCheck ?? ""))
            #expect(replay.phase == .result && replay.tokenRejectedByApply)

            // Plain mode: no "Retry the failed steps?"; it says why, in its own words, and finishes.
            var plain = result
            plain.config.plain = true
            guard case .proceed = PlainWizard.prompt(plain) else { Issue.record("plain mode asks: \(PlainWizard.prompt(plain))"); return }
            let shown = PlainWizard.transcript(from: review, to: plain, answered: true).joined(separator: "\n")
            #expect(shown.contains("nothing more can be sent with it (no retry). To change more"), "\(shown)")
            #expect(!shown.contains("Enter finishes"), "plain mode's words, not the screen's: \(shown)")

            // A check that could not tell still holds back (the safe side), and says "may".
            var unsure = result
            unsure.lockoutCheck = "Token check: could not tell whether the server now rejects this token: fake outage"
            #expect(unsure.tokenRejectedByApply)
            let unsureText = Wizard.render(unsure, size: Size(width: 100, height: 30)).text
            #expect(unsureText.contains("This token may now be rejected by the caps just applied (the check could not tell)"), "\(unsureText)")
            #expect(!unsureText.contains("This token is now rejected"), "\(unsureText)")
            #expect(Wizard.finishMessage(unsure).contains("The server may now reject the token this tool ran with"), "\(Wizard.finishMessage(unsure))")
        }
    }
}
