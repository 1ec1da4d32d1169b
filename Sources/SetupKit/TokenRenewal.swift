import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import TFEClient

/// The way through the lockout: a new user token for the same user, made to live within the
/// user cap the run puts in force, stored where the old one came from, and used for the rest of
/// the run. Sources: web-unified-docs `api-docs/user-tokens.mdx` and go-tfe `user_token.go` (the
/// request), hashicorp/terraform `internal/command/cliconfig` (where `terraform login` stores a
/// token), terraform PR #39034 (the user cap is per organization).
///
/// Order, so nothing is lost: the destination is proven writable before the token is made; a
/// token whose answer shows a lifetime over the cap, or that cannot be stored, is deleted at
/// once and nothing else is written; the old token is not touched.
package enum TokenRenewal {
    /// Why a renewal cannot be made (nothing was created).
    package struct Refusal: Error, Sendable, CustomStringConvertible {
        package var description: String
        package init(_ description: String) { self.description = description }
    }

    /// The expiry to ask for: the server's clock + the cap − a margin of max(1 hour, 1% of the
    /// cap), so the server's own rounding and a clock read a moment earlier stay inside the cap.
    package static func expiry(serverNow: Date, capMilliseconds: Int64) -> Date {
        let cap = Double(capMilliseconds) / 1000
        return serverNow.addingTimeInterval(cap - max(3600, cap / 100))
    }

    /// The new token's description: the tool, the run and the cap, so a token whose creation
    /// answer was lost can be found in User settings > Tokens and deleted.
    package static func description(runAt: Date, capMilliseconds: Int64) -> String {
        "tfe-setup renewal \(DateText.iso8601(runAt)) within the user cap of \(TTLDuration.display(milliseconds: capMilliseconds))"
    }

    /// The user cap a renewal must live within: the smallest among the caps in force after the
    /// plans (one per organization the run changes); nil when none of them caps user tokens.
    package static func smallestUserCap(_ caps: [[TokenType: Int64]]) -> Int64? {
        caps.compactMap { $0[.user] }.min()
    }

    /// Why the token in use cannot be renewed by this tool, or nil when it can: only a user's
    /// own user token may make a user token (a team or organization token cannot).
    package static func refusal(inUse: AuthenticatedResource?) -> Refusal? {
        switch inUse?.tokenType {
        case .user?: return nil
        case .team?:
            return Refusal("the token in use is a team token, which cannot make a user token. In CI, make a new team token within the team cap (Organization settings > Teams > API tokens, or the provider's tfe_team_token with a time_rotating expiry) and run with it")
        case .organization?:
            return Refusal("the token in use is the organization token, which cannot make a user token. Make a team or user token within the new caps and run with it")
        default:
            return Refusal("the server does not say that the token in use is a user token, so none can be made for it")
        }
    }

    /// The user cap a renewal of the token in use would live within, or why there is none: the
    /// token must be a user's, and a user cap must be in force (`cap`: the one after the plan, or
    /// a fleet's smallest).
    package static func cap(inUse: AuthenticatedResource?, cap: Int64?) -> Result<Int64, Refusal> {
        if let refusal = refusal(inUse: inUse) { return .failure(refusal) }
        guard let cap else { return .failure(Refusal("no user cap is in force after this plan, so a new user token would not help")) }
        return .success(cap)
    }

    /// `cap(inUse:cap:)` for one organization's plan against what was read.
    package static func cap(for plan: Plan, current: CurrentState) -> Result<Int64, Refusal> {
        cap(inUse: current.tokenInventory?.inUse ?? current.account.authenticatedResource, cap: Planner.enforcedCaps(current, plan: plan)[.user])
    }

    /// What became of a renewal.
    package enum Outcome: Sendable {
        /// Made, within the cap, and stored: the new token and its record, and where it went.
        case renewed(CreatedToken, stored: String)
        /// Nothing is left behind: not made, or made and deleted again (`detail` says which).
        case failed(String)
        /// Made but neither stored nor deleted: the admin must delete it by its description.
        case stranded(String)
    }

    /// The shortest life a new token may have: one that expires within the hour is no way
    /// through (a cap of less than two hours leaves no room once the margin is taken).
    package static let shortestLife: TimeInterval = 3600

    /// Why a cap leaves no room for a useful token, or nil.
    package static func noRoom(capMilliseconds: Int64) -> String? {
        let life = expiry(serverNow: Date(timeIntervalSince1970: 0), capMilliseconds: capMilliseconds).timeIntervalSince1970
        guard life < shortestLife else { return nil }
        return "a cap of \(TTLDuration.display(milliseconds: capMilliseconds)) leaves no room for a token that lives an hour or more once the margin (max(1 hour, 1%)) is taken"
    }

    /// Makes the token, checks its lifetime against the cap, and stores it in `destination`
    /// (prepared before, so its room is proven). On any failure after the token exists it is
    /// deleted with the new token itself (the old one may be the one the cap rejects).
    package static func renew(client: TFEClient, userID: String, capMilliseconds: Int64, destination: TokenDestination,
                              register: (SecretString) -> Void) async -> Outcome {
        if let why = noRoom(capMilliseconds: capMilliseconds) {
            destination.discard()
            return .failed("nothing was made: \(why)")
        }
        // The expiry is computed from the server's clock, never from this machine's (which may be off).
        let serverNow: Date
        do throws(TFEError) {
            guard let date = try await client.serverDate() else {
                destination.discard()
                return .failed("nothing was made: the server's answer has no readable Date header, and this machine's clock is not trusted to set an expiry")
            }
            serverNow = date
        } catch {
            destination.discard()
            return .failed("nothing was made: the server's clock could not be read: \(error.description)")
        }
        let description = description(runAt: serverNow, capMilliseconds: capMilliseconds)
        let asked = expiry(serverNow: serverNow, capMilliseconds: capMilliseconds)
        let created: CreatedToken
        do throws(TFEError) {
            created = try await client.createUserToken(userID: userID, description: description, expiresAt: asked)
        } catch {
            destination.discard()
            // Sent and not answered, or answered 2xx in a form that could not be read: a token
            // may exist that nobody holds. Never sent again; the admin finds it by its description.
            if error.leavesWriteOutcomeUnknown || error.isDecoding {
                return .stranded("the request to make a new token got no usable answer, so a token \"\(description)\" may exist: if User settings > Tokens lists it, delete it (\(error.description))")
            }
            return .failed("no token was made: \(error.description)")
        }
        register(created.token)
        func undo(_ why: String) async -> Outcome {
            destination.discard()
            do throws(TFEError) {
                try await client.using(token: created.token).deleteAuthenticationToken(id: created.record.id)
                return .failed("\(why); the new token (\(created.record.id)) was deleted again, and nothing else was sent")
            } catch {
                return .stranded("\(why), and deleting the new token failed: \(error.description). Delete \"\(description)\" (\(created.record.id)) in User settings > Tokens")
            }
        }
        guard let created_ = created.record.createdAt, let expires = created.record.expiredAt else {
            return await undo("the server's answer does not say when the new token was made and when it expires, so its lifetime cannot be checked against the cap")
        }
        let lifetime = Int64((expires.timeIntervalSince(created_) * 1000).rounded())
        guard lifetime <= capMilliseconds else {
            return await undo("the server made a token that lives \(TTLDuration.display(milliseconds: lifetime)), over the cap of \(TTLDuration.display(milliseconds: capMilliseconds))")
        }
        guard expires.timeIntervalSince(serverNow) >= shortestLife, abs(expires.timeIntervalSince(asked)) <= 86_400 else {
            return await undo("the server made a token that expires \(DateText.iso8601(expires)), not near the \(DateText.iso8601(asked)) asked for")
        }
        switch destination.store(created.token) {
        case .success(let place): return .renewed(created, stored: place)
        case .failure(let why): return await undo("it could not be stored: \(why.description)")
        }
    }
}

/// Where a renewed token goes: where the old one came from, by terraform's rules.
package final class TokenDestination: @unchecked Sendable {
    private enum Kind {
        /// `credentials.tfrc.json`'s entry for the host, or the configured credentials helper.
        case credentials(CredentialsSlot)
        /// The `--token-file` file, replaced by a new file of the same name.
        case tokenFile(String)
        /// A file the admin named (`--new-token-file`), created new.
        case newFile(String)
    }
    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// Where the renewal's token goes, proven writable; or why it cannot go anywhere.
    /// - Parameters:
    ///   - source: where the token in use was found.
    ///   - newTokenFile: a file the admin names for it (required when the token came from an
    ///     environment variable: storing it where the variable wins changes nothing).
    /// - Parameter inUse: the token being replaced: the credentials file's entry is replaced only
    ///   while it holds this one.
    package static func prepare(source: TokenLookup.Source, newTokenFile: String?, host: String, home: String,
                                environment: [String: String], inUse: SecretString) throws(TokenRenewal.Refusal) -> TokenDestination {
        if let newTokenFile { return try newFile(newTokenFile) }
        switch source {
        case .environment(let name):
            throw TokenRenewal.Refusal("the token in use comes from \(name), which outranks every file: a token stored elsewhere would not be used next time, and one stored in a CI runner's files would leave a site-admin secret there. Name a file for the new token (--new-token-file PATH), then set \(name) from it")
        case .tokenFile(let path):
            try checkReplaceable(path)
            return TokenDestination(.tokenFile(path))
        case .credentialsFile:
            do {
                return TokenDestination(.credentials(try CredentialsSlot.prepare(host: host, home: home, environment: environment, replacing: inUse)))
            } catch {
                throw TokenRenewal.Refusal("there is nowhere to store a new token: \(error.description); name a file for it with --new-token-file PATH")
            }
        }
    }

    /// A file the admin named: it must not exist yet, in a folder this user can write.
    static func newFile(_ path: String) throws(TokenRenewal.Refusal) -> TokenDestination {
        var info = stat()
        if lstat(path, &info) == 0 { throw TokenRenewal.Refusal("\(path) exists already: name a new file for the new token") }
        let folder = PathText.deletingLastComponent(path)
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw TokenRenewal.Refusal("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return TokenDestination(.newFile(path))
    }

    /// A token file is replaced only when it is this user's own regular file with one link, in
    /// a folder this user can write: a symbolic link (a mounted secret) or a hard-linked file
    /// would be changed for others, or not at all.
    static func checkReplaceable(_ path: String) throws(TokenRenewal.Refusal) {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw TokenRenewal.Refusal("cannot read \(path): \(String(cString: strerror(errno)))") }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw TokenRenewal.Refusal("the token file \(path) is a symbolic link (a mounted secret?): it is not replaced. Name a file for the new token (--new-token-file PATH) and point your secret at it")
        }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            throw TokenRenewal.Refusal("the token file \(path) is not a regular file with one link: it is not replaced. Name a file for the new token (--new-token-file PATH)")
        }
        guard info.st_uid == geteuid() else { throw TokenRenewal.Refusal("the token file \(path) belongs to another user: it is not replaced. Name a file for the new token (--new-token-file PATH)") }
        let folder = PathText.deletingLastComponent(path)
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw TokenRenewal.Refusal("the folder of the token file \(path) cannot be written: it is not replaced. Name a file for the new token (--new-token-file PATH)")
        }
    }

    /// Puts the token there; says where ("a new file at P, mode 0600", "P (credentials for H)").
    func store(_ token: SecretString) -> Result<String, TokenRenewal.Refusal> {
        let data = Data((token.exposedValue + "\n").utf8)
        switch kind {
        case .credentials(let slot):
            switch slot.store(token) {
            case .stored(let path): return .success("\(path) (credentials for \(slot.host))")
            case .helper(let name): return .success("the credentials helper \(name) (credentials for \(slot.host))")
            case .rescued(let path, let reason):
                // Not written for a renewal (see `CredentialsSlot.prepare(replacing:)`); were it,
                // it is not where the next run looks: a failure, and the copy goes with the token.
                unlink(path)
                return .failure(TokenRenewal.Refusal("\(slot.path): \(reason)"))
            case .lost(let reason): return .failure(TokenRenewal.Refusal(reason))
            }
        case .tokenFile(let path):
            do { try PrivateFile.write(data, to: path) } catch { return .failure(TokenRenewal.Refusal(error.description)) }
            return .success("\(path) (a new file in its place, mode 0600)")
        case .newFile(let path):
            do { try PrivateFile.write(data, to: path, replace: false) } catch { return .failure(TokenRenewal.Refusal(error.description)) }
            return .success("\(path) (a new file, mode 0600)")
        }
    }

    /// Gives back any room made (nothing was stored).
    package func discard() {
        if case .credentials(let slot) = kind { slot.discard() }
    }
}

extension Array {
    /// The element of a one-element array; nil for none or several (never a guess among them).
    package var onlyElement: Element? { count == 1 ? first : nil }
}
