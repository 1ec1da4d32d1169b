import TFEClient

/// "Did you mean my-org?" for a mistyped organization name: the names a token sees, nearest
/// first, and the nearest when it is close enough to be a typo. Used by the commands' error
/// and by the wizard, which then offers the list.
package struct OrganizationSuggestion: Equatable, Sendable {
    /// Every name, the nearest to what was asked first (ties by name).
    package let ranked: [String]
    /// The nearest name, when at most a third of its letters (and at least two) differ.
    package let nearest: String?

    package init(asked: String, names: [String]) {
        let key = asked.lowercased()
        let scored = names.map { (name: $0, distance: Self.distance($0.lowercased(), key)) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
        ranked = scored.map(\.name)
        nearest = scored.first.flatMap { $0.distance <= max(2, asked.count / 3) ? $0.name : nil }
    }

    /// "Did you mean my-org? This token sees: my-org, other (at most ten named)."
    package var sentence: String {
        let shown = ranked.prefix(10).map { SafeText.line($0) }.joined(separator: ", ")
            + (ranked.count > 10 ? ", … (\(ranked.count) in all)" : "")
        return (nearest.map { "Did you mean \(SafeText.line($0))? " } ?? "") + "This token sees: \(shown)."
    }

    /// Levenshtein distance; organization names are short, so the quadratic table is fine.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[y.count]
    }
}
