import FoundationEssentials
import SetupKit
import TFEClient

/// A fleet plan and what it was made from.
package struct FleetPlanned: Equatable, Sendable {
    package var plan: FleetPlan
    /// The planned organizations as the server described them just now.
    package var organizations: [Organization]
    /// The client's pace, in requests per second.
    package var pace: Double
    package init(plan: FleetPlan, organizations: [Organization], pace: Double) {
        self.plan = plan
        self.organizations = organizations
        self.pace = pace
    }
}
