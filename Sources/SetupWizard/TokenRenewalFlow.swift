import FoundationEssentials
import SetupKit
import TFEClient

/// A user token made by the renewal, and where it went (its secret stays in the runtime).
package struct RenewedToken: Equatable, Sendable {
    package var record: TokenRecord
    /// Where it is stored: "P (credentials for H)", "P (a new file, mode 0600)".
    package var place: String

    package init(record: TokenRecord, place: String) {
        self.record = record
        self.place = place
    }
}

/// The renewal in the wizard: while the Review refuses a plan that rejects the token in use,
/// `t` makes a new user token within the user cap the plan puts in force, stores it where the
/// token came from, switches the runtime's client to it, and applies the plan with it (the
/// token policies and the switch still last). The guard is certain afterwards: the token in use
/// is the one just made. The old token is kept.
package enum RenewalState: Equatable, Sendable {
    /// The new token is being made and stored.
    case making(capMilliseconds: Int64)
    /// Made and stored; the plan was applied with it.
    case done(RenewedToken)
    /// A token may exist that nobody holds (the answer was lost, or it could not be deleted):
    /// never asked for again in this session; the message says how to find it.
    case stranded(String)
}

extension Wizard {
    /// The user cap a renewal would live within, when the Review may offer one: the plan
    /// rejects the token in use, the token is a user's, and a user cap is in force after it.
    static func renewalCap(_ state: WizardState) -> Int64? {
        if case .stranded = state.renewal { return nil }
        return try? renewal(state)?.get()
    }

    /// Why the Review does not offer a renewal though the plan rejects the token in use, or nil.
    static func renewalUnavailable(_ state: WizardState) -> String? {
        guard case .failure(let refusal)? = renewal(state) else { return nil }
        return refusal.description
    }

    /// Whether a plan that rejects the token in use may be renewed, and within which cap; nil
    /// when the plan keeps the token.
    private static func renewal(_ state: WizardState) -> Result<Int64, TokenRenewal.Refusal>? {
        guard let plan = state.plan, plan.locksOutToken, let current = state.current else { return nil }
        return TokenRenewal.cap(for: plan, current: current)
    }

    /// `t` on the Review: make the new token (the runtime answers with `.tokenRenewed`).
    static func renew(_ state: inout WizardState) -> [WizardEffect] {
        guard let cap = renewalCap(state), let current = state.current else { return [] }
        if case .making = state.renewal { return [] }
        state.renewal = .making(capMilliseconds: cap)
        state.statusNotice = nil
        // Day zero: the admin's only token is the one this session made: it goes once the
        // policies are in force. Several tokens: none is guessed.
        state.replacedTokenID = state.madeAdminToken ? current.tokenInventory?.user.tokens.onlyElement?.id : nil
        return [.renewToken(userID: current.account.id, capMilliseconds: cap)]
    }

    /// The renewal's answer: on success the plan is made again with the new token known to be
    /// the one in use, and applied; on failure the Review stays, saying why.
    static func tokenRenewed(_ state: inout WizardState, _ result: Result<RenewedToken, RenewalFailure>) -> [WizardEffect] {
        switch result {
        case .failure(let failure) where failure.mayExist:
            // Never sent again: a second request could make a second token nobody holds.
            state.renewal = .stranded(failure.message)
            state.problem("A new token may exist that nothing holds: \(failure.message). Nothing was applied.")
            return []
        case .failure(let failure):
            state.renewal = nil
            state.problem("No new token: \(failure.message). Nothing was applied.")
            return []
        case .success(let renewed):
            state.renewal = .done(renewed)
            guard var current = state.current else { return [] }
            current.tokenInventory?.know(renewed.record)
            state.current = current
            let plan = Planner.plan(state.desiredSettings(sections: editableSections(state)), current: current)
            if plan.locksOutToken || !plan.issues.isEmpty {
                // Cannot happen with a token inside the cap; never applied by surprise if it does.
                state.plan = plan
                state.problem("The new token is stored, but the plan still rejects the token in use: nothing was applied.")
                return []
            }
            // The guard is certain now; the policies and the switch still go last.
            return OrganizationSession.startApply(&state, plan.puttingTokenWritesLast())
        }
    }

    /// The Result's lines about the renewal: where the new token is, its id, description and
    /// expiry, and what became of the old one.
    static func renewalLines(_ state: WizardState, width: Int) -> [Line] {
        guard case .done(let renewed) = state.renewal else { return [] }
        let expires = renewed.record.expiredAt.map { DateText.localMinute($0) } ?? "?"
        let old = state.replacedTokenOutcome
            ?? (state.replacedTokenID != nil ? "The token this session made first is deleted once every change is saved."
                : "The old token is not deleted: the new caps reject it where they are enforced; delete it in User settings > Tokens when nothing uses it.")
        let text = "New token: \(renewed.record.id) (\"\(SafeText.line(renewed.record.description ?? ""))\"), expires \(expires): "
            + "stored in \(renewed.place). \(old) Renew again before \(expires)."
        return [Line()] + wrap(text, width: width - 2).map { Line("  " + $0, .bold) }
    }

    /// After the apply: the token this session made first goes, once every change is saved.
    static func deletingReplacedToken(_ state: WizardState) -> [WizardEffect] {
        guard case .done = state.renewal, let id = state.replacedTokenID, state.replacedTokenOutcome == nil else { return [] }
        return [.deleteToken(id: id)]
    }
}

/// Why a renewal did not happen (or left a token to delete), in a sentence.
package struct RenewalFailure: Error, Equatable, Sendable {
    package var message: String
    /// A token may have been made that nothing holds (see `TokenRenewal.Outcome.stranded`).
    package var mayExist: Bool
    package init(_ message: String, mayExist: Bool = false) {
        self.message = message
        self.mayExist = mayExist
    }
}
