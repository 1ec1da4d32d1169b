import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// `apply --renew-token`: the way through the lockout. Against the sandbox's real token
/// lifetimes (the site admin's tokens live two years), the seed's 30-day user cap would reject
/// the token in use; the apply makes a new user token within the cap, stores it where the old
/// one came from, and sends every write with it.
@Suite("apply --renew-token: a new token within the cap, stored, then the settings")
struct TokenRenewalCommandTests {
    static let relay = ["--smtp-relay", "smtp.example.com"]
    static let thirtyDays: TimeInterval = 30 * 86_400

    /// Runs tfe-setup with `env` and no `--token-file` (the token from the environment).
    static func run(_ server: SandboxServer, _ args: [String], env: [String: String]) async -> CLI.Run {
        let envArgs = (["SMTP_PASSWORD": "fake-renew-pw-4"].merging(env) { $1 }).map { "\($0.key)=\($0.value)" }
        let command = ["/usr/bin/env"] + envArgs + [TmuxSession.binary] + args + ["--address", server.address]
        let r = await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
        return CLI.Run(status: r.status, output: r.output)
    }

    @Test("the seed with --renew-token from a token file, the server's clock skewed both ways: exit 0, applied, the file replaced by a token within 30 days, every write made with it, neither token printed",
          arguments: [-7_200, 7_200])
    func seedFromTokenFile(skew: Int) async throws {
        try await CLI.with(TokenLockoutCommandTests.real) { server, dir in
            await server.store.skewClock(seconds: Double(skew))
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let old = server.tokens.siteAdmin
            let plan = await CLI.run(server, dir, ["plan", "--answers", file, "--renew-token"])
            #expect(plan.status == 2, "with the renewal the plan can be applied: \(plan.output)")
            #expect(plan.output.contains("Renewal (--renew-token): before any write, a new user token"), "\(plan.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "plan makes no token")

            let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--renew-token"] + Self.relay)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("Renewed: a new user token"), "\(r.output)")
            #expect(r.output.contains("/token (a new file in its place, mode 0600)"), "\(r.output)")
            let stored = try String(contentsOfFile: dir + "/token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored != old && stored.contains(".atlasv1."), "the token file holds the new token")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: dir + "/token")[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            #expect(!r.output.contains(stored) && !r.output.contains(old), "neither token is printed")

            // The new record lives within the cap, measured by the server's clock.
            let records = await server.store.tokenRecords.user[.siteAdmin] ?? []
            let made = try #require(records.first { $0.description.hasPrefix("tfe-setup renewal ") })
            let lifetime = try #require(made.expiredAt).timeIntervalSince(made.createdAt)
            #expect(lifetime <= Self.thirtyDays && lifetime >= Self.thirtyDays - 86_400, "\(lifetime / 86_400) days")
            #expect(abs(made.createdAt.timeIntervalSinceNow - Double(skew)) < 120, "made on the server's clock")

            // Every write after the POST that made it carries the new token.
            let log = await server.store.requestLog
            let post = try #require(log.firstIndex { $0.method == "POST" && $0.path == "/api/v2/users/user-site-admin/authentication-tokens" })
            let writes = log.filter { $0.method == "PATCH" }
            #expect(writes.count == 4, "the relay, the organization, the policies, then the switch on its own: \(writes.map(\.path))")
            #expect(!log[..<post].contains { $0.method == "PATCH" }, "no write before the renewal")
            #expect(writes.allSatisfy { $0.tokenID == made.id }, "\(writes.map { $0.tokenID ?? "-" })")
            // The policies in force: the stored token is accepted by the organization, the old one is not.
            let after = await CLI.run(address: server.address, token: stored, dir, ["plan", "--answers", file, "--no-test-email"])
            #expect(after.status == 0, "the stored token is accepted and nothing is left to change: \(after.output)")
            let oldToken = await CLI.run(address: server.address, token: old, dir, ["plan", "--answers", file, "--no-test-email"])
            #expect(oldToken.status == 1 && oldToken.output.contains("401"), "the old token is rejected by the cap: \(oldToken.output)")
        }
    }

    @Test("TFE_TOKEN: refused without --new-token-file (naming the variable, nothing made); with it, a new 0600 file and the settings applied")
    func fromEnvironment() async throws {
        try await CLI.with(TokenLockoutCommandTests.real) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let env = ["TFE_TOKEN": server.tokens.siteAdmin, "HOME": dir]
            // plan says so first, and exits 1: the way through is closed without a file for it.
            let plan = await Self.run(server, ["plan", "--answers", file, "--renew-token", "--json"], env: env)
            #expect(plan.status == 1, "\(plan.output)")
            let json = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(plan.output).utf8)), "\(plan.output)")
            #expect(json["renewal"]?["possible"] == .bool(false) && json["renewal"]?["reason"]?.stringValue?.contains("TFE_TOKEN") == true, "\(plan.output)")
            var r = await Self.run(server, ["apply", "--answers", file, "--auto-approve", "--renew-token"] + Self.relay, env: env)
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("comes from TFE_TOKEN") && r.output.contains("--new-token-file"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing made, nothing written")

            let target = dir + "/renewed-token"
            r = await Self.run(server, ["apply", "--answers", file, "--auto-approve", "--renew-token", "--new-token-file", target] + Self.relay, env: env)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("\(target) (a new file, mode 0600)"), "\(r.output)")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            let stored = try String(contentsOfFile: target, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!r.output.contains(stored))
        }
    }

    @Test("a token file that is a symbolic link is not replaced: refused with the reason, nothing made")
    func symlinkRefused() async throws {
        try await CLI.with(TokenLockoutCommandTests.real) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let real = CLI.write(dir, "mounted-secret", server.tokens.siteAdmin)
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: real)
            let r = await Self.run(server, ["apply", "--answers", file, "--auto-approve", "--renew-token", "--token-file", dir + "/link"] + Self.relay, env: [:])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("is a symbolic link (a mounted secret?)"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("a team or organization token in use cannot make a user token: refused with the reason and what to do instead, nothing made",
          arguments: [("team", "the token in use is a team token", "team token within the team cap"),
                      ("organization", "the token in use is the organization token", "Make a team or user token within the new caps")])
    func nonUserTokenRefused(kind: String, reason: String, instead: String) async throws {
        try await CLI.with(TokenLockoutCommandTests.real) { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            let token = try #require(kind == "team" ? server.tokens.ownersTeam : server.tokens.organizationToken)
            let r = await CLI.run(address: server.address, token: token, dir, ["apply", "--answers", file, "--auto-approve", "--renew-token"] + Self.relay)
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains(reason) && r.output.contains(instead), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("day zero, one answers file with the seed's caps and real token lifetimes: no flag needed; the admin's token is renewed within 30 days, stored in its place, the one the run made is deleted, and the stored token works afterwards")
    func dayZero() async throws {
        var options = SandboxOptions(rateLimit: 0, profile: .fresh)
        options.tokenLifetimes = .real
        let server = try await SandboxServer.start(options: options)
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "day-zero-")
        do {
            let file = FirstInstallCommandTests.write(home, "answers.json", FirstInstallCommandTests.answers)
            let r = await FirstInstallCommandTests.run(server, home: home, ["apply", "--answers", file, "--auto-approve"] + Self.relay)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("Created the first admin"), "\(r.output)")
            #expect(r.output.contains("Renewed: a new user token"), "\(r.output)")
            #expect(r.output.contains("Deleted the token this run made first for the admin (at-first-admin)"), "\(r.output)")
            let credentials = try String(contentsOfFile: home + "/.terraform.d/credentials.tfrc.json", encoding: .utf8)
            let records = await server.store.tokenRecords.user[.siteAdmin] ?? []
            #expect(records.count == 1 && records[0].description.hasPrefix("tfe-setup renewal "), "only the renewed token is left: \(records.map(\.id))")
            let lifetime = try #require(records.first?.expiredAt).timeIntervalSince(records[0].createdAt)
            #expect(lifetime <= Self.thirtyDays, "\(lifetime / 86_400) days")
            #expect(!r.output.contains(".atlasv1."), "no token printed")
            // The stored token, found as terraform would, reads the organization it configured.
            let again = await FirstInstallCommandTests.run(server, home: home, ["plan", "--answers", file, "--no-test-email"])
            #expect(again.status == 0, "the stored token is accepted and nothing is left to do: \(again.output)")
            #expect(credentials.contains("\"token\""))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("token renew: within the smallest user cap of the token's organizations, or --within; check warns about a cap not yet enforced and a token that expires within 7 days, naming the command")
    func renewCommandAndCheck() async throws {
        try await CLI.with(TokenLockoutCommandTests.real) { server, dir in
            // A 30-day user cap, not enforced: nothing is rejected yet.
            let caps = CLI.write(dir, "caps.json", #"{"organization":"my-org","token_ttl":{"enabled":false,"user":"30d"}}"#)
            var r = await CLI.run(server, dir, ["apply", "--answers", caps, "--auto-approve"])
            #expect(r.status == 0, "\(r.output)")
            r = await CLI.run(server, dir, ["check", "--organization", "my-org"])
            #expect(r.output.contains("live longer than my-org's user cap of 30d, not enforced yet"), "\(r.output)")
            #expect(r.output.contains("tfe-setup token renew makes one within it first"))

            r = await CLI.run(server, dir, ["token", "renew", "--new-token-file", dir + "/new-token"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("within my-org's user cap of 30d, the smallest of"), "\(r.output)")
            #expect(r.output.contains("Stored:  \(dir)/new-token (a new file, mode 0600)"), "\(r.output)")
            let made = try #require((await server.store.tokenRecords.user[.siteAdmin] ?? []).last)
            #expect(try #require(made.expiredAt).timeIntervalSince(made.createdAt) <= Self.thirtyDays)

            // --within: a shorter life; check, run with it, says a token expires within 7 days.
            r = await CLI.run(server, dir, ["token", "renew", "--within", "3d", "--new-token-file", dir + "/short-token"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("within --within 3d"), "\(r.output)")
            let short = try String(contentsOfFile: dir + "/short-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            r = await CLI.run(address: server.address, token: short, dir, ["check", "--organization", "my-org"])
            #expect(r.output.contains("tokens expire within 7 days; if the token in use is one of them, make a new one with tfe-setup token renew"), "\(r.output)")
            #expect(!r.output.contains(short), "the token is never printed")

            r = await CLI.run(server, dir, ["token", "renew", "--within", "soon"])
            #expect(r.status != 0 && r.output.contains("--within"), "a bad duration is refused before anything is sent: \(r.output)")
        }
    }

    @Test("200 organizations, one tightening baseline: the guard's report is a few lines, --renew-token makes one token within the smallest user cap, and every write goes with it")
    func fleetRenewsOnce() async throws {
        var seed = SandboxProfile.tfe.seed.withFleet(200)
        // Nobody enforces a cap yet: every organization reads with the 2-year token.
        for name in seed.organizations.keys { seed.organizations[name]?.maxTTLEnabled = false }
        let server = try await SandboxServer.start(options: TokenLockoutCommandTests.real, seed: seed)
        let dir = try PrivateFile.makeTemporaryDirectory(prefix: "fleet-renew-")
        do {
            let file = CLI.write(dir, "baseline.json", #"{"organizations":["fleet-*"],"token_ttl":{"enabled":true,"user":"30d"}}"#)
            let refused = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve"])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("and 1") && refused.output.contains("more"), "a count, not every name: \(refused.output.suffix(800))")
            // The token report: the lines under "Tokens:", one per finding, not one per organization.
            let lines = refused.output.split(separator: "\n").map(String.init)
            let start = try #require(lines.firstIndex { $0.hasPrefix("Tokens:") }, "\(refused.output.suffix(800))")
            let report = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }
            #expect(report.count <= 5 && report.contains { $0.contains("organizations (") && $0.contains("more)") }, "\(report)")

            let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--renew-token"])
            let log = await server.store.requestLog
            let posts = log.filter { $0.method == "POST" && $0.path.hasSuffix("/authentication-tokens") }
            #expect(posts.count == 1, "one renewal for the fleet: \(posts.count)")
            let made = try #require((await server.store.tokenRecords.user[.siteAdmin] ?? []).first { $0.description.hasPrefix("tfe-setup renewal") })
            #expect(try #require(made.expiredAt).timeIntervalSince(made.createdAt) <= Self.thirtyDays)
            let writes = log.filter { $0.method == "PATCH" }
            #expect(writes.count > 100 && writes.allSatisfy { $0.tokenID == made.id }, "\(writes.count) writes")
            #expect(r.output.contains("Renewed: a new user token"), "\(r.output.suffix(1_500))")
            let enforced = await server.store.state.organizations.values.filter { $0.maxTTLEnabled && $0.tokenTTLMs["user"] == 2_592_000_000 }.count
            #expect(enforced > 150, "\(enforced) organizations enforce 30 days: \(r.output.suffix(1_500))")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
}
