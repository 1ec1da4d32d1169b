import FoundationEssentials

/// What this tool needs from Terraform CLI's configuration file (`TF_CLI_CONFIG_FILE`, else
/// `~/.terraformrc`): the `credentials_helper "name" { args = [...] }` block and the hosts given
/// in `credentials "host" { token = "..." }` blocks. Every other block and attribute is read
/// past, not understood.
///
/// The file is hostile input: read with a size limit, parsed by a small strict reader of the HCL
/// subset such files use (blocks, string/number/bool/list/object values, `#`, `//` and `/* */`
/// comments), with a nesting limit; anything else is an error naming the file and line, never a
/// crash and never a guess.
public struct CLIConfig: Equatable, Sendable {
    /// The configured credentials helper: its name (`terraform-credentials-<name>`) and arguments.
    public struct Helper: Equatable, Sendable {
        public var name: String
        public var args: [String]

        public init(name: String, args: [String]) {
            self.name = name
            self.args = args
        }
    }

    /// The file read (nil: none exists).
    public var path: String?
    public var helper: Helper?
    /// Hosts (lowercased) with a `credentials` block, and the token each gives (nil: none).
    public var credentials: [String: SecretString?] = [:]

    /// The file Terraform reads: `TF_CLI_CONFIG_FILE` when set, else `~/.terraformrc`.
    public static func path(environment: [String: String], home: String) -> String {
        if let named = environment["TF_CLI_CONFIG_FILE"], !named.isEmpty { return named }
        return home + "/.terraformrc"
    }

    /// Reads the CLI configuration; an absent file is an empty configuration.
    /// - Throws: `TFEError.configuration` naming the file when it cannot be read or parsed.
    public static func load(environment: [String: String], home: String) throws(TFEError) -> CLIConfig {
        let path = path(environment: environment, home: home)
        guard FileManager.default.fileExists(atPath: path) else { return CLIConfig() }
        let data: Data
        switch BoundedFile.read(path, limit: 1_048_576) {
        case .success(let d): data = d
        case .failure(let why): throw .configuration("Cannot read the Terraform CLI configuration \(path): \(why).")
        }
        do {
            var config = try parse(Array(data))
            config.path = path
            return config
        } catch {
            throw .configuration("Cannot read the Terraform CLI configuration \(path): \(error.description).")
        }
    }

    /// Why the text is not a configuration this reader accepts (with its line).
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String? = nil) { self.path = path }

    /// Parses the file's bytes.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> CLIConfig {
        var reader = HCLReader(bytes)
        var config = CLIConfig()
        while try reader.skipSpace() {
            let line = reader.line
            let name = try reader.identifier()
            if try reader.take(UInt8(ascii: "=")) {
                _ = try reader.value(depth: 0)
                continue
            }
            var labels: [String] = []
            while let label = try reader.stringIfPresent() { labels.append(label) }
            let body = try reader.object(depth: 0)
            switch name {
            case "credentials_helper":
                guard labels.count == 1 else { throw ParseError(description: "credentials_helper needs one name (line \(line))") }
                guard config.helper == nil else { throw ParseError(description: "more than one credentials_helper block (line \(line))") }
                var args: [String] = []
                if let value = body["args"] {
                    guard case .list(let items) = value else { throw ParseError(description: "credentials_helper args must be a list of strings (line \(line))") }
                    for item in items {
                        guard case .string(let text) = item else { throw ParseError(description: "credentials_helper args must be a list of strings (line \(line))") }
                        args.append(text)
                    }
                }
                let helperName = labels[0]
                guard !helperName.isEmpty, helperName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw ParseError(description: "the credentials helper's name must be letters, digits, - and _ (line \(line))")
                }
                config.helper = Helper(name: helperName, args: args)
            case "credentials":
                guard labels.count == 1 else { throw ParseError(description: "credentials needs one host name (line \(line))") }
                var token: SecretString?
                if case .string(let text)? = body["token"] { token = SecretString(text) }
                config.credentials[labels[0].lowercased()] = token
            default:
                break
            }
        }
        return config
    }
}

/// A value of the HCL subset `CLIConfig` reads.
enum HCLValue: Equatable {
    case string(String)
    case other
    case list([HCLValue])
    case object([String: HCLValue])
}

/// The tokenizer and value reader behind `CLIConfig.parse`.
struct HCLReader {
    private let bytes: [UInt8]
    private var at = 0
    private(set) var line = 1
    static let maxDepth = 32

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ what: String) -> CLIConfig.ParseError { CLIConfig.ParseError(description: "\(what) (line \(line))") }

    /// Skips blanks, newlines and comments; false at the end of the text.
    mutating func skipSpace() throws(CLIConfig.ParseError) -> Bool {
        while at < bytes.count {
            let c = bytes[at]
            if c == 0x0a { line += 1; at += 1 }
            else if c == 0x20 || c == 0x09 || c == 0x0d { at += 1 }
            else if c == UInt8(ascii: "#") || (c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/")) {
                while at < bytes.count, bytes[at] != 0x0a { at += 1 }
            } else if c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                at += 2
                while at < bytes.count, !(bytes[at] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
                    if bytes[at] == 0x0a { line += 1 }
                    at += 1
                }
                guard at < bytes.count else { throw fail("an unclosed /* comment") }
                at += 2
            } else { return true }
        }
        return false
    }

    private func peek(_ offset: Int) -> UInt8? { at + offset < bytes.count ? bytes[at + offset] : nil }

    mutating func take(_ c: UInt8) throws(CLIConfig.ParseError) -> Bool {
        guard try skipSpace(), bytes[at] == c else { return false }
        at += 1
        return true
    }

    private static func isWord(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    mutating func identifier() throws(CLIConfig.ParseError) -> String {
        guard try skipSpace() else { throw fail("unexpected end of file") }
        let start = at
        while at < bytes.count, Self.isWord(bytes[at]) { at += 1 }
        guard at > start, at - start <= 256 else { throw fail("expected a name") }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    /// A quoted string (escapes `\"`, `\\`, `\n`, `\t`, `\r`, `\uXXXX`), or nil when none is next.
    mutating func stringIfPresent() throws(CLIConfig.ParseError) -> String? {
        guard try skipSpace(), bytes[at] == UInt8(ascii: "\"") else { return nil }
        at += 1
        var out: [UInt8] = []
        while true {
            guard at < bytes.count, bytes[at] != 0x0a else { throw fail("an unterminated string") }
            let c = bytes[at]
            at += 1
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "$") || c == UInt8(ascii: "%"), peek(0) == UInt8(ascii: "{") { throw fail("a template in a string is not supported") }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard at < bytes.count else { throw fail("an unterminated string") }
            let e = bytes[at]
            at += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "u"):
                guard at + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code) else { throw fail("a bad \\u escape") }
                at += 4
                out += Array(String(Character(scalar)).utf8)
            default: throw fail("an unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
            if out.count > 65_536 { throw fail("a string too long") }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw fail("a string that is not UTF-8") }
        return text
    }

    /// `{ name = value  name "label" { … } … }`
    mutating func object(depth: Int) throws(CLIConfig.ParseError) -> [String: HCLValue] {
        guard depth < Self.maxDepth else { throw fail("nested too deeply") }
        guard try take(UInt8(ascii: "{")) else { throw fail("expected {") }
        var body: [String: HCLValue] = [:]
        while true {
            guard try skipSpace() else { throw fail("an unclosed {") }
            if try take(UInt8(ascii: "}")) { return body }
            var name: String
            if let quoted = try stringIfPresent() { name = quoted } else { name = try identifier() }
            var assigns = try take(UInt8(ascii: "="))
            if !assigns { assigns = try take(UInt8(ascii: ":")) }
            if assigns {
                body[name] = try value(depth: depth + 1)
            } else {
                while try stringIfPresent() != nil {}
                body[name] = .object(try object(depth: depth + 1))
            }
            _ = try take(UInt8(ascii: ","))
        }
    }

    mutating func value(depth: Int) throws(CLIConfig.ParseError) -> HCLValue {
        guard depth < Self.maxDepth else { throw fail("nested too deeply") }
        guard try skipSpace() else { throw fail("a value is missing") }
        if let text = try stringIfPresent() { return .string(text) }
        if bytes[at] == UInt8(ascii: "{") { return .object(try object(depth: depth + 1)) }
        if try take(UInt8(ascii: "[")) {
            var items: [HCLValue] = []
            while true {
                if try take(UInt8(ascii: "]")) { return .list(items) }
                items.append(try value(depth: depth + 1))
                if try take(UInt8(ascii: "]")) { return .list(items) }
                guard try take(UInt8(ascii: ",")) else { throw fail("expected , or ] in a list") }
                if items.count > 10_000 { throw fail("a list too long") }
            }
        }
        let word = try identifier()
        guard word == "true" || word == "false" || word == "null" || Double(word) != nil else { throw fail("an expression (a value not in quotes) is not supported") }  // never echoed: it may be a token
        return .other
    }
}
