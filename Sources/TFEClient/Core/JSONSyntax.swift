import FoundationEssentials

/// Where a JSON text first breaks the grammar, for messages such as "line 3, column 12:
/// unexpected ','". `JSONDecoder` says only that data is not valid JSON; Foundation's
/// `JSONSerialization` said where, but it links all of Foundation (see `TextBasics.swift`).
public enum JSONSyntax {
    public struct Error: Swift.Error, Equatable {
        /// Byte offset of the problem in the text.
        public var offset: Int
        public var message: String
    }

    /// The first syntax error, or nil when the text is one valid JSON value.
    public static func firstError(in data: Data) -> Error? {
        var scanner = Scanner(bytes: Array(data))
        do throws(Error) {
            scanner.skipSpaces()
            try scanner.value(depth: 0)
            scanner.skipSpaces()
            if scanner.index < scanner.bytes.count { throw scanner.error("unexpected text after the end of the JSON value") }
            return nil
        } catch {
            return error
        }
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        /// Deeper nesting than any answers file needs; a hostile file must not exhaust the stack.
        static let maxDepth = 256

        func error(_ message: String) -> Error { Error(offset: index, message: message) }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpaces() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        func described(_ c: UInt8) -> String {
            c >= 0x21 && c < 0x7F ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        }

        mutating func expect(_ c: UInt8, _ what: String) throws(Error) {
            guard let got = current else { throw error("the text ends where \(what) was expected") }
            guard got == c else { throw error("unexpected \(described(got)), expected \(what)") }
            index += 1
        }

        mutating func value(depth: Int) throws(Error) {
            guard depth < Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
            guard let c = current else { throw error("the text ends where a value was expected") }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["): try container(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw error("unexpected \(described(c)), expected a value")
            }
        }

        /// An object (`{"key": value, …}`) or an array (`[value, …]`): the opening byte is current.
        mutating func container(depth: Int) throws(Error) {
            let isObject = current == UInt8(ascii: "{")
            let close = UInt8(ascii: isObject ? "}" : "]")
            index += 1
            skipSpaces()
            if current == close { index += 1; return }
            while true {
                skipSpaces()
                if isObject {
                    guard current == UInt8(ascii: "\"") else {
                        throw current.map { error("unexpected \(described($0)), expected a key in double quotes") } ?? error("the text ends inside an object")
                    }
                    try string()
                    skipSpaces()
                    try expect(UInt8(ascii: ":"), "':' after the key")
                    skipSpaces()
                }
                try value(depth: depth + 1)
                skipSpaces()
                if current == UInt8(ascii: ",") {
                    index += 1
                    skipSpaces()
                    // Foundation's decoder reads `{"a": 1,}`; JSON (RFC 8259), jq and Python do not.
                    if current == close { throw error("a comma before '\(Character(UnicodeScalar(close)))': JSON allows no trailing comma; remove it") }
                    continue
                }
                try expect(close, isObject ? "',' or '}'" : "',' or ']'")
                return
            }
        }

        mutating func string() throws(Error) {
            let start = index
            index += 1
            while let c = current {
                switch c {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let e = current else { break }
                    if e == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            index += 1
                            guard let h = current, (h >= 0x30 && h <= 0x39) || (h | 0x20 >= 0x61 && h | 0x20 <= 0x66) else {
                                throw error("a \\u escape needs four hex digits")
                            }
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(e) {
                        throw error("unknown escape \\\(Character(UnicodeScalar(e)))")
                    }
                    index += 1
                case 0..<0x20:
                    throw error("a control character (a line break?) inside a string: strings must be on one line")
                default:
                    index += 1
                }
            }
            index = max(index, start)
            throw error("the text ends inside a string")
        }

        mutating func literal(_ word: String) throws(Error) {
            for expected in word.utf8 {
                guard current == expected else { throw error("unexpected \(current.map(described) ?? "end"), expected \(word)") }
                index += 1
            }
        }

        mutating func number() throws(Error) {
            if current == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                var n = 0
                while let c = current, c >= 0x30 && c <= 0x39 { index += 1; n += 1 }
                return n
            }
            if current == UInt8(ascii: "0") { index += 1 } else if digits() == 0 { throw error("a number needs digits") }
            if current == UInt8(ascii: ".") {
                index += 1
                if digits() == 0 { throw error("a number needs digits after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                if digits() == 0 { throw error("a number needs digits in its exponent") }
            }
        }
    }
}
