import FoundationEssentials
import TFEClient

/// One baseline for many organizations: the execution defaults and token TTLs, each value nil to
/// keep every organization's own. The pool is named, not given by id: ids differ per organization.
package struct FleetBaseline: Sendable, Equatable {
    package var mode: ExecutionMode?
    package var agentPoolName: String?
    package var ttlEnabled: Bool?
    package var ttl: [TokenType: Int64]

    package init(mode: ExecutionMode? = nil, agentPoolName: String? = nil, ttlEnabled: Bool? = nil, ttl: [TokenType: Int64] = [:]) {
        self.mode = mode
        self.agentPoolName = agentPoolName
        self.ttlEnabled = ttlEnabled
        self.ttl = ttl
    }

    package var isEmpty: Bool { mode == nil && agentPoolName == nil && ttlEnabled == nil && ttl.isEmpty }
    /// Whether it may make a token policy tighter in force (`DesiredSettings.TokenTTL.mayTighten`).
    package var mayTighten: Bool { DesiredSettings.TokenTTL(enabled: ttlEnabled, milliseconds: ttl).mayTighten }

    /// The fields the baseline sets, in screen order, each with its value as people read it
    /// (`Mode` `agent`, `Agent pool` `named primary`, `User token TTL` `30d`).
    package var fields: [(key: FieldKey, value: String)] {
        var list: [(key: FieldKey, value: String)] = []
        if let m = mode { list.append((.executionMode, m.rawValue)) }
        if let p = agentPoolName { list.append((.agentPool, "named " + SafeText.line(p))) }
        if let e = ttlEnabled { list.append((.ttlEnabled, e ? "on" : "off")) }
        for (type, ms) in TokenTTLUpdate(ttl).orderedEntries { list.append((.ttl(type), TTLDuration.format(milliseconds: ms))) }
        return list
    }
}

extension AnswersFile {
    /// The execution and TTL parts as a baseline for many organizations. Here rather than in
    /// AnswersFile.swift, which the fuzz build compiles without the fleet code.
    package var baseline: FleetBaseline {
        FleetBaseline(mode: desired.executionDefaults?.mode, agentPoolName: agentPoolName,
                      ttlEnabled: desired.tokenTTL?.enabled, ttl: desired.tokenTTL?.milliseconds ?? [:])
    }
}
