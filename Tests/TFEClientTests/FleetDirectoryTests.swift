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
}
