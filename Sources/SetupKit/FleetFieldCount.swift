import FoundationEssentials
import TFEClient

/// One baseline field across the chosen organizations, for the review:
/// `Mode: agent in 118 organizations, already agent in 2`.
package struct FleetFieldCount: Sendable, Equatable {
    package var field: FieldKey
    package var value: String
    /// Organizations this field changes in.
    package var changing: Int
    /// Organizations (not left out) that already have the value.
    package var already: Int

    package func line(arrow: String) -> String {
        let n = { (count: Int) in "\(count) organization\(count == 1 ? "" : "s")" }
        // `Organization: 1y` reads as the organization's name: TTLs say what they are.
        var label = FieldLabels.label(field)
        if TokenType.known.contains(where: { FieldKey.ttl($0) == field }) { label += " token TTL" }
        return "\(label): \(arrow)\(value) in \(n(changing)), already \(value) in \(already)"
    }
}
