import FoundationEssentials

/// Spells a TTL in milliseconds the way the `hashicorp/tfe` provider reads it back.
///
/// The provider's `tfe_org_max_token_ttl_policy` takes `<number><unit>` with units h/d/w/mo/y
/// and turns it into milliseconds with float64 arithmetic, rounding to the nearest millisecond.
/// So a string is right when *that* computation lands exactly on our value, which this type
/// checks by repeating it (same operations, same order, so the same float rounding).
package enum TerraformDuration {
    /// The outcome for one value.
    package struct Spelling: Equatable, Sendable {
        /// The string to write, e.g. `90d`, `730.485d`.
        package var text: String
        /// The milliseconds the provider will compute from `text`.
        package var providerMilliseconds: Int64
        /// Whether the provider will compute exactly the value asked for.
        package var exact: Bool { providerMilliseconds == requested }
        /// The value asked for.
        package var requested: Int64
    }

    /// The provider's unit factors, written as the provider multiplies them (left to right).
    static let units: [(name: String, factors: [Double], ms: Int64)] = [
        ("y", [365, 24, 60, 60, 1000], 31_536_000_000),
        ("d", [24, 60, 60, 1000], 86_400_000),
        ("h", [60, 60, 1000], 3_600_000),
    ]

    /// The shortest spelling in y, d or h that the provider turns back into exactly `ms`; when
    /// none can (values beyond float64's precision), the nearest one, with `exact == false`.
    /// `mo` and `w` are never written: a reader can mistake what a month is.
    /// - Returns: nil when the provider accepts no spelling at all (zero or a negative value — a
    ///   server may report anything; the caller says so in a comment).
    package static func spell(milliseconds ms: Int64) -> Spelling? {
        guard ms > 0 else { return nil }
        var best: Spelling?
        for unit in units {
            // Whole units first; then up to 9 decimals, which covers any millisecond value in
            // hours (1 ms = 0.000000278 h) once the provider's rounding is counted.
            for decimals in 0...9 {
                let text = decimalText(ms, per: unit.ms, decimals: decimals) + unit.name
                guard let value = providerValue(text) else { continue }
                let candidate = Spelling(text: text, providerMilliseconds: value, requested: ms)
                if candidate.exact {
                    if best == nil || !best!.exact || text.count < best!.text.count { best = candidate }
                    break
                }
                if best == nil || (!best!.exact && abs(value - ms) < abs(best!.providerMilliseconds - ms)) { best = candidate }
            }
        }
        return best
    }

    /// What the provider computes from a duration string (nil when it would refuse it).
    package static func providerValue(_ text: String) -> Int64? {
        guard let unit = units.first(where: { text.hasSuffix($0.name) }) else { return nil }
        let number = text.dropLast(unit.name.count)
        guard number.wholeMatch(of: /[0-9]+(\.[0-9]+)?/) != nil, var value = Double(number) else { return nil }
        for factor in unit.factors { value *= factor }
        let rounded = value.rounded(.toNearestOrAwayFromZero)   // Go's math.Round
        guard rounded > 0, rounded < 9.2e18 else { return nil }
        return Int64(rounded)
    }

    /// `ms / per` in decimal, rounded half up to `decimals` places, trailing zeros dropped.
    static func decimalText(_ ms: Int64, per: Int64, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = ms / per
        let rest = ms % per
        // rest * scale can overflow for huge values; use the full-width product.
        let (high, low) = rest.multipliedFullWidth(by: scale)
        let (q, r) = per.dividingFullWidth((high, low))
        var fraction = q + (r * 2 >= per ? 1 : 0)
        var integer = whole
        if fraction >= scale { integer += 1; fraction -= scale }
        guard decimals > 0, fraction > 0 else { return String(integer) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: decimals - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(integer).\(digits)"
    }
}
