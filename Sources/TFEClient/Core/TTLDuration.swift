import FoundationEssentials

/// The duration grammar of the API contract: one parser and one formatter, shared by the wizard,
/// the answers file and the client.
///
/// Accepted: optional spaces/tabs, an ASCII number, optional spaces/tabs, a unit, optional
/// spaces/tabs. Units (case-insensitive): `ms`, `s`, `m`, `h`, `d`, `w`, `mo` (30 days), `y`
/// (365 days). Decimals (`0.5h`) are allowed only with `h`, `d`, `w`, `mo`, `y` — the provider's
/// grammar — and are rounded to the nearest millisecond, halves away from zero.
///
/// ```swift
/// try TTLDuration.parse("90d")          // 7_776_000_000
/// TTLDuration.format(milliseconds: 7_776_000_000)  // "90d"
/// ```
public enum TTLDuration {
    /// Milliseconds per unit, by the unit's lower-case spelling.
    public static let unitMilliseconds: [String: Int64] = [
        "ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
        "w": 604_800_000, "mo": 2_592_000_000, "y": 31_536_000_000,
    ]
    /// Units that accept a decimal number (terraform-provider-tfe's grammar).
    static let decimalUnits: Set<String> = ["h", "d", "w", "mo", "y"]

    /// What the SDKs and the provider write for "2y", and what "reset to default" sends.
    public static let twoYearsSDK: Int64 = 63_072_000_000
    /// What an untouched server reports for every policy (730.485 days).
    public static let twoYearsServer: Int64 = 63_113_904_000

    /// Why a duration was refused; `message` is written for a person.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case missingNumber
        case missingUnit
        case unknownUnit(String)
        case negative
        case zero
        case malformedNumber
        case decimalNotAllowed(unit: String)
        case overflow
        /// `M` alone: a month to some, a minute to this grammar. Refused rather than guessed.
        case ambiguousMonth

        public var description: String {
            switch self {
            case .empty: return "is empty; type a duration such as 90d, 12h or 1y"
            case .missingNumber: return "needs a number before the unit, e.g. 90d"
            case .missingUnit: return "needs a unit: ms, s, m, h, d, w, mo or y (e.g. 90d)"
            case .unknownUnit(let u): return "has an unknown unit \"\(SafeText.line(u))\"; use ms, s, m, h, d, w, mo or y"
            case .ambiguousMonth: return "uses \"M\": did you mean mo (months) or m (minutes)?"
            case .negative: return "must be positive"
            case .zero: return "must be greater than zero"
            case .malformedNumber: return "has a malformed number; use digits, e.g. 90d or 0.5h"
            case .decimalNotAllowed(let u): return "cannot use a decimal with \"\(u)\"; decimals work with h, d, w, mo and y"
            case .overflow: return "is too long; the maximum is about 292 million years"
            }
        }
    }

    /// A TTL this short is almost always a typo (`1m` for a month): warn, on screen and in `plan`.
    public static let shortTTLThreshold: Int64 = 3_600_000

    /// The warning for a TTL under one hour, or nil.
    public static func shortTTLWarning(milliseconds ms: Int64) -> String? {
        guard ms > 0, ms < shortTTLThreshold else { return nil }
        return "\(format(milliseconds: ms)) is under one hour: new tokens of this type would expire within minutes. For months write mo (30d), for minutes m."
    }

    /// The note for a lowered TTL. HashiCorp's docs (the TFE 2.0 organization settings and release
    /// notes, the provider's `tfe_org_max_token_ttl_policy`) say that with enforcement on, an
    /// existing token whose lifetime exceeds its type's cap is rejected at once, so the note
    /// says that, not that issued tokens keep their expiry. None between the two spellings of
    /// the 2-year default (730 and 730.485 days are both "2y").
    public static func loweringNote(from old: Int64, to new: Int64) -> String? {
        lowers(from: old, to: new) ? "Lower than now (\(display(milliseconds: old))): " + loweredConsequence : nil
    }

    /// What a lower cap does, after "Lower than now": one sentence for the field's note and the plan.
    public static let loweredConsequence = "with enforcement on, existing tokens that live longer than the new cap are rejected at once (HashiCorp's docs), possibly the token this tool uses. Make a token within the cap first."

    /// Whether `new` lowers `old` enough to say so (not between the two spellings of 2 years).
    public static func lowers(from old: Int64, to new: Int64) -> Bool {
        let defaults: Set<Int64> = [twoYearsSDK, twoYearsServer]
        return new < old && !(defaults.contains(old) && defaults.contains(new))
    }

    /// What a new TTL deserves a word about, one sentence: under an hour, else lower than now.
    /// The wizard's note under the field says this; the plan says it once for all lowered types.
    public static func changeNote(from old: Int64?, to new: Int64) -> String? {
        if let short = shortTTLWarning(milliseconds: new) { return short }
        return old.flatMap { loweringNote(from: $0, to: new) }
    }

    /// Parses a duration typed by a person into milliseconds.
    /// - Throws: `ParseError` naming what is wrong.
    public static func parse(_ text: String) throws(ParseError) -> Int64 {
        let bytes = Array(text.utf8)
        var i = 0
        func skipBlanks() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        skipBlanks()
        if i == bytes.count { throw .empty }
        if bytes[i] == UInt8(ascii: "-") { throw .negative }
        if bytes[i] == UInt8(ascii: "+") { throw .malformedNumber }
        let intStart = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        let intDigits = bytes[intStart..<i]
        var fracDigits: ArraySlice<UInt8>? = nil
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            fracDigits = bytes[fracStart..<i]
            // Digits are needed on both sides of the point: ".5h" and "1.h" are refused.
            if intDigits.isEmpty || fracDigits!.isEmpty { throw .malformedNumber }
        }
        if intDigits.isEmpty {
            skipBlanks()
            if i == bytes.count { throw .empty }
            // Something that is not a number: a unit alone ("d"), or non-ASCII digits.
            throw isLetter(bytes[i]) ? .missingNumber : .malformedNumber
        }
        skipBlanks()
        let unitStart = i
        while i < bytes.count, isLetter(bytes[i]) { i += 1 }
        let unitBytes = bytes[unitStart..<i]
        skipBlanks()
        if i != bytes.count {
            // Something after the number that is not a unit: "1.2.3h", "5 x", "5d x".
            let next = bytes[i]
            if unitBytes.isEmpty, next == UInt8(ascii: ".") || isDigit(next) { throw .malformedNumber }
            let rest = String(decoding: bytes[unitStart...], as: UTF8.self)
            throw .unknownUnit(rest.trimmingSpaces)
        }
        if unitBytes.isEmpty { throw .missingUnit }
        // Units are case-insensitive, but a capital M means "month" in many notations (ISO 8601
        // periods, date formats): "1M" read as one minute would make a one-minute TTL.
        if unitBytes.elementsEqual("M".utf8) { throw .ambiguousMonth }
        let unit = String(decoding: unitBytes, as: UTF8.self).lowercased()
        guard let perUnit = unitMilliseconds[unit] else { throw .unknownUnit(String(decoding: unitBytes, as: UTF8.self)) }
        if fracDigits != nil, !decimalUnits.contains(unit) { throw .decimalNotAllowed(unit: unit) }

        let whole = try integer(from: intDigits)
        var (total, overflow) = whole.multipliedReportingOverflow(by: perUnit)
        if overflow { throw .overflow }
        if let frac = fracDigits {
            let part = fractionMilliseconds(frac, perUnit: perUnit)
            (total, overflow) = total.addingReportingOverflow(part)
            if overflow { throw .overflow }
        }
        if total == 0 { throw .zero }
        return total
    }

    /// Checks a raw millisecond count (a JSON integer in an answers file, or a value read back).
    public static func validateMilliseconds(_ ms: Int64) throws(ParseError) {
        if ms < 0 { throw .negative }
        if ms == 0 { throw .zero }
    }

    /// Formats milliseconds as a person reads them and the parser reads them back exactly: the
    /// shortest of the whole-unit forms (`90d`, `36h`, `90s`) and the decimal forms in `y`, `d`
    /// and `h` with at most three decimals (`1.5y`, `730.485d`), the larger unit on a tie;
    /// milliseconds (`1500ms`) only when nothing else is exact. `mo` and `w` are accepted by the
    /// parser but never produced: a reader can mistake what a month is.
    public static func format(milliseconds ms: Int64) -> String {
        guard ms > 0 else { return "\(ms)ms" }
        var best = "\(ms)ms"
        for unit in ["y", "d", "h", "m", "s"] {
            let per = unitMilliseconds[unit]!
            let candidate: String?
            if ms % per == 0 {
                candidate = "\(ms / per)\(unit)"
            } else if decimalUnits.contains(unit), ms >= per {
                candidate = decimal(ms, per: per).map { $0 + unit }
            } else {
                candidate = nil
            }
            if let candidate, candidate.count < best.count { best = candidate }
        }
        return best
    }

    /// `ms / per` with one to three decimals when that is exact (`1.5`, `730.485`), else nil.
    private static func decimal(_ ms: Int64, per: Int64) -> String? {
        let (thousandths, overflow) = ms.multipliedReportingOverflow(by: 1_000)
        guard !overflow, thousandths % per == 0 else { return nil }
        let value = thousandths / per
        var fraction = String(value % 1_000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(value / 1_000)." + fraction
    }

    /// Whether the value is one of the two spellings of the 2-year default.
    /// The server's untouched default as a person can type it: `730.485d` parses to exactly
    /// 63,113,904,000 ms. A reset to it changes nothing on an untouched server.
    public static let untouchedDefaultText = "730.485d"

    public static func isDefault(_ ms: Int64) -> Bool { ms == twoYearsSDK || ms == twoYearsServer }

    /// Formats for display: both 2-year values read `2y (default)`.
    public static func display(milliseconds ms: Int64) -> String {
        isDefault(ms) ? "2y (default)" : format(milliseconds: ms)
    }

    /// Displays the two sides of a change; where both would read alike, what tells them apart is
    /// added: for the two 2-year values, which one is the server's untouched default (2 years of
    /// 365.2425 days) and which is 730 days (what `2y` means when typed); otherwise the milliseconds.
    public static func displayChange(from old: Int64, to new: Int64) -> (String, String) {
        let a = display(milliseconds: old), b = display(milliseconds: new)
        guard a == b && old != new else { return (a, b) }
        func named(_ ms: Int64) -> String? {
            switch ms {
            case twoYearsServer: return "2y (the server's untouched default, 730.485 days)"
            case twoYearsSDK: return "2y (730 days)"
            default: return nil
            }
        }
        if let x = named(old), let y = named(new) { return (x, y) }
        return ("\(a) = \(grouped(old)) ms", "\(b) = \(grouped(new)) ms")
    }

    /// In days, to the thousandth where needed: `63113904000` → `730.485 days`, `86400000` →
    /// `1 day`. For two values that would otherwise read alike.
    public static func days(milliseconds ms: Int64) -> String {
        let thousandths = ms / 86_400   // 86,400,000 ms a day: a thousandth of a day is 86,400 ms
        var text = String(thousandths / 1_000)
        var fraction = String(thousandths % 1_000)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + (text == "1" ? " day" : " days")
    }

    /// `7776000000` → `7,776,000,000`, for the "parsed value" shown beside a duration field.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (n, ch) in digits.enumerated() {
            if n > 0, (digits.count - n) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    private static func integer(from digits: ArraySlice<UInt8>) throws(ParseError) -> Int64 {
        var value: Int64 = 0
        for d in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d - 0x30))
            if o1 || o2 { throw .overflow }
            value = s
        }
        return value
    }

    /// round(0.<digits> × perUnit), halves away from zero, exact for any number of digits: the
    /// digits are multiplied by `perUnit` right to left as in long multiplication; what carries
    /// past the point is the whole part, and the first digit after the point decides the rounding.
    private static func fractionMilliseconds(_ digits: ArraySlice<UInt8>, perUnit: Int64) -> Int64 {
        var carry: Int64 = 0
        var firstFractionDigit: Int64 = 0
        for d in digits.reversed() {
            let v = Int64(d - 0x30) * perUnit + carry
            firstFractionDigit = v % 10
            carry = v / 10
        }
        return carry + (firstFractionDigit >= 5 ? 1 : 0)
    }
}
