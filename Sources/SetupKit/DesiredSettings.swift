import TFEClient

/// What the admin wants, per section; nil (or an omitted field) leaves it unchanged. The wizard
/// and the answers file both produce this; the planner compares it with the server.
public struct DesiredSettings: Sendable, Equatable {
    public var smtp: SMTPSettingsUpdate?
    public var executionDefaults: ExecutionDefaults?
    public var tokenTTL: TokenTTL?

    public struct ExecutionDefaults: Sendable, Equatable {
        public var mode: ExecutionMode?
        public var agentPool: AgentPoolChange
        public init(mode: ExecutionMode? = nil, agentPool: AgentPoolChange = .unchanged) {
            self.mode = mode
            self.agentPool = agentPool
        }
    }

    public struct TokenTTL: Sendable, Equatable {
        public var enabled: Bool?
        public var milliseconds: [TokenType: Int64]
        public init(enabled: Bool? = nil, milliseconds: [TokenType: Int64] = [:]) {
            self.enabled = enabled
            self.milliseconds = milliseconds
        }
    }

    public init(smtp: SMTPSettingsUpdate? = nil, executionDefaults: ExecutionDefaults? = nil, tokenTTL: TokenTTL? = nil) {
        self.smtp = smtp
        self.executionDefaults = executionDefaults
        self.tokenTTL = tokenTTL
    }

    /// Only the sections named (for `--screens`).
    public func restricted(to sections: Set<Section>) -> DesiredSettings {
        DesiredSettings(smtp: sections.contains(.smtp) ? smtp : nil,
                        executionDefaults: sections.contains(.executionDefaults) ? executionDefaults : nil,
                        tokenTTL: sections.contains(.tokenTTL) ? tokenTTL : nil)
    }
}
