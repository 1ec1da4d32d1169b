import SetupKit

/// What differs between the wizard's flows: how the Review is made and answered, what an apply's
/// answers do, how it ends, and how its screens and results are drawn. The shared reducer
/// (`Wizard`) handles the rest — keys on the screens, validation, drafts, quitting — and asks the
/// session of `state.session` for these. Each session is a namespace over `WizardState`; its own
/// data lives in its `Flow` case.
protocol WizardSession {
    // MARK: Update

    /// Leaving the last screen: the plan (or the request for one) and the Review.
    static func enterReview(_ state: inout WizardState) -> [WizardEffect]
    static func reviewKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect]
    static func resultKey(_ state: inout WizardState, _ key: Key) -> [WizardEffect]
    /// After a request's answer was recorded in `state.steps`, or the token check's: whether the
    /// apply has ended.
    static func stepAnswered(_ state: inout WizardState) -> [WizardEffect]
    /// `r` after a failed start: what to read again.
    static func readAgain(_ state: inout WizardState) -> [WizardEffect]

    // MARK: Ending

    static func exitCode(_ state: WizardState) -> Int32
    /// The closing line when it ends normally.
    static func finishMessage(_ state: WizardState) -> String
    /// The line printed when it is stopped (a signal, Ctrl-C): what was applied, what was in flight.
    static func summary(_ state: WizardState) -> String
    /// The closing line when nothing was applied.
    static func nothingApplied(_ state: WizardState) -> String
    /// What is being set up, as a notice names it (`my-org`, `3 organizations`).
    static func name(_ state: WizardState) -> String

    // MARK: Fields

    /// Whether a screen's fields can keep each organization's own value (empty means keep).
    static func keeps(_ section: Section) -> Bool
    /// Whether a screen's fields are checked against the server's state as they are typed
    /// (permissions, read-only fields, cross-field rules); otherwise at the Review, per organization.
    static func checksOnScreen(_ section: Section) -> Bool

    // MARK: Render

    /// The header after "tfe-setup", once something is loaded, longest form first (the header
    /// takes the first that fits); nil before.
    static func title(_ state: WizardState, _ g: Glyphs) -> [String]?
    /// The dim lines above a screen's fields.
    static func screenIntro(_ state: WizardState, _ section: Section, width: Int) -> [Line]
    /// The keys of the Review and the Result.
    static func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint]
    /// The Review, the apply's progress and the results.
    static func body(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line]
}
