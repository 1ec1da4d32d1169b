import CLIWording
import ArgumentParser
import FoundationEssentials
import Glibc
import SetupKit
import Synchronization
import TFEClient

/// Runs `body`, then shuts the transport down, whether `body` returned or threw.
func shuttingDown<T>(_ transport: AsyncHTTPTransport, _ body: () async throws -> T) async throws -> T {
    do {
        let result = try await body()
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// What `plan` and `apply` share: read the answers, connect, read the state, plan.
struct Automation {
    let options: CommonOptions
    let answersPath: String
    /// False with `--no-test-email`: the file's test address is left out (no second test email
    /// when a file is applied again).
    var testEmail = true
    /// True for `apply`: a password the file names but the environment lacks stops it before
    /// any request (`plan` goes on and reports it).
    var needsPassword = false
    /// `--smtp-password-file`: the SMTP password's file, named by the operator (never by the file).
    var passwordFile: String?
    /// `--update-password`: send the SMTP password even when nothing else in the relay changes.
    var updatePassword = false
    /// A first install's secret files (`--admin-password-file`, `--iact-file`).
    var secretFiles = AnswersFile.SecretFiles()
    /// `--accept-token-rejection`.
    var acceptTokenRejection = false
    /// `apply`: how long to wait for another run's lock (`--lock-timeout`; 0: stop at once).
    /// Nil for `plan`, which writes nothing and takes no lock.
    var runLockTimeout: Double?

    /// Takes the run lock for this server (and organization) before the first read, or prints
    /// who holds it and ends with exit 1. Held until the process ends.
    func takeRunLock(_ client: TFEClient, fleet: Bool) throws {
        guard let seconds = runLockTimeout else { return }
        let organization = fleet ? nil : client.configuration.organization
        do {
            let lock = try RunLock.take(address: client.configuration.address, organization: organization,
                                        directory: RunLock.directory(environment: options.environment, home: options.home), waitingUpTo: seconds)
            Self.held.withLock { $0.append(lock) }
        } catch {
            printError("tfe-setup: nothing read or sent: \(error.description) Wait for it to end, or pass --\(Self.lockTimeoutOption) SECONDS to wait for it. "
                       + "A run on another machine cannot be seen: run one at a time.")
            throw ExitCode.failure
        }
    }

    /// The run locks taken, kept until the process ends.
    static let held = Mutex<[RunLock]>([])
    static let lockTimeoutOption = "lock-timeout"
    static let lockTimeoutHelp = "Wait up to this many seconds for another run on this server and organization (on this machine) to finish; by default stop at once, naming it."

    struct Prepared {
        var client: TFEClient
        var transport: AsyncHTTPTransport
        var current: CurrentState
        var plan: Plan
        var answers: AnswersFile
        /// The file's password was not planned: nothing else in the relay changes.
        var heldPassword = false
        /// `--accept-token-rejection`: the operator knows the plan rejects the token in use.
        var acceptsTokenRejection = false

        /// The plan's errors but the one an unset password variable causes ("the password is
        /// required"): that one is the missing variable, said once.
        var errorsBesidesMissingPassword: [ValidationIssue] {
            answers.missingPassword == nil ? plan.issues : plan.issues.filter { $0.field != .smtpPassword }
        }

        /// A relay host the server does not use yet that the SMTP password goes to: the plan's,
        /// or, while the password's variable is unset (the plan leaves it out), the one it would
        /// go to once set — so a refused run names `--smtp-relay` with the variable, not a run later.
        var relayForPassword: PlanReport.NewRelay? {
            if let relay = report.newRelay { return relay }
            guard answers.missingPassword != nil, let host = answers.desired.smtp?.host ?? current.smtp?.host else { return nil }
            let now = current.smtp?.host ?? ""
            return host.lowercased() == now.lowercased() ? nil : PlanReport.NewRelay(host: host, now: now)
        }

        /// Whether `plan` exits 1 for it: errors, values the server refused, or a password that
        /// would be sent and whose variable is unset.
        var cannotApply: Bool { !plan.issues.isEmpty || plan.hasRefusals || answers.missingPassword != nil }

        /// What the plan does, as `plan`, `plan --json` and the confirmation show it.
        var report: PlanReport {
            PlanReport(plan, current: current, passwordSource: answers.passwordSource, missingPassword: answers.missingPassword,
                       heldPassword: heldPassword, accepted: acceptsTokenRejection)
        }
    }

    /// Runs `body` with the prepared plan; the transport is shut down when it returns or throws,
    /// whichever way the command ends.
    func withPrepared<T>(_ answers: AnswersFile, _ body: (Prepared) async throws -> T) async throws -> T {
        let p = try await prepare(answers)
        return try await shuttingDown(p.transport) { try await body(p) }
    }

    /// Reads and checks the answers file; failures print their message and end with exit 1.
    func readAnswers() throws -> AnswersFile {
        let data: Data
        switch BoundedFile.read(answersPath, limit: 1_048_576) {
        case .success(let d): data = d
        case .failure(let reason):
            printError("tfe-setup: cannot read the answers file \(answersPath): \(reason). Nothing was sent.")
            throw ExitCode.failure
        }
        var answers: AnswersFile
        do {
            answers = try AnswersFile.decode(data, environment: options.environment, passwordFile: passwordFile, passwordFileOption: "--" + Automation.passwordFileOption,
                                          secretFiles: secretFiles)
            if !testEmail { answers.desired.smtp?.testEmailAddress = nil }
        } catch {
            printError(lines: prefixed("tfe-setup: ", error.lines))
            throw ExitCode.failure
        }
        return answers
    }

    /// `apply`: a password the file names but the environment lacks stops it before any write —
    /// when the password would be sent (a relay change, or `--update-password`).
    func requirePassword(_ answers: AnswersFile) throws {
        if needsPassword, let missing = answers.missingPassword { try ApplyRefusal(needing: ApplyRefusal.password(missing)).stopIfAny() }
    }

    /// The organizations chosen for a baseline (`--organizations`, else the file's list), or nil
    /// for the single-organization form.
    func fleetPatterns(_ answers: AnswersFile, option: String?) -> [String]? {
        if let option { return option.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty } }
        return answers.organizations
    }

    /// Every step before a write; failures print their message and end with exit 1. The caller
    /// owns the transport: use `withPrepared`.
    private func prepare(_ answers: AnswersFile) async throws -> Prepared {
        let (client, transport, current) = try await options.loadCurrentStateOrExit(
            answersAddress: answers.address, answersOrganization: answers.organization, smtpPassword: answers.desired.smtp?.password,
            whereToGiveOrganization: "put \"organization\" in the answers file, or pass --organization (or TFE_ORG)",
            sections: answers.desired.sections, tokensIfTightening: answers.desired.tokenTTL,
            beforeReads: { client in try takeRunLock(client, fleet: false) })
        return planned(answers, current: current, client: client, transport: transport)
    }

    /// The plan of the answers against a state (read, or assumed for a first install).
    func planned(_ answers: AnswersFile, current: CurrentState, client: TFEClient, transport: AsyncHTTPTransport) -> Prepared {
        var answers = answers
        // The password is write-only: the server never shows it, so a plan cannot tell whether it
        // differs. Like Terraform's write-only arguments it goes with another change to the relay,
        // or when asked (`--update-password`); otherwise a file applied once would never plan clean.
        // A password that is not sent does not need its variable: a drift check in CI without the
        // relay's password still plans clean.
        var heldPassword = false
        if !updatePassword, answers.desired.smtp?.password != nil || answers.missingPassword != nil {
            var without = answers.desired
            without.smtp?.password = nil
            let others = Planner.plan(without, current: current).changes.filter { $0.section == .smtp && $0.field != .smtpTestEmail }
            if others.isEmpty {
                answers.desired.smtp?.password = nil
                answers.missingPassword = nil
                heldPassword = true
            }
        }
        // A pool named in the file (`agent_pool_name`) is found, or created, by the planner.
        var plan = Planner.plan(answers.desired, current: current)
        // Accepted: the policies and the switch go last, so nothing else waits behind them.
        if acceptTokenRejection && plan.locksOutToken { plan = plan.puttingTokenWritesLast() }
        return Prepared(client: client, transport: transport, current: current, plan: plan, answers: answers, heldPassword: heldPassword,
                        acceptsTokenRejection: acceptTokenRejection)
    }

    /// The Review's lines, for people: the plan's report in the command line's words.
    /// - Parameter renewal: with `--renew-token`, what the renewal would do: said in place of the
    ///   lockout's error when the way through is open (the plan is then applied with a new token).
    static func describe(_ report: PlanReport, ascii: Bool, renewal: RenewalPreview? = nil) -> [String] {
        var lines: [String] = []
        for entry in report.entries {
            lines.append("  " + report.changeLine(entry, ascii: ascii))
            if entry.change.field == .smtpPassword, let relay = report.newRelay {
                lines.append("    " + PlanReport.newRelayWarning(relay, remedy: "apply --auto-approve needs --smtp-relay \(relay.host)"))
            }
            if entry.change.field == .agentPoolName, let name = report.newAgentPool { lines.append("    " + PlanReport.newPoolLine(name, ascii: ascii)) }
        }
        if let pool = report.existingAgentPool { lines.append("  Note ($.execution_defaults.agent_pool_name): " + PlanReport.existingPoolLine(pool)) }
        if report.heldPassword { lines.append("  " + PlanReport.heldPasswordLine(ascii: ascii, remedy: "To send it anyway: --update-password.")) }
        if report.isEmpty { lines.append("Nothing to change.") } else {
            lines.insert(report.organization.map { "Changes for \($0):" } ?? "Changes (site-wide, no organization):", at: 0)
            lines.append("\(report.requests.count) request\(report.requests.count == 1 ? "" : "s"): " + report.requests.map { "\($0.method) \($0.path)" }.joined(separator: ", "))
        }
        for problem in report.problems {
            switch problem.kind {
            case .unavailableSection: lines.append("Error (\(problem.section)): \(problem.message)")
            case .unsupported: lines.append("Not supported here ($.\(problem.field ?? problem.section)): \(problem.message)")
            case .invalid, .missingSecret: lines.append("Error ($.\(problem.field ?? problem.section)): \(problem.message)")
            }
        }
        for warning in report.warnings { lines.append("Warning ($.\(warning.field)): \(warning.message)") }
        if let tokens = report.tokens { lines += tokens.lines }
        switch report.lockout {
        case .accepted:
            lines.append("Accepted (--\(acceptTokenRejectionOption)): the token policies, then the switch, are written last, each in a request of its own; "
                         + "after them this token is rejected, and a check says so.")
        case .refused(let uncertain) where renewal?.possible == true:
            lines.append("Note (token_ttl): " + TokenReport.lockout(uncertain: uncertain) + "; so a new token is made first:")
        case .refused(let uncertain):
            lines.append("Error (token_ttl): " + TokenReport.lockout(uncertain: uncertain) + ". " + TokenReport.wayOut
                         + " Or, knowing it, pass --\(acceptTokenRejectionOption): the token policies and the switch are then written last.")
        case nil: break
        }
        return lines
    }

    /// One request's outcome as `apply` prints it: `ok`, `INTERRUPTED` (a signal cut it short:
    /// not sent, or sent and not answered), `UNKNOWN` (sent, no answer: it may be saved) or
    /// `FAILED`, the step, its fields, and the message.
    static func resultLines(_ r: StepResult) -> [String] {
        let label = r.succeeded ? "ok" : r.wasStopped ? "INTERRUPTED" : r.saved == .unknown ? "UNKNOWN" : "FAILED"
        return prefixed("\(label) \(r.step.title) (\(r.fields.map(\.rawValue).joined(separator: ", "))): ", r.messageLines)
    }

    /// The flag that lets an apply reject its own token (never from the answers file).
    static let acceptTokenRejectionOption = "accept-token-rejection"
    static let acceptTokenRejectionHelp = "Apply even though " + TokenReport.lockout() + " (the policies and the switch are written last). Only here: an answers file cannot give it."

    static let updatePasswordHelp = "Send the SMTP password even when nothing else in the relay changes (a new password for the same relay)."

    /// The SMTP password file's option, as declared and as the answers file's messages name it.
    static let passwordFileOption = "smtp-password-file"
    static let passwordFileHelp = "A file holding the SMTP password (one line, yours, mode 0600). Only here: an answers file cannot name one."
}

/// The options `plan` and `apply` share: the answers file and what to do with it.
struct AnswersOptions: ParsableArguments {
    @Option(help: "The answers file (JSON; every key is in docs/automation.md, installed in share/doc/tfe-setup).")
    var answers: String
    @Flag(name: .customLong("no-test-email"), help: "Leave out the file's test_email_address (no second test email when applying it again).")
    var noTestEmail = false
    @Option(help: "The organizations the file's baseline is for: names or globs, comma-separated ('*' for all, 'prod-*').")
    var organizations: String?
    @Option(name: .customLong(Automation.passwordFileOption), help: ArgumentHelp(Automation.passwordFileHelp, valueName: "file"))
    var smtpPasswordFile: String?
    @Flag(name: .customLong("update-password"), help: ArgumentHelp(Automation.updatePasswordHelp))
    var updatePassword = false
    @Flag(name: .customLong(Automation.acceptTokenRejectionOption), help: ArgumentHelp(Automation.acceptTokenRejectionHelp))
    var acceptTokenRejection = false
    @Flag(name: .customLong(Automation.renewTokenOption), help: ArgumentHelp(Automation.renewTokenHelp))
    var renewToken = false
    @Option(name: .customLong(Automation.newTokenFileOption), help: ArgumentHelp(Automation.newTokenFileHelp, valueName: "path"))
    var newTokenFile: String?

    /// The run these options describe (`apply` needs the password where it would be sent).
    func automation(_ options: CommonOptions, _ firstInstall: FirstInstallOptions, needsPassword: Bool) -> Automation {
        var automation = Automation(options: options, answersPath: answers, testEmail: !noTestEmail, needsPassword: needsPassword, passwordFile: smtpPasswordFile)
        automation.updatePassword = updatePassword
        automation.secretFiles = firstInstall.secretFiles
        automation.acceptTokenRejection = acceptTokenRejection
        return automation
    }
}

/// `tfe-setup plan --answers FILE [--json]`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what an answers file would change. Exit 0: nothing to change; 2: changes pending; 1: error.",
        usage: "tfe-setup plan --answers <file> [--json] [--no-test-email] [<options>]",
        discussion: """
            Reads the current settings, checks the answers with the same rules as the wizard, and prints each change as the Review does. Write-only values (password, test email) count as changes. Without the password (its variable unset) the rest is still planned, and the password reported missing where it would be sent.

            Example:
              SMTP_PASSWORD=... tfe-setup plan --answers tfe-setup-answers.json \\
                --address https://tfe.example.com
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var answersOptions: AnswersOptions
    @Flag(help: "Print the plan as JSON, with the lists changes, requests, errors and warnings.")
    var json = false
    @OptionGroup(title: "First install (an answers file with a bootstrap section)") var firstInstall: FirstInstallOptions

    var answers: String { answersOptions.answers }
    var organizations: String? { answersOptions.organizations }
    var acceptTokenRejection: Bool { answersOptions.acceptTokenRejection }

    func run() async throws {
        let automation = answersOptions.automation(options, firstInstall, needsPassword: false)
        var file = try automation.readAnswers()
        var creates = false
        if let bootstrap = file.bootstrap {
            let outcome = try await FirstInstallRun(options: options, bootstrap: bootstrap, wait: firstInstall.wait, answersAddress: file.address).run(apply: false)
            file.organization = file.organization ?? bootstrap.organization?.name
            creates = outcome.creates
            if outcome.adminMissing || outcome.organizationMissing {
                try await planAssumed(automation, file, bootstrap, outcome)
                return
            }
            if !json { printOut(lines: outcome.lines) }
        }
        if let patterns = automation.fleetPatterns(file, option: organizations) {
            // A compliance check too: exit 0 only when every chosen organization complies, 2 when
            // some differ and apply can change them all, 1 when some cannot reach the baseline.
            let (text, pending, cannot) = try await automation.withFleet(file, patterns: patterns) { f in
                let renews = !f.plan.lockedOut.isEmpty && answersOptions.renewToken && !acceptTokenRejection
                let renewal = renews ? ["Renewal (--\(Automation.renewTokenOption)): before any write, one new user token for \(SafeText.line(f.account.username)) within "
                                        + (f.plan.smallestUserCap.map { "\(TTLDuration.display(milliseconds: $0)), the smallest user cap of the organizations sent to" } ?? "(no user cap: it cannot be renewed)")
                                        + "; every organization is then sent to with it."] : []
                // The relay beside the baseline counts as one more thing to change, or that cannot be.
                let relayPending = f.relay.map { !$0.plan.isEmpty } ?? false
                let relayCannot = f.relay?.cannotApply ?? false
                return (json ? [Automation.json(f)] : Automation.describe(f, limit: await f.client.limiter?.pace ?? RateLimiter.defaultPace, ascii: !WizardLauncher.utf8(options.environment)) + renewal,
                        !f.plan.toChange.isEmpty || relayPending,
                        relayCannot || !f.plan.leftOut.isEmpty || !f.plan.unreadable.isEmpty || (!f.plan.lockedOut.isEmpty && !acceptTokenRejection && !renews))
            }
            if json { writeDocument(text.joined() + "\n") } else { printOut(lines: text) }
            if cannot { throw ExitCode.failure }
            if pending { throw ExitCode(2) }
            return
        }
        let p = try await automation.withPrepared(file) { $0 }   // reads only
        // `--renew-token` on a plan that rejects the token in use: whether the way through is open.
        let preview = p.plan.locksOutToken && answersOptions.renewToken && !acceptTokenRejection
            ? automation.renewalPreview(p, newTokenFile: answersOptions.newTokenFile) : nil
        if json {
            var document = p.report.json
            if let preview, case .object(var fields) = document {
                fields.append(("renewal", preview.json))
                document = .object(fields)
            }
            writeDocument(document.text() + "\n")
        } else {
            printOut(lines: Automation.describe(p.report, ascii: !WizardLauncher.utf8(options.environment), renewal: preview) + (preview.map { [$0.line] } ?? []))
        }
        if p.cannotApply { throw ExitCode.failure }
        // A plan that would lock this tool out is not one to apply as it stands (unless renewed).
        if p.plan.locksOutToken && !acceptTokenRejection && preview?.possible != true { throw ExitCode.failure }
        if !p.plan.isEmpty || creates { throw ExitCode(2) }
    }

    /// A first install's plan before the admin or the organization exists: what would be
    /// created, then the settings against a new installation's defaults (nothing to read yet).
    func planAssumed(_ automation: Automation, _ file: AnswersFile, _ bootstrap: Bootstrap, _ outcome: FirstInstallRun.Outcome) async throws {
        var current = CurrentState.newInstallation(organization: file.organization ?? "", email: bootstrap.organization?.email, admin: bootstrap.username)
        if file.organization == nil { current.organizationUnavailable = StateLoader.noOrganizationYet }
        let transport = try AsyncHTTPTransport()
        let p = try await shuttingDown(transport) {
            let client = TFEClient(configuration: try ClientConfiguration(address: try options.resolvedAddress(answers: file.address), token: SecretString("")),
                                   transport: transport)
            return automation.planned(file, current: current, client: client, transport: transport)
        }
        if json {
            writeDocument(p.report.json.text() + "\n")
        } else {
            printOut(lines: outcome.lines + ["Then, planned against a new installation's defaults (apply reads the real settings once the admin exists):"]
                     + Automation.describe(p.report, ascii: !WizardLauncher.utf8(options.environment)))
        }
        if !p.plan.issues.isEmpty || !bootstrap.missing.isEmpty || p.answers.missingPassword != nil { throw ExitCode.failure }
        throw ExitCode(2)
    }
}

/// `tfe-setup apply --answers FILE [--auto-approve]`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply an answers file: the plan, a confirmation, then the fewest requests. Exit 0 when every step succeeded.",
        usage: "tfe-setup apply --answers <file> [--auto-approve] [<options>]",
        discussion: """
            Without a terminal it needs --auto-approve. A section the server cannot take (SMTP on HCP Terraform) is reported as a failed step; the others still run. When the file sends the SMTP password to a relay host the server does not use yet, --auto-approve also needs --smtp-relay with that host: a shared file must not choose where a password goes.

            Example:
              SMTP_PASSWORD=... tfe-setup apply --answers tfe-setup-answers.json \\
                --auto-approve
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var answersOptions: AnswersOptions
    @Flag(name: .customLong("auto-approve"), help: "Do not ask before applying.")
    var autoApprove = false
    @Option(name: .customLong("smtp-relay"), help: ArgumentHelp("With --auto-approve: the relay host you confirm the SMTP password may go to, when the answers file names a host the server does not use yet.", valueName: "host"))
    var smtpRelay: String?
    @Option(name: .customLong(Automation.lockTimeoutOption), help: ArgumentHelp(Automation.lockTimeoutHelp, valueName: "seconds"))
    var lockTimeout: Double?
    @OptionGroup(title: "First install (an answers file with a bootstrap section)") var firstInstall: FirstInstallOptions

    var answers: String { answersOptions.answers }
    var organizations: String? { answersOptions.organizations }
    var acceptTokenRejection: Bool { answersOptions.acceptTokenRejection }

    /// Asks before a write unless `--auto-approve`; without a terminal it refuses (the caller
    /// has normally said so already, with everything else the run lacks: `ApplyRefusal`).
    func confirm() throws {
        guard !autoApprove else { return }
        try ApplyRefusal(needing: ApplyRefusal.confirmation(autoApprove: autoApprove)).stopIfAny()
        writePrompt("Apply these changes? [y/N]: ")
        guard let reply = readLine(), ["y", "yes"].contains(reply.lowercased()) else {
            printOut("Nothing applied.")
            throw ExitCode.failure
        }
    }

    func run() async throws {
        var automation = answersOptions.automation(options, firstInstall, needsPassword: true)
        automation.runLockTimeout = max(0, lockTimeout ?? 0)
        var file = try automation.readAnswers()
        // Day zero: the token this run made for the first admin is known for certain, so when the
        // same run's caps reject it, it is renewed without a flag and deleted once they are in force.
        var dayZero = false
        if let bootstrap = file.bootstrap {
            // Before the settings: the admin, its stored token and the organization they go to.
            // A rerun finds them and creates nothing; a failure later leaves them for it.
            let outcome = try await FirstInstallRun(options: options, bootstrap: bootstrap, wait: firstInstall.wait, answersAddress: file.address).run(apply: true)
            printOut(lines: outcome.lines)
            file.organization = file.organization ?? bootstrap.organization?.name
            dayZero = outcome.madeToken
        }
        if let patterns = automation.fleetPatterns(file, option: organizations) {
            try await automation.withFleet(file, patterns: patterns) { f in
                try await applyFleet(f, automation: automation)
            }
            return
        }
        let (p, results, lockout, stoppedBy) = try await automation.withPrepared(file) { prepared -> (Automation.Prepared, [StepResult], String?, Int32?) in
            var p = prepared
            let renews = p.plan.locksOutToken && (answersOptions.renewToken || dayZero) && !acceptTokenRejection
            let preview = renews ? automation.renewalPreview(p, newTokenFile: answersOptions.newTokenFile) : nil
            // The token this run made, when it is the admin's only one and the new one takes its
            // place (not a file of its own): deleted after the renewal.
            let madeFirst = dayZero && answersOptions.newTokenFile == nil ? p.current.tokenInventory?.user.tokens.onlyElement : nil
            printOut(lines: Automation.describe(p.report, ascii: !WizardLauncher.utf8(options.environment), renewal: preview) + (preview.map { [$0.line] } ?? []))
            // Everything the run lacks, named at once: a CI job learns it in one run, not one per flag.
            var refusal = ApplyRefusal()
            if automation.needsPassword, let missing = p.answers.missingPassword { refusal.add(ApplyRefusal.password(missing)) }
            if !p.errorsBesidesMissingPassword.isEmpty { refusal.add(ApplyRefusal.planErrors) }
            if !p.plan.isEmpty {
                let uncertain = p.plan.tokenReport?.lockoutUncertain == true
                if p.plan.locksOutToken && !acceptTokenRejection && !renews { refusal.add(ApplyRefusal.lockout(uncertain: uncertain)) }
                if let preview, !preview.possible { refusal.add(ApplyRefusal.renewalClosed(uncertain: uncertain)) }
                refusal.addConfirmation(relay: p.relayForPassword, confirmed: smtpRelay, autoApprove: autoApprove)
            }
            try refusal.stopIfAny()
            if p.plan.isEmpty { return (p, [StepResult](), nil, nil) }
            try confirm()
            // Before any write: the new token, stored, and the plan made again with it.
            if renews { p = try await automation.renewed(p, newTokenFile: answersOptions.newTokenFile) }
            let plan = p.plan, client = p.client
            // From the first write on, a signal stops the requests and still gets the report.
            let ((results, lockout), stoppedBy) = await StoppableApply.run { _ -> ([StepResult], String?) in
                var results = await Applier(client: client, wording: .commandLine).apply(plan)
                results.sort { (plan.stageOf[$0.step] ?? 0, $0.step) < (plan.stageOf[$1.step] ?? 0, $1.step) }
                // Whenever the caps or the switch were saved, even beside a failure: a rerun
                // would then get 401s, and the admin hears it here first.
                let due = !Task.isCancelled && LockoutCheck.isDue(locksOutToken: plan.locksOutToken, results: results)
                let lockout = due ? await LockoutCheck.verify(client, organization: plan.organization) : nil
                return (results, lockout)
            }
            if renews, dayZero, madeFirst == nil {
                printOut("The token this run made first for the admin was not deleted: "
                         + (answersOptions.newTokenFile != nil ? "the new token went to its own file, and the credentials file still holds the first one."
                            : "the admin has other tokens too, so which one it is is not certain.")
                         + " The new cap rejects it; delete it in User settings > Tokens.")
            }
            if renews, let madeFirst, stoppedBy == nil, results.allSatisfy(\.succeeded) {
                // The policies are confirmed: the token this run made first goes.
                do throws(TFEError) {
                    try await client.deleteAuthenticationToken(id: madeFirst.id)
                    printOut("Deleted the token this run made first for the admin (\(madeFirst.id)): the renewed one, stored in its place, replaces it.")
                } catch {
                    printOut("The token this run made first for the admin (\(madeFirst.id)) was not deleted: \(error.commandLineDescription) It is rejected by the new cap; delete it in User settings > Tokens.")
                }
            }
            return (p, results, lockout, stoppedBy)
        }
        if p.plan.isEmpty {
            if p.plan.hasRefusals { throw ExitCode.failure }
            return
        }
        for r in results { printOut(lines: Automation.resultLines(r)) }
        if let lockout { printOut(lockout) }
        for (section, reason) in p.plan.unavailableSections { printOut("FAILED \(section.title): \(reason)") }
        for issue in p.plan.unsupported { printOut("NOT SENT \(issue.field.rawValue): \(issue.message)") }
        if let stoppedBy {
            printOut(StoppableApply.stoppedLine(stoppedBy, after: StepResult.tally(results)))
            // The check did not run: the rerun may need another token, and that comes first.
            if lockout == nil, LockoutCheck.isDue(locksOutToken: p.plan.locksOutToken, results: results) { printOut(StoppableApply.mayBeRejectedLine) }
            printOut(StoppableApply.rerunLine)
        }
        if stoppedBy != nil || results.contains(where: { !$0.succeeded }) || p.plan.hasRefusals { throw ExitCode.failure }
    }
}
