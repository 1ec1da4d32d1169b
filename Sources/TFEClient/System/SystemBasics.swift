#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import Synchronization

/// Writing to standard output and standard error without `FileHandle`.
public enum StandardStream {
    public static func out(_ text: String) { if write(text, to: 1) != 0 { noteFailure(fd: 1) } }
    public static func error(_ text: String) { if write(text, to: 2) != 0 { noteFailure(fd: 2) } }

    /// The first failed write to stdout or stderr (fd → errno): a full disk under `export > file`
    /// or `/dev/full` must not end in exit 0 with an empty file. The command checks it at its end.
    private static let failures = Mutex<[Int32: Int32]>([:])

    private static func noteFailure(fd: Int32) {
        let code = errno
        failures.withLock { if $0[fd] == nil { $0[fd] = code } }
    }

    /// Why writing to `fd` (1 or 2) failed this run, or nil when every write went through.
    public static func failure(of fd: Int32) -> String? {
        failures.withLock { $0[fd] }.map { String(cString: strerror($0)) }
    }

    /// Writes all of `text` to `fd`, retrying short writes and EINTR.
    /// - Returns: 0, or the `errno` of the write that failed (what was written before it stays).
    @discardableResult
    public static func write(_ text: String, to fd: Int32) -> Int32 {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }
}

/// Dates as the log and the wizard print them, from the C library (no formatters).
public enum DateText {
    /// `2026-12-01T20:33:07Z`.
    public static func iso8601(_ date: Date) -> String {
        let t = fields(date, utc: true)
        return day(t) + "T" + clock(t) + ":" + Int(t.tm_sec).zeroPadded(2) + "Z"
    }

    /// Parses TFE's timestamps: `2026-12-01T20:33:07Z`, with or without fractional seconds, or
    /// with a `+00:00`-style offset. Nil for anything else.
    public static func parseISO8601(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars.count <= 40 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var n = 0
            for c in chars[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard let year = number(0, 4), chars[4] == 45, let month = number(5, 2), chars[7] == 45, let day = number(8, 2),
              chars[10] == 84 || chars[10] == 116, let hour = number(11, 2), chars[13] == 58, let minute = number(14, 2),
              chars[16] == 58, let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < chars.count, chars[i] == 46 {
            i += 1
            var scale = 0.1
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 { fraction += Double(chars[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < chars.count, chars[i] == 90 || chars[i] == 122 {
            i += 1
        } else if i + 6 == chars.count, chars[i] == 43 || chars[i] == 45, let h = number(i + 1, 2), chars[i + 3] == 58, let m = number(i + 4, 2) {
            offset = (chars[i] == 45 ? -1 : 1) * (h * 3600 + m * 60)
            i += 6
        } else {
            return nil
        }
        guard i == chars.count else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(hour)
        fields.tm_min = Int32(minute)
        fields.tm_sec = Int32(second)
        let t = timegm(&fields)
        return t == -1 ? nil : Date(timeIntervalSince1970: TimeInterval(t - offset) + fraction)
    }

    /// HTTP's date (RFC 9110 §5.6.7, IMF-fixdate): `Mon, 07 Dec 2026 21:10:00 GMT`.
    public static func httpDate(_ date: Date) -> String {
        let t = fields(date, utc: true)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[Int(t.tm_wday)]), \(Int(t.tm_mday).zeroPadded(2)) \(months[Int(t.tm_mon)]) \(Int(t.tm_year) + 1900) " + clock(t) + ":" + Int(t.tm_sec).zeroPadded(2) + " GMT"
    }

    /// Parses an IMF-fixdate `Date` header (the form RFC 9110 requires servers to send); nil for
    /// anything else (the obsolete forms are not accepted: a clock read from them is not trusted).
    public static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ").map(String.init)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT", parts[1].count == 2,
              let month = months.firstIndex(of: parts[2]), parts[3].count == 4, parts[4].count == 8 else { return nil }
        return parseISO8601("\(parts[3])-\((month + 1).zeroPadded(2))-\(parts[1])T\(parts[4])Z")
    }

    /// `2026-12-01 20:33` in local time.
    public static func localMinute(_ date: Date) -> String {
        let t = fields(date, utc: false)
        return day(t) + " " + clock(t)
    }

    private static func fields(_ date: Date, utc: Bool) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        return parts
    }

    private static func day(_ t: tm) -> String {
        "\(Int(t.tm_year) + 1900)-\(Int(t.tm_mon + 1).zeroPadded(2))-\(Int(t.tm_mday).zeroPadded(2))"
    }

    private static func clock(_ t: tm) -> String { Int(t.tm_hour).zeroPadded(2) + ":" + Int(t.tm_min).zeroPadded(2) }

    /// An RFC 7231 HTTP-date in its preferred form (`Sun, 06 Nov 1994 08:49:37 GMT`), or nil.
    public static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
              let day = Int(parts[1]), parts[1].count == 2, (1...31).contains(day),
              let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3]), parts[3].count == 4 else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]),
              (0...23).contains(h), (0...59).contains(m), (0...60).contains(s) else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(h)
        fields.tm_min = Int32(m)
        fields.tm_sec = Int32(s)
        let t = timegm(&fields)
        return t == -1 ? nil : Date(timeIntervalSince1970: TimeInterval(t))
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// The user's home directory: `$HOME`, else the password database.
public func homeDirectory(environment: [String: String]) -> String {
    if let home = environment["HOME"], !home.isEmpty { return home }
    if let entry = getpwuid(geteuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
    return "/"
}
