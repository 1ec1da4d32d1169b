import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// A tighter token policy against the sandbox's tokens: `plan` names whom it rejects, the token
/// in use first; `apply` refuses to lock itself out unless told, and then writes the policies and
/// the switch last and checks the rejection. Serialized with the terminal tests: each starts
/// several processes, and the rate-limited fleet tests beside them must not starve.
@Suite("plan and apply: whom a tighter token policy rejects")
struct TokenLockoutCommandTests {

    /// Tokens as a server in service has them: the site admin's in use lives 2 years.
    static var real: SandboxOptions {
        var o = SandboxOptions(rateLimit: 0)
        o.tokenLifetimes = .real
        return o
    }

    static let smtpRelay = ["--smtp-relay", "smtp.example.com"]

    @Test("the seed's plan names the admin's own token and the rejected team tokens, counts no expiry as unverified, says other users' tokens cannot be counted, and exits 1")
    func seedPlanNamesWhomItRejects() async throws {
        try await CLI.with(Self.real) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 1, "the plan would lock the tool out: \(r.output)")
            #expect(r.output.contains("REJECTED: the token this tool runs with may be \"site-admin workstation\" (at-site-admin-main)"), "\(r.output)")
            #expect(r.output.contains("over the user cap of 30d"))
            #expect(r.output.contains("Rejected: team owners, \"ci-deploy\" (at-team-ci-deploy): lives 1y, over the team cap of 90d"), "\(r.output)")
            #expect(r.output.contains("Rejected (unverified: no expiry, which the docs do not cover): team platform, \"legacy\" (at-team-legacy)"))
            #expect(!r.output.contains("\"nightly\""), "a 30-day team token stays inside the 90-day cap: \(r.output)")
            #expect(r.output.contains("Other users' tokens cannot be listed by anyone"))
            #expect(r.output.contains("--accept-token-rejection"))
            #expect(!r.output.lowercased().contains("keep their expiry"))

            let json = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(await CLI.run(server, dir, ["plan", "--answers", file, "--json"]).output).utf8)))
            let report = try #require(json["token_rejections"])
            #expect(report["in_use"]?["verdict"] == .string("rejected"))
            #expect(report["in_use"]?["token"]?["id"] == .string("at-site-admin-main"))
            let rejected = report["rejected"]?.arrayValue ?? []
            #expect(rejected.contains { $0["id"] == .string("at-team-ci-deploy") && $0["team"] == .string("owners") && $0["cap_ms"] == .integer(7_776_000_000) })
            #expect(report["no_expiry_unverified"]?.arrayValue?.contains { $0["id"] == .string("at-team-legacy") } == true)
            #expect(report["other_users"]?.stringValue != nil)
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "plan only reads")
        }
    }

    @Test("apply refuses before any write; with --accept-token-rejection the policies and then the switch go last, the check sees the 401, and the old token is rejected after")
    func applyRefusesThenAccepts() async throws {
        try await CLI.with(Self.real) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            var r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"] + Self.smtpRelay)
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("nothing applied: applying this rejects the token this tool runs with (see above)"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "no write at all, no TTL write among them")

            await server.store.clearRequests()
            r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--accept-token-rejection"] + Self.smtpRelay)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("the server now rejects this token (401), as expected"), "\(r.output)")
            let writes = await server.store.requestLog.filter { $0.method == "PATCH" }
            #expect(writes.count == 4, "SMTP, the organization's mode and pool, the policies, the switch: \(writes.map(\.path))")
            let policies = try #require(writes.first { $0.path.hasSuffix("/token-ttl-policies") })
            let org = writes.filter { $0.path == "/api/v2/organizations/my-org" }
            let smtp = try #require(writes.first { $0.path == "/api/v2/admin/smtp-settings" })
            let modeAndPool = try #require(org.first), theSwitch = try #require(org.last)
            #expect(modeAndPool.body?["data"]?["attributes"]?["max-ttl-enabled"] == nil, "the switch is not sent with the mode and pool")
            #expect(theSwitch.body?["data"]?["attributes"]?.objectValue?.keys.sorted() == ["max-ttl-enabled"], "the switch travels alone")
            #expect(policies.startMs >= smtp.endMs && policies.startMs >= modeAndPool.endMs, "the policies go after everything else")
            #expect(theSwitch.startMs >= policies.endMs, "the switch goes last")
            let state = await server.store.state.organizations["my-org"]
            #expect(state?.maxTTLEnabled == true && state?.tokenTTLMs["user"] == 2_592_000_000 && state?.defaultExecutionMode == "agent")

            // The token the admin ran with is now rejected, as HashiCorp's docs say.
            r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 1)
            #expect(r.output.contains("401"), "\(r.output)")
        }
    }

    @Test("the switch saved but answered 500 beside the accepted rejection: apply exits 1 with the switch UNKNOWN (a 500 does not say), and the check still says the server now rejects this token")
    func failureBesideLockout() async throws {
        try await CLI.with(Self.real) { server, dir in
            let file = CLI.write(dir, "ttl.json", #"{"organization":"my-org","token_ttl":{"enabled":true,"user":"30d"}}"#)
            // The switch is saved, then its answer is a 500: the policy is in force all the same.
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org", status: 500, after: true))
            let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--accept-token-rejection"])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("UNKNOWN Enforce max TTL"), "\(r.output)")
            #expect(r.output.contains("The server's 500 does not say whether the change was kept, so it is unknown whether it was saved: Enforce max TTL."), "\(r.output)")
            #expect(r.output.contains("the server now rejects this token (401), as expected"), "a rerun would get 401s, and the run says so: \(r.output)")
            #expect(await server.store.state.organizations["my-org"]?.maxTTLEnabled == true)
        }
    }

    @Test("with a token inside the cap the plan exits 2 and still lists the rejected team tokens")
    func tokenInsideTheCap() async throws {
        try await CLI.with { server, dir in   // the sandbox's short lifetimes: the token in use lives a second
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("Kept: the token this tool runs with"), "\(r.output)")
            #expect(r.output.contains("Rejected: team owners, \"ci-deploy\""))
            #expect(!r.output.contains("Error (token_ttl)"))
        }
    }

    @Test("a token list that cannot be read (403, 404) is 'cannot tell', never 'none', and does not block the plan")
    func unreadableListsCannotTell() async throws {
        try await CLI.with { server, dir in
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/my-org/team-tokens", status: 403, count: 10))
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/my-org/authentication-token", status: 404, count: 10))
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("Cannot tell (team tokens): this token may not read the team tokens (403)"), "\(r.output)")
            #expect(r.output.contains("Cannot tell (organization tokens): the server answered 404"), "\(r.output)")
            #expect(!r.output.contains("ci-deploy"), "nothing is said of tokens that were not read")
        }
    }

    @Test("run with a team token: the API names the team, not the token, so every token of the team counts; one over its cap stops the plan")
    func teamTokenFailsClosed() async throws {
        try await CLI.with(Self.real) { server, dir in
            let team = try #require(server.tokens.ownersTeam)
            let file = CLI.write(dir, "answers.json", #"{"organization":"my-org","token_ttl":{"enabled":true,"team":"90d"}}"#)
            let r = await CLI.run(address: server.address, token: team, dir, ["plan", "--answers", file])
            #expect(r.status == 1, "the plan would lock the tool out: \(r.output)")
            #expect(r.output.contains("REJECTED: the token this tool runs with, team owners"), "\(r.output)")
            #expect(r.output.contains("ci-deploy"), "\(r.output)")
            let apply = await CLI.run(address: server.address, token: team, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(apply.status == 1 && apply.output.contains("nothing applied"), "\(apply.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing written")
        }
    }

    @Test("the sandbox's own user-token list is the caller's only: another user's id is 404")
    func otherUsersTokensAreNotListed() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.owner)
            let mine = try await client.userTokens(userID: "user-owner")
            #expect(mine.map(\.id) == ["at-owner-main", "at-owner-laptop"])
            #expect(mine.first?.createdAt != nil && mine.first?.expiredAt != nil)
            #expect(await failure { try await client.userTokens(userID: "user-site-admin") }.map { if case .notFound = $0 { return true } else { return false } } == true)
            #expect(await failure { try await client.userTokens(userID: "../admin") } != nil, "an id that is not one is refused before any request")
        }
    }

    @Test("a baseline for several organizations counts your rejected tokens per organization, refuses to lock the tool out, and with --accept-token-rejection writes the policies and the switch last in each")
    func fleetCountsPerOrganization() async throws {
        var options = Self.real
        options.fleet = 3
        try await CLI.with(options) { server, dir in
            let file = CLI.write(dir, "fleet.json", #"{"organizations":["my-org","fleet-002"],"token_ttl":{"enabled":true,"team":"90d","user":"30d"}}"#)
            var r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("Of your own tokens, rejected per organization (team and organization tokens are not listed when planning many organizations"), "\(r.output)")
            // The same finding in both: one line, a count and the names.
            #expect(r.output.contains("2 organizations (fleet-002, my-org): 2, the token this tool runs with among them"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { !$0.path.hasSuffix("/team-tokens") }, "no per-organization token lists for a fleet")
            #expect(r.output.contains("Other users' tokens cannot be listed by anyone"))
            r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(r.status == 1 && r.output.contains("nothing applied"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })

            r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--accept-token-rejection"])
            #expect(r.status == 0, "\(r.output)")
            for org in ["my-org", "fleet-002"] {
                let writes = await server.store.requestLog.filter { $0.method == "PATCH" && $0.path.hasPrefix("/api/v2/organizations/\(org)") }
                #expect(writes.map(\.path) == ["/api/v2/organizations/\(org)/token-ttl-policies", "/api/v2/organizations/\(org)"], "\(org): the policies, then the switch")
            }
        }
    }
}
}
