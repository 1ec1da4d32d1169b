/// One organization's session data: which organization (none until it is chosen from the list),
/// and whether a screen was opened from the results to fix what failed.
package struct OrganizationChoice: Equatable, Sendable {
    /// The organization being set up; nil while the list is shown.
    package var name: String?
    /// On a screen after `e` (or a screen's number) on the results: leaving it goes back to the
    /// results, where `r` sends the new values.
    package var fixing = false

    package init(name: String? = nil) { self.name = name }
}

extension WizardState {
    /// The one-organization session's data, nil in the other flows.
    var oneOrganization: OrganizationChoice? {
        get {
            if case .organization(let choice) = flow { return choice }
            return nil
        }
        set { if let newValue { flow = .organization(newValue) } }
    }

    /// The organization being set up, in the one-organization flow (nil on the list and for
    /// several): what drafts are saved under and what the screens name.
    package var organization: String? {
        get { oneOrganization?.name }
        set { oneOrganization?.name = newValue }
    }

    /// Whether a screen was opened from the results to fix what failed.
    package var fixing: Bool {
        get { oneOrganization?.fixing ?? false }
        set { oneOrganization?.fixing = newValue }
    }
}
