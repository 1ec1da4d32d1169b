import FoundationEssentials

/// Every rule of the validation table, combined per section. Each function returns all problems
/// at once (an empty array means valid). `current` is the server's state; when it is nil the
/// rules that need it (a password needed because auth changes from none, agent mode with no pool
/// set) are skipped — an answers file is checked without a server first, then again after the reads.
public enum Validation {
    /// The first admin's rules (username, email, password), before `initial-admin-user`.
    public static func issues(forAdmin username: String, email: String, password: SecretString) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let m = FieldRules.username(username) { issues.append(.init(.adminUsername, m)) }
        if let m = FieldRules.emailAddress(email, label: "The admin's email") { issues.append(.init(.adminEmail, m)) }
        if let m = FieldRules.password(password.exposedValue) { issues.append(.init(.adminPassword, m)) }
        return issues
    }

    /// The first organization's rules (name, email), before it is created.
    public static func issues(forNewOrganization name: String, email: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let m = FieldRules.organizationName(name) { issues.append(.init(.organizationName, m)) }
        if let m = FieldRules.emailAddress(email, label: "The organization's email") { issues.append(.init(.organizationEmail, m)) }
        return issues
    }

    /// The SMTP rules.
    public static func issues(for update: SMTPSettingsUpdate, current: SMTPSettings?) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let enabled = update.enabled ?? current?.enabled
        let auth = update.auth ?? current?.auth

        if let port = update.port, let message = FieldRules.port(port) {
            issues.append(.init(.smtpPort, message))
        }
        if enabled == true {
            let host = update.host ?? current?.host ?? ""
            if host.isEmpty {
                issues.append(.init(.smtpHost, "Host is required when the SMTP relay is enabled; give the relay's hostname, e.g. smtp.example.com."))
            } else if update.host != nil, let message = FieldRules.hostname(host) {
                issues.append(.init(.smtpHost, message))
            }
            let sender = update.sender ?? current?.sender ?? ""
            if sender.isEmpty {
                issues.append(.init(.smtpSender, "Sender is required when the SMTP relay is enabled; give the From address, e.g. noreply@example.com."))
            } else if update.sender != nil, let message = FieldRules.emailAddress(sender, label: "Sender") {
                issues.append(.init(.smtpSender, message))
            }
        } else {
            // Disabled (or unknown): values may still be stored, but must be well formed.
            if let host = update.host, !host.isEmpty, let message = FieldRules.hostname(host) {
                issues.append(.init(.smtpHost, message))
            }
            if let sender = update.sender, !sender.isEmpty, let message = FieldRules.emailAddress(sender, label: "Sender") {
                issues.append(.init(.smtpSender, message))
            }
        }

        let username = update.username ?? current?.username
        let passwordGiven = !(update.password?.isEmpty ?? true)
        switch auth {
        case .plain?, .login?:
            if (username ?? "").isEmpty, update.username != nil || current != nil {
                issues.append(.init(.smtpUsername, "Username is required when Auth is \(auth!.rawValue)."))
            }
            if let current, current.auth == .none, !passwordGiven {
                issues.append(.init(.smtpPassword, "Password is required when Auth changes from none to \(auth!.rawValue): the server has no password stored to keep."))
            }
        case .none?:
            if let name = update.username, !name.isEmpty {
                issues.append(.init(.smtpUsername, "Username is not allowed when Auth is none; clear it or choose plain or login."))
            }
            if passwordGiven {
                issues.append(.init(.smtpPassword, "Password is not allowed when Auth is none; clear it or choose plain or login."))
            }
        case nil:
            break
        }

        if let address = update.testEmailAddress {
            if let message = FieldRules.emailAddress(address, label: "Test email address") {
                issues.append(.init(.smtpTestEmail, message))
            } else if enabled == false {
                issues.append(.init(.smtpTestEmail, "Test email address can be used only when the SMTP relay is enabled."))
            }
        }
        return issues
    }

    /// The execution-defaults rules (and the max-TTL switch, which travels in the same PATCH).
    public static func issues(for update: OrganizationDefaultsUpdate, current: Organization?) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let mode = update.mode ?? current?.defaultExecutionMode
        switch update.agentPool {
        case .set(let id):
            if let message = FieldRules.agentPoolID(id) {
                issues.append(.init(.agentPool, message))
            } else if let mode, mode != .agent {
                issues.append(.init(.agentPool, "Agent pool can be set only with Mode agent; Mode is \(mode.rawValue). Choose agent, or leave the pool empty."))
            }
        case .clear:
            if mode == .agent {
                issues.append(.init(.agentPool, "Agent mode needs an agent pool; choose one, or pick Mode remote or local."))
            }
        case .unchanged:
            if update.mode == .agent, let current, current.defaultAgentPoolID == nil {
                issues.append(.init(.agentPool, "Agent mode needs an agent pool; none is set on the server, so choose one."))
            }
        }
        return issues
    }

    /// The rules of an agent pool created to be the default: its name, and agent mode (a pool
    /// sent with another mode is refused, so a new pool would be left unused).
    /// - Parameter mode: the mode it goes with (asked for, or the server's); nil skips that rule.
    public static func issues(forNewAgentPool name: String, mode: ExecutionMode?) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let message = FieldRules.agentPoolName(name) { issues.append(.init(.agentPoolName, message)) }
        if let mode, mode != .agent {
            issues.append(.init(.agentPoolName, "A new agent pool is made to be the default of agent mode; Mode is \(mode.rawValue). Choose agent, or leave the pool out."))
        }
        return issues
    }

    /// The token-TTL rules: each value > 0.
    public static func issues(for update: TokenTTLUpdate) -> [ValidationIssue] {
        update.orderedEntries.compactMap { type, ms in
            FieldRules.milliseconds(ms, label: type.label).map { ValidationIssue(.ttl(type), $0) }
        }
    }
}
