import FoundationEssentials

/// How a sandbox runs (the `tfe-setup sandbox` flags).
public struct SandboxOptions: Sendable {
    /// 0 picks a free port.
    public var port: Int
    /// Added to every `/api/v2` request.
    public var latencyMs: Int
    /// Up to this much more, at random, for each request; split at a random point into the time
    /// before the request is counted and handled and the time after (a network's jitter on the
    /// way in and on the way out), so the instant the rate limit counts a request varies too.
    public var latencyJitterMs = 0
    /// Requests per second per token; 0 turns the limit off.
    public var rateLimit: Int
    /// The kind of server it plays (see `SandboxProfile`).
    public var profile: SandboxProfile
    /// Behave like HCP Terraform: `TFP-AppName: HCP Terraform`, no admin API.
    public var hcp: Bool { profile.isHCP }
    /// Where to persist the state after every write (and load it from at start).
    public var statePath: String?
    /// Generated organizations added to the seed (`SandboxState.withFleet`).
    public var fleet = 0
    /// How long the server takes to come up: until then every request but the control API's
    /// answers 502, as a starting TFE behind its proxy does.
    public var bootDelayMs = 0
    /// How long after the start the IACT can be fetched (TFE_IACT_TIME_LIMIT, 60 minutes by default).
    public var iactWindowSeconds = 3600
    /// How long the existing tokens live: `.short` (inside any cap) unless asked for `.real`, so a
    /// test that turns enforcement on is not locked out by it; the command line's default is `.real`.
    public var tokenLifetimes: SandboxTokenLifetimes = .short
    /// Serve HTTPS with this PEM certificate chain and key (for testing `--ca-cert`).
    public var tls: (certificatePath: String, keyPath: String)?

    /// - Parameter hcp: the `hcp` profile (kept for `--hcp`); `profile` wins when it is not `.tfe`.
    public init(port: Int = 0, latencyMs: Int = 0, rateLimit: Int = 30, hcp: Bool = false, profile: SandboxProfile = .tfe, statePath: String? = nil,
                tls: (certificatePath: String, keyPath: String)? = nil) {
        self.tls = tls
        self.port = port
        self.latencyMs = latencyMs
        self.rateLimit = rateLimit
        self.profile = profile == .tfe && hcp ? .hcp : profile
        self.statePath = statePath
    }
}
