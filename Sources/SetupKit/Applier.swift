import TFEClient

/// The result of one step (one request).
public struct StepResult: Sendable, Equatable {
    public var step: Step
    /// The fields the request carried.
    public var fields: [FieldKey]
    public var outcome: Outcome

    public enum Outcome: Sendable, Equatable {
        case smtp(SMTPSettings)
        case organization(Organization)
        case tokenTTL([TokenTTLPolicy])
        case failed(TFEError)
    }

    public var succeeded: Bool { if case .failed = outcome { return false } else { return true } }
    public var error: TFEError? { if case .failed(let e) = outcome { return e } else { return nil } }

    /// The server's message for a person: what was saved, or why not.
    public var message: String {
        switch outcome {
        case .failed(let error): return error.description
        default: return "saved " + fields.map { FieldLabels.label($0) }.joined(separator: ", ")
        }
    }
}

/// Runs a plan with the fewest requests, the independent ones concurrently; one result per step.
public struct Applier: Sendable {
    public let client: TFEClient

    public init(client: TFEClient) { self.client = client }

    /// Runs every step of the plan at once and returns their results in step order.
    public func apply(_ plan: Plan) async -> [StepResult] {
        await withTaskGroup(of: StepResult.self) { group in
            for step in plan.steps { group.addTask { await self.run(step, of: plan) } }
            var results: [StepResult] = []
            for await r in group { results.append(r) }
            return results.sorted { $0.step < $1.step }
        }
    }

    /// Runs one step. Validation already passed when the plan was made; the client checks again.
    public func run(_ step: Step, of plan: Plan) async -> StepResult {
        let fields = plan.fields(of: step)
        do {
            switch step {
            case .smtp:
                guard let update = plan.smtp else { throw TFEError.requiredFieldMissing("no SMTP change") }
                return StepResult(step: step, fields: fields, outcome: .smtp(try await client.updateSMTPSettings(update, current: nil)))
            case .organization:
                guard let update = plan.organizationUpdate else { throw TFEError.requiredFieldMissing("no organization change") }
                return StepResult(step: step, fields: fields, outcome: .organization(try await client.updateOrganization(plan.organization, update, current: nil)))
            case .tokenTTL:
                guard let update = plan.tokenTTL else { throw TFEError.requiredFieldMissing("no token TTL change") }
                return StepResult(step: step, fields: fields, outcome: .tokenTTL(try await client.updateTokenTTLPolicies(plan.organization, update)))
            }
        } catch let error as TFEError {
            return StepResult(step: step, fields: fields, outcome: .failed(error))
        } catch {
            return StepResult(step: step, fields: fields, outcome: .failed(.transport(underlying: "\(error)", hint: "")))
        }
    }
}

extension CurrentState {
    /// The state after a successful step, so a new plan holds only what is still to do.
    public mutating func absorb(_ result: StepResult) {
        switch result.outcome {
        case .smtp(let s): smtp = s
        case .organization(let o):
            // The PATCH answer carries the same permissions; keep ours (and the entitlements, which
            // only the read includes) if it leaves them out.
            organization = Organization(name: organization.name, email: o.email ?? organization.email, defaultExecutionMode: o.defaultExecutionMode,
                                        defaultAgentPoolID: o.defaultAgentPoolID,
                                        maxTTLEnabled: o.maxTTLSupported ? o.maxTTLEnabled : organization.maxTTLEnabled,
                                        maxTTLSupported: organization.maxTTLSupported, canUpdate: organization.canUpdate,
                                        entitlements: organization.entitlements)
        case .tokenTTL(let policies): tokenTTLPolicies = policies
        case .failed: break
        }
    }
}
