import TFEClient

/// The read after an apply that was accepted to reject its own token: the answer says whether
/// the new policy is in force for it. A 401 here is the expected rejection, not a failure.
package enum LockoutCheck {
    /// One line for the results: what the server now does with the token in use.
    /// How the check's line starts when the server still takes the token.
    package static let stillTaken = "Note: the server still takes this token"
    /// How the check's line starts when the server refused the token (401).
    package static let rejected = "ok Token check: the server now rejects this token"

    /// Whether an apply accepted to reject its own token needs the check: a request that sets
    /// the caps or the switch was saved. Other steps may have failed beside it; the token may be
    /// rejected all the same, and a retry would then get 401s, so the check runs (the safe side).
    package static func isDue(locksOutToken: Bool, results: some Sequence<StepResult>) -> Bool {
        locksOutToken && results.contains { [.tokenTTL, .ttlSwitch].contains($0.step) && $0.succeeded }
    }

    package static func verify(_ client: TFEClient, organization: String) async -> String {
        do {
            _ = try await client.organization(organization)
            return stillTaken + " right after the change. HashiCorp's docs say a token over its cap is rejected "
                + "once the policy is in force: expect 401s, and switch to a token within the cap."
        } catch .unauthorized {
            return rejected + " (401), as expected: the new policy is in force. "
                + "From now on use a token within the cap (User settings > Tokens)."
        } catch {
            return "Token check: could not tell whether the server now rejects this token: " + error.description
        }
    }
}
