import FoundationEssentials

/// A secret (API token, SMTP password) that never shows itself: printing, interpolating or
/// dumping it yields `<redacted>`. Only the transport and the JSON encoder read `exposedValue`.
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. Read it only to put it on the wire.
    public let exposedValue: String

    public init(_ value: String) { self.exposedValue = value }

    public var isEmpty: Bool { exposedValue.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
