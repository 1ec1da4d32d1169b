import Foundation
import SetupKit
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

/// Which organizations a baseline can be given to: a site admin's is the whole
/// installation (the admin list), anyone else's is what the token belongs to.
@Suite("Fleet directory: the admin list and the organization list")
struct FleetDirectoryTests {
    @Test("site admin: every organization, those nobody belongs to read one by one; owner: only its own; HCP: the list")
    func directory() async throws {
        let seed = SandboxState.defaultSeed.withFleet(20)
        try await SandboxFixture.with(seed: seed) { f in
            let admin = try f.client(.siteAdmin)
            let names = try await admin.adminOrganizationNames()
            #expect(names.count == 22 && names.contains("fleet-005"))
            let all = try await FleetDirectory.organizations(client: admin, account: try await admin.accountDetails())
            #expect(all.map(\.name) == names.sorted())
            let hidden = try #require(all.first { $0.name == "fleet-015" })
            #expect(hidden.canUpdate && hidden.entitlements?.agents == true, "described by its own read: \(hidden)")
            let before = await f.server.store.requestLog.count
            let some = try await FleetDirectory.organizations(client: admin, account: try await admin.accountDetails(), only: ["fleet-005", "fleet-006"])
            #expect(some.map(\.name) == ["fleet-005", "fleet-006"])
            let reads = await f.server.store.requestLog.dropFirst(before).filter { $0.path.hasPrefix("/api/v2/organizations/fleet-") }
            #expect(reads.map(\.path) == ["/api/v2/organizations/fleet-005"], "only the chosen hidden one is read")
            let owner = try f.client(.owner)
            let own = try await FleetDirectory.organizations(client: owner, account: try await owner.accountDetails())
            #expect(!own.contains { $0.name == "fleet-005" || $0.name == "fleet-015" })
            #expect(own.count == 19, "my-org and the 18 fleet organizations it belongs to")
        }
        var hcp = SandboxOptions(rateLimit: 0, profile: .hcp)
        hcp.fleet = 5
        try await SandboxFixture.with(hcp, seed: seed) { f in
            let admin = try f.client(.siteAdmin)
            await #expect(throws: TFEError.self) { try await admin.adminOrganizationNames() }
            let listed = try await FleetDirectory.organizations(client: admin, account: Account(id: "user-1", username: "admin", isSiteAdmin: true))
            #expect(!listed.isEmpty && !listed.contains { $0.name == "fleet-005" }, "no admin API: the organization list")
        }
    }

    @Test("a hostile name in the admin list is refused, not put into a path")
    func hostileName() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/admin/organizations", status: 200,
                                                  body: #"{"data":[{"id":"x","type":"organizations","attributes":{"name":"evil/../../admin\u001b[2J"}}],"meta":{"pagination":{"next-page":null}}}"#))
            do throws(TFEError) {
                _ = try await client.adminOrganizationNames()
                Issue.record("a hostile name was accepted")
            } catch {
                guard case .decoding = error else { Issue.record("\(error)"); return }
                #expect(!error.description.contains("\u{1b}"))
            }
        }
    }

    /// The names the owner's organization list holds, from the sandbox's own state.
    static func ownerSees(_ state: SandboxState) -> [String] {
        state.organizations.keys.sorted().filter { SandboxRole.owner.membership(in: $0, state: state) != nil && state.organizations[$0]?.access != "admin" }
    }

    @Test("an organization created between two pages: the list is walked again and holds each organization once, the new one too")
    func shiftInsertWalksAgain() async throws {
        try await SandboxFixture.with(seed: SandboxState.defaultSeed.withFleet(240)) { f in
            let owner = try f.client(.owner)
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", shift: .insert))
            let listed = try await owner.organizationsDetailed().map(\.name)
            let expected = Self.ownerSees(await f.server.store.state)
            #expect(Set(listed).count == listed.count, "no organization twice")
            #expect(listed.sorted() == expected, "every organization, the inserted one too: \(Set(expected).subtracting(listed))")
            #expect(listed.contains("a-new-001"))
            let pages = await f.server.store.requestLog.filter { $0.path == "/api/v2/organizations" }.count
            #expect(pages == 6, "two walks of three pages: \(pages)")
        }
    }

    @Test("an organization deleted between two pages: the server's count changes, the list is walked again and the deleted one is gone")
    func shiftDeleteWalksAgain() async throws {
        try await SandboxFixture.with(seed: SandboxState.defaultSeed.withFleet(240)) { f in
            let owner = try f.client(.owner)
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", shift: .delete))
            let listed = try await owner.organizationsDetailed().map(\.name)
            #expect(listed.sorted() == Self.ownerSees(await f.server.store.state), "no skipped organization")
            #expect(!listed.contains("fleet-001"), "the deleted one")
        }
    }

    @Test("a list that shifts on every page of both walks is refused with why, not returned short")
    func shiftTwiceRefused() async throws {
        try await SandboxFixture.with(seed: SandboxState.defaultSeed.withFleet(240)) { f in
            let owner = try f.client(.owner)
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", count: 100, shift: .insert))
            do throws(TFEError) {
                let listed = try await owner.organizationsDetailed()
                Issue.record("a shifting list was used: \(listed.count)")
            } catch {
                #expect(error.description.contains("changed while it was read, twice"), "\(error.description)")
                #expect(error.description.contains("listed twice"), "\(error.description)")
            }
        }
    }

    @Test("a site admin: one organization whose own read fails (500, 404) is unreadable with why, the others are listed")
    func oneUnreadable() async throws {
        try await SandboxFixture.with(seed: SandboxState.defaultSeed.withFleet(20)) { f in
            let admin = try f.client(.siteAdmin)
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/fleet-005", status: 500))
            await f.server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations/fleet-015", status: 404))
            let listing = try await FleetDirectory.listing(client: admin, account: try await admin.accountDetails())
            #expect(listing.organizations.count == 20, "the others: \(listing.organizations.map(\.name))")
            #expect(listing.unreadable["fleet-005"]?.contains("500") == true, "\(listing.unreadable)")
            let notFound = try #require(listing.unreadable["fleet-015"])
            #expect(notFound.contains("404") && !notFound.contains("check the name"), "a listed name is no typing mistake: \(notFound)")
        }
    }
}
