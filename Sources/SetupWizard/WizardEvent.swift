import FoundationEssentials
import SetupKit
import TFEClient

/// What happens to the wizard: a key, a tick of the clock, or the answer to a command.
package enum WizardEvent: Equatable, Sendable {
    case key(Key)
    /// A line typed at plain mode's prompt: the answer to whatever the phase asks.
    case line(String)
    /// The terminal layer's clock: spinners advance.
    case tick
    /// The terminal's size now (sent at start and on every change). Below `Size.minimum` no key
    /// but Ctrl-C acts: nothing is applied, typed or navigated on a screen the admin cannot see.
    case resized(Size)
    case organizationsLoaded(Result<[Organization], TFEError>)
    /// Several organizations: the server, the account and the site-wide SMTP relay.
    case siteWideLoaded(Result<CurrentState, TFEError>)
    /// The plan for several organizations, from the organizations as read again for it, and the
    /// pace the client keeps (requests per second).
    case fleetPlanned(Result<FleetPlanned, TFEError>)
    /// One organization of a fleet apply is done; `elapsed` seconds since the apply started.
    case fleetProgress(FleetOutcome, elapsed: Double)
    /// The fleet apply ended; the organizations it did not start (stopped).
    case fleetFinished(notStarted: [String])
    /// The current state, and a draft saved earlier for the same address and organization.
    case stateLoaded(Result<CurrentState, TFEError>, draft: Draft?)
    case stepFinished(StepResult)
    /// The answers file was written (its path) or not (why).
    /// `sharedFolder`: other users may create files in the folder it was saved to.
    case answersSaved(Result<String, AnswersSaveError>, sharedFolder: Bool = false)
    /// The draft could not be written (its path): what is typed lives only until quitting.
    case draftSaveFailed(path: String)
}

/// Why the answers file could not be written.
package struct AnswersSaveError: Error, Equatable, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

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
