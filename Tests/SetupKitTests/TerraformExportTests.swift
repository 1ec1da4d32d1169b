import Foundation
import SetupKit
import Testing
import TestFixtures
import TestSupport
import TFEClient

@Suite("Terraform durations")
struct TerraformDurationTests {
    @Test("the shortest exact spelling in y, d or h", arguments: [
        (Int64(31_536_000_000), "1y"), (7_776_000_000, "90d"), (2_592_000_000, "30d"), (63_072_000_000, "2y"),
        (63_113_904_000, "730.485d"), (129_600_000, "36h"), (1_800_000, "0.5h"), (86_400_000, "1d"), (604_800_000, "7d"),
        (43_200_000, "12h"), (5_400_000, "1.5h"),
    ])
    func spelled(ms: Int64, text: String) throws {
        let s = try #require(TerraformDuration.spell(milliseconds: ms))
        #expect(s.text == text)
        #expect(s.exact)
    }

    @Test("odd values still land exactly once the provider rounds") func odd() throws {
        for ms: Int64 in [1, 999, 1_001, 61_234, 3_599_999, 123_456_789_012] {
            let s = try #require(TerraformDuration.spell(milliseconds: ms))
            #expect(s.exact, "\(ms) → \(s.text) → \(s.providerMilliseconds)")
        }
    }

    @Test("values beyond float precision are marked inexact, with what the provider would write") func huge() throws {
        let s = try #require(TerraformDuration.spell(milliseconds: 9_000_000_000_000_000_001))
        #expect(!s.exact)
        #expect(abs(s.providerMilliseconds - 9_000_000_000_000_000_001) < 10_000)
    }

    @Test("zero, negative and Int64.min have no spelling (a hostile server's values), and nothing traps", arguments: [Int64(0), -1, -86_400_000, .min])
    func unspellable(ms: Int64) {
        #expect(TerraformDuration.spell(milliseconds: ms) == nil)
    }

    @Test("every spelling matches the provider's grammar and computes back to the value (seeded random)") func property() throws {
        var rng = SeededGenerator(seed: 0x7FE5E7)
        for _ in 0..<2_000 {
            let ms = Int64.random(in: 1...400_000_000_000_000, using: &rng)   // up to ~12,700 years
            let s = try #require(TerraformDuration.spell(milliseconds: ms))
            #expect(s.text.range(of: #"^[0-9]+(\.[0-9]+)?(h|d|y)$"#, options: .regularExpression) != nil, "\(s.text)")
            #expect(s.exact, "\(ms) → \(s.text) → \(s.providerMilliseconds)")
            #expect(TerraformDuration.providerValue(s.text) == s.providerMilliseconds)
        }
    }

    @Test("the provider's arithmetic: float64, units multiplied left to right, halves away from zero") func providerArithmetic() {
        #expect(TerraformDuration.providerValue("0.5h") == 1_800_000)
        #expect(TerraformDuration.providerValue("2.5d") == 216_000_000)
        #expect(TerraformDuration.providerValue("1y") == 31_536_000_000)
        #expect(TerraformDuration.providerValue(".5h") == nil)
        #expect(TerraformDuration.providerValue("5") == nil)
        #expect(TerraformDuration.providerValue("0h") == nil)
    }
}

@Suite("Terraform exporter")
struct TerraformExporterTests {
    static func state(username: String = "smtp-bot", host: String = "smtp.example.com") -> CurrentState {
        var s = Seed.fresh()
        s.smtp = SMTPSettings(enabled: true, host: host, port: 587, sender: "noreply@example.com", auth: .login, username: username)
        s.organization = Organization(name: "my-org", email: "ops@my-org.example.com", defaultExecutionMode: .agent, defaultAgentPoolID: "apool-abc123", maxTTLEnabled: true, canUpdate: true)
        s.tokenTTLPolicies = [TokenTTLPolicy(tokenType: .organization, maxTTLMilliseconds: 31_536_000_000), TokenTTLPolicy(tokenType: .team, maxTTLMilliseconds: 1),
                              TokenTTLPolicy(tokenType: .user, maxTTLMilliseconds: 9_000_000_000_000_000_001),
                              TokenTTLPolicy(tokenType: TokenType(rawValue: "metrics"), maxTTLMilliseconds: 86_400_000)]
        return s
    }

    @Test("strings are escaped so that no value is read as a template or breaks the file") func escaping() async throws {
        let awkward = #"bot"with\quotes${var.x}%{ if }"#
        let text = TerraformExporter.render(current: Self.state(username: awkward + "\n# injected = true"), address: URL(string: "https://tfe.example.com")!)
        #expect(text.contains(#"username            = "bot\"with\\quotes$${var.x}%%{ if }\n# injected = true""#) ||
                text.contains(#"username = "bot\"with\\quotes$${var.x}%%{ if }\n# injected = true""#), "\(text)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("escape-\(UUID().uuidString.prefix(8)).tf").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        let hcl = try await HCLParser.summary(of: path)
        #expect(hcl["resources"]?["tfe_admin_smtp_settings.this"]?["username"] == .string(awkward + "\n# injected = true"), "parses back to the same value")
        #expect(hcl["resources"]?["tfe_admin_smtp_settings.this"]?["injected"] == nil)
    }

    @Test("what cannot be expressed is said in a comment") func comments() throws {
        let text = TerraformExporter.render(current: Self.state(), address: URL(string: "https://tfe.example.com")!)
        let team = try #require(text.split(separator: "\n").first { $0.contains("team_token_max_ttl") })
        let value = String(team.split(separator: "\"")[1])
        #expect(TerraformDuration.providerValue(value) == 1, "1 ms, spelled so that the provider computes 1 ms: \(value)")
        #expect(text.contains("# User: cannot be stated exactly in the provider's units; the server has 9000000000000000001 ms"))
        #expect(text.contains("# Token type \"metrics\" (1d) has no argument in the provider; not exported."))
        #expect(text.contains("default_agent_pool_id  = \"apool-abc123\""))
        #expect(text.contains("email           = \"ops@my-org.example.com\""))
        #expect(text.range(of: #"(?m)^\s*password\s*="#, options: .regularExpression) == nil, "only password_wo, fed by a variable")
        #expect(text.contains("password_wo         = var.smtp_password"))
    }

    @Test("tfe_organization: what the server reports is written; what it does not is named with what the provider does without it")
    func organizationDefaults() throws {
        var state = Self.state()
        state.organization.scalarAttributes["user-tokens-enabled"] = .bool(false)
        state.organization.scalarAttributes["speculative-plan-management-enabled"] = nil
        state.organization.scalarAttributes["owners-team-saml-role-id"] = .null
        let text = TerraformExporter.render(current: state, address: URL(string: "https://tfe.example.com")!)
        #expect(text.range(of: #"(?m)^\s*user_tokens_enabled\s*= false$"#, options: .regularExpression) != nil, "the server's false, not the provider's true: \(text)")
        // The comments as one text (they wrap at 96 columns).
        let comments = text.split(separator: "\n").filter { $0.hasPrefix("  #") }.map { $0.drop { $0 == " " || $0 == "#" } }.joined(separator: " ")
        #expect(comments.contains("the provider sends its default:") && comments.contains("speculative_plan_management_enabled = true"), "\(comments)")
        #expect(!comments.contains("user_tokens_enabled"), "reported, so written, not named: \(comments)")
        #expect(!comments.contains("owners_team_saml_role_id"), "null on the server and in the state: nothing to say")
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 || !$0.hasPrefix("#") && !$0.hasPrefix("  #") }, "comments wrapped")
    }

    @Test("sections limit what is written") func sections() {
        let text = TerraformExporter.render(current: Self.state(), address: URL(string: "https://tfe.example.com:8443")!, sections: [.executionDefaults])
        #expect(text.contains("tfe_organization_default_settings"))
        #expect(!text.contains("tfe_admin_smtp_settings") && !text.contains("tfe_org_max_token_ttl_policy") && !text.contains("smtp_password"))
        #expect(text.contains("hostname = \"tfe.example.com:8443\""))
    }

    @Test("an IPv6 server keeps its brackets in the provider's hostname")
    func ipv6Hostname() {
        let text = TerraformExporter.render(current: Self.state(), address: URL(string: "https://[fd00::1]:8443")!)
        #expect(text.contains("hostname = \"[fd00::1]:8443\""), "\(text)")
    }
}
