import FoundationEssentials

/// One walk through a paginated list, and whether what it saw adds up: no item twice, the same
/// `meta.pagination.total-count` on every page, and that many items. A list that shifts while it
/// is paged (an item created or deleted between two pages) repeats an item or skips one; the
/// counts are how a skip shows.
struct ListWalk<Item> {
    /// The items in the order seen, each id once.
    var items: [Item] = []
    /// The ids seen a second time.
    var repeated: [String] = []
    /// Each page's `total-count`, where the server sent one.
    var totals: [Int] = []

    /// Takes one page: an item whose id was seen already is kept out and remembered.
    mutating func take(_ page: [Item], id: (Item) -> String, seen: inout Set<String>, total: Int?) {
        for item in page {
            if seen.insert(id(item)).inserted { items.append(item) } else { repeated.append(id(item)) }
        }
        if let total { totals.append(total) }
    }

    /// What does not add up, in plain words; nil when everything does.
    var problem: String? {
        var parts: [String] = []
        if !repeated.isEmpty {
            let names = repeated.prefix(3).map { SafeText.line($0) }.joined(separator: ", ") + (repeated.count > 3 ? ", …" : "")
            parts.append("\(repeated.count) listed twice (\(names))")
        }
        if let first = totals.first, let last = totals.last, Set(totals).count > 1 {
            parts.append("the server's count went from \(first) to \(last) between pages")
        } else if let total = totals.last, total != items.count {
            parts.append("\(items.count) listed where the server counts \(total)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
