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

    /// Why the server's answer could not be checked by reading the resource back (the read was
    /// refused, failed, or a stop came first): saved as far as the answer says, not confirmed.
    package var unconfirmed: String?

    package init(step: Step, fields: [FieldKey], outcome: Outcome, ignored: [FieldKey] = [], wording: RemedyWording = .neutral,
                 unconfirmed: String? = nil) {
        self.step = step
        self.fields = fields
        self.outcome = outcome
        self.ignored = ignored
        self.wording = wording
        self.unconfirmed = unconfirmed
    }

    /// What the server holds after the step, as read back (or, when the read failed, as its
    /// answer says); or why it holds nothing new; or that nobody can tell.
    package enum Outcome: Sendable, Equatable {
        case smtp(SMTPSettings)
        case organization(Organization)
        case tokenTTL([TokenTTLPolicy])
        /// The agent pool created (as the pool list shows it after the POST).
        case agentPool(AgentPool)
        /// Refused (4xx, a broken rule) or provably never sent: not saved.
        case failed(TFEError)
        /// Sent, and no answer came, or none that says (a reset, a drop, a timeout, a stop, a 5xx): the
        /// server may or may not have saved it. Only a read can tell; a rerun reads first.
        case unknown(TFEError)
        /// Not sent: a step of an earlier stage, which this one depends on, failed.
        case notSent(after: Step)
    }

    /// The three things a report may say of a request, and nothing in between.
    package enum Saved: Sendable, Equatable { case saved, notSaved, unknown }

    /// Saved (answered, and read back unless `unconfirmed` says why not), not saved, or unknown.
    package var saved: Saved {
        switch outcome {
        case .unknown: return .unknown
        case .failed, .notSent: return .notSaved
        default: return ignored.isEmpty ? .saved : .notSaved
        }
    }

    package var succeeded: Bool { saved == .saved }

    /// "with 1 of 3 requests saved, 2 unknown (sent, no answer)": the three outcomes counted,
    /// for the line that ends a stopped run.
    package static func tally(_ results: [StepResult]) -> String {
        let saved = results.filter { $0.saved == .saved }.count
        let unknown = results.filter { $0.saved == .unknown }.count
        let notSaved = results.count - saved - unknown
        var text = "with \(saved) of \(results.count) requests saved"
        if unknown > 0 { text += ", \(unknown) unknown (sent, no answer)" }
        if notSaved > 0 { text += ", \(notSaved) not saved" }
        return text
    }
    package var error: TFEError? {
        switch outcome {
        case .failed(let e), .unknown(let e): return e
        default: return nil
        }
    }
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
        case .server?, .rateLimited?, .transport?, .configuration(_, .waitForOtherRun?)?: return true
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
            lines[lines.count - 1] += " Not saved: " + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + "."
            return lines
        case .unknown(let error) where unconfirmed != nil:
            var lines = error.descriptionLines(using: wording)
            lines[lines.count - 1] = (unconfirmed ?? "") + ": " + lines[lines.count - 1] + " Unknown whether the server kept "
                + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + ". " + wording.text(.rereadBeforeRetrying)
            return lines
        case .unknown(let error):
            var lines = error.descriptionLines(using: wording)
            // The transport's own sentence may already say the change may have been saved.
            let said = lines.joined().contains("may or may not have been saved")
            // A 5xx is an answer, but one that does not say whether the change was kept.
            let why: String
            if case .server(let status, _) = error { why = " The server's \(status) does not say whether the change was kept, so it is unknown whether it was saved: " }
            else { why = " The request was sent and no answer came, so it is unknown whether it was saved: " }
            lines[lines.count - 1] += (said ? " Unknown whether it was saved: " : why)
                + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + "." + (said ? "" : " " + wording.text(.rereadBeforeRetrying))
            if step == .agentPool { lines[lines.count - 1] += " " + Self.poolMayExist }
            if fields.contains(.smtpTestEmail) { lines[lines.count - 1] += " " + wording.text(.skipSecondTestEmail) }
            return lines
        case .notSent(let earlier):
            return ["Not sent: it waits for \(earlier.title), which did not complete. Nothing of it was saved: " + fields.map { FieldLabels.label($0) }.joined(separator: ", ") + "."]
        default:
            return [successMessage]
        }
    }

    /// Said of a pool POST whose outcome is unknown: it is never sent twice blindly.
    package static let poolMayExist = "The agent pool may exist now: it was not sent again, and the organization was not changed. "
        + "The next plan reads the pools and uses a pool of that name instead of making another."

    private var successMessage: String {
        switch outcome {
        case .failed, .notSent, .unknown:
            return ""
        case .agentPool(let pool) where ignored.isEmpty:
            return "created agent pool \(SafeText.line(pool.name)) (\(SafeText.line(pool.id)), organization-scoped)"
                + (unconfirmed.map { " (the server's answer says so; not read back: \($0))" } ?? "")
        default:
            let saved = fields.filter { !ignored.contains($0) }
            let note = unconfirmed.map { " (the server's answer says so; not read back: \($0))" } ?? ""
            guard !ignored.isEmpty else { return "saved " + saved.map { FieldLabels.label($0) }.joined(separator: ", ") + note }
            return "not saved: the server ignored " + ignored.map { FieldLabels.label($0) }.joined(separator: ", ")
                + " (its answer does not show the value sent)" + (saved.isEmpty ? "." : "; saved " + saved.map { FieldLabels.label($0) }.joined(separator: ", ") + ".")
                + " Run again to see what still differs." + note
        }
    }

    /// The fields of `plan` that the server's answer does not show as sent (write-only fields,
    /// which no answer shows, are not counted).
    static func ignoredFields(_ outcome: Outcome, plan: Plan) -> [FieldKey] {
        var ignored: [FieldKey] = []
        switch outcome {
        case .smtp(let s):
            guard let u = plan.smtp else { return [] }
            ignored += SMTPSetting.all.filter { $0.notKept(u, s) }.map(\.key)
        case .organization(let o):
            var u = plan.organizationUpdate ?? OrganizationDefaultsUpdate()
            if let switchAlone = plan.ttlSwitchUpdate?.maxTTLEnabled { u.maxTTLEnabled = switchAlone }
            if let v = u.mode, v != o.defaultExecutionMode { ignored.append(.executionMode) }
            if case .set(let id) = u.agentPool, id != o.defaultAgentPoolID { ignored.append(.agentPool) }
            if let v = u.maxTTLEnabled, !o.maxTTLSupported || v != o.maxTTLEnabled { ignored.append(.ttlEnabled) }
        case .agentPool(let pool):
            if let wanted = plan.newAgentPool, pool.name != wanted.name { ignored.append(.agentPoolName) }
        case .tokenTTL(let policies):
            guard let u = plan.tokenTTL else { return [] }
            for (type, ms) in u.orderedEntries where policies.first(where: { $0.tokenType == type })?.maxTTLMilliseconds != ms {
                ignored.append(.ttl(type))
            }
        case .failed, .notSent, .unknown:
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

    /// Whether each write is read back right after its answer (one GET each). A fleet apply turns
    /// it off: its organization PATCHes are read back all at once from the organization list
    /// (`FleetReadBack.verify`, one request per hundred organizations instead of one each), and a
    /// TTL PATCH's answer, which lists every policy as the server holds them after the write, is
    /// its record (the policies are in no list: one more GET per organization would cost a
    /// quarter more time at the rate limit; a `plan` afterwards reads them all).
    package var readsBackEachWrite = true

    package init(client: TFEClient, wording: RemedyWording = .neutral, readsBackEachWrite: Bool = true) {
        self.client = client
        self.wording = wording
        self.readsBackEachWrite = readsBackEachWrite
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
        // The plan as it stands: a pool created in one stage is the default the next one sets.
        var plan = plan
        for stage in plan.stages.map({ $0.filter(wanted.contains) }) where !stage.isEmpty {
            if let failed {
                for step in stage {
                    await each(StepResult(step: step, fields: plan.fields(of: step), outcome: .notSent(after: failed), wording: wording))
                }
                continue
            }
            let planNow = plan
            await withTaskGroup(of: StepResult.self) { group in
                for step in stage { group.addTask { await self.run(step, of: planNow) } }
                for await result in group {
                    if !result.succeeded, failed == nil { failed = result.step }
                    if result.succeeded, case .agentPool(let pool) = result.outcome { plan = plan.usingCreatedPool(pool) }
                    await each(result)
                }
            }
        }
    }

    /// How often an organization or TTL PATCH whose answer was lost is sent again, each time only
    /// after a read shows that the server still lacks its values.
    static let maxResends = 2

    /// Runs one step: the write, then a read of what the server kept.
    ///
    /// A write whose outcome is unknown (sent, no answer) is never sent again blindly. An
    /// organization or TTL PATCH sets absolute values, so after a fresh read shows they are still
    /// missing it may go again; the SMTP PATCH (its test email is a side effect) never does.
    /// Validation already passed when the plan was made; the client checks again.
    package func run(_ step: Step, of plan: Plan) async -> StepResult {
        let fields = plan.fields(of: step)
        var resends = 0
        while true {
            do {
                let answer = try await write(step, of: plan)
                // A pool is read back by the id its answer gave.
                if case .agentPool(let pool) = answer { return await readBack(step, of: plan.usingCreatedPool(pool), fields: fields, answer: answer) }
                return await readBack(step, of: plan, fields: fields, answer: answer)
            } catch let error where step == .agentPool && (error.leavesWriteOutcomeUnknown || error.isDecoding) {
                // A create is never sent twice blindly (a second POST would make a second pool,
                // or be refused as a name taken), nor read to guess: the pool may exist, and
                // the organization PATCH that waits for its id is not sent. An answer that came
                // but could not be read leaves it just as unknown.
                return StepResult(step: step, fields: fields, outcome: .unknown(error), wording: wording)
            } catch let error where error.leavesWriteOutcomeUnknown {
                let result = StepResult(step: step, fields: fields, outcome: .unknown(error), wording: wording)
                // A stop, or a write whose side effect must not repeat: the admin hears "unknown".
                guard step != .smtp, !result.wasStopped, !Task.isCancelled else { return result }
                guard let read = try? await read(step, of: plan) else { return result }
                let missing = StepResult.ignoredFields(read, plan: plan).filter(fields.contains)
                // The server has it: the lost answer was a success.
                if missing.isEmpty { return StepResult(step: step, fields: fields, outcome: read, wording: wording) }
                guard resends < Self.maxResends else { return result }
                resends += 1
                client.log(resendingAfterRead: step.title, attempt: resends)
                guard await client.pause(beforeResend: resends) else { return result }
            } catch {
                return StepResult(step: step, fields: fields, outcome: .failed(error), wording: wording)
            }
        }
    }

    /// Sends the step's one request; its answer as an outcome.
    private func write(_ step: Step, of plan: Plan) async throws(TFEError) -> StepResult.Outcome {
        switch step {
        case .agentPool:
            guard let pool = plan.newAgentPool else { throw TFEError.requiredFieldMissing("no agent pool to create") }
            return .agentPool(try await client.createAgentPool(plan.organization, name: pool.name, organizationScoped: pool.organizationScoped))
        case .smtp:
            guard let update = plan.smtp else { throw TFEError.requiredFieldMissing("no SMTP change") }
            return .smtp(try await client.updateSMTPSettings(update, current: nil))
        case .organization:
            guard let update = plan.organizationUpdate else { throw TFEError.requiredFieldMissing("no organization change") }
            // The default pool is the one made first: never sent without its id.
            if let pool = plan.newAgentPool, pool.id == nil { throw TFEError.requiredFieldMissing("the new agent pool's id (it was not created)") }
            return .organization(try await client.updateOrganization(plan.organization, update, current: nil))
        case .tokenTTL:
            guard let update = plan.tokenTTL else { throw TFEError.requiredFieldMissing("no token TTL change") }
            return .tokenTTL(try await client.updateTokenTTLPolicies(plan.organization, update))
        case .ttlSwitch:
            guard let update = plan.ttlSwitchUpdate else { throw TFEError.requiredFieldMissing("no max-TTL switch change") }
            return .organization(try await client.updateOrganization(plan.organization, update, current: nil))
        }
    }

    /// Reads the resource a step writes: one GET.
    private func read(_ step: Step, of plan: Plan) async throws(TFEError) -> StepResult.Outcome {
        switch step {
        case .agentPool:
            // The organization's pools, the one made among them (by its id, else by its name).
            let pools = try await client.agentPools(plan.organization)
            guard let made = pools.first(where: { $0.id == plan.newAgentPool?.id }) ?? pools.first(where: { $0.name == plan.newAgentPool?.name }) else {
                throw TFEError.decoding(what: "a pool list without the agent pool just created", where: APIPath.agentPools(plan.organization))
            }
            return .agentPool(made)
        case .smtp: return .smtp(try await client.smtpSettings())
        case .organization, .ttlSwitch: return .organization(try await client.organization(plan.organization))
        case .tokenTTL: return .tokenTTL(try await client.tokenTTLPolicies(plan.organization))
        }
    }

    /// Verify, don't assume: a server may echo a write without storing it, so what is reported as
    /// saved is what a read shows (only the fields this step carried: the switch alone is checked
    /// apart from the mode and pool). When the read fails — the new policy rejects the token in
    /// use (401), a stop came — the answer stands, marked as not read back and why.
    private func readBack(_ step: Step, of plan: Plan, fields: [FieldKey], answer: StepResult.Outcome) async -> StepResult {
        /// The write's answer as the outcome, marked as not read back and why.
        func answerStands(_ why: String) -> StepResult {
            StepResult(step: step, fields: fields, outcome: answer, ignored: StepResult.ignoredFields(answer, plan: plan).filter(fields.contains),
                       wording: wording, unconfirmed: why)
        }
        if !readsBackEachWrite {
            // The caller reads the organizations back later, all at once; a TTL answer stands.
            return StepResult(step: step, fields: fields, outcome: answer, ignored: StepResult.ignoredFields(answer, plan: plan).filter(fields.contains),
                              wording: wording)
        }
        do {
            let read = try await read(step, of: plan)
            let ignored = StepResult.ignoredFields(read, plan: plan).filter(fields.contains)
            return StepResult(step: step, fields: fields, outcome: read, ignored: ignored, wording: wording)
        } catch .unauthorized {
            // The new policy now refuses this token: expected after a write that tightens it.
            return answerStands("the server now refuses this token (401), which a tighter token policy does")
        } catch .transport(let e) where e.kind == .cancelled {
            // The admin stopped the run between the answer and the read: the answer stands, said so.
            return answerStands("stopped before it")
        } catch {
            // The answer said saved; whether the server kept it could not be read: unknown.
            return StepResult(step: step, fields: fields, outcome: .unknown(error), wording: wording,
                              unconfirmed: "the server answered that it saved it, but reading it back failed")
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
        case .agentPool(let pool):
            // A new plan finds it by name and uses it: never a second pool.
            if !agentPools.contains(where: { $0.id == pool.id }) { agentPools.append(pool) }
        case .failed, .notSent, .unknown: break
        }
    }
}
