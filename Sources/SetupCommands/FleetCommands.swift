import CLIWording
import ArgumentParser
import CursesUI
import FoundationEssentials
import Glibc
import NIOConcurrencyHelpers
import SetupKit
import TFEClient

/// `plan` and `apply` for many organizations: one baseline (execution defaults, token TTLs)
/// for every organization the patterns choose, paced at the server's rate limit.
extension Automation {
    struct Fleet {
        var client: TFEClient
        var plan: FleetPlan
        var baseline: FleetBaseline
        var patterns: [String]
        /// Organizations the token sees, before the patterns choose.
        var seen: Int
        /// `--accept-token-rejection`.
        var acceptsTokenRejection = false
        /// The token's account (a renewal makes the new token for it).
        var account: Account
        /// The file's SMTP relay, nil without one. It is one setting of the installation, sent
        /// once, not per organization: planned once against the server's site-wide settings, as
        /// one organization's relay is (the password held back when nothing else in it changes).
        var relay: Prepared?
    }

    /// Connects, lists the organizations, chooses and plans; the transport is shut down when
    /// `body` returns or throws.
    func withFleet<T>(_ answers: AnswersFile, patterns: [String], _ body: (Fleet) async throws -> T) async throws -> T {
        let connection: CommonOptions.Connection
        do {
            connection = try options.makeClient(answersAddress: answers.address, waitNotices: true)
        } catch let error as TFEError {
            printError(lines: prefixed("tfe-setup: ", error.commandLineLines))
            throw ExitCode.failure
        }
        let client = connection.client
        do { try takeRunLock(client, fleet: true) } catch {
            await connection.transport.shutdown()
            throw error
        }
        printError("tfe-setup: \(client.configuration.address.absoluteString) · organizations \(patterns.joined(separator: ",")) · token from \(connection.tokenSource)")
        return try await shuttingDown(connection.transport) {
            var f = try await fleet(client, answers.baseline, patterns)
            if answers.desired.smtp != nil { f.relay = try await relay(client, connection.transport, answers) }
            return try await body(f)
        }
    }

    /// The file's SMTP relay planned once, against the server's site-wide settings.
    private func relay(_ client: TFEClient, _ transport: AsyncHTTPTransport, _ answers: AnswersFile) async throws -> Prepared {
        var current: CurrentState
        do throws(TFEError) {
            current = try await StateLoader.loadSiteWide(client: client)
        } catch {
            printError(lines: prefixed("tfe-setup: the SMTP relay could not be read: ", error.commandLineLines + ["Nothing was sent."]))
            throw ExitCode.failure
        }
        // Site-wide: the report names no organization.
        current.organizationUnavailable = "the SMTP relay is site-wide"
        var relayOnly = answers
        relayOnly.desired = DesiredSettings(smtp: answers.desired.smtp)
        return planned(relayOnly, current: current, client: client, transport: transport)
    }

    private func fleet(_ client: TFEClient, _ baseline: FleetBaseline, _ patterns: [String]) async throws -> Fleet {
        let ping: PingInfo, account: Account, all: FleetListing
        do throws(TFEError) {
            ping = try await client.ping()
            account = try await client.accountDetails()
            all = try await FleetDirectory.listing(client: client, account: account, wording: .commandLine)
        } catch {
            printError(lines: prefixed("tfe-setup: ", error.commandLineLines + ["Nothing was sent."]))
            throw ExitCode.failure
        }
        let chosen = all.filter { OrganizationPattern.matches($0, patterns) }
        guard chosen.count > 0 else {
            printError("tfe-setup: no organization of the \(all.count) this token sees matches \(patterns.joined(separator: ",")). Nothing was sent.")
            throw ExitCode.failure
        }
        let progress = FleetPlanProgress(total: chosen.organizations.count, onTerminal: isatty(STDERR_FILENO) != 0)
        var plan = await FleetPlanner.plan(baseline, listing: chosen, client: client, ping: ping, account: account, wording: .commandLine, tokens: true) { done, _ in
            progress.record(done)
        }
        progress.finish()
        // Accepted: where the token in use is rejected, the policies and the switch go last.
        if acceptTokenRejection { plan = plan.puttingTokenWritesLast() }
        return Fleet(client: client, plan: plan, baseline: baseline, patterns: patterns, seen: all.count, acceptsTokenRejection: acceptTokenRejection, account: account)
    }

    /// The heading of the relay's part of a baseline's plan.
    static let relayHeading = "SMTP relay (site-wide: sent once, not per organization):"

    /// The fleet plan for people: the baseline, each organization that changes, those that
    /// comply, those left out and why, and the requests with the time they take at the limit.
    static func describe(_ f: Fleet, limit: Double, ascii: Bool) -> [String] {
        let dot = ascii ? " - " : " · "
        var lines: [String] = []
        if let relay = f.relay {
            // Once, before the organizations: it is one setting of the installation.
            lines.append(relayHeading)
            lines += describe(relay.report, ascii: ascii).map { "  " + $0 }
        }
        lines.append("Organizations: \(f.plan.members.count) of \(f.seen) match \(f.patterns.joined(separator: ",")).")
        let base = f.baseline.fields.map { "\(FieldLabels.label($0.key)) \($0.value)" }
        lines.append("Baseline: " + (base.isEmpty ? "(nothing set)" : base.joined(separator: dot)))
        for count in f.plan.fieldCounts(f.baseline) { lines.append("  " + count.line(arrow: ascii ? "-> " : "→ ")) }
        let changing = f.plan.toChange
        if !changing.isEmpty { lines.append("Changes:") }
        for m in changing { lines.append("  \(m.organization): " + m.changeSummary(f.baseline, ascii: ascii)) }
        let compliant = f.plan.compliant.map(\.organization)
        if !compliant.isEmpty { lines.append("Already comply (\(compliant.count)): " + compliant.joined(separator: ", ")) }
        let leftOut = f.plan.leftOut
        if !leftOut.isEmpty {
            lines.append("Cannot reach the baseline (\(leftOut.count)):")
            for m in leftOut { lines.append("  \(m.organization): \(m.leftOut ?? "")" + (m.sendsSomething ? "; the rest is sent" : "; nothing is sent")) }
        }
        let unreadable = f.plan.unreadable
        if !unreadable.isEmpty {
            lines.append("Cannot be read (\(unreadable.count)); nothing is sent to them:")
            for m in unreadable { lines.append("  \(m.organization): \(m.unreadable ?? "")") }
        }
        let writes = f.plan.writeCount
        let seconds = Double(writes) / max(1, limit)
        lines += f.plan.tokenLines
        let locked = f.plan.lockedOut
        if !locked.isEmpty {
            lines.append(f.acceptsTokenRejection
                ? "Accepted (--\(acceptTokenRejectionOption)): in \(locked.joined(separator: ", ")) the token policies, then the switch, are written last; after them this token is rejected there."
                : "Error (token_ttl): " + TokenReport.lockout(in: locked) + ". " + TokenReport.wayOut
                    + " Or, knowing it, pass --\(acceptTokenRejectionOption).")
        }
        lines.append("Summary: \(f.plan.summaryCounts); \(writes) write\(writes == 1 ? "" : "s") to \(changing.count) organization\(changing.count == 1 ? "" : "s"), about \(Int(seconds.rounded(.up))) s at \(Int(limit)) requests/s.")
        return lines
    }

    /// `plan --json` for a fleet: per organization its status and changes.
    static func json(_ f: Fleet) -> String {
        let orgs: [OrderedJSON] = f.plan.members.map { m in
            let status = m.status.rawValue
            var fields: [(String, OrderedJSON)] = [("name", .string(m.organization)), ("status", .string(status))]
            if let reason = m.unreadable ?? m.leftOut { fields.append(("reason", .string(reason))) }
            if let report = m.plan?.tokenReport { fields.append(("token_rejections", report.json)) }
            if let changes = m.plan?.changes, !changes.isEmpty {
                fields.append(("changes", .array(changes.map { c in
                    .object([("field", .string(c.field.rawValue)), ("current", OrderedJSON.from(c.current.json, order: [])), ("new", OrderedJSON.from(c.new.json, order: []))])
                })))
            }
            return .object(fields)
        }
        return OrderedJSON.object((f.relay.map { [("smtp", $0.report.json)] } ?? []) + [
            ("organizations", .array(orgs)),
            // The four counts part the organizations: they sum to `organizations`.
            ("summary", .object([("organizations", .integer(Int64(f.plan.members.count))), ("to_change", .integer(Int64(f.plan.count(.differs)))),
                                 ("comply", .integer(Int64(f.plan.count(.complies)))), ("cannot", .integer(Int64(f.plan.count(.cannot)))),
                                 ("unreadable", .integer(Int64(f.plan.count(.unreadable)))),
                                 ("sending_to", .integer(Int64(f.plan.toChange.count))), ("requests", .integer(Int64(f.plan.writeCount)))])),
        ]).text()
    }
}

extension ApplyCommand {
    /// The fleet apply: the plan, a confirmation, then every organization that differs, paced at
    /// the rate limit. The first SIGINT, SIGTERM or SIGHUP stops starting organizations and cancels
    /// every wait (a retry's back-off, a `Retry-After`, a request in flight), then reports exactly
    /// which organizations were done, failed, interrupted or not started; a second signal ends the
    /// process at once. A rerun plans again and sends only what still differs.
    func applyFleet(_ fleet: Automation.Fleet, automation: Automation) async throws {
        var f = fleet
        let ascii = !WizardLauncher.utf8(options.environment)
        printOut(lines: Automation.describe(f, limit: await f.client.limiter?.pace ?? RateLimiter.defaultPace, ascii: ascii))
        let relaySends = f.relay.map { !$0.plan.isEmpty } ?? false
        guard !f.plan.toChange.isEmpty || relaySends else {
            if !f.plan.unreadable.isEmpty { throw ExitCode.failure }
            return
        }
        let renews = !f.plan.lockedOut.isEmpty && answersOptions.renewToken && !acceptTokenRejection
        // Everything the run lacks, named at once (`ApplyRefusal`).
        var refusal = ApplyRefusal()
        // The relay's password is needed only when it would be sent (held back otherwise).
        if let missing = f.relay?.answers.missingPassword { refusal.add(ApplyRefusal.password(missing)) }
        if let relay = f.relay, !relay.errorsBesidesMissingPassword.isEmpty || relay.plan.hasRefusals { refusal.add(ApplyRefusal.planErrors) }
        if !f.plan.lockedOut.isEmpty && !acceptTokenRejection && !renews {
            refusal.add(ApplyRefusal.lockout(uncertain: false, organizations: f.plan.lockedOut))
        }
        refusal.addConfirmation(relay: f.relay?.relayForPassword, confirmed: smtpRelay, autoApprove: autoApprove)
        try refusal.stopIfAny()
        try confirm()
        // Once, before any write: one new token within the smallest user cap of the chosen organizations.
        if renews { f = try await automation.renewed(f, newTokenFile: answersOptions.newTokenFile) }
        let plan = f.plan, client = f.client
        let total = f.plan.toChange.count
        let progress = FleetProgress(total: total, onTerminal: isatty(STDERR_FILENO) != 0)
        let relayPlan = relaySends ? f.relay?.plan : nil
        // The first signal: no organization starts, no wait is waited out (StoppableApply). The
        // relay goes once, first, under the same stop: a signal during its request is reported
        // (INTERRUPTED) like any other. Its outcome does not hold the organizations back (they
        // are independent settings), but it counts in the exit code.
        let ((relayResults, done, notStarted), stoppedBy) = await StoppableApply.run { stop -> ([StepResult], [FleetOutcome], [String]) in
            var relayResults: [StepResult] = []
            if let relayPlan { relayResults = await Applier(client: client, wording: .commandLine).apply(relayPlan) }
            guard !plan.toChange.isEmpty else { return (relayResults, [], []) }
            let (done, notStarted) = await FleetApplier.apply(plan, client: client, wording: .commandLine, shouldStop: { Task.isCancelled || stop.pending != nil }) { outcome in
                progress.record(outcome)
            }
            return (relayResults, done, notStarted)
        }
        printOut(lines: relayResults.flatMap(Automation.resultLines))
        let relayFailed = !relayResults.allSatisfy { $0.succeeded }
        guard !f.plan.toChange.isEmpty else {
            if let signal = stoppedBy { printOut(lines: [StoppableApply.stoppedLine(signal, after: StepResult.tally(relayResults)), StoppableApply.rerunLine]) }
            if stoppedBy != nil || relayFailed || !f.plan.unreadable.isEmpty { throw ExitCode.failure }
            return
        }
        progress.finish()
        let tally = FleetTally(plan: f.plan, outcomes: done)
        let report = FleetReport(done)
        if let signal = stoppedBy {
            func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
            var lines = [StoppableApply.stoppedLine(signal, after: "after \(done.count) of \(total) organizations"), "Done: " + list(report.succeeded)]
            if !report.failed.isEmpty { lines.append("Failed: " + list(report.failed)) }
            if !report.interrupted.isEmpty { lines.append("Interrupted (a request not sent, or sent and not answered: may be partly applied): " + list(report.interrupted)) }
            lines.append("Not started: " + list(notStarted))
            lines.append(StoppableApply.rerunLine)
            printOut(lines: lines)
        }
        printOut(lines: Self.endLines(tally, outcomes: done, stopped: stoppedBy != nil))
        if stoppedBy != nil || !tally.allHoldOrCannot || relayFailed { throw ExitCode.failure }
    }

    /// What "changed" rests on, said once under the summary of an apply that set TTL policies.
    static let howChecked = "Checked: mode, pool and the switch by reading the organizations again; the TTL policies by each answer, which lists them as the server holds them (tfe-setup plan reads them again)."

    /// What "changed" rests on when the run stopped before the read after the writes.
    static let notReadBack = "Not read back (the run stopped first): \"changed\" rests on each request's answer (tfe-setup plan reads them all again)."

    /// The apply's end for people: each organization that did not end as it should with why, then
    /// one line counting every organization chosen once.
    static func endLines(_ tally: FleetTally, outcomes: [FleetOutcome], stopped: Bool = false) -> [String] {
        let byName = Dictionary(outcomes.map { ($0.organization, $0) }, uniquingKeysWith: { _, b in b })
        var lines: [String] = []
        for end in [FleetTally.End.partlyApplied, .notKept, .failed, .unknown] {
            let names = tally.names(end)
            guard !names.isEmpty else { continue }
            lines.append(end.words.prefix(1).uppercased() + end.words.dropFirst() + " (\(names.count)):")
            for name in names { lines.append("  \(name): " + (byName[name]?.problem ?? "")) }
        }
        for end in [FleetTally.End.notStarted, .unreadable] where tally.count(end) > 0 {
            lines.append(end.words.prefix(1).uppercased() + end.words.dropFirst() + " (\(tally.count(end))): " + tally.names(end).joined(separator: ", ")
                         + (end == .unreadable ? " (see above)" : ""))
        }
        lines.append("Summary: " + tally.line + ".")
        let savedTTLs = outcomes.contains { $0.results.contains { $0.step == .tokenTTL && $0.succeeded } }
        let savedAny = outcomes.contains { $0.results.contains(where: \.succeeded) }
        if stopped {
            if savedAny { lines.append(Self.notReadBack) }
        } else if savedTTLs {
            lines.append(Self.howChecked)
        }
        return lines
    }
}

extension FleetTally {
    /// Every organization ended where it should: changed, already complied, or given the parts of
    /// the baseline it can take (it was named as such before anything was sent).
    var allHoldOrCannot: Bool { ends.values.allSatisfy { $0 == .changed || $0 == .complies || $0 == .cannot } }
}

/// A fleet apply's organizations by how they ended: every step saved, a step refused or failed,
/// or cut short by a stop (a request that may or may not have been applied).
struct FleetReport {
    var succeeded: [String] = []
    var failed: [String] = []
    var interrupted: [String] = []

    init(_ outcomes: [FleetOutcome]) {
        for outcome in outcomes {
            if outcome.succeeded {
                succeeded.append(outcome.organization)
            } else if outcome.kind == .unknown {
                interrupted.append(outcome.organization)
            } else {
                failed.append(outcome.organization)
            }
        }
    }
}

/// Progress of a fleet apply: a bar on a terminal (stderr), else one line per organization.
final class FleetProgress: @unchecked Sendable {
    private let lock = NIOLock()
    private let total: Int
    private let onTerminal: Bool
    private let started = Date()
    private var done = 0
    private var writes = 0

    init(total: Int, onTerminal: Bool) {
        self.total = total
        self.onTerminal = onTerminal
    }

    func record(_ outcome: FleetOutcome) {
        // The outcomes once more after the read-back: the closing report shows those.
        guard outcome.readBack == nil else { return }
        let line: String = lock.withLock {
            done += 1
            writes += outcome.results.count
            if onTerminal {
                let figures = FleetProgressFigures(done: done, total: total, writes: writes, elapsed: Date().timeIntervalSince(started))
                let width = 30, filled = figures.filled(width)
                return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                    + "] \(done)/\(total) organizations · \(figures.writesPerSecond.fixed(1)) writes/s · about \(figures.secondsLeft) s left"
            }
            // Answered is not yet saved: the closing report says what a read shows was kept.
            let failure = outcome.results.first { !$0.succeeded }
            return (failure == nil ? "answered " : "FAILED ") + outcome.organization + (failure.map { ": " + $0.message } ?? "")
        }
        // Redrawn in place: a carriage return, then the line.
        if onTerminal { StandardStream.error("\r" + SafeText.line(line)) } else { printOut(line) }
    }

    func finish() {
        if onTerminal { StandardStream.error("\n") }
    }
}
