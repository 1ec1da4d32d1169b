import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// `tfe-setup export` as a separate process against a sandbox: the answers file round-trips, the
/// Terraform configuration parses as HCL, says what the server holds, and holds no secret.
@Suite("export")
struct ExportCommandTests {

    /// Applies the seed scenario (with a password and a test address) so that every section has values.
    static func applySeed(_ server: SandboxServer, _ dir: String) async {
        let file = CLI.write(dir, "seed.json", CLI.seed)
        let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
        #expect(r.status == 0, "\(r.output)")
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test("an answers export names what it leaves out and why; a switch the server does not report is left out, not written as off")
    func leftOut() async throws {
        try await CLI.with { server, dir in
            let out = dir + "/owner.json"
            let r = await CLI.run(address: server.address, token: server.tokens.owner, dir, ["export", "--organization", "my-org", "--output", out])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("left out of the answers file:") && r.output.contains("- smtp: the token is not a site admin"), "\(r.output)")
            #expect(JSONValue.parse(Data(Self.read(out).utf8))?["smtp"] == nil)
        }
        try await CLI.with(SandboxOptions(rateLimit: 0, profile: .tfe1)) { server, dir in
            let out = dir + "/old.json"
            let r = await CLI.run(server, dir, ["export", "--organization", "my-org", "--output", out])
            #expect(r.status == 0, "\(r.output)")
            let exported = try #require(JSONValue.parse(Data(Self.read(out).utf8)), "\(Self.read(out))")
            #expect(exported["token_ttl"]?["enabled"] == nil, "unsupported is not off: \(Self.read(out))")
            #expect(r.output.contains("- token_ttl.enabled: ") && r.output.contains("does not report max-ttl-enabled"), "\(r.output)")
            let plan = await CLI.run(server, dir, ["plan", "--answers", out])
            #expect(plan.status == 0, "the export still plans clean: \(plan.output)")
        }
    }

    @Test("answers export round-trips: on a fresh sandbox and after the seed, plan says nothing to change")
    func answersRoundTrip() async throws {
        try await CLI.with { server, dir in
            for round in ["fresh", "seeded"] {
                if round == "seeded" { await Self.applySeed(server, dir) }
                let out = dir + "/\(round).json"
                var r = await CLI.run(server, dir, ["export", "--organization", "my-org", "--output", out])
                #expect(r.status == 0, "\(r.output)")
                #expect(r.output.contains("Wrote the answers file to \(out)."))
                let text = Self.read(out)
                #expect(!text.contains("password"), "no password and no password reference: \(text)")
                #expect(!text.contains("fake-auto-pw-8") && !text.contains(server.tokens.siteAdmin))
                #expect(!text.contains("test_email_address"))
                let before = await server.store.requestLog.filter { $0.method == "PATCH" }.count
                r = await CLI.run(server, dir, ["plan", "--answers", out], env: [:])
                #expect(r.status == 0, "\(round): \(r.output)\n\(text)")
                #expect(r.output.contains("Nothing to change."))
                r = await CLI.run(server, dir, ["apply", "--answers", out, "--auto-approve", "--smtp-relay", "smtp.example.com"], env: [:])
                #expect(r.status == 0, "\(r.output)")
                #expect(await server.store.requestLog.filter { $0.method == "PATCH" }.count == before, "applying the export sends nothing")
            }
            // The seeded export states the seed's values.
            let seeded = try #require(JSONValue.parse(Data(Self.read(dir + "/seeded.json").utf8)))
            #expect(seeded["smtp"]?["port"] == .integer(587))
            #expect(seeded["execution_defaults"]?["agent_pool_id"] == .string("apool-abc123"))
            #expect(seeded["token_ttl"]?["team"] == .string("90d"))
        }
    }

    @Test("Terraform export: valid HCL, the provider's resources with the server's values, no secret")
    func terraform() async throws {
        try await CLI.with { server, dir in
            await Self.applySeed(server, dir)
            let out = dir + "/main.tf"
            let r = await CLI.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", out])
            #expect(r.status == 0, "\(r.output)")
            let text = Self.read(out)
            #expect(!text.contains("fake-auto-pw-8") && !text.contains(server.tokens.siteAdmin) && !text.contains("ops@example.com"),
                    "no password, token or one-off test address")

            let hcl = try await HCLParser.summary(of: out)
            let resources = try #require(hcl["resources"])
            let smtp = try #require(resources["tfe_admin_smtp_settings.this"])
            #expect(smtp["enabled"] == .bool(true))
            #expect(smtp["host"] == .string("smtp.example.com"))
            #expect(smtp["port"] == .integer(587))
            #expect(smtp["auth"] == .string("login"))
            #expect(smtp["username"] == .string("smtp-bot"))
            #expect(smtp["password_wo"] == .string("${var.smtp_password}"), "the password is a variable")
            #expect(smtp["password"] == nil)
            #expect(hcl["variables"]?["smtp_password"]?["sensitive"] == .bool(true))
            #expect(hcl["variables"]?["smtp_password"]?["ephemeral"] == .bool(true))
            #expect(hcl["variables"]?["smtp_password"]?["default"] == nil)

            // tfe_organization manages the whole organization: every argument it has that the
            // server reports is carried over, so the first plan after the import changes nothing else.
            let organization = try #require(resources["tfe_organization.this"])
            #expect(organization["session_timeout_minutes"] == .integer(20160))
            #expect(organization["session_remember_minutes"] == .integer(20160))
            #expect(organization["collaborator_auth_policy"] == .string("password"))
            #expect(organization["cost_estimation_enabled"] == .bool(true))
            #expect(organization["send_passing_statuses_for_untriggered_speculative_plans"] == .bool(false))
            #expect(organization["allow_force_delete_workspaces"] == .bool(false))
            #expect(organization["owners_team_saml_role_id"] == nil, "null on the server: left to the provider")

            let defaults = try #require(resources["tfe_organization_default_settings.this"])
            #expect(defaults["organization"] == .string("my-org"))
            #expect(defaults["default_execution_mode"] == .string("agent"))
            #expect(defaults["default_agent_pool_id"] == .string("apool-abc123"))

            #expect(resources["tfe_organization.this"]?["max_ttl_enabled"] == .bool(true))
            #expect(resources["tfe_organization.this"]?["name"] == .string("my-org"))
            let ttl = try #require(resources["tfe_org_max_token_ttl_policy.this"])
            #expect(ttl["org_token_max_ttl"] == .string("1y"))
            #expect(ttl["team_token_max_ttl"] == .string("90d"))
            #expect(ttl["user_token_max_ttl"] == .string("30d"))
            #expect(ttl["audit_trail_token_max_ttl"] == .string("2y"))

            #expect(hcl["imports"] == .object(["${tfe_admin_smtp_settings.this}": .string("smtp"), "${tfe_organization_default_settings.this}": .string("my-org"),
                                               "${tfe_organization.this}": .string("my-org"), "${tfe_org_max_token_ttl_policy.this}": .string("my-org")]))
            #expect(hcl["providers"]?["tfe"]?["hostname"] == .string(String(server.address.dropFirst("http://".count))))
        }
    }

    @Test("Terraform export of an untouched server states the 730.485-day default exactly")
    func untouchedDefaults() async throws {
        try await CLI.with { server, dir in
            let out = dir + "/main.tf"
            let r = await CLI.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", out])
            #expect(r.status == 0, "\(r.output)")
            let hcl = try await HCLParser.summary(of: out)
            let ttl = try #require(hcl["resources"]?["tfe_org_max_token_ttl_policy.this"])
            #expect(ttl["team_token_max_ttl"] == .string("730.485d"))
            #expect(Self.read(out).contains("the server's untouched default"))
            #expect(hcl["resources"]?["tfe_admin_smtp_settings.this"]?["auth"] == .string("none"))
            #expect(hcl["variables"]?["smtp_password"] == nil, "no password variable when auth is none")
        }
    }

    @Test("HCP: SMTP is left out with the reason, in both formats")
    func hcp() async throws {
        try await CLI.with(SandboxOptions(rateLimit: 0, hcp: true)) { server, dir in
            let tf = dir + "/main.tf", answers = dir + "/a.json"
            var r = await CLI.run(server, dir, ["export", "--format", "terraform", "--organization", "my-org", "--output", tf])
            #expect(r.status == 0, "\(r.output)")
            let text = Self.read(tf)
            #expect(text.contains("# Not exported: HCP Terraform has no admin API"))
            let hcl = try await HCLParser.summary(of: tf)
            #expect(hcl["resources"]?["tfe_admin_smtp_settings.this"] == nil)
            #expect(hcl["resources"]?["tfe_organization_default_settings.this"] != nil)
            r = await CLI.run(server, dir, ["export", "--organization", "my-org", "--output", answers])
            #expect(r.status == 0, "\(r.output)")
            #expect(JSONValue.parse(Data(Self.read(answers).utf8))?["smtp"] == nil)
            r = await CLI.run(server, dir, ["plan", "--answers", answers])
            #expect(r.status == 0, "\(r.output)")
        }
    }

    @Test("export errors: exit 1 with the reason, nothing half-written")
    func errors() async throws {
        try await CLI.with { server, dir in
            var r = await CLI.run(server, dir, ["export", "--organization", "my-org", "--output", dir + "/missing/dir/a.json"])
            #expect(r.status == 1)
            #expect(r.output.contains("could not write \(dir)/missing/dir/a.json"), "\(r.output)")
            r = await CLI.run(server, dir, ["export", "--organization", "no-such-org"])
            #expect(r.status == 1)
            #expect(r.output.contains("nothing exported"), "\(r.output)")
            r = await CLI.run(server, dir, ["export", "--format", "yaml", "--organization", "my-org"])
            #expect(r.status != 0)
            #expect(r.output.contains("answers") && r.output.contains("terraform"), "\(r.output)")
            let existing = CLI.write(dir, "keep.json", "{\"keep\":true}\n")
            r = await CLI.run(server, dir, ["export", "--organization", "no-such-org", "--output", existing])
            #expect(r.status == 1)
            #expect(Self.read(existing) == "{\"keep\":true}\n", "a failed export leaves the old file alone")
        }
    }
}

/// Output the admin relies on that could not be written is said, and fails the run.
@Suite("Output to a full disk")
struct FullOutputTests {

    @Test("export > /dev/full: exit 1 and the reason on stderr, never exit 0 with nothing written")
    func exportToDevFull() async throws {
        try #require(FileManager.default.isWritableFile(atPath: "/dev/full"), "/dev/full is not on this machine: not run")
        try await CLI.with { server, dir in
            let tokenFile = dir + "/token"
            _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
            let command = [TmuxSession.binary, "export", "--organization", "my-org", "--address", server.address, "--token-file", tokenFile]
            // stderr to the pipe the test reads, stdout to the full device.
            let r = await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1 >/dev/full"])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("the output could not be written (No space left on device)"), "\(r.output)")
        }
    }
}
