import FoundationEssentials
import SetupKit
import TFEClient

/// Why the answers file could not be written.
package struct AnswersSaveError: Error, Equatable, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}
