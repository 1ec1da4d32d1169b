import TFEClient

/// What applying one organization's plan would do, as facts: the wizard's Review, `plan` and
/// `plan --json` each render this one value, so none of them can show a change, a refusal or a
/// request that the others leave out. Each front end chooses its layout and its words for
/// a remedy (a key, a flag); the facts and the sentences that state them are made here.
package struct PlanReport: Sendable, Equatable {
    /// One change, with what a reviewer should know beside it.
    package struct Entry: Sendable, Equatable {
        package var change: Change
        /// Where a secret comes from (`$SMTP_PASSWORD`, `--smtp-password-file FILE`), so a
        /// reviewer sees which one goes to the relay; nil when it was typed or is not a secret.
        package var source: String?
    }

    /// Why something asked for cannot be sent.
    package enum ProblemKind: Sendable, Equatable {
        /// A whole section this server cannot take (SMTP on HCP Terraform).
        case unavailableSection
        /// A field this server cannot take (agent mode without the agents entitlement).
        case unsupported
        /// A rule broken: nothing may be applied.
        case invalid
        /// A secret the answers name but the environment lacks.
        case missingSecret
    }

    /// A problem with what was asked, at its section and (when one field) its field.
    package struct Problem: Sendable, Equatable {
        package var kind: ProblemKind
        /// The section's name in files (`smtp`, `execution_defaults`, `token_ttl`).
        package var section: String
        /// The field's key (`smtp.port`) or the answers file's path (`smtp.password_env`); nil
        /// for a whole section.
        package var field: String?
        package var message: String
    }

    /// The relay the SMTP password goes to when the server does not use it yet (a shared file
    /// must not choose where a password goes unseen).
    package struct NewRelay: Sendable, Equatable {
        package var host: String
        /// The host the server has now ("" for none).
        package var now: String

        package init(host: String, now: String) {
            self.host = host
            self.now = now
        }
    }

    /// What becomes of the token this tool runs with.
    package enum Lockout: Sendable, Equatable {
        /// The plan rejects it and was not accepted: nothing is applied unless the admin accepts.
        case refused(uncertain: Bool)
        /// Accepted: the policies and the switch go last; after them the token is rejected.
        case accepted
    }

    /// The organization changed, or nil when the plan is site-wide only (no organization).
    package var organization: String?
    package var entries: [Entry]
    package var problems: [Problem]
    package var warnings: [ValidationIssue]
    /// The requests, in the order the plan sends them.
    package var requests: [PlannedRequest]
    /// When the lockout is refused: the requests accepting it would send (the token policies
    /// and the switch last, each on its own); nil otherwise.
    package var requestsIfAccepted: [PlannedRequest]?
    /// The relay is tested by sending an email before its settings are saved.
    package var testsRelay: Bool
    /// The answers' SMTP password is not sent: nothing else in the relay changes.
    package var heldPassword: Bool
    package var newRelay: NewRelay?
    /// Who the tighter token policies reject, when tokens were read.
    package var tokens: TokenReport?
    package var lockout: Lockout?
    /// Pool id → name, for the change lines.
    package var poolNames: [String: String]
    /// The agent pool created first, by name (organization-scoped).
    package var newAgentPool: String?
    /// The pool named to be created that exists already: used, not created.
    package var existingAgentPool: AgentPool?

    /// The report of `plan` against `current`.
    /// - Parameters:
    ///   - passwordSource: where the SMTP password comes from, when not typed.
    ///   - missingPassword: the answers' password whose variable is not set.
    ///   - heldPassword: the answers' password is held back (nothing else in the relay changes).
    ///   - accepted: the admin accepted that the plan rejects the token in use.
    package init(_ plan: Plan, current: CurrentState?, passwordSource: String? = nil, missingPassword: AnswersFile.Problem? = nil,
                 heldPassword: Bool = false, accepted: Bool = false) {
        organization = current?.organizationUnavailable == nil ? plan.organization : nil
        entries = plan.changes.map { Entry(change: $0, source: $0.field == .smtpPassword ? passwordSource : nil) }
        var problems: [Problem] = plan.unavailableSections.map { Problem(kind: .unavailableSection, section: $0.section.rawValue, field: nil, message: $0.reason) }
        problems += plan.unsupported.map { Problem(kind: .unsupported, section: $0.field.section, field: $0.field.rawValue, message: $0.message) }
        problems += plan.issues.map { Problem(kind: .invalid, section: $0.field.section, field: $0.field.rawValue, message: $0.message) }
        if let missing = missingPassword {
            problems.append(Problem(kind: .missingSecret, section: Section.smtp.rawValue, field: String(missing.path.drop { $0 == "$" || $0 == "." }),
                                    message: missing.message))
        }
        self.problems = problems
        warnings = plan.warnings
        requests = plan.requests
        requestsIfAccepted = plan.locksOutToken && !accepted ? plan.puttingTokenWritesLast().requests : nil
        testsRelay = plan.smtp?.testEmailAddress != nil
        self.heldPassword = heldPassword
        if plan.changes.contains(where: { $0.field == .smtpPassword }), let host = plan.smtp?.host ?? current?.smtp?.host {
            let now = current?.smtp?.host ?? ""
            newRelay = host.lowercased() == now.lowercased() ? nil : NewRelay(host: host, now: now)
        }
        tokens = plan.tokenReport
        if plan.locksOutToken { lockout = accepted ? .accepted : .refused(uncertain: plan.tokenReport?.lockoutUncertain == true) }
        poolNames = Dictionary((current?.agentPools ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        newAgentPool = plan.newAgentPool?.name
        existingAgentPool = plan.reusedAgentPool
    }

    /// The line under a pool the plan creates: what it is, and what agents still need.
    /// `how` is the front end's way to make an agent token beside the web UI.
    package static func newPoolLine(_ name: String, ascii: Bool) -> String {
        "Create agent pool \(SafeText.line(name)) (organization-scoped)\(ascii ? " - " : " — ")agents still need an agent token to join; "
            + "make one under the pool in the web UI (the organization's Settings\(ascii ? " > " : " › ")Agents) or with the hashicorp/tfe provider's tfe_agent_token resource."
    }

    /// The line for a pool named to be created that the organization has already.
    package static func existingPoolLine(_ pool: AgentPool) -> String {
        "Agent pool \(SafeText.line(pool.name)) exists already (\(SafeText.line(pool.id))): it is used, not created."
    }

    /// Nothing to send.
    package var isEmpty: Bool { entries.isEmpty }

    /// The change lines: `SMTP relay · Port: 25 → 587`, a secret's source after it.
    package func changeLine(_ entry: Entry, ascii: Bool) -> String {
        entry.change.reviewLine(ascii: ascii, poolNames: poolNames) + (entry.source.map { ", from \($0)" } ?? "")
    }

    /// The warning under a password that goes to a relay the server does not use yet; `remedy`
    /// is the front end's way to confirm the host.
    package static func newRelayWarning(_ relay: NewRelay, remedy: String) -> String {
        "Warning: the password goes to \(relay.host), a relay this server does not use \(relay.now.isEmpty ? "(it has none yet)" : "(now: \(relay.now))"). "
            + "Check that the host is yours; \(remedy)."
    }

    /// The line for a password held back; `remedy` is the front end's way to send it anyway.
    package static func heldPasswordLine(ascii: Bool, remedy: String) -> String {
        "SMTP relay\(ascii ? " - " : " · ")Password: not sent: nothing else in the relay changes, and the server keeps the one it has "
            + "(it never shows it, so no plan can compare it). \(remedy)"
    }

    /// The sentence under the requests when the relay is tested first.
    package static let relayTestNote = "The relay is tested by sending an email; if that fails, the SMTP settings are not saved."
}
