import SetupKit
import TFEClient

/// One organization's header, Review and results.
extension OrganizationSession {
    static func title(_ state: WizardState, _ g: Glyphs) -> String? {
        guard let current = state.current else { return nil }
        // The host first: on a narrow screen the end of the title is what is cut.
        let organization = current.organizationUnavailable == nil ? current.organization.name : "no organization"
        return state.config.serverName + g.dot + current.ping.serverDescription + g.dot + organization + g.dot + current.capabilities
    }

    static func screenIntro(_ state: WizardState, _ section: Section, width: Int) -> [Line] { [] }

    static func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        let quit = Wizard.KeyHint(KeyMap.quit, g, .quit)
        let scroll = Wizard.KeyHint("\(g.up)/\(g.down) scroll", .extra)
        if state.phase == .review {
            if state.plan?.isEmpty == true { return [Wizard.KeyHint("Enter finish", .essential), Wizard.KeyHint("Esc back", .navigation), quit] }
            // Nothing applies until the tokens are in: the footer does not offer Enter before.
            if state.awaitsTokens { return [Wizard.KeyHint("Enter: once the tokens are read", .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit] }
            if state.plan?.locksOutToken == true {
                return [Wizard.KeyHint(KeyMap.acceptTokenRejection, g, .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit]
            }
            return [Wizard.KeyHint("Enter apply", .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit]
        }
        let reopen = Wizard.KeyHint("1-\(state.screens.count) reopen a screen", .extra)
        guard !Wizard.failedResults(state).isEmpty else { return [Wizard.KeyHint("Enter finish", .essential), reopen, scroll] }
        return [Wizard.KeyHint(KeyMap.retry, g, .essential), Wizard.KeyHint(KeyMap.fix, g, .essential), Wizard.KeyHint("Enter finish", .essential), reopen, scroll]
    }

    static func body(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        let spin = g.spin(state.spinner)
        switch state.phase {
        case .review:
            return reviewBody(state, g, width: width)
        case .result:
            // Like an installer's summary: each screen can be reopened by its number.
            let screens = state.screens.enumerated().map { "\($0.offset + 1) \($0.element.title)" }.joined(separator: g.dot)
            return Wizard.stepsBody(state, g, spin: spin, width: width) + [Line()]
                + wrap("Reopen a screen: " + screens, width: width - 2).map { Line($0, .dim) }
        default:
            return Wizard.stepsBody(state, g, spin: spin, width: width)
        }
    }

    static func reviewBody(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        guard let plan = state.plan else { return [] }
        var lines: [Line] = []
        for (section, reason) in plan.unavailableSections {
            lines += wrap("\(section.title): \(reason)", width: width - 2).map { Line("  " + $0, .error) }
        }
        for issue in plan.unsupported { lines += wrap("Not sent: \(issue.message)", width: width - 2).map { Line("  " + $0, .error) } }
        for issue in plan.issues { lines += wrap("\(issue.field): \(issue.message)", width: width - 2).map { Line("  " + $0, .error) } }
        if plan.isEmpty {
            lines.append(Line("Nothing to change.", .bold))
            lines.append(Line("The server already has these settings. Press Enter to finish.", .dim))
            return lines
        }
        lines.append(Line("These changes will be applied on \(state.config.serverName)" + (state.organization.map { ", organization \($0)" } ?? "") + ":", .bold))
        if state.awaitsTokens {
            // Said first: until the tokens are read, whether this locks the tool out is unknown.
            lines += wrap("\(g.spin(state.spinner)) " + Wizard.readingTokens + " Apply waits for them.", width: width - 2).map { Line("  " + $0, .bold) }
        }
        if plan.locksOutToken {
            // Said first: the details (Tokens, below the requests) may be off screen.
            let sentence = TokenReport.lockoutSentence(uncertain: plan.tokenReport?.lockoutUncertain == true)
            lines += wrap("\(g.warn) \(sentence): Enter does not apply it; see Tokens below.", width: width - 2).map { Line("  " + $0, .error) }
        }
        for change in plan.changes {
            for (i, part) in wrap(change.reviewLine(ascii: state.config.ascii, poolNames: state.poolNames), width: width - 6).enumerated() {
                lines.append(Line((i == 0 ? "  " : "      ") + part))
            }
        }
        for warning in plan.warnings {
            lines += wrap("Warning: " + warning.message, width: width - 2).map { Line("  " + $0, .bold) }
        }
        lines.append(Line())
        if plan.locksOutToken {
            // Only y applies it, and then in stages: the list is of what y sends.
            let accepted = plan.puttingTokenWritesLast()
            lines.append(Line("Apply sends \(accepted.requests.count) requests with y, the token policies and then the switch last:", .bold))
            for r in accepted.requests { lines.append(Line("  \(r.method) \(r.path)", .dim)) }
        } else {
            let n = plan.requests.count
            lines.append(Line("Apply sends \(n) request\(n == 1 ? "" : "s")\(n > 1 ? ", at the same time" : ""):", .bold))
            for r in plan.requests { lines.append(Line("  \(r.method) \(r.path)", .dim)) }
        }
        if plan.smtp?.testEmailAddress != nil {
            lines.append(Line("The relay is tested by sending an email; if that fails, the SMTP settings are not saved.", .dim))
        }
        if let report = plan.tokenReport {
            lines.append(Line())
            for (i, text) in report.lines.enumerated() {
                let style: CellStyle = text.hasPrefix("  REJECTED") ? .error : (i == 0 ? .bold : .normal)
                let indent = text.hasPrefix("  ") ? "    " : "  "
                lines += wrap(text.trimmingSpaces, width: width - indent.count).map { Line(indent + $0, style) }
            }
            if report.locksOutToken {
                lines += wrap(TokenReport.lockoutSentence(uncertain: report.lockoutUncertain) + ". " + TokenReport.wayOut + " To apply anyway: \(KeyMap.acceptTokenRejection.names) (the policies and the switch then go last); to change the caps: Esc.",
                              width: width - 2).map { Line("  " + $0, .error) }
            }
        }
        return lines
    }
}
