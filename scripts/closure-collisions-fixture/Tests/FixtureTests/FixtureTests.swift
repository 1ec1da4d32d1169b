import Testing

/// The shape that collides: inside a closure, a closure in `#expect`'s argument comes first, and
/// a closure of the same type follows outside it. The compiler gives both one function, so
/// `small` counts with `$0 == 2`. (Run this test and it fails; the check needs only the SIL.)
@Test func closureInExpectThenOneOutside() async throws {
    let numbers = [1, 2, 3, 4]
    try await run {
        #expect(numbers.contains { $0 == 2 })
        let small = numbers.filter { $0 <= 3 }.count
        #expect(small == 3)
    }
}

func run(_ body: () async throws -> Void) async throws { try await body() }
