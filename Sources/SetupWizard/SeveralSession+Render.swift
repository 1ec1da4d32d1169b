import FoundationEssentials
import SetupKit
import TFEClient

/// The screens of several organizations: the header, the baseline's intro, the review with
/// counts per field, the progress bar and the results per organization.
extension SeveralSession {
    static func title(_ state: WizardState, _ g: Glyphs) -> [String]? {
        [state.config.serverName + g.dot + name(state)]
    }

    static func screenIntro(_ state: WizardState, _ section: Section, width: Int) -> [Line] {
        guard let fleet = state.several else { return [] }
        var lines = wrap("One baseline for \(fleet.organizations.count) organizations. A field left at keep (or empty) keeps each organization's own value; a value you set applies to all of them.", width: width - 2).map { Line($0, .dim) }
        if section == .smtp {
            lines += wrap("The SMTP relay is site-wide: it is sent once, not per organization.", width: width - 2).map { Line($0, .dim) }
        }
        return lines
    }

    static func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        let quit = Wizard.KeyHint(KeyMap.quit, g, .quit)
        let scroll = Wizard.KeyHint(KeyMap.scrollPage, g, .extra)
        guard let fleet = state.several else { return [quit] }
        if state.phase == .review {
            if fleet.plan?.toChange.isEmpty == true { return [Wizard.KeyHint("Enter finish", .essential), Wizard.KeyHint("Esc back", .navigation), quit] }
            if fleet.plan?.lockedOut.isEmpty == false {
                return [Wizard.KeyHint(KeyMap.acceptTokenRejection, g, .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit]
            }
            return [Wizard.KeyHint("Enter apply", .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit]
        }
        if !fleet.failed.isEmpty {
            return [Wizard.KeyHint(KeyMap.retry, g, .essential), Wizard.KeyHint("Esc check again", .extra), Wizard.KeyHint("Enter finish", .essential), scroll]
        }
        return [Wizard.KeyHint("Enter finish", .essential), Wizard.KeyHint("Esc check again", .extra), scroll]
    }

    static func body(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        switch state.phase {
        case .review: return fleetReviewBody(state, g, width: width)
        case .applying, .result: return fleetProgressBody(state, g, width: width)
        case .savePrompt: return fleetProgressBody(state, g, width: width) + Wizard.saveQuestion(state, width: width)
        default: return Wizard.stepsBody(state, g, spin: g.spin(state.spinner), width: width)
        }
    }

    /// The review of a baseline for several organizations: per field how many change and how many
    /// already comply, who is left out and why, and the requests with the time they take.
    static func fleetReviewBody(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        guard let fleet = state.several, let plan = fleet.plan else { return [] }
        let arrow = state.config.ascii ? "-> " : "→ "
        let changing = plan.toChange, leftOut = plan.leftOut
        var lines: [Line] = []
        // The site-wide relay first: one request, whatever the organizations.
        if let smtp = state.plan, !smtp.changes.isEmpty {
            lines.append(Line("SMTP relay (site-wide, sent once):", .bold))
            for change in smtp.changes {
                lines += wrap(change.reviewLine(ascii: state.config.ascii), width: width - 6).enumerated().map { Line(($0.offset == 0 ? "  " : "      ") + $0.element) }
            }
            lines.append(Line())
        }
        // Every organization counted once: the counts sum to the organizations planned.
        lines += wrap(plan.summaryCounts + ".", width: width - 2).map { Line($0, .bold) }
        if !plan.unreadable.isEmpty {
            lines.append(Line())
            lines.append(Line("Cannot be read (\(plan.unreadable.count)); nothing is sent to them:", .bold))
            for m in plan.unreadable {
                lines += wrap("\(SafeText.line(m.organization)): " + SafeText.line(m.unreadable ?? ""), width: width - 6)
                    .enumerated().map { Line(($0.offset == 0 ? "  " : "      ") + $0.element, .error) }
            }
        }
        if fleet.baseline.isEmpty {
            lines += wrap("Nothing is set: every field keeps each organization's value. \(state.config.keyWords.back) goes back to set one.", width: width - 2).map { Line($0, .dim) }
            return lines
        }
        lines.append(Line())
        for count in plan.fieldCounts(fleet.baseline) {
            lines += wrap(count.line(arrow: arrow), width: width - 4).map { Line("  " + $0) }
        }
        lines.append(Line())
        let writes = plan.writeCount
        if writes > 0 {
            let seconds = Int((Double(writes) / max(1, fleet.pace)).rounded(.up))
            lines += wrap("Apply sends \(writes) write\(writes == 1 ? "" : "s") to \(changing.count) organization\(changing.count == 1 ? "" : "s"): about \(seconds) s at \(Int(fleet.pace)) requests/s (the server's rate limit, with a margin).", width: width - 2)
                .map { Line($0, .bold) }
        } else {
            let smtp = state.plan?.steps.contains(.smtp) == true
            lines.append(Line(smtp ? "Nothing to send to the organizations: every one that can take the baseline already has it." : "Nothing to send: every organization that can take the baseline already has it. " + state.config.keyWords.finish, .bold))
        }
        // Left out, by reason: a fleet has many, and one reason per line reads faster than one
        // organization per line.
        if !leftOut.isEmpty {
            lines.append(Line())
            lines.append(Line("Cannot reach the baseline (\(leftOut.count)); they get the parts they can take:", .bold))
            for group in plan.leftOutByReason {
                lines += wrap("\(group.reason) (\(group.organizations.count)): " + group.organizations.map(SafeText.line).joined(separator: ", "), width: width - 6)
                    .enumerated().map { Line(($0.offset == 0 ? "  " : "      ") + $0.element, .error) }
            }
        }
        if !plan.tokenLines.isEmpty {
            lines.append(Line())
            for (i, text) in plan.tokenLines.enumerated() {
                let indent = text.hasPrefix("  ") ? "    " : ""
                let style: CellStyle = i == 0 ? .bold : (text.contains("the token this tool runs with among them") ? .error : .normal)
                lines += wrap(text.trimmingSpaces, width: width - 2 - indent.count).map { Line(indent + $0, style) }
            }
            if !plan.lockedOut.isEmpty {
                lines += wrap(TokenReport.lockoutSentence(in: plan.lockedOut) + ". " + TokenReport.wayOut
                              + " To apply anyway: \(KeyMap.acceptTokenRejection.names) (there the policies and the switch go last); to change the baseline: \(state.config.keyWords.back).", width: width - 2)
                    .map { Line($0, .error) }
            }
        }
        guard writes > 0 else { return lines }
        lines.append(Line())
        lines.append(Line("Per organization:", .bold))
        for m in changing {
            lines += wrap("\(SafeText.line(m.organization)): " + m.changeSummary(fleet.baseline, ascii: state.config.ascii), width: width - 6)
                .enumerated().map { Line(($0.offset == 0 ? "  " : "      ") + $0.element, .dim) }
        }
        return lines
    }

    /// While applying: a bar with done/total, requests per second and time left, and the failures
    /// so far. On the results: one line per organization, the failed first with their reason.
    static func fleetProgressBody(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        guard let fleet = state.several else { return [] }
        var lines: [Line] = []
        let done = fleet.outcomes.count
        if state.phase == .applying {
            lines.append(Line("Applying the baseline to \(fleet.sending) organizations\(g.ellipsis)", .bold))
            lines.append(Line())
            let figures = FleetProgressFigures(done: done, total: fleet.sending, writes: fleet.writes, elapsed: fleet.elapsed)
            let barWidth = max(10, min(40, width - 44))
            let filled = figures.filled(barWidth)
            var bar = Line("  ")
            bar.add(String(repeating: state.config.ascii ? "#" : "█", count: filled), .success)
            bar.add(String(repeating: state.config.ascii ? "." : "░", count: barWidth - filled), .dim)
            bar.add(" \(done)/\(fleet.sending)", .bold)
            // A rate over less than a second is a burst, not a pace: shown from one second on.
            if done > 0, fleet.elapsed >= 1 {
                bar.add(g.dot + "\(figures.writesPerSecond.fixed(1)) requests/s" + g.dot + "about \(figures.secondsLeft) s left", .dim)
            }
            lines.append(bar)
        } else {
            lines += wrap((fleet.tally?.line ?? "") + ".", width: width - 2).map { Line($0, .bold) }
            if done > 0 {
                let rate = fleet.elapsed >= 1 ? " (\((Double(fleet.writes) / fleet.elapsed).fixed(1)) requests/s)" : ""
                lines.append(Line("\(fleet.writes) writes in \(fleet.elapsed.fixed(1)) s" + rate + ".", .dim))
            }
        }
        if let status = state.steps[.smtp] {
            lines.append(Line())
            lines += Wizard.stepLines(status, title: "SMTP relay (site-wide)", spin: g.spin(state.spinner), g, width: width)
        }
        if state.phase != .applying, state.lockoutCheck != nil {
            // The read after a baseline that rejects the token in use, then what that leaves.
            lines.append(Line())
            lines += Wizard.lockoutCheckLines(state, indent: "", width: width)
            if state.tokenRejectedByApply { lines += wrap(Wizard.tokenRejectedNotice(state), width: width - 2).map { Line($0, .bold) } }
        }
        lines.append(Line())
        // Failures first (with the reason), then the organizations done.
        let ordered = fleet.failed + (state.phase == .applying ? [] : fleet.succeeded)
        let cannot = Set(fleet.plan?.leftOut.map(\.organization) ?? [])
        for outcome in ordered {
            var l = Line("  ")
            // A check only where the whole baseline now holds: one that cannot reach it got only
            // the parts it can take, and says so instead.
            let whole = outcome.succeeded && !cannot.contains(outcome.organization)
            l.add(whole ? g.check : (outcome.succeeded ? "-" : g.cross), whole ? .success : (outcome.succeeded ? .dim : .error))
            l.add(" " + SafeText.line(outcome.organization), .bold)
            if outcome.succeeded && !whole { l.add(" (the parts it can take applied; it cannot reach the whole baseline)", .dim) }
            lines.append(l)
            if let problem = outcome.problem {
                lines += wrap(SafeText.line(problem), width: width - 6).map { Line("      " + $0, .error) }
            }
        }
        if state.phase == .result, let leftOut = fleet.plan?.leftOut, !leftOut.isEmpty {
            lines.append(Line())
            lines += wrap("Cannot reach the baseline (\(leftOut.count)): " + leftOut.map { SafeText.line($0.organization) }.joined(separator: ", "), width: width - 2)
                .map { Line($0, .dim) }
        }
        return lines
    }
}
