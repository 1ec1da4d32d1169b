import FoundationEssentials
import TFEClient

/// Writes an answers file (the format docs/automation.md describes) — never a secret. The password becomes a
/// `password_env` reference the admin fills in; test addresses are not kept (they are one-off).
package enum AnswersEncoder {
    /// The environment variable named for the password in files this tool writes.
    package static let passwordVariable = "SMTP_PASSWORD"

    /// An answers file for the given settings (nil sections are left out).
    /// - Parameter passwordReference: name `SMTP_PASSWORD` for the password when auth needs one.
    ///   Exports leave it out: the server keeps its stored password when none is sent, so the
    ///   exported file plans to "nothing to change" without the variable being set.
    package static func encode(address: String?, organization: String, smtp: SMTPSettings?, execution: (mode: ExecutionMode, pool: String?)?,
                              tokenTTL: (enabled: Bool?, milliseconds: [TokenType: Int64])?, passwordReference: Bool = true,
                              createPool: String? = nil) -> String {
        var root: [(String, OrderedJSON)] = []
        if let address { root.append(("address", .string(address))) }
        // No organization (the relay alone): the file names none, so it plans site-wide again.
        if !organization.isEmpty { root.append(("organization", .string(organization))) }
        if let s = smtp { root.append(("smtp", smtpObject(s, passwordReference: passwordReference))) }
        if let e = execution, e.mode == .agent, let name = createPool {
            // The pool by name, created where it is missing: the file works on a new organization too.
            root.append(("execution_defaults", .object([("mode", .string(e.mode.rawValue)), ("agent_pool_name", .string(name)), ("create_agent_pool", .bool(true))])))
        } else if let e = execution {
            root.append(("execution_defaults", .object([("mode", .string(e.mode.rawValue)), ("agent_pool_id", e.pool.map(OrderedJSON.string) ?? .null)])))
        }
        if let t = tokenTTL { root.append(("token_ttl", tokenTTLObject(enabled: t.enabled, milliseconds: t.milliseconds))) }
        return OrderedJSON.object(root).text() + "\n"
    }

    /// An answers file for one baseline on many organizations, as the wizard's several-organization
    /// flow set it: the organizations by name, the site-wide relay (if it was set), and only the
    /// fields the baseline sets (a field left at keep is left out, so it keeps each one's value).
    package static func encode(baseline: FleetBaseline, organizations: [String], smtp: SMTPSettings?, address: String?) -> String {
        var root: [(String, OrderedJSON)] = []
        if let address { root.append(("address", .string(address))) }
        root.append(("organizations", .array(organizations.map(OrderedJSON.string))))
        if let s = smtp { root.append(("smtp", smtpObject(s, passwordReference: true))) }
        var execution: [(String, OrderedJSON)] = []
        if let mode = baseline.mode { execution.append(("mode", .string(mode.rawValue))) }
        if let pool = baseline.agentPoolName { execution.append(("agent_pool_name", .string(pool))) }
        if !execution.isEmpty { root.append(("execution_defaults", .object(execution))) }
        if baseline.ttlEnabled != nil || !baseline.ttl.isEmpty {
            root.append(("token_ttl", tokenTTLObject(enabled: baseline.ttlEnabled, milliseconds: baseline.ttl)))
        }
        return OrderedJSON.object(root).text() + "\n"
    }

    /// The `smtp` object: every setting, and the password by its variable after the username.
    static func smtpObject(_ s: SMTPSettings, passwordReference: Bool) -> OrderedJSON {
        var o: [(String, OrderedJSON)] = SMTPSetting.all.compactMap { setting in setting.answers(s).map { (setting.name, $0) } }
        if passwordReference, o.contains(where: { $0.0 == "username" }) { o.append(("password_env", .string(passwordVariable))) }
        return .object(o)
    }

    /// The `token_ttl` object. A switch the server does not report is left out (unsupported is
    /// not off); a duration string states a value exactly (`30d`, `1.5y`, `730.485d`), and a
    /// value that only milliseconds state stays a number.
    static func tokenTTLObject(enabled: Bool?, milliseconds: [TokenType: Int64]) -> OrderedJSON {
        var o: [(String, OrderedJSON)] = enabled.map { [("enabled", .bool($0))] } ?? []
        for (type, ms) in TokenTTLUpdate(milliseconds).orderedEntries where type.isKnown {
            let text = TTLDuration.format(milliseconds: ms)
            o.append((type.rawValue, text.hasSuffix("ms") ? .integer(ms) : .string(text)))
        }
        return .object(o)
    }

    /// An answers file for the server's current state.
    /// - Parameter createPool: the name of a pool the wizard created (or asked to): written as
    ///   `agent_pool_name` with `create_agent_pool`, not as the id it has on this server.
    package static func encode(current: CurrentState, address: String?, sections: Set<Section> = Set(Section.allCases), passwordReference: Bool = true,
                               createPool: String? = nil) -> String {
        encode(address: address, organization: current.organization.name,
               smtp: sections.contains(.smtp) ? current.smtp : nil,
               // A mode this build does not know is left out rather than written back as a guess.
               execution: sections.contains(.executionDefaults) && current.organization.unknownExecutionMode == nil
                   ? (current.organization.defaultExecutionMode, current.organization.defaultAgentPoolID) : nil,
               tokenTTL: sections.contains(.tokenTTL) ? tokenTTL(current) : nil,
               passwordReference: passwordReference, createPool: createPool)
    }

    /// The switch (nil where the server does not report it) and the policies; nil when neither
    /// can be stated.
    static func tokenTTL(_ current: CurrentState) -> (enabled: Bool?, milliseconds: [TokenType: Int64])? {
        let enabled: Bool? = current.ttlSwitchUnavailableReason == nil ? current.organization.maxTTLEnabled : nil
        let policies = Dictionary((current.tokenTTLPolicies ?? []).map { ($0.tokenType, $0.maxTTLMilliseconds) }, uniquingKeysWith: { first, _ in first })
        if enabled == nil && current.tokenTTLPolicies == nil { return nil }
        return (enabled, policies)
    }

    /// What an answers export of `current` leaves out, each with why: for the admin, on stderr,
    /// so that a missing section is never mistaken for one that is empty or off.
    package static func leftOut(current: CurrentState, sections: Set<Section> = Set(Section.allCases)) -> [String] {
        var notes: [String] = []
        if sections.contains(.smtp), let reason = current.smtpUnavailableReason { notes.append("smtp: \(reason)") }
        if sections.contains(.smtp), let s = current.smtp, s.auth != .none {
            notes.append("smtp password: the server never shows it; the file names none, so applying it keeps the stored one")
        }
        if sections.contains(.executionDefaults), let mode = current.organization.unknownExecutionMode {
            notes.append("execution_defaults: the server reports the mode \"\(SafeText.line(mode))\", which this version does not know")
        }
        if sections.contains(.tokenTTL) {
            if let reason = current.ttlSwitchUnavailableReason { notes.append("token_ttl.enabled: " + reason) }
            if current.tokenTTLPolicies == nil { notes.append("token_ttl policies: " + (current.tokenTTLUnavailable ?? "they could not be read.")) }
        }
        return notes
    }
}
