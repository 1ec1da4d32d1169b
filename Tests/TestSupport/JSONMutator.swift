import Foundation
import TFEClient

/// SplitMix64: a small seeded generator, so property tests see the same values on every run.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Structure-aware mutations of JSON documents, for property tests of the decoders: a value of
/// the wrong type, a missing key, a huge or odd number, deep nesting, an unknown key.
public enum JSONMutator {
    /// Values of every kind, including the awkward ones.
    static func randomValue(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer([0, -1, 1, Int64.max, Int64.min, 65_536, 587].randomElement(using: &rng)!)
        case 3: return .number([1e300, -1e300, 0.5, -0.0, 1.7976931348623157e308, 5e-324].randomElement(using: &rng)!)
        case 4: return .string(["", "x", "apool-abc123", "remote", "agent", "login", "2y", "\u{0}", "é🙂", String(repeating: "a", count: 10_000)].randomElement(using: &rng)!)
        case 5: return .array(depth > 3 ? [] : (0..<Int.random(in: 0..<3, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        case 6: return .object(depth > 3 ? [:] : ["data": randomValue(&rng, depth: depth + 1)])
        case 7: return nested(Int.random(in: 1...200, using: &rng))
        default: return .string(String(Int.random(in: -5...70_000, using: &rng)))
        }
    }

    /// `[[[…]]]`, `depth` deep.
    public static func nested(_ depth: Int) -> JSONValue {
        var v = JSONValue.array([])
        for _ in 0..<depth { v = .array([v]) }
        return v
    }

    /// One random structural change somewhere in the document.
    public static func mutate(_ value: JSONValue, _ rng: inout SeededGenerator) -> JSONValue {
        switch value {
        case .object(var o) where !o.isEmpty && Int.random(in: 0..<3, using: &rng) > 0:
            let key = o.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: o.removeValue(forKey: key)                                   // a missing key
            case 1: o[key] = randomValue(&rng)                                    // a wrong type
            case 2: o["unexpected-\(Int.random(in: 0..<9, using: &rng))"] = randomValue(&rng)
            default: o[key] = mutate(o[key]!, &rng)                               // deeper
            }
            return .object(o)
        case .array(var a) where !a.isEmpty && Int.random(in: 0..<3, using: &rng) > 0:
            let i = Int.random(in: 0..<a.count, using: &rng)
            if Bool.random(using: &rng) { a[i] = mutate(a[i], &rng) } else { a.remove(at: i) }
            return .array(a)
        default:
            return randomValue(&rng)
        }
    }
}
