import SetupKit

/// Which flow the wizard is in. Each flow is a session with its own update and render files
/// (`OrganizationSession`, `SeveralSession`); `WizardState.session` is the one place that tells
/// them apart, so a new flow is a new case here and a new session type, not checks spread over
/// the reducer and the renderer.
package enum Flow: Equatable, Sendable {
    /// One organization (or none chosen yet): its screens, the Review, its requests, the results.
    case organization(OrganizationChoice)
    /// Several organizations under one baseline: the chosen ones, their plan and the progress.
    case several(FleetChoice)
    /// A server with no users yet: its first admin and organization, then `.organization`.
    case firstInstall(FirstInstall)

    /// The flow without its data: which fields a screen has (`FieldSpec.flows`).
    package enum Kind: Sendable { case organization, several }

    package var kind: Kind {
        switch self {
        // A first install has no settings fields of its own: it ends in `.organization`.
        case .organization, .firstInstall: return .organization
        case .several: return .several
        }
    }
}

extension WizardState {
    /// The session whose update and render apply now: the one dispatch on the flow.
    var session: any WizardSession.Type {
        switch flow {
        case .organization: return OrganizationSession.self
        case .several: return SeveralSession.self
        case .firstInstall: return FirstInstallSession.self
        }
    }

    /// The first install's data, when that is the flow (set only while it is).
    package var firstInstall: FirstInstall? {
        get { if case .firstInstall(let f) = flow { return f } else { return nil } }
        set { if let newValue { flow = .firstInstall(newValue) } }
    }
}
