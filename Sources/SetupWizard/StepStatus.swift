import FoundationEssentials
import SetupKit
import TFEClient

/// A step's progress during Apply.
package enum StepStatus: Equatable, Sendable {
    case running
    case done(StepResult)
}
