import SetupKit
import TFEClient

/// One organization's header, Review and results.
extension OrganizationSession {
    static func title(_ state: WizardState, _ g: Glyphs) -> [String]? {
        guard let current = state.current else { return nil }
        // The host and the organization first, in every form: on a narrow screen what follows
        // them is shortened, then left out.
        let organization = current.organizationUnavailable == nil ? current.organization.name : "no organization"
        let lead = state.config.serverName + g.dot + organization
        let release = current.ping.release.map { "\(current.ping.shortAppName) \(SafeText.line($0.text))" } ?? current.ping.shortAppName
        let roles = [current.account.isSiteAdmin && !current.ping.isHCP ? "site admin" : nil,
                     current.organizationUnavailable == nil && !current.organization.canUpdate ? "read-only" : nil].compactMap { $0 }
        return [lead + g.dot + current.ping.serverDescription + g.dot + current.capabilities,
                lead + g.dot + ([release] + roles).joined(separator: g.dot),
                lead + g.dot + release,
                lead]
    }

    static func screenIntro(_ state: WizardState, _ section: Section, width: Int) -> [Line] { [] }

    static func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        let quit = Wizard.KeyHint(KeyMap.quit, g, .quit)
        let scroll = Wizard.KeyHint(KeyMap.scrollPage, g, .extra)
        if state.phase == .review {
            if state.plan?.isEmpty == true { return [Wizard.KeyHint("Enter finish", .essential), Wizard.KeyHint("Esc back", .navigation), quit] }
            // Nothing applies until the tokens are in: the footer does not offer Enter before.
            if state.awaitsTokens { return [Wizard.KeyHint("Enter: once the tokens are read", .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit] }
            if case .making = state.renewal { return [Wizard.KeyHint("working", .essential), quit] }
            if state.plan?.locksOutToken == true {
                let renew = Wizard.renewalCap(state) != nil ? [Wizard.KeyHint(KeyMap.renewToken, g, .essential)] : []
                return renew + [Wizard.KeyHint(KeyMap.acceptTokenRejection, g, .essential), Wizard.KeyHint("Esc back", .navigation), scroll, quit]
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
            let after = state.tokenRejectedByApply ? wrap(Wizard.tokenRejectedNotice(state), width: width - 2).map { Line($0, .bold) }
                : wrap("Reopen a screen: " + screens, width: width - 2).map { Line($0, .dim) }
            return Wizard.stepsBody(state, g, spin: spin, width: width) + Wizard.renewalLines(state, width: width) + [Line()] + after
        default:
            return Wizard.stepsBody(state, g, spin: spin, width: width)
        }
    }

    static func reviewBody(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] {
        guard let report = state.planReport else { return [] }
        var lines: [Line] = []
        for problem in report.problems {
            let text: String
            switch problem.kind {
            case .unavailableSection: text = "\(Section(rawValue: problem.section)?.title ?? problem.section): \(problem.message)"
            case .unsupported: text = "Not sent: \(problem.message)"
            case .invalid, .missingSecret: text = "\(problem.field ?? problem.section): \(problem.message)"
            }
            lines += wrap(text, width: width - 2).map { Line("  " + $0, .error) }
        }
        if report.isEmpty {
            lines.append(Line("Nothing to change.", .bold))
            lines += wrap("The server already has these settings. " + state.config.keyWords.finish, width: width - 2).map { Line($0, .dim) }
            return lines
        }
        // Wrapped, never cut: the first line says where all this goes.
        lines += wrap("These changes will be applied on \(state.config.serverName)" + (state.organization.map { ", organization \($0)" } ?? "") + ":", width: width)
            .map { Line($0, .bold) }
        if state.awaitsTokens {
            // Said first: until the tokens are read, whether this locks the tool out is unknown.
            lines += wrap("\(g.spin(state.spinner)) " + Wizard.readingTokens + " Apply waits for them.", width: width - 2).map { Line("  " + $0, .bold) }
        }
        if case .making(let cap) = state.renewal {
            lines += wrap("\(g.spin(state.spinner)) Making a new user token within \(TTLDuration.display(milliseconds: cap)) and storing it; the changes follow with it.", width: width - 2)
                .map { Line("  " + $0, .bold) }
        } else if case .refused(let uncertain) = report.lockout {
            // Said first: the details (Tokens, below the requests) may be off screen.
            // Short: on a small screen the Tokens section below must stay in reach; the footer names `t`.
            lines += wrap("\(g.warn) \(TokenReport.lockoutSentence(uncertain: uncertain)): " + state.config.keyWords.lockoutHeld, width: width - 2).map { Line("  " + $0, .error) }
        }
        for entry in report.entries {
            for (i, part) in wrap(report.changeLine(entry, ascii: state.config.ascii), width: width - 6).enumerated() {
                lines.append(Line((i == 0 ? "  " : "      ") + part))
            }
        }
        if let name = report.newAgentPool {
            lines += wrap(PlanReport.newPoolLine(name, ascii: state.config.ascii), width: width - 2).map { Line("  " + $0, .bold) }
        }
        if let pool = report.existingAgentPool { lines += wrap(PlanReport.existingPoolLine(pool), width: width - 2).map { Line("  " + $0, .dim) } }
        for warning in report.warnings {
            lines += wrap("Warning: " + warning.message, width: width - 2).map { Line("  " + $0, .bold) }
        }
        lines.append(Line())
        if let staged = report.requestsIfAccepted {
            // Only y applies it, and then in stages: the list is of what y sends.
            lines += wrap("Apply sends \(staged.count) requests with y, the token policies and then the switch last:", width: width).map { Line($0, .bold) }
            for r in staged { lines.append(Line("  \(r.method) \(r.path)", .dim)) }
        } else {
            let n = report.requests.count
            let order = report.newAgentPool != nil ? ", the new pool first" : (n > 1 ? ", at the same time" : "")
            lines.append(Line("Apply sends \(n) request\(n == 1 ? "" : "s")\(order):", .bold))
            for r in report.requests { lines.append(Line("  \(r.method) \(r.path)", .dim)) }
        }
        if report.testsRelay { lines.append(Line(PlanReport.relayTestNote, .dim)) }
        if let tokens = report.tokens {
            lines.append(Line())
            for (i, text) in tokens.lines.enumerated() {
                let style: CellStyle = text.hasPrefix("  REJECTED") ? .error : (i == 0 ? .bold : .normal)
                let indent = text.hasPrefix("  ") ? "    " : "  "
                lines += wrap(text.trimmingSpaces, width: width - indent.count).map { Line(indent + $0, style) }
            }
            if case .refused(let uncertain) = report.lockout {
                let way = Wizard.renewalCap(state).map {
                    "To make a new user token within \(TTLDuration.display(milliseconds: $0)), store it where this one came from and apply with it: \(KeyMap.renewToken.names) (the old one is kept). "
                } ?? (Wizard.renewalUnavailable(state).map { "No new token can be made here: \($0). " + TokenReport.wayOut + " " } ?? TokenReport.wayOut + " ")
                lines += wrap(TokenReport.lockoutSentence(uncertain: uncertain) + ". " + way + "To apply anyway: \(KeyMap.acceptTokenRejection.names) (the policies and the switch then go last); to change the caps: \(state.config.keyWords.back).",
                              width: width - 2).map { Line("  " + $0, .error) }
            }
        }
        return lines
    }
}
