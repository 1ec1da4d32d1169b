import FoundationEssentials

/// What a server's host may be, decided from its text alone: a DNS name, an IPv4 address or an
/// IPv6 literal, nothing else. An answers file is shared, and its host ends up in messages that
/// show commands (`terraform login HOST`): a host is checked before anything uses it, and shown
/// in a command only through `ShellWord.quoted`.
public enum HostName {
    /// The host exactly as the address writes it (brackets kept, percent-escapes not decoded):
    /// what the host checks judge, not what a URL parser made of it.
    public static func written(in url: URL) -> String {
        var rest = Substring(url.absoluteString)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }

    /// Why `host` is not a host name, or nil when it is one. `host` is the URL's host as written
    /// (brackets around an IPv6 literal allowed, percent-escapes not).
    public static func problem(_ host: String) -> String? {
        if host.isEmpty { return "it has no host" }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), IPLiteral.ipv6(String(host.dropFirst().dropLast())) != nil else {
                return "\(SafeText.line(host)) is not an IPv6 address"
            }
            return nil
        }
        if IPLiteral.ipv6(host) != nil { return nil }
        if host.contains("%") { return "its host \(SafeText.line(host)) contains percent-escapes" }
        if host.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            return IPLiteral.ipv4(host) == nil ? "\(SafeText.line(host)) is not an IPv4 address" : nil
        }
        var name = Substring(host)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard name.utf8.count <= 253 else { return "its host name is longer than 253 characters" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            let ok = !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" }
            if !ok { return "its host \(SafeText.line(host)) is not a DNS name (letters, digits and hyphens between dots)" }
        }
        return nil
    }
}

/// Exact parses of IP address literals (no DNS, no shorthand such as `127.1` or a trailing dot),
/// for decisions that must not depend on a resolver: whether plain http stays on this machine.
public enum IPLiteral {
    /// The four bytes of a dotted-quad IPv4 address in canonical decimal (no leading zeros, which
    /// some resolvers read as octal), or nil.
    public static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || part.first != "0", let byte = UInt8(part) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// The eight 16-bit groups of an IPv6 address (`::` shorthand and a trailing IPv4 part
    /// allowed; no zone), or nil.
    public static func ipv6(_ text: String) -> [UInt16]? {
        guard text.contains(":"), text.utf8.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowV4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if allowV4, i == fields.count - 1, field.contains("."), let v4 = ipv4(String(field)) {
                    out += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                    continue
                }
                guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit), let g = UInt16(field, radix: 16) else { return nil }
                out.append(g)
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowV4: true), all.count == 8 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowV4: false), let tail = groups(halves[1], allowV4: true), head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// 127.0.0.0/8 or ::1 (also written out, or as ::ffff:127.x.y.z), parsed exactly.
    public static func isLoopback(_ text: String) -> Bool {
        var h = text
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if let v4 = ipv4(h) { return v4[0] == 127 }
        if let v6 = ipv6(h) {
            if v6 == [0, 0, 0, 0, 0, 0, 0, 1] { return true }
            return v6[0..<5].allSatisfy { $0 == 0 } && v6[5] == 0xFFFF && v6[6] >> 8 == 127
        }
        return false
    }
}

/// A word as a POSIX shell reads it back unchanged: as it is when it holds only characters no
/// shell treats specially, else in single quotes (a `'` inside written `'\''`). Every command a
/// message suggests shows its values through this.
public enum ShellWord {
    public static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-:/@%+=,".unicodeScalars.contains($0))
        }
        if plain { return word }
        return "'" + word.replacing("'", with: #"'\''"#) + "'"
    }
}
