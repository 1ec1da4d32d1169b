import FoundationEssentials

// Small text operations written on the standard library. Foundation's versions of these
// (`trimmingCharacters(in:)`, `String(format:)`, `NSString` paths, `JSONSerialization`, …) live in
// `libFoundation`, and one use of any of them links all of Foundation and ICU's 34 MiB of data into
// the release binary (see docs/contributing.md, Dependencies). What `FoundationEssentials` has
// (Data, URL, Date, JSONEncoder/Decoder, FileManager) is fine to use.

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Unicode spaces too), but keeping line
    /// breaks: what `trimmingCharacters(in: .whitespaces)` did.
    public var trimmingSpaces: String { trimming { $0.isWhitespace && !$0.isNewline } }

    /// Without leading and trailing whitespace and line breaks.
    public var trimmingWhitespace: String { trimming(\.isWhitespace) }

    /// Without leading and trailing characters that `drop` says to drop.
    public func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Equal ignoring case, as HTTP header names compare.
    public func equalsIgnoringCase<T: StringProtocol>(_ other: T) -> Bool { lowercased() == other.lowercased() }

    /// Padded with spaces on the right to `width` characters (never cut).
    public func padded(to width: Int) -> String { String(self) + String(repeating: " ", count: Swift.max(0, width - count)) }
}

extension Int {
    /// `7` → `007` for `zeroPadded(3)`.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(magnitude)
        return (self < 0 ? "-" : "") + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}

extension Double {
    /// The value with exactly `digits` digits after the point, rounded half away from zero:
    /// `2.345.fixed(1)` → `2.3`, as `String(format: "%.1f")` but without Foundation.
    public func fixed(_ digits: Int) -> String {
        guard isFinite else { return description }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(self) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return description }
        let whole = Int64(scaled)
        let intPart = whole / Int64(scale), fraction = whole % Int64(scale)
        let sign = self < 0 && whole != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(intPart) }
        let f = String(fraction)
        return sign + String(intPart) + "." + String(repeating: "0", count: digits - f.count) + f
    }
}

/// File paths as text: the `NSString` path methods the tool needs.
public enum PathText {
    /// `/a/b/c.json` → `c.json`.
    public static func lastComponent(_ path: String) -> String {
        if path == "/" { return path }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? trimmed
    }

    /// `/a/b/c.json` → `/a/b`; `c.json` → `` (the working directory); `/c` → `/`.
    public static func deletingLastComponent(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// `dir` + `name` → `dir/name`.
    public static func appending(_ path: String, _ component: String) -> String {
        path.isEmpty ? component : (path.hasSuffix("/") ? path + component : path + "/" + component)
    }

    /// `c.json` → `json`; no extension → ``.
    public static func pathExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// `/a/c.json` → `/a/c`.
    public static func deletingPathExtension(_ path: String) -> String {
        let ext = pathExtension(path)
        return ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
    }
}

/// `%41` → `A`; `+` stays. Nil for a broken escape, as `removingPercentEncoding` did.
public func percentDecoded(_ text: some StringProtocol) -> String? {
    var bytes: [UInt8] = []
    var i = text.utf8.startIndex
    let utf8 = text.utf8
    while i != utf8.endIndex {
        let b = utf8[i]
        if b == UInt8(ascii: "%") {
            let h = utf8.index(after: i)
            guard h != utf8.endIndex, utf8.index(after: h) != utf8.endIndex else { return nil }
            let l = utf8.index(after: h)
            guard let hi = hexValue(utf8[h]), let lo = hexValue(utf8[l]) else { return nil }
            bytes.append(hi << 4 | lo)
            i = utf8.index(after: l)
        } else {
            bytes.append(b)
            i = utf8.index(after: i)
        }
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
    default: return nil
    }
}
