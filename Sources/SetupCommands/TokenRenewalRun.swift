import ArgumentParser
import CLIWording
import CursesUI
import Glibc
import FoundationEssentials
import SetupKit
import TFEClient

extension Automation {
    /// `--renew-token`: the flag and its help.
    static let renewTokenOption = "renew-token"
    static let renewTokenHelp = "When the caps would reject the user token this tool runs with: make a new user token within the smallest user cap first, store it where the old one came from, and apply with it (the old token is kept)."
    static let newTokenFileOption = "new-token-file"
    static let newTokenFileHelp = "With --renew-token: a new file (created 0600) for the new token, instead of where the old one came from. Needed when the token comes from TFE_TOKEN or TF_TOKEN_<host>."

    /// What `plan --renew-token` says: whether a renewal could be made, and how (nothing is
    /// made; the destination is prepared, which proves it writable, then given back).
    struct RenewalPreview {
        var line: String
        /// A renewal would be made and stored: the lockout is no reason to stop.
        var possible: Bool
        var json: OrderedJSON
    }

    func renewalPreview(_ p: Prepared, newTokenFile: String?) -> RenewalPreview {
        func no(_ why: String) -> RenewalPreview {
            RenewalPreview(line: "Error (--\(Self.renewTokenOption)): cannot renew the token: \(why).", possible: false,
                           json: .object([("possible", .bool(false)), ("reason", .string(why))]))
        }
        let cap: Int64
        switch TokenRenewal.cap(for: p.plan, current: p.current) {
        case .success(let c): cap = c
        case .failure(let refusal): return no(refusal.description)
        }
        if let why = TokenRenewal.noRoom(capMilliseconds: cap) { return no(why) }
        let place: String
        do {
            let source = try tokenSource(p.client)
            let destination = try TokenDestination.prepare(source: source, newTokenFile: newTokenFile,
                                                           host: TokenLookup.credentialsHost(for: p.client.configuration.address),
                                                           home: options.home, environment: options.environment, inUse: p.client.configuration.token)
            destination.discard()
            place = newTokenFile.map { "\($0) (a new file, mode 0600)" } ?? "\(source) (replacing the token there)"
        } catch let refusal as TokenRenewal.Refusal {
            return no(refusal.description)
        } catch {
            return no("\(error)")
        }
        return RenewalPreview(
            line: "Renewal (--\(Self.renewTokenOption)): before any write, a new user token for \(SafeText.line(p.current.account.username)) that lives \(TTLDuration.display(milliseconds: cap)) "
                + "less max(1h, 1%), from the server's clock, stored in \(place); the rest is sent with it, the token policies and the switch last. The old token is not deleted.",
            possible: true, json: .object([("possible", .bool(true)), ("cap_ms", .integer(cap)), ("stored_in", .string(place))]))
    }

    /// A new token's expiry for the output: local time, then UTC.
    static func expiry(of record: TokenRecord) -> String {
        record.expiredAt.map { "\(DateText.localMinute($0)) (\(DateText.iso8601($0)))" } ?? "?"
    }

    /// Where the token in use was found.
    func tokenSource(_ client: TFEClient) throws -> TokenLookup.Source {
        try TokenLookup(tokenFile: options.tokenFile, environment: options.environment, homeDirectory: options.home)
            .resolve(for: client.configuration.address).source
    }

    /// Makes, checks and stores the new token before any write, or ends with exit 1 saying why
    /// (nothing was written; a token made and not stored is deleted again). Says where it went.
    func renewToken(client: TFEClient, inUse: AuthenticatedResource?, userID: String, cap capAfterPlan: Int64?, newTokenFile: String?) async throws -> CreatedToken {
        func stop(_ why: String) throws -> Never {
            printError("tfe-setup: nothing applied: cannot renew the token: \(why).")
            throw ExitCode.failure
        }
        let cap: Int64
        switch TokenRenewal.cap(inUse: inUse, cap: capAfterPlan) {
        case .success(let c): cap = c
        case .failure(let refusal): try stop(refusal.description)
        }
        let destination: TokenDestination
        do {
            destination = try TokenDestination.prepare(source: try tokenSource(client), newTokenFile: newTokenFile,
                                                       host: TokenLookup.credentialsHost(for: client.configuration.address),
                                                       home: options.home, environment: options.environment, inUse: client.configuration.token)
        } catch let refusal as TokenRenewal.Refusal {
            try stop(refusal.description)
        }
        let created: CreatedToken, place: String
        let (outcome, signal) = await holdingSignals(second: renewalSecondSignal) {
            await TokenRenewal.renew(client: client, userID: userID, capMilliseconds: cap, destination: destination, register: CommonOptions.registerSecret)
        }
        switch outcome {
        case .renewed(let token, let stored): (created, place) = (token, stored)
        case .failed(let why): try stop(why)
        case .stranded(let why): try stop(why)
        }
        if let signal {
            printOut("Stopped by \(SignalFlag.name(signal)) while the new token was made: \(created.record.id) is stored in \(place); nothing else was sent. Run again to apply with it.")
            throw ExitCode.failure
        }
        let expires = Automation.expiry(of: created.record)
        printOut("Renewed: a new user token \(created.record.id) (\"\(SafeText.line(created.record.description ?? ""))\"), expires \(expires), stored in \(place). "
                 + "The rest is sent with it. The old token is not deleted: the new caps reject it where they are enforced, "
                 + "and it still works elsewhere; delete it in User settings > Tokens when nothing uses it.")
        return created
    }

    /// One organization: the token renewed, then the plan made again with it, now known to be
    /// the one in use (the policies and the switch still last).
    func renewed(_ p: Prepared, newTokenFile: String?) async throws -> Prepared {
        let created = try await renewToken(client: p.client, inUse: p.current.tokenInventory?.inUse ?? p.current.account.authenticatedResource,
                                           userID: p.current.account.id, cap: Planner.enforcedCaps(p.current, plan: p.plan)[.user], newTokenFile: newTokenFile)
        var current = p.current
        current.tokenInventory?.know(created.record)
        var q = planned(p.answers, current: current, client: p.client.using(token: created.token), transport: p.transport)
        q.heldPassword = p.heldPassword
        // Applied only as confirmed: the same changes, and the token in use now kept.
        guard !q.plan.locksOutToken, q.plan.issues.isEmpty, q.plan.changes == p.plan.changes else {
            printError("tfe-setup: nothing applied: the new token is stored, but the plan made with it \(q.plan.locksOutToken ? "still rejects the token in use" : "differs from the one shown"). Run again: it plans with the new token.")
            throw ExitCode.failure
        }
        q.plan = q.plan.puttingTokenWritesLast()
        return q
    }

    /// A fleet: one token within the smallest user cap of the organizations sent to, for all.
    func renewed(_ f: Fleet, newTokenFile: String?) async throws -> Fleet {
        let created = try await renewToken(client: f.client, inUse: f.account.authenticatedResource, userID: f.account.id,
                                           cap: f.plan.smallestUserCap, newTokenFile: newTokenFile)
        var g = f
        g.client = f.client.using(token: created.token)
        g.plan = f.plan.keeping(created.record)
        if !g.plan.lockedOut.isEmpty {
            // Where an organization's user cap is not known, whether it takes the new token is not either.
            printError("tfe-setup: nothing applied: the new token is stored, but whether " + TokenReport.named(g.plan.lockedOut) + " accept it cannot be told (their user cap was not read). Run again: it plans with the new token.")
            throw ExitCode.failure
        }
        return g
    }
}

/// Runs a request that makes a token (the first admin's, a renewal) with the stop signals held:
/// until the token is stored its answer holds the only copy, so the first SIGINT, SIGTERM, SIGHUP
/// or SIGQUIT is noted and the answer waited for (up to the timeout); a second one ends the
/// process at once, after `second` (what may exist, and how to find out). Returns the body's
/// result and the signal that came meanwhile, if any.
func holdingSignals<T>(second: @escaping @Sendable (_ signal: String) -> String, _ body: () async -> T) async -> (T, Int32?) {
    let signals = SignalFlag(signals: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    signals.onRepeat { number in
        StandardStream.error("\ntfe-setup: a second \(SignalFlag.name(number)): exiting now, without waiting for the server's answer. " + second(SignalFlag.name(number)) + "\n")
        _exit(128 + number)
    }
    defer { signals.stopCatching() }
    let result = await body()
    return (result, signals.pending)
}

/// What a second signal during a renewal leaves behind.
let renewalSecondSignal: @Sendable (String) -> String = { _ in
    "A new token named \"tfe-setup renewal …\" may exist that nothing holds: if User settings > Tokens lists it, delete it."
}
