import TFEClient

/// Who a tighter token TTL policy locks out: the existing tokens that the new caps reject and the
/// old ones did not, the token in use first. Computed once by the planner; the wizard, plain
/// mode, `plan` text and `plan --json` only show it.
///
/// What it rests on (sources in docs/token-lifetimes.md): with enforcement on, a token whose
/// lifetime (`expired-at − created-at`) exceeds its type's cap is rejected at once (TFE's
/// organization settings docs, the 2.0.0 release notes, the provider's
/// `tfe_org_max_token_ttl_policy` docs). How a token without expiry is treated the docs do not
/// say: it is counted as rejected, and marked unverified.
package struct TokenReport: Sendable, Equatable {
    /// One token the new caps reject.
    package struct Entry: Sendable, Equatable {
        package var record: TokenRecord
        /// The cap that rejects it.
        package var capMilliseconds: Int64

        /// `team owners, "ci-deploy" (at-…): lives 1y, over the team cap of 90d`.
        package var line: String {
            "\(record.label): " + TokenReport.livesOver(record, cap: capMilliseconds, noExpiry: "no expiry")
        }
    }

    /// What happens to the token this tool runs with. `guessed`: the record is one of several
    /// tokens that may be the one in use (the API cannot say which), and the verdict holds for
    /// the safe side: rejected when any of them is, kept only when all of them are.
    package enum InUse: Sendable, Equatable {
        case rejected(TokenRecord, guessed: Bool)
        case kept(TokenRecord, guessed: Bool)
        /// Nobody can tell: counted as rejected (the guard fails closed).
        case unknown(String)
    }

    package var inUse: InUse
    /// Tokens with a known lifetime over their new cap (the token in use among them).
    package var rejected: [Entry]
    /// Tokens without expiry under a cap that is newly enforced: counted as rejected, unverified.
    package var noExpiry: [Entry]
    /// How many known tokens stay inside their caps.
    package var keptCount: Int
    /// The lists that could not be read, with why (never counted as empty).
    package var cannotTell: [(type: TokenType, reason: String)]
    /// The new user-token cap, for the sentence about other users' tokens (nil: not enforced).
    package var userCap: Int64?

    package static func == (a: TokenReport, b: TokenReport) -> Bool {
        a.inUse == b.inUse && a.rejected == b.rejected && a.noExpiry == b.noExpiry && a.keptCount == b.keptCount
            && a.cannotTell.map(\.type) == b.cannotTell.map(\.type) && a.cannotTell.map(\.reason) == b.cannotTell.map(\.reason) && a.userCap == b.userCap
    }

    /// Whether the token in use would be, or may be, rejected: the tool would lock itself out.
    /// "Cannot tell" counts as rejected: the guard fails closed.
    package var locksOutToken: Bool { if case .kept = inUse { return false } else { return true } }

    /// Every token rejected, the known and the unverified.
    package var rejectedCount: Int { rejected.count + noExpiry.count }

    /// The report of a change from the caps in force now to the caps after the plan; nil when no
    /// cap gets tighter in force (enforcement stays off, or nothing is lowered).
    /// - Parameters:
    ///   - before: the caps that reject tokens today (empty when enforcement is off).
    ///   - after: the caps that will (empty when it will be off).
    package static func make(_ inventory: TokenInventory, before: [TokenType: Int64], after: [TokenType: Int64]) -> TokenReport? {
        let tighter = after.contains { type, cap in before[type].map { cap < $0 } ?? true }
        guard tighter else { return nil }
        func rejects(_ caps: [TokenType: Int64], _ r: TokenRecord) -> Bool {
            guard let cap = caps[r.type] else { return false }
            return r.lifetimeMilliseconds.map { $0 > cap } ?? true
        }
        var rejected: [Entry] = [], noExpiry: [Entry] = [], kept = 0
        var cannotTell: [(TokenType, String)] = []
        for (type, listing) in inventory.listings {
            guard case .tokens(let records) = listing else {
                if case .cannotTell(let reason) = listing, after[type] != nil { cannotTell.append((type, reason)) }
                continue
            }
            for r in records {
                guard let cap = after[r.type] else { continue }
                if rejects(after, r) && !rejects(before, r) {
                    if r.lifetimeMilliseconds == nil { noExpiry.append(Entry(record: r, capMilliseconds: cap)) } else { rejected.append(Entry(record: r, capMilliseconds: cap)) }
                } else if !rejects(after, r) {
                    kept += 1
                }
            }
        }
        let inUse: InUse
        if let candidates = inventory.inUseCandidates {
            // Any candidate over its new cap may be the one in use: rejected, the safe side.
            let several = candidates.count > 1
            if let hit = candidates.first(where: { rejects(after, $0) && !rejects(before, $0) }) {
                inUse = .rejected(hit, guessed: several)
            } else {
                inUse = .kept(candidates[0], guessed: several)
            }
        } else {
            inUse = .unknown(inventory.inUseUnknownReason)
        }
        // Other users' tokens matter only where the user cap gets tighter in force.
        let userCap = after[.user].flatMap { cap in before[.user].map { cap < $0 } ?? true ? cap : nil }
        return TokenReport(inUse: inUse, rejected: rejected, noExpiry: noExpiry, keptCount: kept, cannotTell: cannotTell, userCap: userCap)
    }

    /// The token in use, in words; when several tokens may be it, that the verdict covers them all.
    package static func describe(_ record: TokenRecord, guessed: Bool, rejected: Bool) -> String {
        guard guessed else { return "the token this tool runs with, " + record.label }
        return rejected
            ? "the token this tool runs with may be " + record.label + " (the API does not say which of its owner's tokens is in use, so any of them over its cap counts as the one)"
            : "the token this tool runs with, one of its owner's tokens (the API does not say which), all inside their caps, such as " + record.label
    }

    /// The report for people, one sentence a line: the headline, the token in use, the rejected,
    /// the unverified, what cannot be told, other users' tokens. `plan`, plain mode and the
    /// wizard's Review show these lines.
    package var lines: [String] {
        var out: [String] = []
        let count = rejectedCount
        out.append("Tokens: with enforcement on, a token that lives longer than its type's cap is rejected at once, not only new ones (HashiCorp's docs). "
                   + (count == 0 ? "No known token is rejected." : "\(count) known token\(count == 1 ? " is" : "s are") rejected:"))
        switch inUse {
        case .rejected(let record, let guessed):
            out.append("  REJECTED: " + Self.describe(record, guessed: guessed, rejected: true) + ": " + lifetimeText(record)
                       + ". Every request after the new policy is in force fails with 401, this tool's included.")
        case .kept(let record, let guessed):
            out.append("  Kept: " + Self.describe(record, guessed: guessed, rejected: false) + ": " + lifetimeText(record) + ", inside its cap.")
        case .unknown(let reason):
            out.append("  Counted as REJECTED: whether the token this tool runs with is rejected cannot be told (" + TFEError.clause(reason)
                       + "), so the tool takes the safe side.")
        }
        for entry in rejected where !isInUse(entry.record) { out.append("  Rejected: " + entry.line) }
        for entry in noExpiry where !isInUse(entry.record) {
            out.append("  Rejected (unverified: no expiry, which the docs do not cover): " + entry.line)
        }
        if keptCount > 0 { out.append("  \(keptCount) other known token\(keptCount == 1 ? " stays" : "s stay") inside the caps.") }
        for (type, reason) in cannotTell { out.append("  Cannot tell (\(type.label.lowercased()) tokens): " + reason) }
        if let userCap {
            // A 2-year cap in days: "2y (default)" would hide which of the two 2-year values it is.
            let cap = TTLDuration.isDefault(userCap) ? TTLDuration.days(milliseconds: userCap) : TTLDuration.display(milliseconds: userCap)
            out.append("  Other users' tokens cannot be listed by anyone (the API lists only your own): theirs that live longer than "
                       + cap + " are rejected too.")
        }
        return out
    }

    /// The lockout, worded once for every surface (the Review, plain mode, `plan`, `apply`, a
    /// fleet): "applying this rejects the token this tool runs with [in a, b]". `uncertain` when
    /// which token is in use cannot be told (it counts as rejected: the safe side). Each surface
    /// adds its own way on (a key, a flag) and `wayOut`.
    package static func lockout(in organizations: [String] = [], uncertain: Bool = false) -> String {
        "applying this rejects the token this tool runs with" + (organizations.isEmpty ? "" : " in " + named(organizations))
            + (uncertain ? " (or may: which token is in use cannot be told, and that counts the same)" : "")
    }

    /// Up to three organizations by name, then how many more (a fleet may have hundreds).
    package static func named(_ organizations: [String]) -> String {
        let shown = organizations.prefix(3).joined(separator: ", ")
        return organizations.count > 3 ? shown + " and \(organizations.count - 3) more" : shown
    }

    /// `lockout` as a sentence's start.
    package static func lockoutSentence(in organizations: [String] = [], uncertain: Bool = false) -> String {
        "A" + lockout(in: organizations, uncertain: uncertain).dropFirst()
    }

    /// Whether the token in use is only counted as rejected (which token it is cannot be told).
    package var lockoutUncertain: Bool {
        if case .unknown = inUse { return true }
        return false
    }

    /// What to do before applying when the token in use would be rejected.
    package static let wayOut = "Create a token within the new cap first (User settings > Tokens, an expiry inside the cap), then run again with it."

    private func isInUse(_ record: TokenRecord) -> Bool {
        switch inUse {
        case .rejected(let r, _), .kept(let r, _): return r == record
        case .unknown: return false
        }
    }

    private func lifetimeText(_ record: TokenRecord) -> String {
        let cap = (rejected + noExpiry).first { $0.record == record }?.capMilliseconds
        return Self.livesOver(record, cap: cap, noExpiry: "no expiry (unverified)")
    }

    /// `lives 1y, over the team cap of 90d`. Where the two would read alike — a token made with
    /// the server's 2-year default (730.485 days) under a typed `2y` (730 days) — both in days,
    /// so the line never says a token of 2y is over a cap of 2y.
    static func livesOver(_ record: TokenRecord, cap: Int64?, noExpiry: String) -> String {
        guard let lifetime = record.lifetimeMilliseconds else {
            return noExpiry + (cap.map { ", over the \(record.type.label.lowercased()) cap of " + TTLDuration.display(milliseconds: $0) } ?? "")
        }
        guard let cap else { return "lives " + TTLDuration.display(milliseconds: lifetime) }
        var (lives, limit) = (TTLDuration.display(milliseconds: lifetime), TTLDuration.display(milliseconds: cap))
        if lives == limit && lifetime != cap {
            (lives, limit) = (TTLDuration.days(milliseconds: lifetime), TTLDuration.days(milliseconds: cap))
        }
        return "lives \(lives), over the \(record.type.label.lowercased()) cap of \(limit)"
    }
}
