import ArgumentParser
import Glibc
import SetupKit
import TFEClient

/// What an apply still lacks before it may write: each flag, variable or fix, from every check
/// in this one place, so that a refused run names all of them at once. In CI each refusal costs
/// a run: a job that learns about `--auto-approve`, then about the token lockout, then about
/// the relay's host, one per run, takes four runs to get through.
struct ApplyRefusal {
    /// One thing the run lacks.
    struct Need: Equatable {
        /// What to add: the flags or the variable (`--auto-approve`, `--renew-token or --accept-token-rejection`).
        var add: String
        /// Why, in one clause.
        var because: String
        /// The whole message when it is the only thing lacking.
        var alone: String
    }

    private(set) var needs: [Need] = []

    init(needing needs: Need?...) {
        for need in needs { add(need) }
    }

    var isEmpty: Bool { needs.isEmpty }

    /// The last two needs of every apply, in their order: a new relay host named (`--smtp-relay`;
    /// not needed where a person reads the warning and answers), then the confirmation.
    mutating func addConfirmation(relay: PlanReport.NewRelay?, confirmed: String?, autoApprove: Bool) {
        let confirmation = Self.confirmation(autoApprove: autoApprove)
        add(Self.relay(relay, confirmed: confirmed, asksPerson: !autoApprove && confirmation == nil))
        add(confirmation)
    }

    mutating func add(_ need: Need?) {
        if let need, !needs.contains(need) { needs.append(need) }
    }

    /// The refusal: one need in its own sentence; several as one list, so that a rerun with all
    /// of them is not refused for the next.
    var lines: [String] {
        switch needs.count {
        case 0: return []
        case 1: return ["tfe-setup: " + needs[0].alone]
        default:
            return ["tfe-setup: nothing applied: this run needs \(needs.count) things, all named here (see the plan above for why):"]
                + needs.map { "  - \($0.add): \($0.because)." }
        }
    }

    /// Prints the refusal and ends with exit 1 when anything is lacking.
    func stopIfAny() throws {
        guard !needs.isEmpty else { return }
        printError(lines: lines)
        throw ExitCode.failure
    }

    // MARK: - The needs, each worded once

    /// No terminal to ask, and no `--auto-approve`.
    static let confirmation = Need(
        add: "--auto-approve", because: "there is no terminal to ask for confirmation (read the plan first)",
        alone: "not applying without confirmation: there is no terminal to ask. Add --auto-approve.")

    /// Whether the run can ask for confirmation: `--auto-approve`, or a terminal on stdin.
    static func confirmation(autoApprove: Bool) -> Need? {
        autoApprove || isatty(STDIN_FILENO) != 0 ? nil : confirmation
    }

    /// The SMTP password would be sent, and its variable is unset.
    static func password(_ missing: AnswersFile.Problem) -> Need {
        let variable = missing.variable ?? "the password's variable"
        return Need(add: "\(variable) set (or --\(Automation.passwordFileOption) FILE)",
                    because: "the SMTP password would be sent, and \(variable) is not set (or is empty)",
                    alone: "nothing applied: \(missing.description)")
    }

    /// The plan has errors (values the rules or the server's state refuse).
    static let planErrors = Need(add: "the errors above fixed", because: "the plan has errors",
                                 alone: "nothing applied: fix the errors above first.")

    /// The plan rejects the token in use, and neither flag says what to do about it.
    /// - Parameter organizations: a fleet's organizations where it does (nil: one organization).
    static func lockout(uncertain: Bool, organizations: [String]? = nil) -> Need {
        let fact = organizations.map { TokenReport.lockout(in: $0) } ?? TokenReport.lockout(uncertain: uncertain)
        let cap = organizations == nil ? "the cap" : "the smallest user cap"
        return Need(add: "--\(Automation.renewTokenOption) or --\(Automation.acceptTokenRejectionOption)", because: fact,
                    alone: "nothing applied: " + fact + " (see above). " + TokenReport.wayOut
                        + " Or pass --\(Automation.renewTokenOption) to make one within \(cap) and apply with it, "
                        + "or --\(Automation.acceptTokenRejectionOption) to apply it knowing that.")
    }

    /// `--renew-token` was given, but no new token can be made or stored.
    static func renewalClosed(uncertain: Bool) -> Need {
        let fact = TokenReport.lockout(uncertain: uncertain)
        return Need(add: "--\(Automation.acceptTokenRejectionOption) (the renewal cannot be made)",
                    because: fact + ", and the way through is closed (see above)",
                    alone: "nothing applied: " + fact + ", and the way through is closed (see above). Or pass --\(Automation.acceptTokenRejectionOption) to apply it knowing that.")
    }

    /// A password on its way to a relay host the server does not use yet: without a person to
    /// read the warning and answer, the operator must name that host (`--smtp-relay`); a host
    /// named that differs from the file's is refused either way.
    static func relay(_ relay: PlanReport.NewRelay?, confirmed: String?, asksPerson: Bool) -> Need? {
        guard let relay else { return nil }
        if let confirmed {
            if confirmed.lowercased() == relay.host.lowercased() { return nil }
            let fact = "--smtp-relay names \(confirmed), but the answers file sends the SMTP password to \(relay.host)"
            return Need(add: "--smtp-relay matching the file's smtp.host", because: fact, alone: "nothing applied: \(fact). Check the file's smtp.host.")
        }
        if asksPerson { return nil }   // the plan's warning stands above the question
        let fact = "the answers file sends the SMTP password to \(relay.host), a relay this server does not use yet"
        let flag = "--smtp-relay \(ShellWord.quoted(relay.host))"
        return Need(add: flag, because: fact,
                    alone: "nothing applied: \(fact). A shared file must not choose where a password goes: if that host is yours, confirm it with \(flag).")
    }
}
