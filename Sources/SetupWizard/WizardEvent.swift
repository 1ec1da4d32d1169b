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
    /// The existing tokens of this organization, read after its state.
    case tokensLoaded(organization: String, TokenInventory)
    case stepFinished(StepResult)
    /// After an apply that rejects the token in use: what the read that followed found.
    case lockoutChecked(String)
    /// A first install's health check answered `answer` (not 200) after `waited` seconds.
    case serverWaiting(answer: String, waited: Int)
    /// The health check answered 200 (nil), or the deadline passed (the error).
    case serverReady(TFEError?)
    case iactFetched(Result<SecretString, TFEError>)
    /// The credentials file cannot take a token (why): nothing was created.
    case credentialsUnwritable(String)
    /// The first admin exists: from here on the runtime sends its token (the flow's client).
    case adminCreated(Result<AdminCreated, TFEError>)
    /// A signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) the front end holds back while a request that
    /// must not be abandoned (the first admin's) is in flight; the wizard quits after its answer.
    case stopRequested(signal: String)
    /// A long fleet plan's progress (a few times a second at most).
    case fleetPlanProgress(FleetProgressFigures)
    case organizationCreated(Result<String, TFEError>)
    /// The answers file was written (its path) or not (why).
    /// `sharedFolder`: other users may create files in the folder it was saved to.
    case answersSaved(Result<String, AnswersSaveError>, sharedFolder: Bool = false)
    /// The renewal's answer: the new token made and stored (the runtime uses it from now on), or why not.
    case tokenRenewed(Result<RenewedToken, RenewalFailure>)
    /// The token this session made first was deleted (nil), or why not.
    case tokenDeleted(id: String, failure: String?)
    /// The draft could not be written (its path): what is typed lives only until quitting.
    case draftSaveFailed(path: String)
}

