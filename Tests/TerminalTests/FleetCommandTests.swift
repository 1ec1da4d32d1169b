import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// One baseline for many organizations, as processes against a sandbox fleet at the
/// default 30 requests per second.
@Suite("Many organizations: plan and apply a baseline")
struct FleetCommandTests {

    static let baseline = """
        {"organizations": ["fleet-*"],
         "execution_defaults": {"mode": "agent", "agent_pool_name": "primary"},
         "token_ttl": {"enabled": true, "organization": "1y", "team": "90d", "user": "30d", "audit_trails": "2y"}}
        """

    /// Runs `tfe-setup` with the owner's token (it does not see the organizations nobody belongs
    /// to), or with the site admin's (it finds them through the admin list).
    static func run(_ server: SandboxServer, _ dir: String, _ args: [String], siteAdmin: Bool = false) async -> CLI.Run {
        await CLI.run(address: server.address, token: siteAdmin ? server.tokens.siteAdmin : server.tokens.owner, dir, args, env: [:])
    }

    /// A sandbox with `fleet` generated organizations and the baseline written to a file.
    static func with(fleet: Int, rateLimit: Int = 30, latencyMs: Int = 0, jitterMs: Int = 0,
                     _ body: (SandboxServer, String, String) async throws -> Void) async throws {
        var options = SandboxOptions(latencyMs: latencyMs, rateLimit: rateLimit)
        options.fleet = fleet
        options.latencyJitterMs = jitterMs
        try await CLI.with(options) { server, dir in
            try await body(server, dir, CLI.write(dir, "baseline.json", Self.baseline))
        }
    }

    /// Polls until the sandbox's clock has left the second its last request was counted in, so
    /// the next process starts with a rate-limit window of its own.
    static func untilSecondAfter(_ server: SandboxServer) async throws {
        let last = await server.store.requestLog.map(\.endMs).max() ?? 0
        let deadline = Date().addingTimeInterval(5)
        while (server.store.nowMs() / 1000).rounded(.down) <= (last / 1000).rounded(.down), Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// What the baseline means for one organization's state.
    static func complies(_ org: SandboxState.Org) -> Bool {
        org.defaultExecutionMode == "agent" && org.agentPools.first { $0.id == org.defaultAgentPoolID }?.name == "primary"
            && org.maxTTLEnabled && org.tokenTTLMs["user"] == 2_592_000_000 && org.tokenTTLMs["team"] == 7_776_000_000
    }

    /// The TTL part of the baseline (and its switch) holds.
    static func gotTTLs(_ org: SandboxState.Org) -> Bool {
        org.maxTTLEnabled && org.tokenTTLMs["user"] == 2_592_000_000 && org.tokenTTLMs["team"] == 7_776_000_000
    }

    /// Every part of the baseline the organization can take holds: all of it where it has a pool
    /// named primary and agents, the TTL part elsewhere.
    static func gotWhatItCan(_ org: SandboxState.Org) -> Bool {
        let canTakeAgents = org.agents != false && org.agentPools.contains { $0.name == "primary" }
        return canTakeAgents ? complies(org) : gotTTLs(org)
    }

    @Test("200 organizations at 30 requests/s with 5–65 ms of jittered latency, as a site admin: each gets every part of the baseline it can take (those nobody belongs to found through the admin list), those that cannot reach it named, no 429; plan exits 1 while some cannot")
    func twoHundred() async throws {
        try await Self.with(fleet: 200, latencyMs: 5, jitterMs: 60) { server, dir, answers in
            let before = await server.store.state
            let plan = await Self.run(server, dir, ["plan", "--answers", answers], siteAdmin: true)
            #expect(plan.status == 1, "some cannot reach the baseline: \(plan.output.suffix(2_000))")
            // 120 need both PATCHes; the 20 already on agent/primary/30d need only the TTLs; the 40
            // without the pool or without agents still get the switch and the TTLs (both PATCHes).
            #expect(plan.output.contains("Organizations: 200 of 202 match fleet-*."), "\(plan.output.prefix(600))")
            #expect(plan.output.contains("Summary: 200 organizations: 140 to change, 0 already comply, 60 cannot reach the baseline (40 of them get the parts they can take), 0 cannot be read; 340 writes to 180 organizations"), "\(plan.output.suffix(600))")
            #expect(plan.output.contains("  fleet-002: it has no agent pool named primary (mode and pool not sent); the rest is sent"), "\(plan.output.suffix(3_000))")
            #expect(plan.output.contains("  fleet-004: this token cannot change it (only the owners team can); nothing is sent"), "\(plan.output.suffix(3_000))")
            // The plan's last second must be over: a process cannot know what another one of the
            // same user sent in the second before it started (docs/performance.md).
            try await Self.untilSecondAfter(server)
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"], siteAdmin: true)
            #expect(apply.status == 0, "\(apply.output.suffix(2_000))")
            #expect(apply.output.contains("Summary: 200 organizations: 140 changed, 60 cannot reach the baseline."), "\(apply.output.suffix(600))")
            let after = await server.store.state
            for (name, org) in after.organizations where name.hasPrefix("fleet-") {
                let i = Int(name.dropFirst("fleet-".count))! % 10
                let before = before.organizations[name]!
                switch i {
                case 4:
                    #expect(org == before, "\(name) cannot be changed by this token and is untouched")
                case 2, 3:
                    #expect(org.defaultExecutionMode == before.defaultExecutionMode && org.defaultAgentPoolID == before.defaultAgentPoolID, "\(name): mode and pool left alone")
                    #expect(org.maxTTLEnabled && org.tokenTTLMs["user"] == 2_592_000_000 && org.tokenTTLMs["team"] == 7_776_000_000, "\(name) got the TTLs: \(org)")
                default:
                    #expect(Self.complies(org), "\(name): \(org)")
                }
                if [2, 3, 4].contains(i) { #expect(apply.output.contains("  \(name): "), "\(name) is named with its reason") }
            }
            #expect(after.organizations["my-org"] == before.organizations["my-org"], "not chosen by fleet-*")
            let log = await server.store.requestLog
            #expect(log.filter { $0.status == 429 }.isEmpty, "no 429 at the server's limit")
            #expect(log.contains { $0.path.hasPrefix("/api/v2/admin/organizations") }, "a site admin lists the whole installation")
            let singleReads = log.filter { $0.method == "GET" && $0.path.hasPrefix("/api/v2/organizations/fleet-") && !$0.path.dropFirst("/api/v2/organizations/".count).contains("/") }
            let orgPatches = log.filter { $0.method == "PATCH" && !$0.path.dropFirst("/api/v2/organizations/".count).contains("/") }.count
            #expect(orgPatches == 160 && singleReads.count == 3 * 20,
                    "one read per run (plan, apply) for each of the 20 only the admin list names, and one more after its organization PATCH; the others are read back from the organization list: \(singleReads.count) reads, \(orgPatches) PATCHes")
            let writes = log.filter { $0.method == "PATCH" }
            #expect(writes.count == 340, "only what differs is written: \(writes.count)")
            #expect(writes.filter { $0.path.hasSuffix("/fleet-001") }.isEmpty, "fleet-001's defaults already complied: no organization PATCH")
            let again = await Self.run(server, dir, ["plan", "--answers", answers], siteAdmin: true)
            #expect(again.status == 1, "a compliance check fails while some organizations cannot reach the baseline: \(again.output.suffix(600))")
            #expect(again.output.contains("0 to change") && again.output.contains("60 cannot reach the baseline"), "\(again.output.suffix(600))")
        }
    }

    @Test("the SMTP relay beside a baseline: planned and sent once, site-wide, before the organizations; the password never printed")
    func relayOnceWithBaseline() async throws {
        try await Self.with(fleet: 6, rateLimit: 0) { server, dir, _ in
            let file = try CLI.write(dir, "fleet-relay.json", """
                {"organizations": ["fleet-001", "fleet-002", "fleet-003"],
                 "smtp": {"enabled": true, "host": "smtp.example.com", "port": 587, "sender": "noreply@example.com",
                          "auth": "login", "username": "smtp-bot", "password_env": "SMTP_PASSWORD"},
                 "token_ttl": {"team": "90d"}}
                """)
            // CLI.run sets SMTP_PASSWORD to a fake value (what the file names).
            let plan = await CLI.run(address: server.address, token: server.tokens.siteAdmin, dir, ["plan", "--answers", file]) 
            #expect(plan.status == 2, "changes pending: \(plan.output)")
            #expect(plan.output.contains("SMTP relay (site-wide: sent once, not per organization):"), "\(plan.output)")
            #expect(plan.output.contains("Host: (empty) → smtp.example.com"), "\(plan.output)")
            let json = await CLI.run(address: server.address, token: server.tokens.siteAdmin, dir, ["plan", "--answers", file, "--json"]) 
            let document = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(json.output).utf8)), "\(json.output)")
            #expect(document["smtp"] != nil && document["organizations"] != nil, "\(json.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "plan writes nothing")

            let apply = await CLI.run(address: server.address, token: server.tokens.siteAdmin, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"]) 
            #expect(apply.status == 0, "\(apply.output)")
            #expect(apply.output.contains("ok SMTP settings ("), "\(apply.output)")
            #expect(!apply.output.contains("fake-auto-pw-8") && !plan.output.contains("fake-auto-pw-8"), "the password is never printed")
            let log = await server.store.requestLog
            #expect(log.filter { $0.method == "PATCH" && $0.path == "/api/v2/admin/smtp-settings" }.count == 1, "once, not per organization")
            let firstOrgWrite = log.firstIndex { $0.method == "PATCH" && $0.path.hasPrefix("/api/v2/organizations/") }
            let relayWrite = log.firstIndex { $0.method == "PATCH" && $0.path == "/api/v2/admin/smtp-settings" }
            #expect(relayWrite != nil && firstOrgWrite != nil && relayWrite! < firstOrgWrite!, "the relay before the organizations")
            #expect(await server.store.state.smtp.host == "smtp.example.com")
            // Applied: the next plan has nothing to do for the relay.
            let again = await CLI.run(address: server.address, token: server.tokens.siteAdmin, dir, ["plan", "--answers", file]) 
            // Applied: the next plan has nothing to do; the password is held back, as for one organization.
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("Password: not sent: nothing else in the relay changes") && again.output.contains("  Nothing to change.\nOrganizations:"), "\(again.output)")
        }
    }

    @Test("plan --json lists each organization with its status; --organizations on the command line chooses instead of the file")
    func jsonAndPatterns() async throws {
        try await Self.with(fleet: 12, rateLimit: 0) { server, dir, answers in
            let r = await Self.run(server, dir, ["plan", "--answers", answers, "--json", "--organizations", "fleet-00*,fleet-011"])
            #expect(r.status == 1, "some cannot reach the baseline: \(r.output)")
            let json = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(r.output).utf8)), "\(r.output)")
            let orgs = json["organizations"]?.arrayValue ?? []
            // fleet-005 belongs to nobody: the owner's token does not see it (a site admin's would).
            #expect(orgs.compactMap { $0["name"]?.stringValue } == [1, 2, 3, 4, 6, 7, 8, 9, 11].map { String(format: "fleet-%03d", $0) })
            let fleet003 = orgs.first { $0["name"]?.stringValue == "fleet-003" }
            #expect(fleet003?["status"]?.stringValue == "cannot")
            #expect(fleet003?["reason"]?.stringValue == "it has no agents entitlement (mode and pool not sent)")
            #expect(fleet003?["changes"]?.arrayValue?.contains { $0["field"] == .string("token_ttl.user") } == true, "it still gets the TTLs: \(String(describing: fleet003))")
            #expect(orgs.first { $0["name"]?.stringValue == "fleet-006" }?["status"]?.stringValue == "differs")
            #expect(orgs.first { $0["name"]?.stringValue == "fleet-001" }?["status"]?.stringValue == "differs", "fleet-001 lacks the org/team TTLs")
            #expect(json["summary"]?["cannot"]?.integerValue == 3)
            let none = await Self.run(server, dir, ["plan", "--answers", answers, "--organizations", "nope-*"])
            #expect(none.status == 1 && none.output.contains("no organization of the"), "\(none.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("an older release without TTL policies: the TTLs and the switch named as not reachable with the release, the execution defaults still planned; exit 1")
    func olderRelease() async throws {
        var options = SandboxOptions(rateLimit: 0, profile: .tfe1)
        options.fleet = 5
        try await CLI.with(options) { server, dir in
            let answers = CLI.write(dir, "baseline.json", Self.baseline)
            let r = await Self.run(server, dir, ["plan", "--answers", answers])
            #expect(r.status == 1, "the TTL baseline cannot be reached here: \(r.output)")
            #expect(r.output.contains("fleet-001: This Terraform Enterprise release (1.1.0) has no token TTL policies"), "\(r.output)")
            #expect(r.output.contains("fleet-002: it has no agent pool named primary (mode and pool not sent); This Terraform Enterprise release (1.1.0) has no token TTL policies; they need 2.0.1 or later (TTLs not sent)"), "every reason, once: \(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("a 429 in the middle pauses every request for the time the server asks, and the run completes")
    func paused() async throws {
        try await Self.with(fleet: 30, rateLimit: 0) { server, dir, answers in
            // The 10th PATCH is answered 429 with Retry-After: 2.
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/fleet-016", status: 429, headers: ["Retry-After": "2"]))
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            #expect(apply.status == 0, "\(apply.output.suffix(1_500))")
            let log = await server.store.requestLog
            guard let throttled = log.first(where: { $0.status == 429 }) else { Issue.record("the fault was not met"); return }
            // A request already on its way when the 429 was answered (its slot taken before the
            // client read the 429) may still arrive a moment later; nothing is sent after that.
            let during = log.filter { $0.startMs > throttled.endMs + 100 && $0.startMs < throttled.endMs + 1_900 }
            #expect(during.isEmpty, "nothing was sent during the pause: \(during.map { "\($0.method) \($0.path) \($0.startMs - throttled.endMs)" })")
            let state = await server.store.state
            #expect(Self.complies(state.organizations["fleet-016"]!), "the throttled one was sent again after the pause")
        }
    }

    @Test("SIGTERM at about half: the report names done and not-done organizations; the rerun completes without writing to a done one")
    func interrupted() async throws {
        try await Self.with(fleet: 60, latencyMs: 40) { server, dir, answers in
            let (process, out) = try Self.startApply(server, dir, answers)
            // About half of the 36 organizations that change: poll the server, with a deadline.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, await server.store.requestLog.filter({ $0.method == "PATCH" }).count < 36 { try await Task.sleep(for: .milliseconds(20)) }
            try #require(await process.stopped(by: SIGTERM) != nil, "the apply ended after the signal")
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 1, "\(report.suffix(1_500))")
            #expect(report.contains("Stopped by SIGTERM"), "\(report.suffix(1_500))")
            let done = Self.names(in: report, after: "Done: "), notStarted = Self.names(in: report, after: "Not started: ")
            #expect(!done.isEmpty && !notStarted.isEmpty, "\(report.suffix(1_500))")
            let state = await server.store.state
            for name in done { #expect(Self.gotWhatItCan(state.organizations[name]!), "\(name) reported done") }
            for name in notStarted { #expect(!Self.gotTTLs(state.organizations[name]!), "\(name) reported not started") }
            let writesBefore = await server.store.requestLog.filter { $0.method == "PATCH" }.count
            let rerun = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            #expect(rerun.status == 0, "\(rerun.output.suffix(1_500))")
            let rerunWrites = await server.store.requestLog.filter { $0.method == "PATCH" }.dropFirst(writesBefore)
            for name in done { #expect(!rerunWrites.contains { $0.path.contains("/\(name)") }, "no write to \(name), done before") }
            let final = await server.store.state
            for name in notStarted { #expect(Self.gotWhatItCan(final.organizations[name]!), "\(name) completed by the rerun") }
        }
    }

    /// Starts a fleet apply as a process (stdout to a file), the owner's token in a 0600 file.
    static func startApply(_ server: SandboxServer, _ dir: String, _ answers: String) throws -> (Process, String) {
        let tokenFile = dir + "/token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(server.tokens.owner.utf8), attributes: [.posixPermissions: 0o600])
        let out = dir + "/apply-\(UUID().uuidString.prefix(6)).out"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TmuxSession.binary)
        process.arguments = ["apply", "--answers", answers, "--auto-approve", "--address", server.address, "--token-file", tokenFile]
        FileManager.default.createFile(atPath: out, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    static func names(in report: String, after label: String) -> [String] {
        guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return [] }
        return line.dropFirst(label.count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("fleet-") }
    }

    @Test("SIGINT while a 429 asks to wait 119 s: the run ends within seconds; the throttled organization is reported interrupted, never done")
    func stopCancelsWaits() async throws {
        try await Self.with(fleet: 30) { server, dir, answers in
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/fleet-010/token-ttl-policies", status: 429, count: 10,
                                                headers: ["Retry-After": "119"]))
            let (process, out) = try Self.startApply(server, dir, answers)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, process.isRunning, await !server.store.requestLog.contains(where: { $0.status == 429 }) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await server.store.requestLog.contains { $0.status == 429 }, "the throttled PATCH was answered 429")
            let took = try #require(await process.stopped(by: SIGINT), "the apply ended after the signal")
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(took < 20, "ended soon after the signal, not after the 119 s wait")
            #expect(process.terminationStatus == 1, "\(report.suffix(1_500))")
            #expect(report.contains("Stopped by SIGINT"), "\(report.suffix(1_500))")
            let done = Self.names(in: report, after: "Done: ")
            #expect(!done.contains("fleet-010"), "the throttled organization is not reported done: \(report.suffix(1_500))")
            if !done.isEmpty {
                #expect(report.contains("Not read back (the run stopped first)") && !report.contains("Checked: "),
                        "a stopped run does not claim a read it never made: \(report.suffix(1_500))")
            }
            #expect((Self.names(in: report, after: "Interrupted (a request not sent, or sent and not answered: may be partly applied): ") + Self.names(in: report, after: "Failed: ")).contains("fleet-010"),
                    "\(report.suffix(1_500))")
            let state = await server.store.state
            for name in done { #expect(Self.gotWhatItCan(state.organizations[name]!), "\(name) reported done") }
        }
    }

    @Test("SIGHUP (the terminal closed) stops a fleet apply like SIGTERM: a report, not a silent death")
    func hangup() async throws {
        try await Self.with(fleet: 60, latencyMs: 40) { server, dir, answers in
            let (process, out) = try Self.startApply(server, dir, answers)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, await server.store.requestLog.filter({ $0.method == "PATCH" }).count < 20 { try await Task.sleep(for: .milliseconds(20)) }
            try #require(await process.stopped(by: SIGHUP) != nil, "the apply ended after the signal")
            let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 1, "killed by the signal instead of reporting: \(process.terminationReason == .uncaughtSignal)")
            #expect(report.contains("Stopped by SIGHUP") && report.contains("Not started: "), "\(report.suffix(1_500))")
        }
    }

    @Test("one organization's own read fails (404, 500): it cannot be read, with why, the others are planned and applied; plan and apply exit 1")
    func oneUnreadable() async throws {
        try await Self.with(fleet: 20, rateLimit: 0) { server, dir, _ in
            let answers = CLI.write(dir, "mode.json", #"{"organizations": ["fleet-*"], "execution_defaults": {"mode": "agent", "agent_pool_name": "primary"}}"#)
            // fleet-005 and fleet-015 belong to nobody: a site admin reads each on its own.
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/fleet-005", status: 404, count: 2))
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/fleet-015", status: 500, count: 20))
            let plan = await Self.run(server, dir, ["plan", "--answers", answers], siteAdmin: true)
            #expect(plan.status == 1, "\(plan.output.suffix(2_000))")
            #expect(plan.output.contains("Cannot be read (2); nothing is sent to them:"), "\(plan.output.suffix(2_000))")
            #expect(plan.output.contains("  fleet-005: not found (404 on /api/v2/organizations/fleet-005)"), "\(plan.output.suffix(2_000))")
            #expect(plan.output.contains("  fleet-015: The server failed (500"), "\(plan.output.suffix(2_000))")
            #expect(!plan.output.contains("check the name"), "a listed name is no typing mistake")
            #expect(plan.output.contains("Summary: 20 organizations: ") && plan.output.contains(", 2 cannot be read;"), "\(plan.output.suffix(600))")
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"], siteAdmin: true)
            #expect(apply.status == 1, "\(apply.output.suffix(2_000))")
            #expect(apply.output.contains("Cannot be read (2): fleet-005, fleet-015 (see above)"), "\(apply.output.suffix(1_000))")
            #expect(apply.output.contains("Summary: 20 organizations: 10 changed, 2 already comply, 6 cannot reach the baseline, 2 cannot be read."), "\(apply.output.suffix(1_000))")
            #expect(await server.store.state.organizations["fleet-006"]?.defaultExecutionMode == "agent", "the others go on")
        }
    }

    @Test("an organization created between two pages: the list is read again and the new one planned; one created between every page: exit 1, nothing sent, and why")
    func shiftingPages() async throws {
        try await Self.with(fleet: 240, rateLimit: 0) { server, dir, answers in
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", shift: .insert))
            let once = await Self.run(server, dir, ["plan", "--answers", answers, "--json", "--organizations", "*"])
            // stderr's progress lines are mixed into the output here: the document is the rest.
            let document = CLI.withoutTargetLine(once.output).split(separator: "\n").filter { !$0.hasPrefix("Planning: ") }.joined(separator: "\n")
            let json = try #require(JSONValue.parse(Data(document.utf8)), "\(once.output.suffix(1_000))")
            let names = json["organizations"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(Set(names).count == names.count && names.contains("a-new-001"), "each once, the new one too")
            let state = await server.store.state
            let sees = state.organizations.keys.filter { SandboxRole.owner.membership(in: $0, state: state) != nil && state.organizations[$0]?.access != "admin" }.count
            #expect(names.count == sees, "none skipped: \(names.count) of \(sees)")
            #expect(json["summary"]?["organizations"]?.integerValue == Int64(sees))
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", count: 100, shift: .insert))
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            #expect(apply.status == 1, "\(apply.output.suffix(1_000))")
            #expect(apply.output.contains("The organization list changed while it was read, twice in a row"), "\(apply.output.suffix(1_000))")
            #expect(apply.output.contains("Nothing was sent."), "\(apply.output.suffix(1_000))")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("a PATCH echoed but not stored: the read after the write shows it, the organization is not counted changed, exit 1")
    func readBack() async throws {
        try await Self.with(fleet: 12, rateLimit: 0) { server, dir, _ in
            let answers = CLI.write(dir, "mode.json", #"{"organizations": ["fleet-006"], "execution_defaults": {"mode": "agent", "agent_pool_name": "primary"}}"#)
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/fleet-006", discard: true))
            let apply = await Self.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            #expect(apply.status == 1, "\(apply.output.suffix(1_000))")
            // The organization list read after the writes shows the server kept nothing: never
            // reported changed, and what it kept instead is named.
            #expect(apply.output.contains("  fleet-006: answered as saved, but the server kept mode remote (sent agent), agent pool (none) (sent apool-p006)"),
                    "\(apply.output.suffix(1_000))")
            #expect(apply.output.contains("Summary: 1 organization: 0 changed, 1 not kept by the server."), "\(apply.output.suffix(1_000))")
            let log = await server.store.requestLog
            let written: Double = log.first { $0.method == "PATCH" }?.endMs ?? .greatestFiniteMagnitude
            let readAfter = log.contains { $0.method == "GET" && $0.path.hasPrefix("/api/v2/organizations") && $0.startMs >= written }
            #expect(readAfter, "read again after the write")
        }
    }

    @Test("a plan of many organizations that takes more than two seconds says how far it is on stderr (count, rate, time left)")
    func planProgress() async throws {
        try await Self.with(fleet: 300, rateLimit: 0, latencyMs: 40) { server, dir, answers in
            let plan = await Self.run(server, dir, ["plan", "--answers", answers])
            #expect(plan.status == 1, "\(plan.output.suffix(600))")
            let line = plan.output.split(separator: "\n").first { $0.hasPrefix("Planning: ") }
            #expect(line?.contains(" of 270 organizations · ") == true && line?.contains("/s · about ") == true && line?.hasSuffix(" s left") == true,
                    "\(String(describing: line)) in \(plan.output.prefix(600))")
        }
    }
}
