import TFEClient

/// A value on either side of a change, in the terms people and `plan --json` need.
package enum SettingValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int)
    case text(String)
    case milliseconds(Int64)
    /// An agent pool id, or nil for none.
    case pool(String?)
    /// A write-only value (the password): never shown, never compared.
    case writeOnly
    /// Sent once, never stored, not secret (the test email address): shown, never compared.
    case sentOnce(String)
    /// An agent pool created by the plan, by name (it has no id before it is made).
    case newPool(String)
    /// The default pool set to the pool the plan creates (its id comes with the POST's answer).
    case createdPool(String)

    /// `on`/`off`, `(empty)`, `(none)`, `(will be sent)`, TTLs as durations.
    package var display: String {
        switch self {
        case .bool(let b): return b ? "on" : "off"
        case .int(let i): return String(i)
        case .text(let t): return t.isEmpty ? "(empty)" : SafeText.line(t)
        case .milliseconds(let ms): return TTLDuration.display(milliseconds: ms)
        case .pool(let id): return id.map(SafeText.line) ?? "(none)"
        case .writeOnly: return "(will be sent)"
        case .sentOnce(let s): return "\(SafeText.line(s)) (one test email; not stored)"
        case .newPool(let name): return "\(SafeText.line(name)) (organization-scoped)"
        case .createdPool(let name): return "\(SafeText.line(name)) (the new pool)"
        }
    }

    /// The value in wire terms for `plan --json` (TTLs in ms, `null` for none and write-only).
    package var json: JSONValue {
        switch self {
        case .bool(let b): return .bool(b)
        case .int(let i): return .integer(Int64(i))
        case .text(let t): return .string(t)
        case .milliseconds(let ms): return .integer(ms)
        case .pool(let id): return id.map(JSONValue.string) ?? .null
        case .writeOnly: return .null
        case .sentOnce(let s): return .string(s)
        case .newPool(let name): return .string(name)
        case .createdPool(let name): return .object(["created_pool_name": .string(name)])
        }
    }
}

/// One field that will change.
package struct Change: Sendable, Equatable {
    package var field: FieldKey
    package var current: SettingValue
    package var new: SettingValue
    package var writeOnly: Bool {
        if case .sentOnce = new { return true }
        return new == .writeOnly
    }

    package init(field: FieldKey, current: SettingValue, new: SettingValue) {
        self.field = field
        self.current = current
        self.new = new
    }

    package var section: Section { Section(field: field) ?? .smtp }

    /// The Review line: `SMTP relay · Port: 25 → 587` (ASCII: ` - ` and ` -> `).
    package func reviewLine(ascii: Bool = false, poolNames: [String: String] = [:]) -> String {
        "\(section.title)\(ascii ? " - " : " · ")" + fieldChange(ascii: ascii, poolNames: poolNames)
    }

    /// The change without its section: `Port: 25 → 587` (ASCII: ` -> `).
    package func fieldChange(ascii: Bool = false, poolNames: [String: String] = [:]) -> String {
        let head = "\(FieldLabels.label(field)): "
        if writeOnly { return head + new.display }
        var (a, b) = (display(current, poolNames), display(new, poolNames))
        if case .milliseconds(let x) = current, case .milliseconds(let y) = new { (a, b) = TTLDuration.displayChange(from: x, to: y) }
        return head + a + (ascii ? " -> " : " → ") + b
    }

    private func display(_ value: SettingValue, _ names: [String: String]) -> String {
        if case .pool(let id?) = value, let name = names[id] { return "\(SafeText.line(name)) (\(SafeText.line(id)))" }
        return value.display
    }
}
