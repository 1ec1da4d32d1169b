import Testing
@testable import TFEClient

@Suite("Duration grammar")
struct TTLDurationTests {
    static let accepted: [(String, Int64)] = [
        ("1ms", 1), ("1s", 1_000), ("1m", 60_000), ("1h", 3_600_000), ("1d", 86_400_000),
        ("1w", 604_800_000), ("1mo", 2_592_000_000), ("1y", 31_536_000_000),
        ("90d", 7_776_000_000), ("6mo", 15_552_000_000), ("2y", 63_072_000_000),
        ("90D", 7_776_000_000), ("6MO", 15_552_000_000), ("6Mo", 15_552_000_000), ("1Y", 31_536_000_000), ("5MS", 5),
        (" 90d", 7_776_000_000), ("90d ", 7_776_000_000), ("90 d", 7_776_000_000), ("\t90\td\t", 7_776_000_000),
        ("0.5h", 1_800_000), ("1.5d", 129_600_000), ("0.25w", 151_200_000), ("0.5mo", 1_296_000_000), ("0.5y", 15_768_000_000),
        // Rounding to the nearest ms, halves away from zero.
        ("0.0000005h", 2),                  // 1.8 ms → 2
        ("0.00000025h", 1),                 // 0.9 ms → 1
        ("0.000000138888888888889h", 1),    // 0.5000000000000004 ms → 1
        ("0.0000001388888888888888888888889h", 1), // digits past the 18th decide the rounding
        ("9223372036854775807ms", Int64.max),
        ("007d", 604_800_000),
    ]

    @Test("accepts", arguments: accepted)
    func accepts(input: String, expected: Int64) throws {
        #expect(try TTLDuration.parse(input) == expected)
    }

    static let rejected: [(String, TTLDuration.ParseError)] = [
        ("", .empty), ("   ", .empty), ("\t", .empty),
        ("90", .missingUnit), ("90 ", .missingUnit),
        ("d", .missingNumber), ("mo", .missingNumber),
        ("90x", .unknownUnit("x")), ("90days", .unknownUnit("days")), ("90 d x", .unknownUnit("d x")), ("5mos", .unknownUnit("mos")),
        ("-5d", .negative), (" -1h", .negative),
        ("0d", .zero), ("0ms", .zero), ("0.0h", .zero), ("0.0000000001h", .zero),
        ("0.000000138888888888888888888888h", .zero), // 0.4999…97 ms rounds to 0
        (".5h", .malformedNumber), ("1.h", .malformedNumber), ("1.2.3h", .malformedNumber), ("+5d", .malformedNumber),
        ("١٢d", .malformedNumber), ("１２d", .malformedNumber),
        ("0.5m", .decimalNotAllowed(unit: "m")), ("1.5s", .decimalNotAllowed(unit: "s")), ("2.5ms", .decimalNotAllowed(unit: "ms")),
        ("9223372036854775808ms", .overflow), ("300000000y", .overflow), ("99999999999999999999999d", .overflow),
    ]

    @Test("rejects", arguments: rejected)
    func rejects(input: String, expected: TTLDuration.ParseError) {
        #expect(throws: expected) { try TTLDuration.parse(input) }
    }

    @Test("every rejection has a message for a person")
    func messages() {
        for (input, _) in Self.rejected {
            let message = FieldRules.duration(input, label: "Team")
            #expect(message?.hasPrefix("Team ") == true, "\(input)")
        }
    }

    static let formatted: [(Int64, String)] = [
        (1, "1ms"), (999, "999ms"), (1_000, "1s"), (1_500, "1500ms"), (60_000, "1m"), (90_000, "90s"),
        (3_600_000, "1h"), (129_600_000, "36h"), (86_400_000, "1d"), (7_776_000_000, "90d"), (2_592_000_000, "30d"),
        (604_800_000, "7d"), (31_536_000_000, "1y"), (63_072_000_000, "2y"), (63_113_904_000, "730.485d"),
        // A person's spelling, never a long count of a small unit.
        (47_304_000_000, "1.5y"), (5_400_000, "90m"), (1_800_000, "30m"), (12_345_678, "12345678ms"), (43_200_000, "12h"),
        (34_560_000_000, "400d"), (9_000_000, "2.5h"),
    ]

    @Test("formats with the shortest exact spelling", arguments: formatted)
    func formats(ms: Int64, expected: String) {
        #expect(TTLDuration.format(milliseconds: ms) == expected)
        // What it writes parses back to exactly the same value.
        #expect((try? TTLDuration.parse(expected)) == ms)
    }

    @Test("both 2-year values display as the default; a change between them says which is the server's untouched default and which 730 days")
    func defaults() {
        #expect(TTLDuration.display(milliseconds: 63_072_000_000) == "2y (default)")
        #expect(TTLDuration.display(milliseconds: 63_113_904_000) == "2y (default)")
        let (a, b) = TTLDuration.displayChange(from: 63_113_904_000, to: 63_072_000_000)
        #expect(a == "2y (the server's untouched default, 730.485 days)")
        #expect(b == "2y (730 days)")
        #expect(TTLDuration.displayChange(from: 63_113_904_000, to: 7_776_000_000) == ("2y (default)", "90d"))
        #expect(TTLDuration.grouped(7_776_000_000) == "7,776,000,000")
    }

    @Test("in days, to the thousandth where needed", arguments: [
        (Int64(63_113_904_000), "730.485 days"), (63_072_000_000, "730 days"), (86_400_000, "1 day"),
        (129_600_000, "1.5 days"), (86_486_400, "1.001 days"), (3_600_000, "0.041 days"),
    ])
    func days(ms: Int64, expected: String) {
        #expect(TTLDuration.days(milliseconds: ms) == expected)
    }

    @Test("property: format then parse gives the same milliseconds")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 0x7FE5_E7_0F)
        for n in 0..<20_000 {
            // Mix of small, unit-aligned and arbitrary positive values.
            let value: Int64
            switch n % 4 {
            case 0: value = Int64(rng.next() % 1_000_000) + 1
            case 1: value = (Int64(rng.next() % 10_000) + 1) * [1_000, 60_000, 3_600_000, 86_400_000, 31_536_000_000][Int(rng.next() % 5)]
            case 2: value = Int64(rng.next() >> 1) | 1
            default: value = Int64(rng.next() % UInt64(Int64.max / 31_536_000_000)) + 1
            }
            #expect(try TTLDuration.parse(TTLDuration.format(milliseconds: value)) == value)
        }
    }
}

/// A small deterministic generator so property tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
