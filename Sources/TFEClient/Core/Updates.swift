import FoundationEssentials

/// What to do with the organization's default agent pool: three intents, not an optional.
public enum AgentPoolChange: Sendable, Hashable {
    /// Leave the pool as it is on the server.
    case unchanged
    /// Set this pool (only with mode `agent`).
    case set(String)
    /// No pool: valid only with mode `remote`/`local`, where switching away from `agent` clears
    /// the pool by itself — so nothing extra goes on the wire.
    case clear
}

/// A change to an organization's default execution settings and its max-TTL switch: one PATCH.
public struct OrganizationDefaultsUpdate: Sendable, Equatable {
    public var mode: ExecutionMode?
    public var agentPool: AgentPoolChange
    public var maxTTLEnabled: Bool?

    public init(mode: ExecutionMode? = nil, agentPool: AgentPoolChange = .unchanged, maxTTLEnabled: Bool? = nil) {
        self.mode = mode
        self.agentPool = agentPool
        self.maxTTLEnabled = maxTTLEnabled
    }

    /// "Reset" of the defaults: mode remote, which clears the pool by itself.
    public static let reset = OrganizationDefaultsUpdate(mode: .remote, agentPool: .clear)

    /// Whether nothing would be sent: a `.clear` pool puts nothing on the wire by itself.
    public var isEmpty: Bool {
        if mode != nil || maxTTLEnabled != nil { return false }
        if case .set = agentPool { return false }
        return true
    }
}

/// A change to the maximum TTL of some token types; types left out keep their values.
public struct TokenTTLUpdate: Sendable, Equatable {
    /// Milliseconds per token type.
    public var milliseconds: [TokenType: Int64]

    public init(_ milliseconds: [TokenType: Int64] = [:]) { self.milliseconds = milliseconds }

    /// Every known type set to the 2-year default the SDKs write (63,072,000,000 ms).
    public static let resetToDefault = TokenTTLUpdate(Dictionary(uniqueKeysWithValues: TokenType.known.map { ($0, TTLDuration.twoYearsSDK) }))

    /// The entries in screen order (known types first, then others by name), so bodies are stable.
    public var orderedEntries: [(TokenType, Int64)] {
        let known = TokenType.known.compactMap { t in milliseconds[t].map { (t, $0) } }
        let others = milliseconds.filter { !$0.key.isKnown }.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
        return known + others
    }
}
