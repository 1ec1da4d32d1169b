import TFEClient

/// The existing tokens a tighter TTL policy is checked against, read with the rest of the state:
/// the caller's own user tokens, the organization's team tokens, its organization token (and on
/// HCP Terraform its audit-trail token). No API lists other users' tokens.
///
/// Sources: go-tfe (`UserTokens.List`, `TeamTokens.List`, `OrganizationTokens.Read`), TFE's
/// OpenAPI spec (account details' `authenticated-resource`).
package struct TokenInventory: Sendable, Equatable {
    /// One list: what it holds, or why it could not be read (a 403 or 404 is never "none").
    package enum Listing: Sendable, Equatable {
        case tokens([TokenRecord])
        case cannotTell(String)

        package var tokens: [TokenRecord] { if case .tokens(let t) = self { return t } else { return [] } }
    }

    /// What the token in use is (a user's, a team's, an organization's), when the server says.
    package var inUse: AuthenticatedResource?
    package var user: Listing
    package var team: Listing
    package var organization: Listing
    /// HCP Terraform's audit-trail token; nil where there is none to read (Terraform Enterprise).
    package var auditTrails: Listing?
    /// The token in use when it is known for certain: the one this tool made and switched to
    /// (a renewal). Then it alone is the candidate; nothing is guessed.
    package var knownInUse: TokenRecord?

    package init(inUse: AuthenticatedResource?, user: Listing, team: Listing, organization: Listing, auditTrails: Listing? = nil) {
        self.inUse = inUse
        self.user = user
        self.team = team
        self.organization = organization
        self.auditTrails = auditTrails
    }

    /// The lists by the policy that caps them.
    package var listings: [(type: TokenType, listing: Listing)] {
        [(.user, user), (.team, team), (.organization, organization)] + (auditTrails.map { [(.auditTrails, $0)] } ?? [])
    }

    /// Every token that may be the one this tool runs with. The API says what the token belongs
    /// to (a user, a team, the organization) but not which of that owner's tokens made the
    /// request, so each of them is a candidate; the guard decides on all of them (the safe side),
    /// never on a guess such as "the one used last". Nil when the owner's list cannot be read.
    package var inUseCandidates: [TokenRecord]? {
        if let knownInUse { return [knownInUse] }
        switch inUse?.tokenType {
        case .user?:
            guard case .tokens(let mine) = user, !mine.isEmpty else { return nil }
            return mine.sorted { ($0.lastUsedAt ?? .distantPast) > ($1.lastUsedAt ?? .distantPast) }
        case .team?:
            guard case .tokens(let all) = team else { return nil }
            let theirs = all.filter { $0.teamID == inUse?.id }
            return theirs.isEmpty ? nil : theirs
        case .organization?:
            guard case .tokens(let all) = organization, !all.isEmpty else { return nil }
            return all
        default:
            return nil
        }
    }

    /// After a renewal: `record` is the token in use, known for certain, and one of the user's.
    package mutating func know(_ record: TokenRecord) {
        knownInUse = record
        if case .tokens(let mine) = user { user = .tokens(mine + [record]) }
    }

    /// Why the token in use cannot be told, when it cannot.
    package var inUseUnknownReason: String {
        guard let inUse else { return "the server does not say what the token in use belongs to." }
        switch inUse.tokenType {
        case .user?: if case .cannotTell(let r) = user { return r }
        case .team?: if case .cannotTell(let r) = team { return r }
        case .organization?: if case .cannotTell(let r) = organization { return r }
        default: return "it belongs to \(SafeText.line(inUse.type)), which no token list shows."
        }
        return "it is not in the lists the server gave."
    }
}

extension TokenInventory {
    /// Reads the lists at the same time (the caller's user tokens once the account is known).
    /// Nothing here throws: a list that cannot be read says why.
    /// HCP Terraform's audit-trail token is read by the caller once the server is known.
    package static func read(client: TFEClient, account: Account, organization: String) async -> TokenInventory {
        async let user = listing("your own user tokens") { try await client.userTokens(userID: account.id) }
        async let team = listing("the team tokens") { try await client.teamTokens(organization) }
        async let org = listing("the organization token", noneIs404: true) { [try await client.organizationToken(organization)] }
        return TokenInventory(inUse: account.authenticatedResource, user: await user, team: await team, organization: await org)
    }

    /// - Parameter noneIs404: a single-token read whose 404 means "there is none" on a server
    ///   that has the endpoint (the organization token), rather than "cannot tell".
    static func listing(_ what: String, noneIs404: Bool = false, _ body: () async throws -> [TokenRecord]) async -> Listing {
        do {
            return .tokens(try await body())
        } catch TFEError.forbidden {
            return .cannotTell("this token may not read \(what) (403): only the owners team can.")
        } catch TFEError.notFound where noneIs404 {
            // go-tfe's OrganizationTokens.Read answers 404 both when there is none and when the
            // caller may not see it: the two cannot be told apart, so it stays unknown.
            return .cannotTell("the server answered 404 for \(what): there is none, or this token may not see it.")
        } catch TFEError.notFound {
            return .cannotTell("the server has no list of \(what) for this token (404).")
        } catch {
            return .cannotTell("\(what) could not be read: " + ((error as? TFEError)?.description ?? "\(error)"))
        }
    }
}
