import TFEClient

/// What the admin wants, per section; nil (or an omitted field) leaves it unchanged. The wizard
/// and the answers file both produce this; the planner compares it with the server.
package struct DesiredSettings: Sendable, Equatable {
    package var smtp: SMTPSettingsUpdate?
    package var executionDefaults: ExecutionDefaults?
    package var tokenTTL: TokenTTL?

    /// The sections these settings touch.
    package var sections: Set<Section> {
        var s = Set<Section>()
        if smtp != nil { s.insert(.smtp) }
        if executionDefaults != nil { s.insert(.executionDefaults) }
        if tokenTTL != nil { s.insert(.tokenTTL) }
        return s
    }

    package struct ExecutionDefaults: Sendable, Equatable {
        package var mode: ExecutionMode?
        package var agentPool: AgentPoolChange
        /// The pool by name (`agent_pool_name`): the organization's pool of that name becomes the
        /// default (the planner reads the pools and finds its id).
        package var agentPoolName: String?
        /// With `agentPoolName`: when the organization has no pool of that name, one is created
        /// (organization-scoped) before the organization is changed, and becomes the default.
        package var createAgentPool: Bool
        package init(mode: ExecutionMode? = nil, agentPool: AgentPoolChange = .unchanged, agentPoolName: String? = nil, createAgentPool: Bool = false) {
            self.mode = mode
            self.agentPool = agentPool
            self.agentPoolName = agentPoolName
            self.createAgentPool = createAgentPool
        }
    }

    package struct TokenTTL: Sendable, Equatable {
        package var enabled: Bool?
        package var milliseconds: [TokenType: Int64]
        /// Whether it may make a token policy tighter in force (enforcement on, or a cap given),
        /// before the server's values are known (`Planner.tightensCaps` decides once they are).
        package var mayTighten: Bool { enabled == true || !milliseconds.isEmpty }

        package init(enabled: Bool? = nil, milliseconds: [TokenType: Int64] = [:]) {
            self.enabled = enabled
            self.milliseconds = milliseconds
        }
    }

    package init(smtp: SMTPSettingsUpdate? = nil, executionDefaults: ExecutionDefaults? = nil, tokenTTL: TokenTTL? = nil) {
        self.smtp = smtp
        self.executionDefaults = executionDefaults
        self.tokenTTL = tokenTTL
    }

    /// Only the sections named (for `--screens`).
    package func restricted(to sections: Set<Section>) -> DesiredSettings {
        DesiredSettings(smtp: sections.contains(.smtp) ? smtp : nil,
                        executionDefaults: sections.contains(.executionDefaults) ? executionDefaults : nil,
                        tokenTTL: sections.contains(.tokenTTL) ? tokenTTL : nil)
    }
}
