import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// The screens appear once the settings are read; the existing tokens arrive after them and
/// update the Token TTLs note and the Review, which does not apply while it cannot know whom the
/// caps reject.
@Suite("Wizard: the tokens arrive after the first frame")
struct WizardTokenReadingTests {
    typealias R = ReducerTests

    /// The state loaded, on the Token TTLs screen, and the effects the load asked for.
    static func loaded(_ current: CurrentState = R.current()) -> (WizardState, [WizardEffect], CurrentState) {
        var state = WizardState(config: WizardConfig(address: R.config.address, organization: "my-org", sections: [.tokenTTL], ascii: false))
        let effects = Wizard.update(&state, .stateLoaded(.success(current), draft: nil))
        return (state, effects, current)
    }

    /// Enforcement on, user tokens capped at 30 days: tighter than the server's caps in force.
    static func tighten(_ state: inout WizardState) {
        state.form.ttlEnabled = true
        state.form.ttlText[.user] = "30d"
        state.form.ttlTouched.insert(.user)
    }

    /// A user cap raised to 3 years (it tightens nothing), the Review, and Enter: its effects.
    static func raiseUserCapAndApply(_ state: inout WizardState) -> [WizardEffect] {
        state.form.ttlText[.user] = "3y"
        state.form.ttlTouched.insert(.user)
        _ = Wizard.enterReview(&state)
        return Wizard.update(&state, .key(.enter))
    }

    static func applies(_ effects: [WizardEffect]) -> Bool {
        effects.contains { if case .apply = $0 { return true } else { return false } }
    }

    /// The caller's own token, made 40 days ago to live 2 years: a 30-day cap rejects it.
    static let inventory = TokenInventory(
        inUse: AuthenticatedResource(type: "users", id: "user-1"),
        user: .tokens([TokenRecord(id: "at-mine", type: .user, description: "workstation", createdAt: Date().addingTimeInterval(-40 * 86_400),
                                   expiredAt: Date().addingTimeInterval(690 * 86_400))]),
        team: .tokens([]), organization: .tokens([]))

    @Test("the first screen shows at once and asks for the tokens; the note says they are being read")
    func firstFrameThenTokens() {
        var (state, effects, current) = Self.loaded()
        #expect(state.phase == .editing(.tokenTTL), "the screen does not wait for the tokens")
        #expect(effects == [.loadTokens(current)])
        #expect(state.tokensReading)
        #expect(!state.awaitsTokens, "nothing typed tightens a cap yet")
        Self.tighten(&state)
        #expect(state.awaitsTokens)
        let note = Wizard.render(state, size: Size(width: 100, height: 40)).text
        #expect(note.contains("Reading the existing tokens"), "\(note)")
    }

    @Test("a Review opened before the tokens arrive says so and applies nothing; once they arrive it names the token in use and asks")
    func reviewWaits() {
        var (state, _, _) = Self.loaded()
        Self.tighten(&state)
        _ = Wizard.enterReview(&state)
        #expect(state.phase == .review)
        let waiting = Wizard.render(state, size: Size(width: 100, height: 40)).text
        #expect(waiting.contains("Reading the existing tokens") && waiting.contains("Apply waits for them."), "\(waiting)")
        #expect(waiting.contains("Enter: once the tokens are read") && !waiting.contains("Enter apply"), "the footer does not offer Enter yet")
        #expect(Wizard.update(&state, .key(.enter)).isEmpty, "Enter applies nothing yet")
        #expect(state.statusNotice?.text.contains("Nothing is applied until they are.") == true)
        #expect(Wizard.update(&state, .key(.char("y"))).isEmpty, "nor does the key that accepts a rejection")
        if case .wait = PlainWizard.prompt(state) {} else { Issue.record("plain mode does not ask before the tokens are read") }
        let before = PlainWizard.transcript(from: nil, to: state, answered: false)
        #expect(before.contains(Wizard.readingTokens) && !before.contains("Review:"), "plain mode prints the Review once, when it is complete: \(before)")

        state.scroll = 3
        _ = Wizard.update(&state, .tokensLoaded(organization: "other-org", Self.inventory))
        #expect(state.tokensReading, "another organization's tokens are dropped")
        _ = Wizard.update(&state, .tokensLoaded(organization: "my-org", Self.inventory))
        #expect(!state.tokensReading && !state.awaitsTokens)
        #expect(state.phase == .review && state.scroll == 3, "the Review keeps its place")
        #expect(state.plan?.locksOutToken == true, "the plan is made again with the tokens")
        let review = Wizard.render(state, size: Size(width: 100, height: 60)).text
        #expect(!review.contains("Reading the existing tokens"), "\(review)")
        #expect(Wizard.update(&state, .key(.enter)).isEmpty)
        #expect(state.statusNotice?.text.contains("Not applied") == true, "Enter alone still does not lock the tool out")
        let transcript = PlainWizard.transcript(from: { var s = state; s.tokensReading = true; return s }(), to: state, answered: false)
        #expect(transcript.contains("Review:"), "plain mode prints the Review again once the tokens are read: \(transcript)")
    }

    @Test("a Review that tightens nothing applies while the tokens are still being read")
    func nothingTighterDoesNotWait() {
        var (state, _, _) = Self.loaded()
        let effects = Self.raiseUserCapAndApply(&state)
        #expect(state.tokensReading && !state.awaitsTokens)
        #expect(Self.applies(effects), "\(effects)")
    }

    @Test("TTL policies that cannot be read: the tokens are read all the same; turning enforcement on waits for them, then counts as rejecting the token in use")
    func unreadablePolicies() {
        let (loaded, effects, current) = Self.loaded(R.current(policies: false))
        var state = loaded
        #expect(effects == [.loadTokens(current)], "the guard needs them even over caps nobody can read")
        state.form.ttlEnabled = true
        #expect(state.awaitsTokens)
        _ = Wizard.enterReview(&state)
        #expect(Wizard.update(&state, .key(.enter)).isEmpty, "nothing applied before the tokens are in")
        _ = Wizard.update(&state, .tokensLoaded(organization: "my-org", Self.inventory))
        #expect(state.plan?.locksOutToken == true, "enforcement over unknown caps: the safe side")
        #expect(Wizard.update(&state, .key(.enter)).isEmpty, "and Enter alone does not apply it")
    }

    @Test("r on the Result does not pass the guard: values typed tighter after a failure wait for the tokens, and once they reject the token in use r refuses")
    func retryIsGuarded() {
        var (state, _, _) = Self.loaded()
        // A raised cap tightens nothing: applied while the tokens are still being read.
        let apply = Self.raiseUserCapAndApply(&state)
        #expect(Self.applies(apply), "\(apply)")
        _ = Wizard.update(&state, .stepFinished(StepResult(step: .tokenTTL, fields: [.ttl(.user)],
                                                           outcome: .failed(.server(status: 500, detail: "fake failure")))))
        #expect(state.phase == .result)
        // The admin now types a tighter cap and enforcement on, and presses r.
        Self.tighten(&state)
        #expect(Wizard.update(&state, .key(.char("r"))).isEmpty, "not sent before the tokens are read")
        #expect(state.statusNotice?.text.contains("Reading the existing tokens") == true, "\(String(describing: state.statusNotice))")
        _ = Wizard.update(&state, .tokensLoaded(organization: "my-org", Self.inventory))
        #expect(Wizard.update(&state, .key(.char("r"))).isEmpty, "r never accepts a rejection")
        #expect(state.statusNotice?.text.contains("Not sent: applying this rejects the token this tool runs with") == true,
                "\(String(describing: state.statusNotice))")
    }
}
