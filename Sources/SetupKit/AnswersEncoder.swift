import FoundationEssentials
import TFEClient

/// Writes an answers file (the format the README describes) — never a secret. The password becomes a
/// `password_env` reference the admin fills in; test addresses are not kept (they are one-off).
public enum AnswersEncoder {
    /// The environment variable named for the password in files this tool writes.
    public static let passwordVariable = "SMTP_PASSWORD"

    /// An answers file for the given settings (nil sections are left out).
    /// - Parameter passwordReference: name `SMTP_PASSWORD` for the password when auth needs one.
    ///   Exports leave it out: the server keeps its stored password when none is sent, so the
    ///   exported file plans to "nothing to change" without the variable being set.
    public static func encode(address: String?, organization: String, smtp: SMTPSettings?, execution: (mode: ExecutionMode, pool: String?)?,
                              tokenTTL: (enabled: Bool, milliseconds: [TokenType: Int64])?, passwordReference: Bool = true) -> String {
        var root: [(String, OrderedJSON)] = []
        if let address { root.append(("address", .string(address))) }
        root.append(("organization", .string(organization)))
        if let s = smtp {
            var o: [(String, OrderedJSON)] = [("enabled", .bool(s.enabled))]
            if s.enabled || !s.host.isEmpty {
                o += [("host", .string(s.host)), ("port", .integer(Int64(s.port))), ("sender", .string(s.sender)), ("auth", .string(s.auth.rawValue))]
                if s.auth != .none {
                    o.append(("username", .string(s.username)))
                    if passwordReference { o.append(("password_env", .string(passwordVariable))) }
                }
            }
            root.append(("smtp", .object(o)))
        }
        if let e = execution {
            root.append(("execution_defaults", .object([("mode", .string(e.mode.rawValue)), ("agent_pool_id", e.pool.map(OrderedJSON.string) ?? .null)])))
        }
        if let t = tokenTTL {
            var o: [(String, OrderedJSON)] = [("enabled", .bool(t.enabled))]
            for (type, ms) in TokenTTLUpdate(t.milliseconds).orderedEntries where type.isKnown {
                // A duration string in y/d/h/m states the value exactly; odd values stay raw milliseconds.
                let text = TTLDuration.format(milliseconds: ms)
                o.append((type.rawValue, (text.last.map { "ydhm".contains($0) } ?? false) ? .string(text) : .integer(ms)))
            }
            root.append(("token_ttl", .object(o)))
        }
        return OrderedJSON.object(root).text() + "\n"
    }

    /// An answers file for the server's current state.
    public static func encode(current: CurrentState, address: String?, sections: Set<Section> = Set(Section.allCases), passwordReference: Bool = true) -> String {
        encode(address: address, organization: current.organization.name,
               smtp: sections.contains(.smtp) ? current.smtp : nil,
               // A mode this build does not know is left out rather than written back as a guess.
               execution: sections.contains(.executionDefaults) && current.organization.unknownExecutionMode == nil
                   ? (current.organization.defaultExecutionMode, current.organization.defaultAgentPoolID) : nil,
               tokenTTL: sections.contains(.tokenTTL) ? (current.organization.maxTTLEnabled, Dictionary((current.tokenTTLPolicies ?? []).map { ($0.tokenType, $0.maxTTLMilliseconds) }, uniquingKeysWith: { first, _ in first })) : nil,
               passwordReference: passwordReference)
    }
}
