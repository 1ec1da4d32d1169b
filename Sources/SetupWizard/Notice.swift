import FoundationEssentials
import SetupKit
import TFEClient

/// A status-row message and how much it matters.
package struct Notice: Equatable, Sendable {
    package enum Severity: Sendable { case info, problem }
    package var text: String
    package var severity: Severity
    package init(_ text: String, _ severity: Severity) {
        self.text = text
        self.severity = severity
    }
}
