import FoundationEssentials
import SetupKit
import TFEClient

/// What the wizard asks the runtime to do: plain data, so tests compare it.
package enum WizardEffect: Equatable, Sendable {
    case loadOrganizations
    case loadState(organization: String)
    /// Run these steps of the plan, concurrently.
    case apply(Plan, steps: [Step])
    /// Read what several organizations share: the server, the account, the SMTP relay.
    case loadSiteWide
    /// Plan one baseline for these organizations (by name): the list is read again, so a plan
    /// after an apply compares with what the server has now; other reads only where needed.
    case planFleet(FleetBaseline, organizations: [String])
    /// Apply a fleet plan at the client's pace, reporting each organization.
    case applyFleet(FleetPlan)
    case saveDraft(Draft)
    case deleteDraft
    /// Write this text to the answers file.
    case saveAnswers(fileName: String, contents: String)
    case quit(exitCode: Int32, message: String)
}
