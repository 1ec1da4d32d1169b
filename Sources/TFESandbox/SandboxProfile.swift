import FoundationEssentials

/// Which kind of real server the sandbox plays (`tfe-setup sandbox --profile NAME`), from the
/// public sources: terraform-provider-tfe, go-tfe and the API documentation (see docs/servers.md).
public enum SandboxProfile: String, Sendable, CaseIterable {
    /// A current Terraform Enterprise: every endpoint, `X-TFE-Current-Version: 2.1.0`.
    case tfe
    /// A Terraform Enterprise 1.x: no token-TTL-policy API (404), no `max-ttl-enabled` attribute
    /// (a PATCH naming it is accepted and the value ignored), `X-TFE-Current-Version: 1.1.0`.
    case tfe1 = "tfe-1.x"
    /// HCP Terraform: `TFP-AppName: HCP Terraform`, no admin API (every `/admin/*` answers 404).
    case hcp
    /// An HCP Terraform organization without the agents entitlement: every agent endpoint
    /// answers 404 and the entitlement set says `agents: false`.
    case hcpNoAgents = "hcp-no-agents"
    /// A Terraform Enterprise just installed: no users, no organization, the IACT retrievable
    /// from loopback for a while, and a boot delay during which everything answers 502.
    case fresh

    public var isHCP: Bool { self == .hcp || self == .hcpNoAgents }
    public var hasTTLPolicies: Bool { self != .tfe1 }
    public var reportsMaxTTLEnabled: Bool { self != .tfe1 }
    public var hasAgents: Bool { self != .hcpNoAgents }
    public var isFresh: Bool { self == .fresh }

    /// The profiles of a server in service (users and organizations exist): every one but `fresh`.
    public static let inService: [SandboxProfile] = allCases.filter { !$0.isFresh }

    /// The state a server of this kind starts from when no seed is given.
    public var seed: SandboxState { isFresh ? .freshInstallation : .defaultSeed }

    /// The headers a server of this kind sends on every API answer.
    public var headers: [(String, String)] {
        var h: [(String, String)] = [("TFP-AppName", isHCP ? "HCP Terraform" : "Terraform Enterprise"), ("TFP-API-Version", "2.6")]
        switch self {
        case .tfe, .fresh: h.append(("X-TFE-Current-Version", "2.1.0"))
        case .tfe1: h.append(("X-TFE-Current-Version", "1.1.0"))
        case .hcp, .hcpNoAgents: break
        }
        return h
    }

    /// One line for `--help` and docs/servers.md.
    public var summary: String {
        switch self {
        case .tfe: return "a current Terraform Enterprise (2.1.0): everything"
        case .tfe1: return "Terraform Enterprise 1.1.0: no token TTL policies, no max-ttl-enabled"
        case .hcp: return "HCP Terraform: no admin API, so no SMTP settings"
        case .hcpNoAgents: return "HCP Terraform, an organization without the agents entitlement"
        case .fresh: return "a Terraform Enterprise just installed: no users, no organization, the IACT retrievable from loopback, a boot delay"
        }
    }
}
