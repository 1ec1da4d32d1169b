import Foundation
import Testing
@testable import TFEClient

/// The limiter with a fake clock: when each request may go, to the millisecond.
@Suite("Rate limiter")
struct RateLimiterTests {
    /// A clock that only moves when someone sleeps.
    final class FakeTime: @unchecked Sendable {
        private let lock = NSLock()
        private var t = 100.0
        var now: Double { lock.withLock { t } }
        func advance(_ s: Double) { lock.withLock { t += s } }
        var nowFunction: @Sendable () -> Double { { self.now } }
        var sleepFunction: @Sendable (Double) async throws -> Void { { self.advance($0) } }
    }

    @Test("requests are spaced evenly at 90% of the limit, 27 per second for 30, after a first burst of 10 that keeps their slots") func spacing() async {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 30)
        var starts: [Double] = []
        for _ in 0..<100 {
            await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
            starts.append(time.now)
        }
        #expect(starts.prefix(10).allSatisfy { $0 == 100 }, "one organization's requests go at once")
        #expect(abs(starts[10] - (100 + 10.0 / 27)) < 1e-9, "the 11th at its own slot: \(starts[10] - 100)")
        let gaps = zip(starts.dropFirst(11), starts.dropFirst(10)).map { $0 - $1 }
        #expect(gaps.allSatisfy { abs($0 - 1.0 / 27) < 1e-9 }, "\(gaps)")
        for (i, start) in starts.enumerated() {
            #expect(starts[i...].prefix { $0 < start + 1.0 - 1e-9 }.count <= 27, "never more than 27 in the second from \(start)")
        }
        #expect(await limiter.pace == 27)
    }

    @Test("the server's X-RateLimit-Limit sets the pace; nonsense is ignored") func observe() async {
        let limiter = RateLimiter(requestsPerSecond: 30)
        await limiter.observe(limitHeader: "60")
        #expect(await limiter.pace == 54)
        for bad in ["0", "-5", "abc", "", "1e9"] { await limiter.observe(limitHeader: bad) }
        #expect(await limiter.limit == 60)
    }

    @Test("a 429 pauses everyone for the time asked; a request already waiting waits past it") func pause() async {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 30)
        await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
        let start = time.now
        await limiter.pause(seconds: 2, now: time.now)
        #expect(await limiter.throttled == 1)
        await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
        #expect(time.now >= start + 2, "not before the pause is over: \(time.now - start)")
        // A pause that starts while a request sleeps toward its slot: it takes a slot again after.
        let pausing = FakeTime()
        let shared = RateLimiter(requestsPerSecond: 30)
        let once = FakeTime()   // its clock counts the pauses made
        let sleepAndPause: @Sendable (Double) async throws -> Void = { s in
            pausing.advance(s)
            if once.now == 100 {
                once.advance(1)
                await shared.pause(seconds: 1, now: pausing.now)
            }
        }
        for _ in 0..<11 { await shared.acquire(now: pausing.nowFunction, sleep: pausing.sleepFunction) }   // past the burst
        let before = pausing.now
        await shared.acquire(now: pausing.nowFunction, sleep: sleepAndPause)
        #expect(pausing.now >= before + 1, "went only after the pause that began while it waited")
    }
}
