import SetupKit
import TFEClient

/// The first install's screens: the wait, the IACT, the admin, its review, the organization.
extension FirstInstallSession {
    static func title(_ state: WizardState, _ g: Glyphs) -> [String]? {
        [state.config.serverName + g.dot + (state.firstInstall?.adminExisted == true ? "no organization yet" : "first install")]
    }

    /// The header's steps, and the one the flow is at.
    static func crumbs(_ state: WizardState) -> (names: [String], current: String?) {
        let names = ["Server", "Token", "Admin", "Review", "Organization"]
        guard let step = state.firstInstall?.step else { return (names, nil) }
        if state.firstInstall?.adminExisted == true { return (["Organization"], "Organization") }
        switch step {
        case .waiting: return (names, "Server")
        case .fetchingIACT, .askIACT: return (names, "Token")
        case .admin: return (names, "Admin")
        case .review, .creatingAdmin: return (names, "Review")
        case .organization, .creatingOrganization: return (names, "Organization")
        }
    }

    static func screenIntro(_ state: WizardState, _ section: Section, width: Int) -> [Line] { [] }

    static func footer(_ state: WizardState, _ g: Glyphs) -> [Wizard.KeyHint] {
        let quit = Wizard.KeyHint(KeyMap.quit, g, .quit)
        guard let f = state.firstInstall else { return [quit] }
        let fields = [Wizard.KeyHint(KeyMap.nextField, g, .navigation), Wizard.KeyHint(KeyMap.previousField, g, .navigation)]
        switch f.step {
        case .waiting, .fetchingIACT, .creatingAdmin, .creatingOrganization:
            return [Wizard.KeyHint("working", .essential), quit]
        case .askIACT:
            return [Wizard.KeyHint("paste or type", .extra), Wizard.KeyHint("Enter next", .essential), quit]
        case .admin:
            return fields + [Wizard.KeyHint("Enter next", .essential)] + (f.iactFetched ? [] : [Wizard.KeyHint("Esc token", .extra)]) + [quit]
        case .review:
            return [Wizard.KeyHint("Enter create", .essential), Wizard.KeyHint("Esc back", .navigation), Wizard.KeyHint("\(g.up)/\(g.down) scroll", .extra), quit]
        case .organization:
            return fields + [Wizard.KeyHint("Enter create", .essential), Wizard.KeyHint(KeyMap.skipOrganization, g, .essential), quit]
        }
    }

    /// The commands that print the IACT on the host, as HashiCorp's docs give them.
    static let iactCommands = [
        "docker exec <container> tfectl admin token",
        "kubectl exec -n <namespace> <pod> -- tfectl admin token",
        "(also podman exec, nomad alloc exec; a Replicated install:",
        " replicated admin --tty=0 retrieve-iact)",
    ]

    /// The screen's lines and the focused one: the intro, then the step's fields.
    static func lines(_ state: WizardState, _ g: Glyphs, width: Int) -> ([Line], Int?) {
        guard let f = state.firstInstall else { return ([], nil) }
        return fields(f, FirstInstall.Field.of(f.step), into: intro(state, f, g, width: width), g, width: width)
    }

    /// What a step says above its fields (all of it, for the steps without fields).
    static func intro(_ state: WizardState, _ f: FirstInstall, _ g: Glyphs, width: Int) -> [Line] {
        let spin = g.spin(state.spinner)
        let host = state.config.serverName
        func para(_ text: String, _ style: CellStyle = .normal) -> [Line] { wrap(text, width: width - 2).map { Line($0, style) } }
        switch f.step {
        case .waiting(let last, let waited):
            var lines = [Line("\(spin) Waiting for \(host) to come up (GET /_health_check)", .bold)]
            if let last {
                lines += para("  Last answer: \(last), \(waited) s of at most \(Int(state.config.firstInstallWait)) s.", .dim)
            }
            lines += para("  A new Terraform Enterprise takes a few minutes to start; nothing is sent until it answers.", .dim)
            return lines
        case .fetchingIACT:
            return [Line("\(spin) Fetching the initial admin creation token (GET /admin/retrieve-iact)…", .bold)]
        case .creatingAdmin:
            return [Line("\(spin) Creating the first admin \(SafeText.line(f.text(.username)))…", .bold)]
        case .creatingOrganization:
            return [Line("\(spin) Creating the organization \(SafeText.line(f.text(.organizationName)))…", .bold)]
        case .askIACT:
            var lines = [Line("The initial admin creation token (IACT)", .bold)]
            if let problem = f.iactProblem { lines += para(problem, .dim) }
            lines += para("Print it on the TFE host and paste it here:")
            lines += iactCommands.map { Line("  " + $0, .dim) }
            lines.append(Line())
            return lines
        case .admin:
            var lines = [Line("Create the first admin of \(host)", .bold)]
            lines += para("The server has no users yet; the first one is a site admin.", .dim)
            var iact = Line("Admin creation token: ", .dim)
            iact.add(f.iactFetched ? "fetched from the server " : "as pasted ", .dim)
            iact.add(g.check, .success)
            lines.append(iact)
            lines.append(Line())
            return lines
        case .review:
            var lines = [Line("Review: create the first admin", .bold), Line()]
            let rows: [(String, String)] = [
                ("Server", state.config.address),
                ("Username", SafeText.line(f.text(.username))),
                ("Email", SafeText.line(f.text(.email))),
                ("Password", "as typed twice (never shown or written)"),
                ("Token", "stored in \(state.config.credentialsPath), as terraform login stores it"),
            ]
            for (label, value) in rows {
                let head = "  " + (label + ":").padded(to: 11)
                let wrapped = wrap(value, width: max(10, width - head.count - 1))
                for (i, part) in wrapped.enumerated() { lines.append(Line((i == 0 ? head : String(repeating: " ", count: head.count)) + part)) }
            }
            lines.append(Line())
            lines += para("Creating it spends the IACT (it works only once, while the server has no users).")
            return lines
        case .organization:
            var lines: [Line] = []
            if let admin = f.admin {
                var done = Line()
                done.add(g.check + " ", .success)
                done.add("First admin \(SafeText.line(admin.username)) created", .bold)
                lines.append(done)
                if let path = admin.credentialsPath { lines += para("Its token is stored in \(path).", .dim) }
                if let problem = admin.storeProblem { lines += para("Its token could not be stored: \(problem)", .error) }
                lines.append(Line())
            }
            lines.append(Line("Create the first organization", .bold))
            lines += para("Workspaces, teams and the execution defaults belong to one. \(state.config.keyWords.back) skips it: then only the SMTP relay is set.", .dim)
            lines.append(Line())
            return lines
        }
    }

    /// A step's fields: one line each (secrets as bullets), and under a field its problem —
    /// as typed for the focused one (dim), after leaving it or on Enter (as an error).
    static func fields(_ f: FirstInstall, _ list: [FirstInstall.Field], into lines: [Line], _ g: Glyphs, width: Int) -> ([Line], Int?) {
        var lines = lines
        var focusIndex: Int?
        for field in list {
            let focused = f.focus == field
            var line = TextFieldView.labelLine(field.label, focused: focused, g)
            TextFieldView.value(f.text(field), secret: field.isSecret, placeholder: "", focus: focused ? (f.editing.cursor, f.editing.selected) : nil,
                                style: focused ? .reverse : .normal, room: max(8, width - line.width - 1), g, into: &line)
            if focused {
                line.isFocus = true
                focusIndex = lines.count
            }
            lines.append(line)
            if let problem = f.errors[field] ?? (focused && !f.text(field).isEmpty ? f.problem(field) : nil) {
                lines += TextFieldView.problem(problem, reported: f.errors[field] != nil, g, width: width)
            }
        }
        return (lines, focusIndex)
    }

    static func body(_ state: WizardState, _ g: Glyphs, width: Int) -> [Line] { lines(state, g, width: width).0 }

    // MARK: - Plain mode

    /// What plain mode asks at this step.
    static func prompt(_ state: WizardState) -> PlainWizard.Prompt {
        guard let f = state.firstInstall else { return .wait }
        switch f.step {
        case .waiting, .fetchingIACT, .creatingAdmin, .creatingOrganization: return .wait
        case .review: return .ask("Create this admin? [y/N]: ", secret: false)
        case .askIACT, .admin, .organization:
            let skip = f.step == .organization && f.focus == .organizationName ? " (< skips: SMTP relay only)" : ""
            return TextFieldView.prompt(f.focus.label, current: f.text(f.focus), secret: f.focus.isSecret, extra: skip)
        }
    }

    /// The lines plain mode prints on reaching a step (what the full screen shows above the fields).
    static func transcript(from old: FirstInstall?, to new: FirstInstall, _ state: WizardState) -> [String] {
        let g = Glyphs.of(state.config.ascii)
        var lines: [String] = []
        if old?.step != new.step {
            switch new.step {
            case .waiting(let last, _) where old == nil || last == nil:
                lines.append("Waiting for \(state.config.serverName) to come up (GET /_health_check, up to \(Int(state.config.firstInstallWait)) s)…")
            case .askIACT, .admin, .review, .organization:
                // The full screen's text above the fields.
                lines += intro(state, new, g, width: 1_000).map(\.text).filter { !$0.trimmingSpaces.isEmpty }
            default:
                break
            }
        }
        if let error = new.errors[new.focus], error != old?.errors[new.focus] { lines.append("  ! \(error)") }
        return lines
    }
}
