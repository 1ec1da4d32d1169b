import Foundation
import SetupKit
import Testing
import TestFixtures
@testable import TFEClient

/// Whom a tighter token policy rejects, computed from read token lists (no server).
@Suite("Token report")
struct TokenReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static func token(_ id: String, _ type: TokenType, lives days: Double?, usedDaysAgo: Double? = nil, team: String? = nil) -> TokenRecord {
        let created = now.addingTimeInterval(-10 * day)
        return TokenRecord(id: id, type: type, description: id, createdAt: created, expiredAt: days.map { created.addingTimeInterval($0 * day) },
                           lastUsedAt: usedDaysAgo.map { now.addingTimeInterval(-$0 * day) }, teamID: team.map { "team-" + $0 }, teamName: team)
    }

    static func current(enforced: Bool, inventory: TokenInventory?) -> CurrentState {
        var c = Seed.fresh()
        c.organization.maxTTLEnabled = enforced
        c.tokenInventory = inventory
        return c
    }

    static let inventory = TokenInventory(
        inUse: AuthenticatedResource(type: "users", id: "user-admin"),
        user: .tokens([token("at-main", .user, lives: 730, usedDaysAgo: 0), token("at-old", .user, lives: 730, usedDaysAgo: 90)]),
        team: .tokens([token("at-ci", .team, lives: 365, team: "owners"), token("at-nightly", .team, lives: 30, team: "platform"),
                       token("at-forever", .team, lives: nil, team: "platform")]),
        organization: .cannotTell("the server answered 404 for the organization token: there is none, or this token may not see it."))

    @Test("the seed's caps with enforcement turned on: the token in use (the one used last) is rejected first, no expiry counted as unverified, a 404 is 'cannot tell'")
    func seedLocksOut() throws {
        let plan = Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: Self.inventory))
        let report = try #require(plan.tokenReport)
        #expect(plan.locksOutToken)
        guard case .rejected(let record, let guessed) = report.inUse else { Issue.record("\(report.inUse)"); return }
        #expect(record.id == "at-main" && guessed, "two user tokens, both over the cap: either may be the one in use")
        #expect(report.rejected.map(\.record.id) == ["at-main", "at-old", "at-ci"])
        #expect(report.noExpiry.map(\.record.id) == ["at-forever"])
        #expect(report.keptCount == 1, "the 30-day team token stays under the 90-day cap")
        #expect(report.cannotTell.map(\.type) == [.organization])
        let text = report.lines.joined(separator: "\n")
        #expect(text.contains("REJECTED: the token this tool runs with may be \"at-main\" (at-main) (the API does not say which"), "\(text)")
        #expect(text.contains("Other users' tokens cannot be listed by anyone"))
        #expect(!plan.warnings.contains { $0.message.contains("possibly the token this tool uses") }, "the report replaces the general warning")
    }

    @Test("a token made with the server's 2-year default under a typed 2y: both in days, never \"2y over a cap of 2y\"")
    func defaultLifetimeUnderTypedTwoYears() throws {
        var desired = Seed.desired
        desired.tokenTTL = .init(enabled: true, milliseconds: [.user: TTLDuration.twoYearsSDK])
        let inventory = TokenInventory(inUse: AuthenticatedResource(type: "users", id: "user-admin"),
                                       user: .tokens([Self.token("at-main", .user, lives: 730.485, usedDaysAgo: 0)]),
                                       team: .tokens([]), organization: .tokens([]))
        let report = try #require(Planner.plan(desired, current: Self.current(enforced: false, inventory: inventory)).tokenReport)
        let text = report.lines.joined(separator: "\n")
        #expect(text.contains("lives 730.485 days, over the user cap of 730 days"), "\(text)")
        #expect(!text.contains("lives 2y (default), over the user cap of 2y (default)"), "\(text)")
        #expect(text.contains("theirs that live longer than 730 days are rejected too"), "\(text)")
    }

    @Test("nothing tighter in force, no report: enforcement stays off, or on with the same caps")
    func noReportWhenNothingTightens() {
        var desired = Seed.desired
        desired.tokenTTL = .init(enabled: false, milliseconds: [.user: 2_592_000_000])
        #expect(Planner.plan(desired, current: Self.current(enforced: false, inventory: Self.inventory)).tokenReport == nil)
        desired.tokenTTL = .init(enabled: true, milliseconds: [:])
        var c = Self.current(enforced: true, inventory: Self.inventory)
        #expect(Planner.plan(desired, current: c).tokenReport == nil)
        c.tokenInventory = nil
        desired.tokenTTL = .init(enabled: true, milliseconds: [.user: 2_592_000_000])
        #expect(Planner.plan(desired, current: c).tokenReport == nil, "not read: nothing is claimed")
    }

    @Test("already enforced: only the tokens the new caps reject and the old did not; the user cap unchanged says nothing of other users")
    func onlyNewlyRejected() throws {
        var c = Self.current(enforced: true, inventory: Self.inventory)
        c.tokenTTLPolicies = [TokenTTLPolicy(tokenType: .user, maxTTLMilliseconds: 63_113_904_000), TokenTTLPolicy(tokenType: .team, maxTTLMilliseconds: 200 * 86_400_000)]
        let report = try #require(Planner.plan(DesiredSettings(tokenTTL: .init(enabled: nil, milliseconds: [.team: 7_776_000_000])), current: c).tokenReport)
        #expect(report.rejected.map(\.record.id) == [], "at-ci (1y) was already over 200 days")
        #expect(report.noExpiry.isEmpty, "the team token without expiry was already rejected")
        #expect(report.userCap == nil)
        guard case .kept = report.inUse else { Issue.record("\(report.inUse)"); return }
    }

    @Test("the token in use cannot be told when its list was not read: counted as rejected (the guard fails closed)")
    func inUseUnknown() throws {
        var inventory = Self.inventory
        inventory.user = .cannotTell("this token may not read your own user tokens (403): only the owners team can.")
        let report = try #require(Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: inventory)).tokenReport)
        #expect(report.locksOutToken)
        guard case .unknown(let reason) = report.inUse else { Issue.record("\(report.inUse)"); return }
        #expect(reason.contains("403"))
        #expect(report.lines.joined().contains("Counted as REJECTED"), "\(report.lines)")
        // No authenticated-resource at all: the same.
        let silent = TokenInventory(inUse: nil, user: Self.inventory.user, team: Self.inventory.team, organization: Self.inventory.organization)
        let none = try #require(Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: silent)).tokenReport)
        #expect(none.locksOutToken)
    }

    @Test("several tokens may be the one in use: any of them over its cap counts; 'the one used last' decides nothing")
    func candidatesFailClosed() throws {
        // The one used last is inside the 30-day cap; an older one (a CI job's, maybe the one in
        // use) lives 2 years. The API cannot say which made the request: rejected.
        let users = TokenInventory(inUse: AuthenticatedResource(type: "users", id: "user-admin"),
                                   user: .tokens([Self.token("at-short", .user, lives: 20, usedDaysAgo: 0), Self.token("at-ci-job", .user, lives: 730, usedDaysAgo: 0.001)]),
                                   team: .tokens([]), organization: .tokens([]))
        let report = try #require(Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: users)).tokenReport)
        #expect(report.locksOutToken)
        guard case .rejected(let record, true) = report.inUse else { Issue.record("\(report.inUse)"); return }
        #expect(record.id == "at-ci-job")
        // A team token in use: the team's 30-day token does not hide its no-expiry one.
        let team = TokenInventory(inUse: AuthenticatedResource(type: "teams", id: "team-platform"),
                                  user: .tokens([]),
                                  team: .tokens([Self.token("at-nightly", .team, lives: 30, team: "platform"), Self.token("at-forever", .team, lives: nil, team: "platform"),
                                                 Self.token("at-other", .team, lives: 10, team: "owners")]),
                                  organization: .tokens([]))
        let teamReport = try #require(Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: team)).tokenReport)
        #expect(teamReport.locksOutToken)
        guard case .rejected(let teamRecord, true) = teamReport.inUse else { Issue.record("\(teamReport.inUse)"); return }
        #expect(teamRecord.id == "at-forever")
        // All candidates inside their caps: kept, and said to cover them all.
        let fine = TokenInventory(inUse: AuthenticatedResource(type: "users", id: "user-admin"),
                                  user: .tokens([Self.token("at-a", .user, lives: 20, usedDaysAgo: 0), Self.token("at-b", .user, lives: 10, usedDaysAgo: 3)]),
                                  team: .tokens([]), organization: .tokens([]))
        let kept = try #require(Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: fine)).tokenReport)
        #expect(!kept.locksOutToken)
        #expect(kept.lines.joined().contains("all inside their caps"), "\(kept.lines)")
    }

    @Test("accepted: the policies, then the switch alone, each in a stage after the rest")
    func tokenWritesLast() {
        let plan = Planner.plan(Seed.desired, current: Self.current(enforced: false, inventory: Self.inventory)).puttingTokenWritesLast()
        #expect(plan.stages == [[.smtp, .organization], [.tokenTTL], [.ttlSwitch]])
        #expect(plan.organizationUpdate?.maxTTLEnabled == nil)
        #expect(plan.ttlSwitchUpdate == OrganizationDefaultsUpdate(maxTTLEnabled: true))
        #expect(plan.fields(of: .ttlSwitch) == [.ttlEnabled])
        #expect(!plan.fields(of: .organization).contains(.ttlEnabled))
        #expect(plan.requests.map(\.path).last == "/api/v2/organizations/my-org")
    }

    @Test("TFE's timestamps parse with and without fractions and offsets; anything else is unknown, never guessed")
    func timestamps() {
        #expect(DateText.parseISO8601("2026-12-01T20:33:07Z") == Date(timeIntervalSince1970: 1_796_157_187))
        #expect(DateText.parseISO8601("2026-12-01T20:33:07.250Z") == Date(timeIntervalSince1970: 1_796_157_187.25))
        #expect(DateText.parseISO8601("2026-12-01T21:33:07+01:00") == Date(timeIntervalSince1970: 1_796_157_187))
        for bad in ["", "2026-12-01", "2026-13-01T00:00:00Z", "2026-12-01T20:33:07", "yesterday", "2026-12-01T20:33:07Zjunk"] {
            #expect(DateText.parseISO8601(bad) == nil, "\(bad)")
        }
    }
}
