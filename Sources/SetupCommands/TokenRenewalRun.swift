import ArgumentParser
import CLIWording
import FoundationEssentials
import SetupKit
import TFEClient

extension Automation {
    /// `--renew-token`: the flag and its help.
    static let renewTokenOption = "renew-token"
    static let renewTokenHelp = "When the caps would reject the user token this tool runs with: make a new user token within the smallest user cap first, store it where the old one came from, and apply with it (the old token is kept)."
    static let newTokenFileOption = "new-token-file"
    static let newTokenFileHelp = "With --renew-token: a new file (created 0600) for the new token, instead of where the old one came from. Needed when the token comes from TFE_TOKEN or TF_TOKEN_<host>."

    /// What a renewal would do, for `plan --renew-token` (nothing is made).
    func renewalPreview(_ p: Prepared, newTokenFile: String?) -> [String] {
        guard p.plan.locksOutToken else { return ["--\(Self.renewTokenOption): not needed: the token in use stays within the caps."] }
        if let refusal = TokenRenewal.refusal(inUse: p.current.tokenInventory?.inUse) {
            return ["Error (--\(Self.renewTokenOption)): cannot renew: \(refusal.description)."]
        }
        guard let cap = Planner.enforcedCaps(p.current, plan: p.plan)[.user] else {
            return ["Error (--\(Self.renewTokenOption)): cannot renew: no user cap is in force after this plan, so the lockout is not the user cap's."]
        }
        let place: String
        do {
            let source = try tokenSource(p.client)
            switch source {
            case .environment(let name) where newTokenFile == nil:
                return ["Error (--\(Self.renewTokenOption)): the token comes from \(name): name a file for the new one with --\(Self.newTokenFileOption) PATH."]
            default:
                place = newTokenFile.map { "\($0) (a new file, mode 0600)" } ?? "\(source) (replacing the token there)"
            }
        } catch {
            return ["Error (--\(Self.renewTokenOption)): \(error)"]
        }
        return ["Renewal (--\(Self.renewTokenOption)): before any write, a new user token for \(p.current.account.username) that lives \(TTLDuration.display(milliseconds: cap)) less max(1h, 1%) from the server's clock, "
                + "stored in \(place); the rest is sent with it, the token policies and the switch last. The old token is kept (and rejected once the caps are in force)."]
    }

    /// Where the token in use was found.
    func tokenSource(_ client: TFEClient) throws -> TokenLookup.Source {
        try TokenLookup(tokenFile: options.tokenFile, environment: options.environment, homeDirectory: options.home)
            .resolve(for: client.configuration.address).source
    }

    /// Makes, checks and stores the new token before any write, or ends with exit 1 saying why
    /// (nothing was written; a token made and not stored is deleted again). Says where it went.
    func renewToken(client: TFEClient, inUse: AuthenticatedResource?, userID: String, cap: Int64?, newTokenFile: String?) async throws -> CreatedToken {
        func stop(_ why: String) throws -> Never {
            printError("tfe-setup: nothing applied: cannot renew the token: \(why).")
            throw ExitCode.failure
        }
        if let refusal = TokenRenewal.refusal(inUse: inUse) { try stop(refusal.description) }
        guard let cap else { try stop("no user cap is in force after this plan, so a new user token would not help") }
        let destination: TokenDestination
        do {
            destination = try TokenDestination.prepare(source: try tokenSource(client), newTokenFile: newTokenFile,
                                                       host: TokenLookup.credentialsHost(for: client.configuration.address),
                                                       home: options.home, environment: options.environment)
        } catch let refusal as TokenRenewal.Refusal {
            try stop(refusal.description)
        }
        let created: CreatedToken, place: String
        switch await TokenRenewal.renew(client: client, userID: userID, capMilliseconds: cap, destination: destination,
                                        register: CommonOptions.registerSecret) {
        case .renewed(let token, let stored): (created, place) = (token, stored)
        case .failed(let why): try stop(why)
        case .stranded(let why): try stop(why)
        }
        let expires = created.record.expiredAt.map { "\(DateText.localMinute($0)) (\(DateText.iso8601($0)))" } ?? "?"
        printOut("Renewed: a new user token \(created.record.id) (\"\(SafeText.line(created.record.description ?? ""))\"), expires \(expires), stored in \(place). "
                 + "The rest is sent with it. The old token is kept: once the caps are in force it is rejected; delete it in User settings > Tokens when nothing uses it.")
        return created
    }

    /// One organization: the token renewed, then the plan made again with it, now known to be
    /// the one in use (the policies and the switch still last).
    func renewed(_ p: Prepared, newTokenFile: String?) async throws -> Prepared {
        let created = try await renewToken(client: p.client, inUse: p.current.tokenInventory?.inUse ?? p.current.account.authenticatedResource,
                                           userID: p.current.account.id, cap: Planner.enforcedCaps(p.current, plan: p.plan)[.user], newTokenFile: newTokenFile)
        var current = p.current
        current.tokenInventory?.knownInUse = created.record
        if case .tokens(var mine)? = current.tokenInventory?.user {
            mine.append(created.record)
            current.tokenInventory?.user = .tokens(mine)
        }
        var q = planned(p.answers, current: current, client: p.client.using(token: created.token), transport: p.transport)
        q.heldPassword = p.heldPassword
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
        return g
    }
}
