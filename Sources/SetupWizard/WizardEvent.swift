import Foundation
import SetupKit
import TFEClient

/// What happens to the wizard: a key, a tick of the clock, or the answer to a command.
public enum WizardEvent: Equatable, Sendable {
    case key(Key)
    /// A line typed at plain mode's prompt: the answer to whatever the phase asks.
    case line(String)
    /// The terminal layer's clock: spinners advance.
    case tick
    /// The terminal's size now (sent at start and on every change). Below `Size.minimum` no key
    /// but Ctrl-C acts: nothing is applied, typed or navigated on a screen the admin cannot see.
    case resized(Size)
    case organizationsLoaded(Result<[OrganizationSummary], TFEError>)
    /// The current state, and a draft saved earlier for the same address and organization.
    case stateLoaded(Result<CurrentState, TFEError>, draft: Draft?)
    case stepFinished(StepResult)
    /// The answers file was written (its path) or not (why).
    case answersSaved(Result<String, AnswersSaveError>)
    /// The draft could not be written (its path): what is typed lives only until quitting.
    case draftSaveFailed(path: String)
}

/// Why the answers file could not be written.
public struct AnswersSaveError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// What the wizard asks the runtime to do: plain data, so tests compare it.
public enum WizardCommand: Equatable, Sendable {
    case loadOrganizations
    case loadState(organization: String)
    /// Run these steps of the plan, concurrently.
    case apply(Plan, steps: [Step])
    case saveDraft(Draft)
    case deleteDraft
    /// Write this text to the answers file.
    case saveAnswers(fileName: String, contents: String)
    case quit(exitCode: Int32, message: String)
}
