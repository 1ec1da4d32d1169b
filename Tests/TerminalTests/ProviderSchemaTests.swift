import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The Terraform export against the hashicorp/tfe provider's own schema, recorded here from its
/// source (hashicorp/terraform-provider-tfe at 62d27c75, `internal/provider/resource_tfe_*.go`):
/// for each resource the export writes, the arguments one may set with their types, the
/// validators that matter for our values, and the import id. A resource, an argument or a value
/// the provider would refuse fails here instead of in an admin's `terraform plan`.
extension TerminalSuite {
@Suite("Terraform export against the provider's schema")
struct ProviderSchemaTests {

    enum Kind { case string, int, bool, reference }

    struct Resource {
        /// Settable arguments (Required or Optional; Computed-only ones such as `id` and
        /// `default_project_id` are not) and their types.
        var arguments: [String: Kind]
        /// What the import id must be: the organization's name, or any (the SMTP setting is one).
        var importIsOrganization: Bool
    }

    /// From the provider's source at 62d27c75 (v0.80.0 and later, unchanged since v0.78.0 for these).
    static let schema: [String: Resource] = [
        // resource_tfe_admin_smtp_settings.go: host/sender/username LengthAtLeast(1);
        // auth OneOf(none, plain, login); password and password_wo conflict; import ignores the id.
        "tfe_admin_smtp_settings": Resource(arguments: [
            "enabled": .bool, "host": .string, "port": .int, "sender": .string, "auth": .string, "username": .string,
            "password": .string, "password_wo": .reference, "password_wo_version": .int, "test_email_address": .string,
        ], importIsOrganization: false),
        // resource_tfe_organization_default_settings.go: import by organization name.
        "tfe_organization_default_settings": Resource(arguments: [
            "organization": .string, "default_execution_mode": .string, "default_agent_pool_id": .string,
        ], importIsOrganization: true),
        // resource_tfe_organization.go (SDKv2): id and default_project_id are Computed only.
        "tfe_organization": Resource(arguments: [
            "name": .string, "email": .string, "session_timeout_minutes": .int, "session_remember_minutes": .int,
            "collaborator_auth_policy": .string, "owners_team_saml_role_id": .string, "cost_estimation_enabled": .bool,
            "send_passing_statuses_for_untriggered_speculative_plans": .bool, "aggregated_commit_status_enabled": .bool,
            "assessments_enforced": .bool, "allow_force_delete_workspaces": .bool, "speculative_plan_management_enabled": .bool,
            "user_tokens_enabled": .bool, "enforce_hyok": .bool, "stacks_enabled": .bool, "max_ttl_enabled": .bool,
        ], importIsOrganization: true),
        // resource_tfe_org_max_token_ttl_policy.go: TTLs match validTTLPattern; import by name.
        "tfe_org_max_token_ttl_policy": Resource(arguments: [
            "organization": .reference, "org_token_max_ttl": .string, "team_token_max_ttl": .string,
            "user_token_max_ttl": .string, "audit_trail_token_max_ttl": .string,
        ], importIsOrganization: true),
    ]

    /// `validTTLPattern` of resource_tfe_org_max_token_ttl_policy.go.
    static func validTTL(_ text: String) -> Bool {
        text.wholeMatch(of: /[0-9]+(\.[0-9]+)?(h|d|w|mo|y)/) != nil
    }

    /// Blocks whose arguments the provider does not read (Terraform's own meta-arguments).
    static let metaBlocks: Set<String> = ["lifecycle"]

    static func check(_ hcl: JSONValue, _ what: String) {
        let resources = hcl["resources"]?.objectValue ?? [:]
        #expect(!resources.isEmpty, "\(what): resources were written")
        for (address, body) in resources {
            let type = String(address.split(separator: ".").first ?? "")
            guard let resource = schema[type] else {
                Issue.record("\(what): the provider has no resource \(type)")
                continue
            }
            for (argument, value) in body.objectValue ?? [:] where !metaBlocks.contains(argument) {
                guard let kind = resource.arguments[argument] else {
                    Issue.record("\(what): \(type) has no settable argument \(argument)")
                    continue
                }
                switch (kind, value) {
                case (.string, .string(let s)):
                    if ["host", "sender", "username"].contains(argument) { #expect(!s.isEmpty, "\(what): \(type).\(argument) may not be empty") }
                    if argument == "auth" { #expect(["none", "plain", "login"].contains(s), "\(what): \(s)") }
                    if argument.hasSuffix("_token_max_ttl") { #expect(validTTL(s), "\(what): \(type).\(argument) = \(s) fails the provider's pattern") }
                case (.int, .integer), (.bool, .bool): break
                case (.reference, .string(let s)): #expect(s.hasPrefix("${") && s.hasSuffix("}"), "\(what): \(type).\(argument) should be a reference: \(s)")
                default: Issue.record("\(what): \(type).\(argument) has the wrong type: \(value)")
                }
            }
            #expect(!(body["password"] != nil && body["password_wo"] != nil), "\(what): password and password_wo conflict")
            let id = hcl["imports"]?["${\(address)}"]?.stringValue
            #expect(id != nil, "\(what): \(address) has an import block")
            if resource.importIsOrganization { #expect(id == "my-org", "\(what): \(address) imports by organization name, not \(String(describing: id))") }
        }
        // Every resource above exists from provider v0.78.0: the constraint must exclude older ones.
        let version = hcl["required_providers"]?["tfe"]?["version"]?.stringValue ?? ""
        #expect(hcl["required_providers"]?["tfe"]?["source"] == .string("hashicorp/tfe"), "\(what): \(hcl)")
        #expect(version.contains(">= 0.78.0") || version.contains("~> 0.78"), "\(what): version constraint \(version)")
    }

    static func export(_ server: SandboxServer, _ dir: String) async throws -> JSONValue {
        let out = dir + "/main-\(UUID().uuidString.prefix(6)).tf"
        let r = await CLI.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", out])
        #expect(r.status == 0, "\(r.output)")
        return try await HCLParser.summary(of: out)
    }

    @Test("the default sandbox, after the seed scenario, on HCP and on TFE 1.x: every resource, argument, value and import id the provider accepts")
    func matchesSchema() async throws {
        try await CLI.with { server, dir in
            Self.check(try await Self.export(server, dir), "untouched")
            let seed = CLI.write(dir, "seed.json", CLI.seed)
            let applied = await CLI.run(server, dir, ["apply", "--answers", seed, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(applied.status == 0, "\(applied.output)")
            let seeded = try await Self.export(server, dir)
            Self.check(seeded, "after the seed")
            #expect(seeded["resources"]?["tfe_admin_smtp_settings.this"]?["auth"] == .string("login"))
        }
        for (name, options) in [("hcp", SandboxOptions(rateLimit: 0, hcp: true)), ("tfe-1.x", SandboxOptions(rateLimit: 0, profile: .tfe1))] {
            try await CLI.with(options) { server, dir in Self.check(try await Self.export(server, dir), name) }
        }
    }
}
}
