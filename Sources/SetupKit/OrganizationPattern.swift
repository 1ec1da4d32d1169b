import Glibc

/// Organization names chosen by patterns: names or globs (`prod-*`, `*`), comma-separated on the
/// command line.
package enum OrganizationPattern {
    package static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }
}
