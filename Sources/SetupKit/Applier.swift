import TFEClient

/// The result of one step (one request).
package struct StepResult: Sendable, Equatable {
    package var step: Step
    /// The fields the request carried.
    package var fields: [FieldKey]
    package var outcome: Outcome
    /// Fields the request carried that the server's answer does not show: the server ignored
    /// them (a beta attribute an older release does not know, …). Never reported as saved.
    package var ignored: [FieldKey] = []
    /// The front end's words for a failure's remedy (the command line names its flags).
    package var wording: RemedyWording = .neutral

    package init(step: Step, fields: [FieldKey], outcome: Outcome, ignored: [FieldKey] = [], wording: RemedyWording = .neutral) {
        self.step = step
        self.fields = fields
        self.outcome = outcome
        self.ignored = ignored
        self.wording = wording
    }

    package enum Outcome: Sendable, Equatable {
        case smtp(SMTPSettings)
        case organization(Organization)
        case tokenTTL([TokenTTLPolicy])
        case failed(TFEError)
        /// Not sent: a step of an earlier stage, which this one depends on, failed.
        case notSent(after: Step)
    }

    package var succeeded: Bool {
        switch outcome {
        case .failed, .notSent: return false
        default: return ignored.isEmpty
        }
    }
    package var error: TFEError? { if case .failed(let e) = outcome { return e } else { return nil } }
    /// True when a stop (a signal) cut the request short: not sent, or sent and not answered, so
    /// it may or may not have been applied. Not a failure of the server or of the values.
    package var wasStopped: Bool {
        if case .transport(let e)? = error { return e.kind == .cancelled }
        return false
    }

    /// The fields that can fix this failure: those a 422 names (all the request carried when it
    /// names none), the relay's host and port when it timed out or failed, its username and
    /// password when it refused them, the fields of a broken rule. Empty when no value is to blame
    /// (a server or network failure: the same values may well work on a retry).
    package var fieldsToFix: [FieldKey] {
        guard case .failed(let error) = outcome else { return [] }
        switch error {
        case .unprocessable: return error.fieldKeys.isEmpty ? fields : error.fieldKeys
        case .smtpRelay(401, _): return [.smtpUsername, .smtpPassword]
        case .smtpRelay: return [.smtpHost, .smtpPort]
        default: return error.fieldKeys   // a broken rule's fields; none for the others
        }
    }

    /// What to say under a field this failure concerns: why the server refused it, or that it went
    /// in the same request as a refused value and so was not saved either. Nil for a field the
    /// failure has nothing to do with.
    package func problem(for field: FieldKey) -> String? {
        guard let error else { return nil }
        let toFix = fieldsToFix
        if toFix.contains(field) {
            switch error {
            case .unprocessable(let errors):
                return "The server refused this: " + (errors.first { $0.field == field }?.message ?? errors.map(\.message).joined(separator: "; "))
            case .validation(let issues):
                return issues.first { $0.field == field }?.message
            case .smtpRelay(401, let detail):
                return "The mail relay refused the username or password (\(detail)); the API token is fine."
            case .smtpRelay(504, _):
                return "The mail relay did not answer in time: check the host and port, and that TFE can reach it."
            case .smtpRelay(let status, let detail):
                return "The mail relay reported an error (\(status): \(detail)): check the host and port."
            default:
                return nil
            }
        }
        guard fields.contains(field), !toFix.isEmpty else { return nil }
        return "Not saved (sent in the same request as " + toFix.map { FieldLabels.label($0) }.joined(separator: ", ") + ")."
    }

    /// Whether sending the same values again can succeed: the server or the network failed, not
    /// the values. A refusal (422, the relay's answer, a broken rule, 401/403/404) would repeat.
    package var isTransient: Bool {
        // Not sent at all: the same values may go once the step it waited for succeeds.
        if case .notSent = outcome { return true }
        switch error {
        case .server?, .rateLimited?, .transport?: return true
        default: return false
        }
    }

    /// The server's message for a person: what was saved, or why not. A failed request names
    /// every field it carried as not saved: one refused value keeps the others of the same
    /// request from being saved too.
    package var message: String { messageLines.joined(separator: "\n") }

    /// `message` as lines (a 422 lists each refused value on a line of its own), for the
    /// printers that show each line through `SafeText.line`.
    package var messageLines: [String] {
        switch outcome {
        case .failed(let error):
            var lines = error.descriptionLines(using: wording)
            lines[lines.count - 1] += " None of this request's values was saved: " + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + "."
            return lines
        case .notSent(let earlier):
            return ["Not sent: it waits for \(earlier.title), which did not complete. Nothing of it was saved: " + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + "."]
        default:
            return [successMessage]
        }
    }

    private var successMessage: String {
        switch outcome {
        case .failed, .notSent:
            return ""
        default:
            let saved = fields.filter { !ignored.contains($0) }
            guard !ignored.isEmpty else { return "saved " + saved.map { FieldLabels.label($0) }.joined(separator: ", ") }
            return "not saved: the server ignored " + ignored.map { FieldLabels.label($0) }.joined(separator: ", ")
                + " (its answer does not show the value sent)" + (saved.isEmpty ? "." : "; saved " + saved.map { FieldLabels.label($0) }.joined(separator: ", ") + ".")
                + " Run again to see what still differs."
        }
    }

    /// The fields of `plan` that the server's answer does not show as sent (write-only fields,
    /// which no answer shows, are not counted).
    static func ignoredFields(_ outcome: Outcome, plan: Plan) -> [FieldKey] {
        var ignored: [FieldKey] = []
        switch outcome {
        case .smtp(let s):
            guard let u = plan.smtp else { return [] }
            if let v = u.enabled, v != s.enabled { ignored.append(.smtpEnabled) }
            if let v = u.host, v != s.host { ignored.append(.smtpHost) }
            if let v = u.port, v != s.port { ignored.append(.smtpPort) }
            if let v = u.sender, v != s.sender { ignored.append(.smtpSender) }
            if let v = u.auth, v != s.auth { ignored.append(.smtpAuth) }
            if let v = u.username, v != s.username { ignored.append(.smtpUsername) }
        case .organization(let o):
            var u = plan.organizationUpdate ?? OrganizationDefaultsUpdate()
            if let switchAlone = plan.ttlSwitchUpdate?.maxTTLEnabled { u.maxTTLEnabled = switchAlone }
            if let v = u.mode, v != o.defaultExecutionMode { ignored.append(.executionMode) }
            if case .set(let id) = u.agentPool, id != o.defaultAgentPoolID { ignored.append(.agentPool) }
            if let v = u.maxTTLEnabled, !o.maxTTLSupported || v != o.maxTTLEnabled { ignored.append(.ttlEnabled) }
        case .tokenTTL(let policies):
            guard let u = plan.tokenTTL else { return [] }
            for (type, ms) in u.orderedEntries where policies.first(where: { $0.tokenType == type })?.maxTTLMilliseconds != ms {
                ignored.append(.ttl(type))
            }
        case .failed, .notSent:
            break
        }
        return ignored
    }
}

/// Runs a plan with the fewest requests, the independent ones concurrently; one result per step.
package struct Applier: Sendable {
    package let client: TFEClient
    /// How the results word a failure's remedy.
    package let wording: RemedyWording

    package init(client: TFEClient, wording: RemedyWording = .neutral) {
        self.client = client
        self.wording = wording
    }

    /// Runs the plan stage by stage and returns every step's result in step order.
    package func apply(_ plan: Plan) async -> [StepResult] {
        var results: [StepResult] = []
        await apply(plan, steps: plan.steps) { results.append($0) }
        return results.sorted { $0.step < $1.step }
    }

    /// Runs `steps` of the plan stage by stage: a stage's steps at the same time, each result
    /// handed to `each` as it comes; after a stage with a failure, the later stages' steps are
    /// reported as not sent (they depend on it). The wizard and `apply` both run plans here.
    package func apply(_ plan: Plan, steps: [Step], each: (StepResult) async -> Void) async {
        let wanted = Set(steps)
        var failed: Step?
        for stage in plan.stages.map({ $0.filter(wanted.contains) }) where !stage.isEmpty {
            if let failed {
                for step in stage {
                    await each(StepResult(step: step, fields: plan.fields(of: step), outcome: .notSent(after: failed), wording: wording))
                }
                continue
            }
            await withTaskGroup(of: StepResult.self) { group in
                for step in stage { group.addTask { await self.run(step, of: plan) } }
                for await result in group {
                    if !result.succeeded, failed == nil { failed = result.step }
                    await each(result)
                }
            }
        }
    }

    /// Runs one step. Validation already passed when the plan was made; the client checks again.
    package func run(_ step: Step, of plan: Plan) async -> StepResult {
        let fields = plan.fields(of: step)
        do {
            let outcome: StepResult.Outcome
            switch step {
            case .smtp:
                guard let update = plan.smtp else { throw TFEError.requiredFieldMissing("no SMTP change") }
                outcome = .smtp(try await client.updateSMTPSettings(update, current: nil))
            case .organization:
                guard let update = plan.organizationUpdate else { throw TFEError.requiredFieldMissing("no organization change") }
                outcome = .organization(try await client.updateOrganization(plan.organization, update, current: nil))
            case .tokenTTL:
                guard let update = plan.tokenTTL else { throw TFEError.requiredFieldMissing("no token TTL change") }
                outcome = .tokenTTL(try await client.updateTokenTTLPolicies(plan.organization, update))
            case .ttlSwitch:
                guard let update = plan.ttlSwitchUpdate else { throw TFEError.requiredFieldMissing("no max-TTL switch change") }
                outcome = .organization(try await client.updateOrganization(plan.organization, update, current: nil))
            }
            // Verify, don't assume: what the server kept is what its answer shows (only the fields
            // this step carried: the switch alone is checked apart from the mode and pool).
            let ignored = StepResult.ignoredFields(outcome, plan: plan).filter(fields.contains)
            return StepResult(step: step, fields: fields, outcome: outcome, ignored: ignored, wording: wording)
        } catch let error as TFEError {
            return StepResult(step: step, fields: fields, outcome: .failed(error), wording: wording)
        } catch {
            return StepResult(step: step, fields: fields, outcome: .failed(.transport(TransportError(.other, "\(error)"))), wording: wording)
        }
    }
}

extension CurrentState {
    /// The state after a successful step, so a new plan holds only what is still to do.
    package mutating func absorb(_ result: StepResult) {
        switch result.outcome {
        case .smtp(let s): smtp = s
        case .organization(let o):
            // Take what the PATCH answer reports; keep what only the read has (permissions, the
            // entitlement set, whether the switch is supported at all).
            organization.email = o.email ?? organization.email
            organization.defaultExecutionMode = o.defaultExecutionMode
            organization.unknownExecutionMode = o.unknownExecutionMode
            organization.defaultAgentPoolID = o.defaultAgentPoolID
            if o.maxTTLSupported { organization.maxTTLEnabled = o.maxTTLEnabled }
            organization.scalarAttributes.merge(o.scalarAttributes) { $1 }
        case .tokenTTL(let policies): tokenTTLPolicies = policies
        case .failed, .notSent: break
        }
    }
}
