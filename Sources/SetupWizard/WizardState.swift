import FoundationEssentials
import SetupKit
import TFEClient

/// Everything the wizard knows. `render` draws it; `update` changes it.
package struct WizardState: Equatable, Sendable {
    package var config: WizardConfig
    package var phase: Phase
    /// The organization list (empty until the token's organizations are read).
    package var picker = OrganizationList()
    /// One organization, or several under one baseline (with that session's data).
    package var flow: Flow
    package var current: CurrentState?
    package var form = WizardForm()
    /// The form as loaded, to tell whether anything was edited.
    package var prefill = WizardForm()
    /// The focused field, the cursor in it and whether its value is selected (the form engine's).
    package var editing = FieldFocus<FieldID>()
    /// The focused field (nil on a Review, a Result, a list).
    package var focus: FieldID? { editing.field }
    package var errors: [FieldID: String] = [:]
    package var quitPending = false
    /// A stop (Ctrl-C and y, or a signal) came while a new token was being made (the first
    /// admin's, or a renewal): the wizard quits once the server has answered and the token is
    /// stored, not before.
    package var quitWhenTokenAnswered = false
    /// Esc was pressed once on the first screen with edits: a second Esc goes back to the list.
    package var leavePending = false
    /// A `--organization` the server does not know, and its "not found" message, while the
    /// organizations the token sees are read to offer instead.
    package var mistypedOrganization: MistypedOrganization?
    package struct MistypedOrganization: Equatable, Sendable {
        package var name: String
        package var message: String
    }
    /// The open list of a choice field, if any.
    package var list: ChoiceList?
    /// The terminal's size, when a terminal reported one (nil in headless tests and plain mode).
    package var terminalSize: Size?
    /// Whether only "Terminal too small" is on screen.
    package var terminalTooSmall: Bool {
        guard let s = terminalSize else { return false }
        return s.width < Size.minimum.width || s.height < Size.minimum.height
    }
    package var helpShown = false
    /// One line for the status row (what just happened, or why a key did nothing), with how it is
    /// drawn decided by its severity, not by its wording.
    package var statusNotice: Notice?
    /// The status line's text; setting it makes an informational notice.
    package var notice: String? {
        get { statusNotice?.text }
        set { statusNotice = newValue.map { Notice($0, .info) } }
    }
    /// Shows a problem in the status row (drawn as a warning).
    package mutating func problem(_ text: String) { statusNotice = Notice(text, .problem) }
    package var plan: Plan?
    /// The existing tokens are being read (after the screens appeared): whom a tighter cap
    /// rejects, the token in use among them, is not known until they arrive.
    package var tokensReading = false
    /// Whether the Review must wait for the tokens before it may apply: they are being read and
    /// the values as typed make a cap in force tighter.
    package var awaitsTokens: Bool {
        guard tokensReading, let current, let ttl = desiredSettings(sections: Wizard.editableSections(self)).tokenTTL else { return false }
        return Planner.tightensCaps(ttl, current: current)
    }
    package var steps: [Step: StepStatus] = [:]
    /// The steps' results that came, in step order (those still running are left out).
    package var answeredSteps: [StepResult] {
        steps.values.compactMap { if case .done(let r) = $0 { return r } else { return nil } }.sorted { $0.step < $1.step }
    }
    /// After an apply accepted to reject the token in use: what the read that followed found.
    package var lockoutCheck: String?
    /// The renewal of the token in use (`t` on a Review that rejects it), while made and after.
    package var renewal: RenewalState?
    /// This session created the first admin and stored its token: a renewal may delete that
    /// token once the policies are in force (it is known for certain).
    package var madeAdminToken = false
    /// The token this session made for the admin, replaced by a renewal: deleted after the apply.
    package var replacedTokenID: String?
    /// What became of it: nil until then; the sentence for the Result.
    package var replacedTokenOutcome: String?
    /// Whether this session applied, knowingly, a plan that rejects the token it runs with: the
    /// caps or the switch were saved (the runtime checks the token only then, whatever else
    /// failed) and the check did not find the token still taken. "Could not tell" counts as
    /// rejected: the safe side, since any further request would then at best 401.
    package var tokenRejectedByApply: Bool {
        guard phase == .result || phase == .savePrompt, plan?.locksOutToken == true || several?.plan?.lockedOut.isEmpty == false,
              let check = lockoutCheck else { return false }
        return !check.hasPrefix(LockoutCheck.stillTaken)
    }
    /// Whether the check saw the 401 itself (not "could not tell"): the Result then says the token
    /// is rejected; otherwise that it may be.
    package var tokenRejectionSeen: Bool { lockoutCheck?.hasPrefix(LockoutCheck.rejected) == true }
    /// Whether the Review's plan rejects the token in use (in one organization or several).
    package var reviewLocksOutToken: Bool { plan?.locksOutToken == true || several?.plan?.lockedOut.isEmpty == false }
    package var spinner = 0
    /// Lines scrolled on the screens without fields (Review, Result), moved with ↑/↓.
    package var scroll = 0
    package var appliedSomething = false
    /// A draft write failed this session: no closing line may promise a draft.
    package var draftSaveFailed = false
    /// What a first install created (the admin and where its token went, the organization), said
    /// again in every closing line.
    package var created: [String] = []

    package init(config: WizardConfig) {
        self.config = config
        self.flow = .organization(OrganizationChoice(name: config.organization))
        self.phase = config.organization == nil ? .loading("Finding your organizations…") : .loading("Reading the current settings…")
        if config.firstInstall {
            self.flow = .firstInstall(FirstInstall())
            self.phase = .firstInstall
        }
    }

    /// Whether Esc on the first screen goes back to the organization list: the screens were
    /// reached from it (no `--organization`, more than one organization) and nothing has been
    /// sent yet (after an apply, the results are this organization's to finish).
    package var canGoBackToOrganizationList: Bool {
        config.organization == nil && picker.organizations.count > 1 && !fixing && !appliedSomething
    }

    /// Something typed that has not been applied.
    package var hasUnsavedEdits: Bool { form != prefill }

    /// The screens shown: `--screens`, less SMTP when it cannot be used. For several
    /// organizations the SMTP screen is the one site-wide relay, sent once.
    package var screens: [Section] {
        config.sections.filter { $0 == .smtp ? current?.smtp != nil : current?.organizationUnavailable == nil }
    }

    /// Whether the org screens can be edited.
    package var canUpdateOrganization: Bool { current?.organization.canUpdate ?? false }

    /// Why a field cannot be edited, or nil.
    package func readOnlyReason(_ field: FieldID) -> String? {
        // Several organizations: one that cannot take a value is left out at review, by name.
        if !session.checksOnScreen(field.section) { return nil }
        guard let current else { return "not loaded" }
        switch field.section {
        case .smtp: return nil
        case .executionDefaults, .tokenTTL:
            if !current.organization.canUpdate {
                return "Read-only: this token cannot change \(current.organization.name) (only the owners team can)."
            }
            return FieldSpec.of(field).readOnlyReason?(self).map { "Read-only: " + $0 }
        }
    }

    /// What the form asks for, as the plan reads it. A mode the server reports but this build does
    /// not know stays untouched unless the admin changed the Mode field: the form's stand-in for
    /// it is never sent.
    package func desiredSettings(sections: Set<Section>) -> DesiredSettings {
        var desired = form.desired(sections: sections)
        if current?.organization.unknownExecutionMode != nil, form.mode == prefill.mode, form.pool == prefill.pool {
            desired.executionDefaults = nil
        }
        return desired
    }

    /// The execution modes the Mode choice offers: agent only where the organization can use
    /// agents (or already does).
    package var modeOptions: [ExecutionMode] {
        guard current?.agentsUnavailable != nil, current?.organization.defaultExecutionMode != .agent else { return ExecutionMode.allCases }
        return ExecutionMode.allCases.filter { $0 != .agent }
    }

    /// The fields shown on a screen, in order.
    package func visibleFields(_ section: Section) -> [FieldID] {
        FieldSpec.visible(in: section, self).map(\.id)
    }

    /// The pool choices: the current pool or `(choose a pool)`, the org's pools, `New pool…`, `Other…`.
    package var poolOptions: [PoolSelection] {
        var options: [PoolSelection] = []
        let currentPool = current?.organization.defaultAgentPoolID
        options.append(currentPool.map(PoolSelection.pool) ?? .placeholder)
        for p in current?.agentPools ?? [] where p.id != currentPool { options.append(.pool(p.id)) }
        options.append(.create)
        options.append(.other)
        return options
    }

    /// How a pool choice reads: `primary (apool-abc123, 3 agents)`.
    package func poolLabel(_ selection: PoolSelection) -> String {
        switch selection {
        case .placeholder: return "(choose a pool)"
        case .other: return config.ascii ? "Other..." : "Other…"
        case .create: return config.ascii ? "New pool..." : "New pool…"
        case .pool(let id):
            guard let p = current?.agentPools.first(where: { $0.id == id }) else { return "\(id) (current)" }
            return "\(p.name) (\(p.id), \(p.agentCount) agent\(p.agentCount == 1 ? "" : "s")\(p.organizationScoped ? "" : ", chosen workspaces only"))"
        }
    }

    /// The note for a default pool limited to chosen workspaces, or nil.
    package var poolScopeNote: String? {
        guard form.mode == .agent, case .pool(let id) = form.pool,
              let p = current?.agentPools.first(where: { $0.id == id }), !p.organizationScoped else { return nil }
        return "\(SafeText.line(p.name)) serves only the workspaces chosen for it: as the default, runs of other workspaces will find no agent. Choose an organization-wide pool, or allow this one for every workspace first."
    }

    /// The plan's report, as the Review shows it (the same value `plan` renders).
    package var planReport: PlanReport? { plan.map { PlanReport($0, current: current) } }
}
