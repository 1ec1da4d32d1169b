import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// The Review's way through the lockout, on values alone: `t` asks for a new token within the
/// cap; its answer switches the plan to one that keeps the token in use, applied with the
/// policies and the switch last; a failure leaves the Review and says why.
@Suite("Wizard: a new token within the cap (t on the Review)")
struct TokenRenewalReducerTests {
    typealias W = WizardTokenReadingTests

    /// The Review of a plan that rejects the token in use (a 30-day user cap, enforced).
    static func lockedOutReview() -> WizardState {
        var (state, _, _) = W.loaded()
        _ = Wizard.update(&state, .tokensLoaded(organization: "my-org", W.inventory))
        W.tighten(&state)
        _ = Wizard.enterReview(&state)
        return state
    }

    @Test("t asks for a token within the user cap; keys wait while it is made; the answer applies a plan that keeps the new token, the policies and the switch last")
    func renewsThenApplies() throws {
        var state = Self.lockedOutReview()
        #expect(state.plan?.locksOutToken == true)
        #expect(Wizard.renewalCap(state) == 2_592_000_000)
        #expect(Wizard.render(state, size: Size(width: 80, height: 24)).text.contains("t new token, apply"))
        let effects = Wizard.update(&state, .key(.char("t")))
        #expect(effects == [.renewToken(userID: state.current!.account.id, capMilliseconds: 2_592_000_000)])
        #expect(Wizard.update(&state, .key(.enter)).isEmpty && Wizard.update(&state, .key(.char("y"))).isEmpty, "nothing else goes while the token is made")

        let made = TokenRecord(id: "at-new", type: .user, description: "tfe-setup renewal", createdAt: Date(), expiredAt: Date().addingTimeInterval(29 * 86_400))
        let applied = Wizard.update(&state, .tokenRenewed(.success(RenewedToken(record: made, place: "/home/a/.terraform.d/credentials.tfrc.json (credentials for tfe)"))))
        guard case .apply(let plan, _)? = applied.first else { Issue.record("\(applied)"); return }
        #expect(!plan.locksOutToken, "the token in use is known now, and within the cap")
        let policies = try #require(plan.stageOf[.tokenTTL]), toggle = try #require(plan.stageOf[.ttlSwitch])
        #expect(toggle > policies, "the policies, then the switch, last")
        #expect(state.current?.tokenInventory?.knownInUse == made)
        #expect(state.phase == .applying)
    }

    @Test("a failed renewal leaves the Review with the reason; nothing is applied")
    func failureSaysWhy() {
        var state = Self.lockedOutReview()
        _ = Wizard.update(&state, .key(.char("t")))
        let effects = Wizard.update(&state, .tokenRenewed(.failure(RenewalFailure("the token file /x is a symbolic link"))))
        #expect(effects.isEmpty)
        #expect(state.phase == .review && state.renewal == nil)
        #expect(state.statusNotice?.text.contains("No new token: the token file /x is a symbolic link") == true, "\(String(describing: state.statusNotice))")
    }

    @Test("a team token in use: t is not offered, and the Review says why")
    func teamTokenNotOffered() {
        var state = Self.lockedOutReview()
        state.current?.tokenInventory?.inUse = AuthenticatedResource(type: "teams", id: "team-owners")
        #expect(Wizard.renewalCap(state) == nil)
        #expect(Wizard.update(&state, .key(.char("t"))).isEmpty)
        let text = Wizard.render(state, size: Size(width: 200, height: 80)).text
        #expect(text.contains("No new token can be made here: the token in use is a team token"), "\(text)")
    }

    @Test("plain mode asks [t/y/N] and takes t as the key")
    func plainAsksT() {
        var state = Self.lockedOutReview()
        guard case .ask(let question, _) = ReviewScreen().prompt(state) else { Issue.record("no question"); return }
        #expect(question.hasSuffix("[t/y/N]: ") && question.contains("(t)"), "\(question)")
        let effects = Wizard.update(&state, .line("t"))
        #expect(effects.contains { if case .renewToken = $0 { return true } else { return false } }, "\(effects)")
    }

    @Test("day zero in the wizard: the token this session made is the admin's only one; once every change is saved it is deleted, and the Result says so")
    func dayZeroDeletesTheTokenMadeFirst() {
        var state = Self.lockedOutReview()
        state.madeAdminToken = true
        _ = Wizard.update(&state, .key(.char("t")))
        #expect(state.replacedTokenID == "at-mine")
        let made = TokenRecord(id: "at-new", type: .user, description: "tfe-setup renewal", createdAt: Date(), expiredAt: Date().addingTimeInterval(29 * 86_400))
        let applied = Wizard.update(&state, .tokenRenewed(.success(RenewedToken(record: made, place: "the credentials file"))))
        guard case .apply(let plan, _)? = applied.first else { Issue.record("\(applied)"); return }
        var last: [WizardEffect] = []
        for step in plan.steps {
            let outcome: StepResult.Outcome = step == .tokenTTL ? .tokenTTL([]) : .organization(state.current!.organization)
            last = Wizard.update(&state, .stepFinished(StepResult(step: step, fields: plan.fields(of: step), outcome: outcome)))
        }
        #expect(last.contains(.deleteToken(id: "at-mine")), "the token made first goes after the policies: \(last)")
        _ = Wizard.update(&state, .tokenDeleted(id: "at-mine", failure: nil))
        let result = Wizard.render(state, size: Size(width: 200, height: 60)).text
        #expect(result.contains("Deleted the token this session made first for the admin (at-mine)"), "\(result)")
    }

    @Test("not day zero: the old token is never deleted, whatever the list holds")
    func oldTokenKept() {
        var state = Self.lockedOutReview()
        _ = Wizard.update(&state, .key(.char("t")))
        #expect(state.replacedTokenID == nil)
    }

    @Test("plain mode prints the new token's lines with the Result")
    func plainResultNamesTheToken() {
        var state = Self.lockedOutReview()
        _ = Wizard.update(&state, .key(.char("t")))
        let made = TokenRecord(id: "at-new", type: .user, description: "tfe-setup renewal", createdAt: Date(), expiredAt: Date().addingTimeInterval(29 * 86_400))
        let applied = Wizard.update(&state, .tokenRenewed(.success(RenewedToken(record: made, place: "/home/a/token (a new file in its place, mode 0600)"))))
        guard case .apply(let plan, _)? = applied.first else { Issue.record("\(applied)"); return }
        let before = state
        for step in plan.steps {
            let outcome: StepResult.Outcome = step == .tokenTTL ? .tokenTTL([]) : .organization(state.current!.organization)
            _ = Wizard.update(&state, .stepFinished(StepResult(step: step, fields: plan.fields(of: step), outcome: outcome)))
        }
        let printed = PlainWizard.transcript(from: before, to: state, answered: true).joined(separator: "\n")
        #expect(printed.contains("New token: at-new") && printed.contains("/home/a/token (a new file in its place, mode 0600)"), "\(printed)")
    }
}
