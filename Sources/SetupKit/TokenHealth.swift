import FoundationEssentials
import TFEClient

/// What `check` says about the user tokens that may be the one in use: one that expires soon,
/// or that a cap rejects (or will, once enforced). The API cannot say which of a user's tokens
/// is in use, so a warning that rests on that says "may".
package enum TokenHealth {
    /// How soon an expiry is worth a warning.
    package static let soon: TimeInterval = 7 * 86_400

    /// The warnings for `check`, each naming the command that helps.
    /// - Parameters:
    ///   - tokens: the user's own tokens (the one in use among them).
    ///   - userCap: the organization's user cap, when read; `enforced` says whether it is on.
    package static func warnings(tokens: [TokenRecord], now: Date, organization: String?, userCap: Int64?, enforced: Bool) -> [String] {
        let live = tokens.filter { ($0.expiredAt ?? .distantFuture) > now }
        guard !live.isEmpty else { return [] }
        var lines: [String] = []
        let renew = "tfe-setup token renew"
        let expiring = live.filter { ($0.expiredAt ?? .distantFuture).timeIntervalSince(now) < soon }
        if expiring.count == live.count, let last = live.compactMap(\.expiredAt).max() {
            lines.append("the token in use expires by \(DateText.localMinute(last)) (every token of this user does, within 7 days): make a new one with \(renew)")
        } else if !expiring.isEmpty {
            lines.append("\(expiring.count) of this user's \(live.count) tokens expire within 7 days; if the token in use is one of them, make a new one with \(renew)")
        }
        if let userCap, let organization {
            let over = live.filter { $0.lifetimeMilliseconds.map { $0 > userCap } ?? true }
            if !over.isEmpty {
                let cap = TTLDuration.display(milliseconds: userCap)
                lines.append(enforced
                    ? "\(over.count) of this user's tokens live longer than \(organization)'s user cap of \(cap), which is enforced: \(organization) rejects them. \(renew) makes one within it"
                    : "\(over.count) of this user's \(live.count) tokens live longer than \(organization)'s user cap of \(cap), not enforced yet: turning it on rejects them, and the token in use may be one. \(renew) makes one within it first")
            }
        }
        return lines
    }
}
