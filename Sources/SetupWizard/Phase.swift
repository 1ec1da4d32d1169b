import FoundationEssentials
import SetupKit
import TFEClient

/// Where the wizard is.
package enum Phase: Equatable, Sendable {
    case loading(String)
    case pickOrganization
    /// A first install's screens (which one: `FirstInstall.step`).
    case firstInstall
    /// The question whether to resume a draft typed earlier (the draft it is about).
    case resumeDraft(Draft)
    case editing(Section)
    case review
    case applying
    case result
    case savePrompt
    case finished(exitCode: Int32, message: String)
    /// Start-up failed (no token, server unreachable…): the message, and Enter quits.
    case failed(String)
}

extension Phase {
    /// Whether a settings screen shows (it has its own help: the focused field's).
    package var isEditing: Bool {
        if case .editing = self { return true }
        return false
    }

    /// Whether the draft question is asked.
    package var asksToResume: Bool {
        if case .resumeDraft = self { return true }
        return false
    }
}

extension WizardState {
    /// Whether the frame takes input: a screen, the review, the organization picker, the draft question.
    package var takesInput: Bool { phase.screen.takesInput(self) }

    /// Whether an answer from the server is awaited.
    package var isWaiting: Bool { phase.screen.isWaiting(self) }
}

