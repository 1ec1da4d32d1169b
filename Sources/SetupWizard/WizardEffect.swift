import FoundationEssentials
import SetupKit
import TFEClient

/// What the wizard asks the runtime to do: plain data, so tests compare it.
package enum WizardEffect: Equatable, Sendable {
    case loadOrganizations
    case loadState(organization: String)
    /// Read the existing tokens for a state already shown (`StateLoader.readTokens`): after the
    /// first frame, so the screens do not wait for a second round trip.
    case loadTokens(CurrentState)
    /// Run these steps of the plan, concurrently.
    case apply(Plan, steps: [Step])
    /// Read what several organizations share: the server, the account, the SMTP relay.
    case loadSiteWide
    /// Plan one baseline for these organizations (by name): the list is read again, so a plan
    /// after an apply compares with what the server has now; other reads only where needed.
    case planFleet(FleetBaseline, organizations: [String])
    /// Apply a fleet plan at the client's pace, reporting each organization.
    case applyFleet(FleetPlan)
    /// A first install: wait for the health check until `deadline` seconds have passed,
    /// reporting each answer (`.serverWaiting`), then `.serverReady`.
    case waitForServer(deadline: Double)
    /// Fetch the IACT from `GET /admin/retrieve-iact`.
    case fetchIACT
    /// Create the first admin, store its token (`terraform login`'s file) and use it from then on.
    case createAdmin(FirstAdmin)
    /// Create an organization (the first admin's first).
    case createOrganization(name: String, email: String)
    /// Read the site-wide state only (no organization exists, or none is wanted): the SMTP relay.
    case loadWithoutOrganization(reason: String)
    /// Make a new user token for this user within the cap, store it where the token came from,
    /// and use it from then on (`TokenRenewal`); answered by `.tokenRenewed`.
    case renewToken(userID: String, capMilliseconds: Int64)
    /// Delete one of the caller's own tokens by id (the one this session made, once replaced).
    case deleteToken(id: String)
    case saveDraft(Draft)
    /// Remove the draft of this server and organization (the others stay).
    case deleteDraft(address: String, organization: String)
    /// Write this text to the answers file.
    case saveAnswers(fileName: String, contents: String)
    case quit(exitCode: Int32, message: String)
}
