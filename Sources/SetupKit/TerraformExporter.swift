import FoundationEssentials
import TFEClient

/// Writes the current settings as Terraform configuration for the `hashicorp/tfe` provider.
///
/// Resource and argument names follow the provider's source (hashicorp/terraform-provider-tfe,
/// `internal/provider/resource_tfe_*.go`): `tfe_admin_smtp_settings`,
/// `tfe_organization_default_settings`, `tfe_organization.max_ttl_enabled` (the TTL policy's
/// on/off switch lives on the organization) and `tfe_org_max_token_ttl_policy` — the first, the
/// last and `max_ttl_enabled` exist from provider v0.78.0, which `required_providers` demands. Every resource
/// comes with an `import` block (Terraform 1.5+) so that the first `terraform apply` adopts the
/// existing settings instead of creating anything. Never a secret: the SMTP password is a
/// write-only argument fed from an ephemeral variable.
package enum TerraformExporter {
    /// The configuration for `current`; `sections` limits what is written.
    package static func render(current: CurrentState, address: URL, sections: Set<Section> = Set(Section.allCases)) -> String {
        var w = HCLWriter()
        let org = current.organization
        w.comment("""
            Terraform configuration for the hashicorp/tfe provider, exported by tfe-setup from
            \(address.absoluteString), organization "\(org.name)".
            It holds no secret. Read `terraform plan` before the first apply: the import blocks
            (Terraform 1.5+) adopt the existing settings, and the plan shows anything that would change.
            """)
        w.blank()
        w.block("terraform") {
            $0.block("required_providers") {
                $0.attribute("tfe", raw: "{ source = \"hashicorp/tfe\", version = \"\(providerVersion)\" }")
            }
        }
        w.blank()
        w.comment("The token comes from TFE_TOKEN or the Terraform CLI credentials file, never from this file.")
        w.block("provider \"tfe\"") {
            // The host as the address writes it: an IPv6 literal keeps its brackets ([fd00::1]:8443).
            let host = HostName.written(in: address)
            $0.attribute("hostname", address.port.map { "\(host):\($0)" } ?? host)
        }
        if sections.contains(.smtp) { smtp(current, into: &w) }
        if sections.contains(.executionDefaults) { executionDefaults(current, into: &w) }
        if sections.contains(.tokenTTL) { tokenTTL(current, into: &w) }
        return w.text
    }

    /// The provider releases that have every resource and argument this export writes:
    /// `tfe_admin_smtp_settings`, `tfe_org_max_token_ttl_policy` and
    /// `tfe_organization.max_ttl_enabled` came in v0.78.0 (its CHANGELOG and tags); below 1.0 so
    /// that a major release's schema changes are taken on purpose.
    package static let providerVersion = ">= 0.78.0, < 1.0.0"

    static func smtp(_ current: CurrentState, into w: inout HCLWriter) {
        w.blank()
        w.comment("SMTP relay (site-admin setting of the whole installation).")
        guard let s = current.smtp else {
            w.comment("Not exported: \(current.smtpUnavailableReason ?? "the SMTP settings could not be read.")")
            return
        }
        if s.auth != .none {
            w.block("variable \"smtp_password\"") {
                $0.attribute("description", "The SMTP relay password. Set TF_VAR_smtp_password; it is never stored in this file or in state.")
                $0.attribute("type", raw: "string")
                $0.attribute("sensitive", true)
                $0.attribute("ephemeral", true)
            }
            w.blank()
        }
        // The provider's import reads the one SMTP setting whatever the id; its docs use `smtp`.
        w.importBlock(to: "tfe_admin_smtp_settings.this", id: "smtp")
        w.block("resource \"tfe_admin_smtp_settings\" \"this\"") {
            for setting in SMTPSetting.all { setting.terraform(s, &$0) }
            if s.auth != .none {
                $0.comment("Write-only (Terraform 1.11+): sent to the server, never kept in state. Raise the version to send a new password.")
                $0.attribute("password_wo", raw: "var.smtp_password")
                $0.attribute("password_wo_version", 1)
            }
        }
    }

    static func executionDefaults(_ current: CurrentState, into w: inout HCLWriter) {
        let org = current.organization
        w.blank()
        w.comment("Default execution mode and agent pool of the organization's workspaces.")
        if let unknown = org.unknownExecutionMode {
            w.comment("Not exported: the server reports the mode \"\(unknown)\", which this version of tfe-setup does not know.")
            return
        }
        w.importBlock(to: "tfe_organization_default_settings.this", id: org.name)
        w.block("resource \"tfe_organization_default_settings\" \"this\"") {
            $0.attribute("organization", org.name)
            $0.attribute("default_execution_mode", org.defaultExecutionMode.rawValue)
            if org.defaultExecutionMode == .agent, let pool = org.defaultAgentPoolID {
                let name = current.agentPools.first(where: { $0.id == pool })?.name
                $0.attribute("default_agent_pool_id", pool, trailing: name.map { "agent pool \"\($0)\"" })
            }
        }
    }

    static func tokenTTL(_ current: CurrentState, into w: inout HCLWriter) {
        let org = current.organization
        w.blank()
        w.comment("Maximum lifetime of API tokens.")
        guard let policies = current.tokenTTLPolicies else {
            w.comment("Not exported: \(current.tokenTTLUnavailable ?? "the token TTL policies could not be read.")")
            return
        }
        w.comment("""
            The policy's on/off switch is max_ttl_enabled on tfe_organization. That resource manages the
            whole organization: its arguments below are the server's current values, so the first
            `terraform plan` should propose no other change; read it before applying all the same.
            """)
        w.importBlock(to: "tfe_organization.this", id: org.name)
        w.block("resource \"tfe_organization\" \"this\"") {
            $0.attribute("name", org.name)
            if let email = org.email { $0.attribute("email", email) } else {
                $0.comment("The organization's email could not be read; fill it in.")
                $0.attribute("email", "")
            }
            // Every argument the resource manages, as the server reports it: after the import the
            // first plan then proposes no change unrelated to the TTL switch.
            var kept: [String] = [], pushed: [String] = [], unsure: [String] = []
            for (argument, attribute, whenOmitted) in organizationArguments {
                switch org.scalarAttributes[attribute] {
                case .bool(let b)?: $0.attribute(argument, b)
                case .integer(let i)?: $0.attribute(argument, Int(clamping: i))
                case .string(let s)?: $0.attribute(argument, s)
                case .null?: break   // no value on the server, none in the state after the import
                default:
                    switch whenOmitted {
                    case .kept: kept.append(argument)
                    case .providerDefault(let value): pushed.append("\(argument) = \(value)")
                    case .planMayDiffer: unsure.append(argument)
                    }
                }
            }

            if current.ttlSwitchUnavailableReason == nil { $0.attribute("max_ttl_enabled", org.maxTTLEnabled) }
            // Comments last: one in the middle would break the `=` alignment `terraform fmt` keeps.
            if let reason = current.ttlSwitchUnavailableReason { $0.comment("max_ttl_enabled not written: " + reason) }
            if !kept.isEmpty { $0.comment("Not reported by the server; the provider keeps the server's value: " + kept.joined(separator: ", ") + ".") }
            if !pushed.isEmpty {
                $0.comment("Not reported by the server; left out, the provider sends its default: " + pushed.joined(separator: ", ")
                           + ". Write the value you want before applying.")
            }
            if !unsure.isEmpty {
                $0.comment("Not reported by the server; the first plan may show a change for: " + unsure.joined(separator: ", ") + ".")
            }
            $0.block("lifecycle") { $0.attribute("prevent_destroy", true) }
        }
        w.blank()
        w.importBlock(to: "tfe_org_max_token_ttl_policy.this", id: org.name)
        w.block("resource \"tfe_org_max_token_ttl_policy\" \"this\"") {
            $0.attribute("organization", raw: "tfe_organization.this.name")
            let names: [TokenType: String] = [.organization: "org_token_max_ttl", .team: "team_token_max_ttl",
                                               .user: "user_token_max_ttl", .auditTrails: "audit_trail_token_max_ttl"]
            // Notes first, in one comment, so that the arguments stay aligned as `terraform fmt` has them.
            var notes: [String] = []
            var arguments: [(String, String)] = []
            for type in TokenType.known {
                guard let ms = policies.first(where: { $0.tokenType == type })?.maxTTLMilliseconds else { continue }
                guard let spelling = TerraformDuration.spell(milliseconds: ms) else {
                    notes.append("\(type.label): the server reports \(ms) ms, which no TTL can be; not exported (the provider would refuse it). Check the policy on the server.")
                    continue
                }
                if !spelling.exact {
                    notes.append("\(type.label): cannot be stated exactly in the provider's units; the server has \(ms) ms, this writes \(spelling.providerMilliseconds) ms.")
                } else if ms == TTLDuration.twoYearsServer {
                    notes.append("\(type.label): \(spelling.text) is the server's untouched default (2 years of 365.2425 days); the provider's \"2y\" is 730 days.")
                }
                if let name = names[type] { arguments.append((name, spelling.text)) }
            }
            if !notes.isEmpty { $0.comment(notes.joined(separator: "\n")) }
            for (name, value) in arguments { $0.attribute(name, value) }
            for policy in policies where !policy.tokenType.isKnown {
                $0.comment("Token type \"\(policy.tokenType.rawValue)\" (\(TTLDuration.display(milliseconds: policy.maxTTLMilliseconds))) has no argument in the provider; not exported.")
            }
        }
    }
}

extension TerraformExporter {
    /// What the provider does with a `tfe_organization` argument the configuration leaves out
    /// (terraform-provider-tfe's `resource_tfe_organization.go`, read at 62d27c75).
    enum WhenOmitted {
        /// Computed: the server's value is kept.
        case kept
        /// A schema `Default`, sent on every update (`GetOkExists` sees it).
        case providerDefault(String)
        /// Optional with no default: not sent when empty, but the plan may show a change.
        case planMayDiffer
    }

    /// `tfe_organization`'s arguments, the organization attribute each one mirrors (go-tfe's
    /// `Organization` in v1.go), and what leaving it out does. `default_project_id` is computed,
    /// not an argument; `name`, `email` and `max_ttl_enabled` are written on their own.
    static let organizationArguments: [(argument: String, attribute: String, whenOmitted: WhenOmitted)] = [
        ("session_timeout_minutes", "session-timeout", .planMayDiffer),
        ("session_remember_minutes", "session-remember", .planMayDiffer),
        ("collaborator_auth_policy", "collaborator-auth-policy", .providerDefault("\"password\"")),
        ("owners_team_saml_role_id", "owners-team-saml-role-id", .planMayDiffer),
        ("cost_estimation_enabled", "cost-estimation-enabled", .kept),
        ("send_passing_statuses_for_untriggered_speculative_plans", "send-passing-statuses-for-untriggered-speculative-plans", .kept),
        ("aggregated_commit_status_enabled", "aggregated-commit-status-enabled", .kept),
        ("assessments_enforced", "assessments-enforced", .planMayDiffer),
        ("allow_force_delete_workspaces", "allow-force-delete-workspaces", .providerDefault("false")),
        ("speculative_plan_management_enabled", "speculative-plan-management-enabled", .providerDefault("true")),
        ("user_tokens_enabled", "user-tokens-enabled", .providerDefault("true")),
        ("enforce_hyok", "enforce-hyok", .providerDefault("false")),
        ("stacks_enabled", "stacks-enabled", .planMayDiffer),
    ]
}
