import Dispatch
import FoundationEssentials
import TFEClient

/// The sandbox's mutable state, behind an actor: the settings, the request log, the outbox, the
/// armed faults and the rate limiter. `--state FILE` is written after every change.
public actor SandboxStore {
    public private(set) var state: SandboxState
    public let seed: SandboxState
    public let tokens: SandboxTokens
    public let options: SandboxOptions
    private(set) var requests: [SandboxRequestRecord] = []
    private(set) var outbox: [SandboxEmail] = []
    private var faults: [SandboxFault] = []
    /// When set, every API answer's strings are made hostile (see `SandboxHostile`).
    private(set) var hostile: SandboxHostile?
    /// Requests per token in the current one-second window.
    private var window: (second: Int, counts: [String: Int]) = (0, [:])
    private let startedAt = DispatchTime.now().uptimeNanoseconds
    /// A fresh installation's IACT and first admin (the `fresh` profile), else nil.
    public private(set) var firstInstall: SandboxFirstInstall?
    /// The IACT of a fresh installation (fixed at start), for the ready line.
    nonisolated public let firstInstallIACT: String?
    /// The tokens the token lists show, with their lifetimes (see `SandboxTokenRecords`).
    public internal(set) var tokenRecords: SandboxTokenRecords
    /// How far the server's clock is from this machine's, in seconds (`POST /_sandbox/clock`):
    /// the `Date` header, `created-at` and the check of `expired-at` use the server's clock.
    public private(set) var clockSkewSeconds: Double = 0
    /// The first admin's token (made by `initial-admin-user`) was deleted through the API.
    var firstAdminTokenDeleted = false

    /// The server's clock: this machine's, skewed.
    nonisolated func serverNow(skew: Double) -> Date { Date().addingTimeInterval(skew) }
    /// Sets the clock's skew (what `POST /_sandbox/clock` does).
    public func skewClock(seconds: Double) { clockSkewSeconds = seconds }
    /// Seconds a new user token lives beyond the `expired-at` asked for: a server that does not
    /// keep the expiry it was given (for tests of the check that deletes such a token).
    public private(set) var newTokenExtraSeconds: Double = 0
    /// Sets `newTokenExtraSeconds`.
    public func extendNewTokens(seconds: Double) { newTokenExtraSeconds = seconds }

    public init(options: SandboxOptions, seed: SandboxState, tokens: SandboxTokens, initial: SandboxState? = nil) {
        self.options = options
        self.seed = seed
        self.tokens = tokens
        self.state = initial ?? seed
        let first = options.profile.isFresh ? SandboxFirstInstall(windowSeconds: options.iactWindowSeconds) : nil
        self.firstInstall = first
        self.firstInstallIACT = first?.iact
        self.tokenRecords = .make(options.tokenLifetimes, now: Date(), fresh: options.profile.isFresh)
    }

    /// Records the first admin's token (created by `initial-admin-user`).
    func addFirstAdminToken() { tokenRecords.addFirstAdmin(options.tokenLifetimes, now: Date()) }

    /// Why an organization's routes reject a role's token, or nil when they take it: with
    /// enforcement on, a token that lives longer than its type's cap is rejected at once
    /// (HashiCorp's TFE docs, organization settings; the provider's `tfe_org_max_token_ttl_policy`).
    /// A token with no expiry counts as longer than any cap.
    func lifetimeRejection(_ role: SandboxRole, token: String, organization: String) -> String? {
        guard let org = state.organizations[organization], org.maxTTLEnabled, let cap = org.tokenTTLMs["user"] else { return nil }
        let lifetime = tokenRecords.inUseLifetimeMs(role, token: token)
        guard lifetime.map({ $0 > cap }) ?? true else { return nil }
        return "This token lives longer than \(organization)'s maximum user token lifetime (\(TTLDuration.display(milliseconds: cap))), which is enforced: it is rejected."
    }

    /// Changes the first-install state from a test in the same process (what the control API's
    /// `POST /_sandbox/first-install` does).
    public func changeFirstInstallForTests(_ change: (inout SandboxFirstInstall) -> Void) {
        changeFirstInstall(change)
    }

    /// Whether the server is still starting (the boot delay has not passed).
    nonisolated public var isBooting: Bool { nowMs() < Double(options.bootDelayMs) }

    /// Changes the first-install state (creating the admin, the control API's switches).
    @discardableResult
    func changeFirstInstall<T>(_ change: (inout SandboxFirstInstall) -> T) -> T? {
        guard var value = firstInstall else { return nil }
        let result = change(&value)
        firstInstall = value
        return result
    }

    /// Milliseconds since the sandbox started (the request log's clock).
    nonisolated public func nowMs() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - startedAt) / 1e6
    }

    /// Changes the state in one step (no await in between, so no other request interleaves),
    /// persists it when `--state` is set, and returns what the change returns.
    @discardableResult
    func mutate<T>(_ change: (inout SandboxState) -> T) -> T {
        // A `discard` fault: the change is made on a copy, so the answer shows it and nothing
        // keeps it (requests handled meanwhile are not touched).
        if Self.discardingWrites {
            var copy = state
            return change(&copy)
        }
        let value = change(&state)
        persist()
        return value
    }

    /// Set while a request armed with a `discard` fault is handled.
    @TaskLocal static var discardingWrites = false

    func persist() {
        guard let path = options.statePath else { return }
        // The one atomic writer: a kill mid-write never leaves half a file.
        try? PrivateFile.write(state.jsonData(), to: path)
    }

    func record(_ r: SandboxRequestRecord) { requests.append(r) }
    public func clearRequests() { requests.removeAll() }
    func send(_ email: SandboxEmail) { outbox.append(email) }

    /// Arms a fault (what `POST /_sandbox/faults` does).
    public func arm(_ fault: SandboxFault) { faults.append(fault) }
    /// The faults still armed: one leaves when its last request arrives (tests poll for that).
    public var armedFaults: [SandboxFault] { faults }
    func clearFaults() { faults.removeAll() }
    /// Roles whose token no longer works (`POST /_sandbox/revoke`), as when an admin revokes it.
    private(set) var revoked: Set<SandboxRole> = []
    /// Revokes a role's token (what `POST /_sandbox/revoke` does).
    public func revoke(_ role: SandboxRole) { revoked.insert(role) }
    /// The role a token authenticates, unless it was revoked.
    func authenticate(_ token: String) -> SandboxRole? {
        // A fresh installation has no users: only the first admin's token, once made, works.
        let minted = tokenRecords.mintedRole(token)
        if let firstInstall {
            guard let admin = firstInstall.admin else { return nil }
            if let minted { return minted }
            return SandboxTokens.constantTimeEqual(admin.token, token) && !firstAdminTokenDeleted ? .siteAdmin : nil
        }
        if let minted { return minted }   // its own token: `/_sandbox/revoke` revokes the role's fixed one
        guard let role = tokens.role(for: token), !revoked.contains(role) else { return nil }
        return role
    }

    /// Makes every API answer hostile (what `POST /_sandbox/hostile` does), or stops (nil).
    public func setHostile(_ value: SandboxHostile?) { hostile = value }

    /// The first armed fault matching the request, used up once.
    func takeFault(method: String, path: String) -> SandboxFault? {
        guard let index = faults.firstIndex(where: { ($0.method == nil || $0.method!.uppercased() == method) && $0.path == path && $0.count > 0 }) else {
            return nil
        }
        let fault = faults[index]
        faults[index].count -= 1
        if faults[index].count <= 0 { faults.remove(at: index) }
        return fault
    }

    /// Counts a request against the token's per-second limit; returns the seconds to wait when over.
    /// - Parameter key: whose requests count together: the user's (every token of a user shares
    ///   one budget, as the API's limit is per user), or the team's.
    func rateLimit(key token: String) -> Int? {
        guard options.rateLimit > 0 else { return nil }
        let second = Int(nowMs() / 1000)
        if window.second != second { window = (second, [:]) }
        let count = (window.counts[token] ?? 0) + 1
        window.counts[token] = count
        return count > options.rateLimit ? 1 : nil
    }

    /// Back to the seed; clears requests, outbox, faults and the rate limiter.
    func reset() {
        state = seed
        tokenRecords = .make(options.tokenLifetimes, now: Date(), fresh: options.profile.isFresh)
        requests.removeAll()
        outbox.removeAll()
        faults.removeAll()
        hostile = nil
        revoked = []
        window = (0, [:])
        clockSkewSeconds = 0
        firstAdminTokenDeleted = false
        if let iact = firstInstall?.iact { firstInstall = SandboxFirstInstall(iact: iact, windowSeconds: options.iactWindowSeconds) }
        persist()
    }
}

extension SandboxStore {
    /// The request log (what `GET /_sandbox/requests` lists), for in-process tests.
    public var requestLog: [SandboxRequestRecord] { requests }
    /// The test emails "sent" (what `GET /_sandbox/outbox` lists), for in-process tests.
    public var sentEmails: [SandboxEmail] { outbox }
}
