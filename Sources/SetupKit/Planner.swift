import TFEClient

/// Compares desired settings with the server's and builds the plan: the changes, the fewest
/// requests, and every rule broken (through the client core's `Validation`, never a copy).
package enum Planner {
    package static func plan(_ desired: DesiredSettings, current: CurrentState) -> Plan {
        var plan = Plan(organization: current.organization.name, changes: [], smtp: nil, organizationUpdate: nil, tokenTTL: nil,
                        issues: [], unavailable: [:])
        if let smtp = desired.smtp { planSMTP(smtp, current, &plan) }
        if let reason = current.organizationUnavailable {
            // Nothing to compare with: the organization's sections are refused with the reason.
            if desired.executionDefaults != nil { plan.unavailable[.executionDefaults] = "No organization: " + reason }
            if desired.tokenTTL != nil { plan.unavailable[.tokenTTL] = "No organization: " + reason }
            return plan
        }
        var orgUpdate = OrganizationDefaultsUpdate()
        if let execution = desired.executionDefaults { planExecution(execution, current, &plan, &orgUpdate) }
        let lowered = desired.tokenTTL.map { planTTL($0, current, &plan, &orgUpdate) } ?? []
        if !orgUpdate.isEmpty || plan.newAgentPool != nil { plan.organizationUpdate = orgUpdate }
        // The pool first; the rest once it answered (a pool that may exist stops the PATCH that
        // would make it the default, and with it everything else).
        if plan.newAgentPool != nil { plan.stageOf = [.agentPool: 0, .smtp: 1, .organization: 1, .tokenTTL: 1, .ttlSwitch: 1] }
        if current.tokenInventory != nil, current.tokenTTLPolicies == nil, plan.organizationUpdate?.maxTTLEnabled == true {
            // Enforcement goes on over caps nobody could read: whom they reject cannot be told,
            // the token in use included, so the guard takes the safe side.
            plan.tokenReport = TokenReport(inUse: .unknown("the token TTL policies could not be read, so the caps about to be enforced are unknown."),
                                           rejected: [], noExpiry: [], keptCount: 0, cannotTell: [], userCap: nil)
        } else if let inventory = current.tokenInventory, current.tokenTTLPolicies != nil {
            plan.tokenReport = TokenReport.make(inventory, before: enforcedCaps(current, plan: nil), after: enforcedCaps(current, plan: plan))
        }
        // One warning for every lowered type (the same consequence), on the first one's field;
        // none when the token report names the tokens the lower caps reject (it would repeat it).
        if plan.tokenReport == nil, let first = lowered.first {
            let names = lowered.map(\.label)
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
            plan.warnings.append(ValidationIssue(.ttl(first), "\(list) lower than now: " + TTLDuration.loweredConsequence))
        }
        // A read-only token is a problem only when something must be written.
        if plan.organizationUpdate != nil || plan.newAgentPool != nil, !current.organization.canUpdate {
            plan.unavailable[.executionDefaults] = "This token cannot change \(current.organization.name): only the owners team can."
        }
        return plan
    }

    static func planSMTP(_ d: SMTPSettingsUpdate, _ current: CurrentState, _ plan: inout Plan) {
        guard let c = current.smtp else {
            plan.unavailable[.smtp] = "SMTP settings are not available: " + (current.smtpUnavailableReason ?? "")
            return
        }
        plan.issues += Validation.issues(for: d, current: c)
        var update = SMTPSettingsUpdate()
        for setting in SMTPSetting.all {
            guard let change = setting.change(d, c) else { continue }
            plan.changes.append(change)
            setting.send(d, &update)
        }
        if let password = d.password, !password.isEmpty {
            plan.changes.append(Change(field: .smtpPassword, current: .writeOnly, new: .writeOnly))
            update.password = password
        }
        if let address = d.testEmailAddress, !address.isEmpty {
            plan.changes.append(Change(field: .smtpTestEmail, current: .writeOnly, new: .sentOnce(address)))
            update.testEmailAddress = address
        }
        if !update.isEmpty { plan.smtp = update }
    }

    static func planExecution(_ d: DesiredSettings.ExecutionDefaults, _ current: CurrentState, _ plan: inout Plan, _ update: inout OrganizationDefaultsUpdate) {
        let org = current.organization
        var d = d
        // A pool by name: its id here (the list is complete); created first when asked and missing.
        var newPool: String?
        if let name = d.agentPoolName {
            if let pool = current.agentPools.first(where: { $0.name == name }) {
                d.agentPool = .set(pool.id)
                if d.createAgentPool { plan.reusedAgentPool = pool }
            } else if d.createAgentPool {
                newPool = name
            } else {
                plan.issues.append(ValidationIssue(.agentPoolName, "\(SafeText.line(org.name)) has no agent pool named \(SafeText.line(name)); to create it, set create_agent_pool to true"))
                return
            }
        }
        // Asked for agent mode (or a pool) where there is none: never sent; the rest of the plan goes on.
        var setsPool = newPool != nil
        if case .set = d.agentPool { setsPool = true }
        if let reason = current.agentsUnavailable, d.mode == .agent || setsPool {
            if org.defaultExecutionMode != .agent || setsPool {
                plan.unsupported.append(ValidationIssue(d.mode == .agent ? .executionMode : .agentPool, "Agent mode is not available: " + reason))
            }
            return
        }
        let mode = d.mode ?? org.defaultExecutionMode
        if let name = newPool {
            // The new pool is the pool: "agent mode needs a pool" is met by it.
            plan.issues += Validation.issues(forNewAgentPool: name, mode: mode)
            plan.issues += Validation.issues(for: OrganizationDefaultsUpdate(mode: d.mode), current: nil)
        } else {
            plan.issues += Validation.issues(for: OrganizationDefaultsUpdate(mode: d.mode, agentPool: d.agentPool), current: org)
        }
        if let newMode = d.mode, newMode != org.defaultExecutionMode || org.unknownExecutionMode != nil {
            // A mode this build does not know counts as different from every mode asked for.
            plan.changes.append(Change(field: .executionMode, current: .text(org.unknownExecutionMode ?? org.defaultExecutionMode.rawValue), new: .text(newMode.rawValue)))
            update.mode = newMode
        }
        if update.mode != nil {
            // go-tfe's Workspace.SettingOverwrites: a workspace whose execution-mode is not
            // overwritten follows the default (its project's, where the project sets one).
            plan.warnings.append(ValidationIssue(.executionMode, "Workspaces that do not set their own execution mode (nor their project) follow this default: their next runs use \(mode.rawValue) execution."))
        }
        if let name = newPool {
            // Its own request, a stage before the organization PATCH, which then sets its id.
            plan.newAgentPool = NewAgentPool(name: name)
            plan.changes.append(Change(field: .agentPoolName, current: .pool(nil), new: .newPool(name)))
            plan.changes.append(Change(field: .agentPool, current: .pool(org.defaultAgentPoolID), new: .createdPool(name)))
            return
        }
        switch d.agentPool {
        case .set(let id) where id != org.defaultAgentPoolID && mode == .agent:
            // The pool list is complete (every page read): a pool not in it does not exist here,
            // and the server would refuse the whole PATCH (mode and max-TTL switch with it).
            guard let pool = current.agentPools.first(where: { $0.id == id }) else {
                plan.issues.append(ValidationIssue(.agentPool, unknownPoolProblem(id, current) ?? ""))
                return
            }
            if pool.agentCount == 0 {
                plan.warnings.append(ValidationIssue(.agentPool, "The agent pool \(pool.name) has no agents connected: runs that use it wait until an agent connects."))
            }
            plan.changes.append(Change(field: .agentPool, current: .pool(org.defaultAgentPoolID), new: .pool(id)))
            update.agentPool = .set(id)
        case .clear, .unchanged:
            // Leaving agent clears the pool on the server by itself: show it, send nothing extra.
            if mode != .agent, let old = org.defaultAgentPoolID {
                plan.changes.append(Change(field: .agentPool, current: .pool(old), new: .pool(nil)))
            }
        default:
            break
        }
    }

    /// Why a pool id cannot be the default: the organization's pool list (complete: every page is
    /// read) does not have it. Names the pools that exist. Nil when the pool exists. The wizard's
    /// "Pool id" field and the plan both ask this.
    package static func unknownPoolProblem(_ id: String, _ current: CurrentState) -> String? {
        guard !current.agentPools.contains(where: { $0.id == id }) else { return nil }
        let known = current.agentPools.map { "\(SafeText.line($0.name)) (\($0.id))" }
        return "\(SafeText.line(current.organization.name)) has no agent pool \(SafeText.line(id)); "
            + (known.isEmpty ? "it has no agent pools yet: create one first." : "its pools: " + known.joined(separator: ", ") + ".")
    }

    /// Whether applying these TTL settings makes a cap in force tighter — enforcement turns on,
    /// or a cap that is (or will be) enforced goes lower — so that an existing token may be
    /// rejected: only then are the tokens worth reading. Enforcement turned on over caps nobody
    /// could read counts as tighter (the guard must then take the safe side).
    package static func tightensCaps(_ ttl: DesiredSettings.TokenTTL, current: CurrentState) -> Bool {
        var plan = Plan(organization: current.organization.name, changes: [], smtp: nil, organizationUpdate: nil, tokenTTL: nil,
                        issues: [], unavailable: [:])
        var update = OrganizationDefaultsUpdate()
        _ = planTTL(ttl, current, &plan, &update)
        if !update.isEmpty { plan.organizationUpdate = update }
        if current.tokenTTLPolicies == nil { return update.maxTTLEnabled == true }
        let before = enforcedCaps(current, plan: nil)
        return enforcedCaps(current, plan: plan).contains { type, ms in before[type].map { ms < $0 } ?? true }
    }

    /// The caps in force now (`plan` nil) or once the plan is applied: empty while enforcement is off.
    package static func enforcedCaps(_ current: CurrentState, plan: Plan?) -> [TokenType: Int64] {
        let enabled = plan?.organizationUpdate?.maxTTLEnabled ?? current.organization.maxTTLEnabled
        guard enabled else { return [:] }
        var caps: [TokenType: Int64] = [:]
        for policy in current.tokenTTLPolicies ?? [] { caps[policy.tokenType] = policy.maxTTLMilliseconds }
        for (type, ms) in plan?.tokenTTL?.orderedEntries ?? [] { caps[type] = ms }
        return caps
    }

    /// The TTL part of a plan; returns the types whose cap goes lower than now (not under an
    /// hour: those have their own warning), for the one warning `plan` words.
    static func planTTL(_ d: DesiredSettings.TokenTTL, _ current: CurrentState, _ plan: inout Plan, _ update: inout OrganizationDefaultsUpdate) -> [TokenType] {
        if let enabled = d.enabled, enabled != current.organization.maxTTLEnabled {
            if let reason = current.ttlSwitchUnavailableReason {
                plan.unsupported.append(ValidationIssue(.ttlEnabled, "Enforce max TTL (\(enabled ? "on" : "off")) is not sent: " + reason))
            } else {
                plan.changes.append(Change(field: .ttlEnabled, current: .bool(current.organization.maxTTLEnabled), new: .bool(enabled)))
                update.maxTTLEnabled = enabled
            }
        }
        guard !d.milliseconds.isEmpty else { return [] }
        plan.issues += Validation.issues(for: TokenTTLUpdate(d.milliseconds))
        guard current.tokenTTLPolicies != nil else {
            plan.unavailable[.tokenTTL] = current.tokenTTLUnavailable ?? "The token TTL policies could not be read."
            return []
        }
        var changed: [TokenType: Int64] = [:]
        var lowered: [TokenType] = []
        for (type, ms) in TokenTTLUpdate(d.milliseconds).orderedEntries where current.ttl(type) != ms {
            plan.changes.append(Change(field: .ttl(type), current: current.ttl(type).map(SettingValue.milliseconds) ?? .text(""), new: .milliseconds(ms)))
            if let short = TTLDuration.shortTTLWarning(milliseconds: ms) {
                plan.warnings.append(ValidationIssue(.ttl(type), short))
            } else if let old = current.ttl(type), TTLDuration.lowers(from: old, to: ms) {
                lowered.append(type)
            }
            changed[type] = ms
        }
        if !changed.isEmpty { plan.tokenTTL = TokenTTLUpdate(changed) }
        return lowered
    }
}
