import SetupKit
import TFEClient

/// The organization list's data: what the token sees, the highlighted row, the marks and the
/// filter. Drawn and answered in `Wizard+OrganizationList.swift`.
package struct OrganizationList: Equatable, Sendable {
    /// The organizations the token sees (with each one's mode, switch, permissions and entitlements).
    package var organizations: [Organization] = []
    /// The highlighted row among the organizations the filter lets through.
    package var index = 0
    /// The organizations marked with Space (or `a`) for one baseline.
    package var marked: Set<String> = []
    /// The filter, and whether typing goes into it (after `/`).
    package var filter = ""
    package var filtering = false

    package init() {}

    /// The organizations the filter lets through, in the order listed.
    package var shown: [Organization] {
        let key = filter.lowercased()
        return key.isEmpty ? organizations : organizations.filter { $0.name.lowercased().contains(key) }
    }
}
