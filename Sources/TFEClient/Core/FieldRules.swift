import FoundationEssentials

/// The single-value rules of the validation table, one function per rule. Each returns nil when
/// the value is fine, else a message naming the field and the rule. The wizard checks typed text
/// with these; `Validation` combines them with the cross-field rules.
public enum FieldRules {
    /// A DNS hostname (labels of letters, digits and `-`, ≤ 63 each, ≤ 253 in all; `.invalid`
    /// names allowed) or an IPv4/IPv6 literal. No scheme, port or spaces.
    public static func hostname(_ value: String, label: String = "Host") -> String? {
        if value.isEmpty { return "\(label) is empty; give a hostname such as smtp.example.com." }
        if value.contains("://") { return "\(label) must not include a scheme such as smtp://; give just the hostname." }
        if value.contains(where: { $0 == " " || $0 == "\t" }) { return "\(label) must not contain spaces." }
        if isIPv4(value) || isIPv6(value) { return nil }
        if value.contains(":") { return "\(label) must not include a port; put the port in the Port field." }
        if isDNSName(value) { return nil }
        return "\(label) \(quoted(value)) is not a valid hostname: use letters, digits and '-' in dot-separated labels of at most 63 characters (253 in all), or an IP address."
    }

    /// An email address: `local@domain`, exactly one `@`, no spaces, the domain a hostname.
    public static func emailAddress(_ value: String, label: String) -> String? {
        let example = "such as ops@example.com"
        if value.isEmpty { return "\(label) is empty; give an email address \(example)." }
        if value.contains(where: { $0.isWhitespace }) { return "\(label) must not contain spaces." }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "\(label) must be an email address with exactly one @, \(example)." }
        let local = parts[0], domain = String(parts[1])
        if local.isEmpty { return "\(label) needs a name before the @, \(example)." }
        if !local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
            return "\(label) may use only plain ASCII characters before the @."
        }
        if domain.isEmpty || !isDNSName(domain) { return "\(label) needs a valid domain after the @, \(example)." }
        return nil
    }

    /// A TFE username: letters, digits, `-`, `_` and `.`, at most 255.
    public static func username(_ value: String) -> String? {
        if value.isEmpty { return "Username is empty; give the first admin's username, such as admin." }
        let allowed = value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
        if !allowed || value.count > 255 { return "Username may use only letters, digits, '-', '_' and '.' (at most 255)." }
        return nil
    }

    /// A TFE user's password: at least 10 characters (TFE's user docs), no control characters.
    public static func password(_ value: String) -> String? {
        if value.count < 10 { return "Password must be at least 10 characters (TFE's rule for user passwords)." }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "Password must not contain control characters." }
        return nil
    }

    /// A port number, from text: an integer 1–65535.
    public static func port(_ text: String) -> String? {
        guard let value = Int(text.trimmingSpaces) else {
            return "Port must be a whole number from 1 to 65535 (usually 25, 465 or 587)."
        }
        return port(value)
    }

    /// A port number: 1–65535.
    public static func port(_ value: Int) -> String? {
        (1...65535).contains(value) ? nil : "Port must be a whole number from 1 to 65535 (usually 25, 465 or 587); \(value) is outside that range."
    }

    /// `none`, `plain` or `login`.
    public static func auth(_ text: String) -> String? {
        SMTPAuth(rawValue: text) == nil ? "Auth must be none, plain or login; \(quoted(text)) is not one of them." : nil
    }

    /// `remote`, `local` or `agent`.
    public static func executionMode(_ text: String) -> String? {
        ExecutionMode(rawValue: text) == nil ? "Mode must be remote, local or agent; \(quoted(text)) is not one of them." : nil
    }

    /// `apool-` followed by letters and digits.
    public static func agentPoolID(_ text: String) -> String? {
        let prefix = "apool-"
        let rest = text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : ""
        if text.hasPrefix(prefix), !rest.isEmpty, rest.unicodeScalars.allSatisfy(isASCIIAlphanumeric) { return nil }
        return "Agent pool id must look like apool-abc123 (apool- followed by letters and digits); \(quoted(text)) does not."
    }

    /// The name of an agent pool to create: not empty, no whitespace, no `/` (go-tfe's
    /// `AgentPoolCreateOptions.valid`: `^[^/\s]+$`; the provider's import splits on `/`), and no
    /// control character (it is shown in a terminal).
    public static func agentPoolName(_ text: String) -> String? {
        if text.isEmpty { return "New pool name is empty; give the agent pool a name, such as primary." }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return "New pool name must not contain spaces, tabs or line breaks; \(quoted(text)) does."
        }
        if text.contains("/") { return "New pool name must not contain /; \(quoted(text)) does." }
        return nil
    }

    /// A duration typed by a person (the contract's grammar).
    public static func duration(_ text: String, label: String) -> String? {
        do {
            _ = try TTLDuration.parse(text)
            return nil
        } catch {
            return sentence("\(label) \(error.description)")
        }
    }

    /// Raw milliseconds (an integer from an answers file): > 0.
    public static func milliseconds(_ value: Int64, label: String) -> String? {
        do {
            try TTLDuration.validateMilliseconds(value)
            return nil
        } catch {
            return sentence("\(label) \(error.description)")
        }
    }

    /// An organization name: letters, digits, `-` and `_`; not empty.
    public static func organizationName(_ text: String) -> String? {
        if text.isEmpty { return "Organization is empty; give the organization's name, e.g. my-org." }
        let ok = text.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" || $0 == "_" }
        return ok ? nil : "Organization \(quoted(text)) may contain only letters, digits, '-' and '_'."
    }

    // MARK: - Building blocks

    /// A typed value inside a message: quoted, and cut to 40 characters (with its length) so a
    /// pasted page does not fill the screen again under its field.
    public static func quoted(_ value: String) -> String {
        value.count <= 40 ? "\"\(value)\"" : "\"\(value.prefix(40))…\" (\(value.count) characters)"
    }

    static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
    }

    /// Dot-separated labels of letters, digits and `-` (not at either end), ≤ 63 each, ≤ 253 in all.
    static func isDNSName(_ value: String) -> Bool {
        var name = Substring(value)
        if name.hasSuffix(".") { name = name.dropLast() }  // a fully qualified name
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else { return false }
            guard label.unicodeScalars.allSatisfy({ isASCIIAlphanumeric($0) || $0 == "-" }) else { return false }
            if label.hasPrefix("-") || label.hasSuffix("-") { return false }
        }
        // An all-numeric last label is an IP-like string, not a name ("1.2.3.999").
        if let last = name.split(separator: ".").last, last.allSatisfy(\.isNumber) { return false }
        return true
    }

    static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p) else { return false }
            return n <= 255 && !(p.count > 1 && p.hasPrefix("0"))
        }
    }

    /// An IPv6 literal, optionally in brackets (`::1`, `[2001:db8::1]`), with an optional
    /// embedded IPv4 tail.
    static func isIPv6(_ value: String) -> Bool {
        var text = Substring(value)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard text.contains(":"), text.count <= 45 else { return false }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (n, piece) in pieces.enumerated() {
                let isLastPiece = index == halves.count - 1 && n == pieces.count - 1
                if isLastPiece, piece.contains("."), isIPv4(String(piece)) { groups += 2; continue }
                guard (1...4).contains(piece.count), piece.allSatisfy({ $0.isHexDigit }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }

    /// A message ending in exactly one mark: a description that already ends in `?` or `.` gets
    /// no second one (not "… or m (minutes)?.").
    static func sentence(_ text: String) -> String {
        guard let last = text.last, !".?!".contains(last) else { return text }
        return text + "."
    }

    /// An IACT as given (a file, a variable, a server's body): surrounding whitespace and `\r`
    /// dropped; nil when what is left is not one printable word (an HTML page, an empty string).
    public static func cleanIACT(_ text: String) -> SecretString? {
        let trimmed = text.unicodeScalars.split { $0 == "\r" || $0 == "\n" || $0 == " " || $0 == "\t" }
        guard trimmed.count == 1, let word = trimmed.first, (8...256).contains(word.count),
              word.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "<" && $0 != ">" }) else { return nil }
        return SecretString(String(String.UnicodeScalarView(word)))
    }
}
