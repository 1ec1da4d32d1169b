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

    /// The flow without its data: which fields a screen has (`FieldSpec.flows`).
    package enum Kind: Sendable { case organization, several }

    package var kind: Kind {
        switch self {
        case .organization: return .organization
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
        }
    }
}
