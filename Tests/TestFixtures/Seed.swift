import SetupKit
import TFEClient

/// The seed scenario and a fresh server, as values: the fixtures the pure tests and the sandbox
/// tests share (this target imports no sandbox, so the pure tests stay pure).
package enum Seed {
    /// `seed-scenario.json` as desired settings (the password an obviously fake one).
    package static let desired = DesiredSettings(
        smtp: SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                 username: "smtp-bot", password: SecretString("fake-plan-pw-1"), testEmailAddress: "ops@example.com"),
        executionDefaults: .init(mode: .agent, agentPool: .set("apool-abc123")),
        tokenTTL: .init(enabled: true, milliseconds: [.organization: 31_536_000_000, .team: 7_776_000_000, .user: 2_592_000_000, .auditTrails: 63_072_000_000]))

    /// A server as installed: SMTP off, remote mode, one pool, every TTL policy at the 2-year default.
    package static func fresh() -> CurrentState {
        CurrentState(ping: PingInfo(appName: "Terraform Enterprise"), account: Account(id: "u", username: "admin", isSiteAdmin: true),
                     organization: Organization(name: "my-org", canUpdate: true),
                     agentPools: [AgentPool(id: "apool-abc123", name: "primary", agentCount: 3)],
                     smtp: SMTPSettings(), tokenTTLPolicies: TokenType.known.map { TokenTTLPolicy(tokenType: $0, maxTTLMilliseconds: TTLDuration.twoYearsServer) })
    }
}
