import FoundationEssentials
import TFEClient

/// The organizations a baseline can be given to.
package enum FleetDirectory {
    /// A site admin: every organization of the installation (the admin list), each described by
    /// the organization list where the admin belongs to it, else by one read of its own (the admin
    /// list has no execution settings). Anyone else, or where there is no admin API (HCP
    /// Terraform): the organization list. In name order. One organization whose own read fails
    /// is listed as unreadable with why; the others go on. A list that shifts while it is paged
    /// is read again once, then refused (`TFEClient.organizationsDetailed`).
    /// - Parameter only: when given, only these names are described (no read for the others).
    package static func listing(client: TFEClient, account: Account, only: Set<String>? = nil, wording: RemedyWording = .neutral) async throws(TFEError) -> FleetListing {
        let listed = try await client.organizationsDetailed().filter { only?.contains($0.name) ?? true }
        guard account.isSiteAdmin else { return FleetListing(organizations: listed) }
        let names: [String]
        do throws(TFEError) {
            names = try await client.adminOrganizationNames()
        } catch .notFound {
            return FleetListing(organizations: listed)
        }
        let known = Set(listed.map(\.name))
        let missing = names.filter { !known.contains($0) && (only?.contains($0) ?? true) }
        let (read, unreadable) = await readEach(missing, client: client, wording: wording)
        return FleetListing(organizations: (listed + read).sorted { $0.name < $1.name }, unreadable: unreadable)
    }

    /// Reads these organizations one by one, a few at once: those read, and for the others why not.
    /// The listing and the fleet's read-back share this one closure on purpose: with two identical
    /// copies (each returning a `(String, Result)` tuple), Swift 6.3.1's release build crashed
    /// copying a task group's result.
    static func readEach(_ names: [String], client: TFEClient, wording: RemedyWording,
                         concurrency: Int = 8) async -> (read: [Organization], unreadable: [String: String]) {
        let reads = await FleetPlanner.forEach(names, concurrency: concurrency) { name -> OrganizationRead in
            do throws(TFEError) { return OrganizationRead(name: name, result: .success(try await client.organization(name))) } catch {
                return OrganizationRead(name: name, result: .failure(error))
            }
        }
        var read: [Organization] = []
        var unreadable: [String: String] = [:]
        for r in reads {
            switch r.result {
            case .success(let org): read.append(org)
            case .failure(let error): unreadable[r.name] = FleetPlanner.readFailure(error, wording: wording)
            }
        }
        return (read, unreadable)
    }

    /// One organization's read, by name.
    struct OrganizationRead: Sendable {
        var name: String
        var result: Result<Organization, TFEError>
    }

    /// The organizations `listing` could describe, for the organization list the wizard opens
    /// with (it offers what it can show; a plan names those that cannot be read).
    package static func organizations(client: TFEClient, account: Account, only: Set<String>? = nil) async throws(TFEError) -> [Organization] {
        try await listing(client: client, account: account, only: only).organizations
    }
}
