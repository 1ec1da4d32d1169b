import TFEClient

extension PlanReport {
    /// `plan --json`, in the shape docs/automation.md documents: values in wire terms (TTLs in
    /// ms, `null` for none and for write-only values).
    package var json: OrderedJSON {
        func change(_ c: Change) -> OrderedJSON {
            .object([("section", .string(c.section.rawValue)), ("field", .string(String(c.field.rawValue.dropFirst(c.section.rawValue.count + 1)))),
                     ("current", c.writeOnly ? .null : OrderedJSON.from(c.current.json, order: [])),
                     ("new", c.writeOnly ? .null : OrderedJSON.from(c.new.json, order: [])), ("write_only", .bool(c.writeOnly))])
        }
        func problem(_ p: Problem) -> OrderedJSON {
            .object([("section", .string(p.section))] + (p.field.map { [("field", OrderedJSON.string($0))] } ?? []) + [("message", .string(p.message))])
        }
        return .object([
            ("changes", .array(entries.map { change($0.change) })),
            ("requests", .array(requests.map { .object([("method", .string($0.method)), ("path", .string($0.path))]) })),
            ("errors", .array(problems.map(problem))),
            ("warnings", .array(warnings.map { .object([("section", .string($0.field.section)), ("field", .string($0.field.rawValue)), ("message", .string($0.message))]) })),
            ("token_rejections", tokens?.json ?? .null),
            ("agent_pool", agentPoolJSON),
        ])
    }

    /// `agent_pool`: the pool the plan creates, or the existing one it uses instead; null when
    /// no pool is named to be created.
    var agentPoolJSON: OrderedJSON {
        if let name = newAgentPool {
            return .object([("action", .string("create")), ("name", .string(name)), ("organization_scoped", .bool(true)),
                            ("message", .string(Self.newPoolLine(name, ascii: false)))])
        }
        if let pool = existingAgentPool {
            return .object([("action", .string("use_existing")), ("name", .string(pool.name)), ("id", .string(pool.id)),
                            ("message", .string(Self.existingPoolLine(pool)))])
        }
        return .null
    }
}

extension TokenReport {
    /// `plan --json`'s `token_rejections` (null when no policy gets tighter in force).
    package var json: OrderedJSON {
        func token(_ t: TokenRecord, cap: Int64?) -> OrderedJSON {
            .object([("type", .string(t.type.rawValue)), ("id", .string(t.id)), ("description", t.description.map(OrderedJSON.string) ?? .null),
                     ("team", (t.teamName ?? t.teamID).map(OrderedJSON.string) ?? .null),
                     ("lifetime_ms", t.lifetimeMilliseconds.map(OrderedJSON.integer) ?? .null), ("cap_ms", cap.map(OrderedJSON.integer) ?? .null)])
        }
        let inUseJSON: OrderedJSON
        switch inUse {
        case .rejected(let t, let guessed):
            inUseJSON = .object([("verdict", .string("rejected")), ("guessed", .bool(guessed)), ("token", token(t, cap: (rejected + noExpiry).first { $0.record == t }?.capMilliseconds))])
        case .kept(let t, let guessed):
            inUseJSON = .object([("verdict", .string("kept")), ("guessed", .bool(guessed)), ("token", token(t, cap: nil))])
        case .unknown(let reason):
            inUseJSON = .object([("verdict", .string("unknown")), ("reason", .string(reason))])
        }
        return .object([
            ("in_use", inUseJSON),
            ("rejected", .array(rejected.map { token($0.record, cap: $0.capMilliseconds) })),
            ("no_expiry_unverified", .array(noExpiry.map { token($0.record, cap: $0.capMilliseconds) })),
            ("kept_count", .integer(Int64(keptCount))),
            ("cannot_tell", .array(cannotTell.map { .object([("type", .string($0.type.rawValue)), ("reason", .string($0.reason))]) })),
            ("other_users", userCap == nil ? .null : .string("Other users' tokens cannot be listed by anyone: theirs over the user cap are rejected too.")),
        ])
    }
}

extension OrderedJSON {
    /// A JSONValue with the given keys first, in that order, the rest sorted.
    package static func from(_ value: JSONValue, order: [String]) -> OrderedJSON {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let d): return .string(String(d))
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map { from($0, order: order) })
        case .object(let o):
            let keys = order.filter { o[$0] != nil } + o.keys.filter { !order.contains($0) }.sorted()
            return .object(keys.map { ($0, from(o[$0]!, order: order)) })
        }
    }
}
