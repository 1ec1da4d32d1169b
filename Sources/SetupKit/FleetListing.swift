import FoundationEssentials
import TFEClient

/// What the directory found: the organizations it could describe, and those the server names
/// that could not be read (each with why), so that a plan counts them instead of losing them.
package struct FleetListing: Sendable, Equatable {
    /// In name order.
    package var organizations: [Organization]
    /// Organization name → why it could not be read.
    package var unreadable: [String: String]

    package init(organizations: [Organization], unreadable: [String: String] = [:]) {
        self.organizations = organizations
        self.unreadable = unreadable
    }

    /// Only the organizations whose names `keep` accepts.
    package func filter(_ keep: (String) -> Bool) -> FleetListing {
        FleetListing(organizations: organizations.filter { keep($0.name) }, unreadable: unreadable.filter { keep($0.key) })
    }

    /// Every name, readable or not.
    package var count: Int { organizations.count + unreadable.count }
}
