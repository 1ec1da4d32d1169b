import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The seed scenario against every kind of server the sandbox can play: what the
/// server supports ends in its state exactly as intended; what it does not is named with the
/// right reason and never sent.
extension TerminalSuite {
@Suite("Server profiles")
struct ServerProfileTests {

    /// The reason each profile must give, and words it must never use for that.
    static func reasons(_ profile: SandboxProfile) -> [String] {
        switch profile {
        case .tfe, .fresh: return []
        case .tfe1: return ["This Terraform Enterprise release (1.1.0) has no token TTL policies; they need 2.0.1 or later.",
                            "does not report max-ttl-enabled"]
        case .hcp: return ["HCP Terraform has no admin API"]
        case .hcpNoAgents: return ["HCP Terraform has no admin API", "my-org has no agents entitlement"]
        }
    }

    @Test("apply the seed scenario: supported parts land exactly, the rest is named with its reason and never sent",
          arguments: SandboxProfile.inService)
    func applySeed(profile: SandboxProfile) async throws {
        try await CLI.with(SandboxOptions(rateLimit: 0, profile: profile)) { server, dir in
            let file = CLI.write(dir, "seed.json", CLI.seed)
            let plan = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(plan.status == (profile == .tfe ? 2 : 1), "\(plan.output)")
            let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == (profile == .tfe ? 0 : 1), "\(profile): \(r.output)")
            for reason in Self.reasons(profile) {
                #expect(plan.output.contains(reason) && r.output.contains(reason), "\(profile): \(reason)\n\(r.output)")
            }
            for output in [plan.output, r.output] {
                #expect(!output.lowercased().contains("was not found"), "an organization that exists is never 'not found': \(output)")
                if profile == .tfe1 { #expect(!output.contains("owners team"), "a release too old is not an owner problem: \(output)") }
            }
            let state = await server.store.state
            let differences = SeedTarget.differences(state, on: profile)
            #expect(differences.isEmpty, "\(profile): \(differences)")
            let log = await server.store.requestLog
            let patches = log.filter { $0.method == "PATCH" }
            if !profile.hasTTLPolicies { #expect(!patches.contains { $0.path.hasSuffix("/token-ttl-policies") }, "nothing unsupported is sent") }
            if profile.isHCP { #expect(!patches.contains { $0.path.contains("/admin/") }) }
            for patch in patches where patch.path == "/api/v2/organizations/my-org" {
                let attributes = patch.body?["data"]?["attributes"]?.objectValue ?? [:]
                if !profile.reportsMaxTTLEnabled { #expect(attributes["max-ttl-enabled"] == nil, "the beta switch is not sent where unsupported") }
                if !profile.hasAgents { #expect(attributes["default-execution-mode"] != .string("agent")) }
            }
            // The organization read asks for the entitlement set in the same request.
            #expect(log.contains { $0.path == "/api/v2/organizations/my-org" && $0.method == "GET" && $0.query.contains("include=entitlement-set") })
        }
    }

    @Test("the wizard on TFE 1.x: the header names the release; the TTL screen says why it is read-only", arguments: [80, 60])
    func wizardOldRelease(width: Int) async throws {
        try await Self.demo(profile: .tfe1, width: width, height: width == 80 ? 24 : 16) { t in
            // The release after the organization, shortened where the whole line does not fit.
            #expect(t.waitFor("my-org · TFE 1.1.0"), "\(t.capture())")
            #expect(t.waitFor("› Enabled:"))
            t.keys("Enter")            // SMTP stays off: its only field, so Enter leaves the screen
            #expect(t.waitFor("› Mode:"))
            t.keys("Enter")
            #expect(t.waitFor("Enforce max TTL:"), "\(t.capture())")
            let screen = t.capture().replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
            #expect(screen.contains("1.1.0") && screen.contains("2.0.1"), "\(t.capture())")
            #expect(!screen.contains("owners team"), "\(t.capture())")
        }
    }

    @Test("the wizard on HCP without agents: agent mode is not offered, and the Mode line says why", arguments: [80, 60])
    func wizardNoAgents(width: Int) async throws {
        try await Self.demo(profile: .hcpNoAgents, width: width, height: width == 80 ? 24 : 16) { t in
            #expect(t.waitFor("› Mode:"), "SMTP is not shown on HCP: \(t.capture())")
            #expect(t.waitFor("remote / local"))
            #expect(!t.capture().contains("/ agent"))
            let screen = t.capture().replacingOccurrences(of: "\n", with: " ")
            #expect(screen.contains("agents entitlement"), "\(t.capture())")
            t.keys("Right", "Right", "Right")
            #expect(!t.capture().contains("◂ agent ▸"))
            #expect(!t.capture().contains("not found"))
        }
    }

    @Test("a PATCH whose answer does not show a sent value: 'not saved', exit 1, and a rerun says what still differs")
    func ignoredValue() async throws {
        try await CLI.with { server, dir in
            let untouched = (["organization", "team", "user", "audit_trails"]).map {
                #"{"id":"orgttl-\#($0)","type":"organization-token-ttl-policies","attributes":{"token-type":"\#($0)","max-ttl-ms":63113904000}}"#
            }.joined(separator: ",")
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org/token-ttl-policies", status: 200, count: 1,
                                                body: #"{"data":[\#(untouched)]}"#))
            let file = CLI.write(dir, "ttl.json", #"{"organization":"my-org","token_ttl":{"user":"30d"}}"#)
            let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("FAILED Token TTL policies") && r.output.contains("not saved: the server ignored User"), "\(r.output)")
            #expect(!r.output.contains("saved User"), "never reported as saved")
            let again = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(again.status == 2 && again.output.contains("Token TTLs · User: 2y (default) → 30d"), "\(again.output)")
        }
    }

    @Test("check: the server, the token, the organization, and each section available or why not; --json too",
          arguments: SandboxProfile.inService)
    func check(profile: SandboxProfile) async throws {
        try await CLI.with(SandboxOptions(rateLimit: 0, profile: profile)) { server, dir in
            let r = await CLI.run(server, dir, ["check", "--organization", "my-org"])
            #expect(r.status == (profile == .tfe ? 0 : 1), "\(r.output)")
            #expect(r.output.contains(profile.isHCP ? "Server:        HCP Terraform at" : "Server:        Terraform Enterprise \(profile == .tfe ? "2.1.0" : "1.1.0") at"), "\(r.output)")
            for reason in Self.reasons(profile) { #expect(r.output.contains(reason), "\(profile): \(reason)\n\(r.output)") }
            let json = await CLI.run(server, dir, ["check", "--organization", "my-org", "--json", "--screens", "execution_defaults"])
            let parsed = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(json.output).utf8)), "\(json.output)")
            #expect(parsed["organization"]?["entitlements"]?["agents"] == .bool(profile.hasAgents))
            #expect(parsed["sections"]?.arrayValue?.count == 1)
            #expect(json.status == 0, "execution_defaults is available on every profile: \(json.output)")
            let agent = parsed["features"]?.arrayValue?.first { $0["feature"] == .string("agent_mode") }
            #expect(agent?["available"] == .bool(profile.hasAgents))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "check only reads")
        }
    }

    @Test("in a real terminal, the seed scenario on TFE 1.x and on HCP without agents ends as the server allows",
          arguments: [SandboxProfile.tfe1, .hcpNoAgents])
    func terminalSeed(profile: SandboxProfile) async throws {
        try await TerminalSuite.TerminalWizardTests.session(options: SandboxOptions(rateLimit: 0, profile: profile), width: 80, height: 24) { t, server, _ in
            if profile == .tfe1 {
                await TerminalSuite.TerminalWizardTests.typeSMTPSeed(t)
                #expect(t.waitFor("› Mode:"))
                t.keys("Right", "Right", "Tab", "Right")
                #expect(t.waitFor("primary (apool-abc123, 3 agents)"))
                t.keys("Enter")
                #expect(t.waitFor("› Enforce max TTL:"))
                #expect(t.waitFor("has no token TTL policies"))
                t.keys("Enter")
            } else {
                #expect(t.waitFor("› Mode:"))
                #expect(t.waitFor("no agents entitlement"))
                t.keys("Enter")
                await TerminalSuite.TerminalWizardTests.typeTTLSeed(t)
            }
            #expect(t.waitFor("Apply sends 2 requests"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Save these answers"))
            t.keys("n")
            #expect(t.waitFor("EXIT=0"))
            let differences = SeedTarget.differences(await server.store.state, on: profile)
            #expect(differences.isEmpty, "\(profile): \(differences)")
        }
    }

    @Test("plain mode on HCP without agents: the Mode prompt does not offer agent, and says why") func plainNoAgents() async throws {
        try await TerminalSuite.TerminalWizardTests.session(options: SandboxOptions(rateLimit: 0, profile: .hcpNoAgents),
                                                            environment: ["LANG": "C.UTF-8", "TERM": "dumb"]) { t, server, _ in
            #expect(t.waitFor("Agent mode not offered: my-org has no agents entitlement"))
            #expect(t.waitFor("Mode (1 remote, 2 local) [remote]:"))
            t.type("agent"); t.keys("Enter")
            #expect(t.waitFor("Choose a number from 1 to 2 or a name: remote, local."))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    /// `tfe-setup demo --profile P` in tmux.
    static func demo(profile: SandboxProfile, width: Int, height: Int, _ body: (TmuxSession) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let t = try TmuxSession("cd \(TmuxSession.quote(dir)) && \(TmuxSession.quote(TmuxSession.binary)) demo --profile \(profile.rawValue)",
                                width: width, height: height,
                                environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_STATE_HOME": dir + "/state", "HOME": dir])
        do { try await body(t) } catch { t.kill(); throw error }
        t.kill()
    }
}
}
