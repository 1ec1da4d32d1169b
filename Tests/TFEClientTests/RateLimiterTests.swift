import Foundation
import Testing
@testable import TFEClient
import TestSupport

/// The limiter with a fake clock: when each request may go, to the millisecond.
@Suite("Rate limiter")
struct RateLimiterTests {
    /// A clock that only moves when someone sleeps (a sleep moves it forward by that long).
    final class FakeTime: @unchecked Sendable {
        private let lock = NSLock()
        private var t = 100.0
        var now: Double { lock.withLock { t } }
        func advance(_ s: Double) { lock.withLock { t += max(0, s) } }
        func set(_ value: Double) { lock.withLock { t = max(t, value) } }
        var nowFunction: @Sendable () -> Double { { self.now } }
        var sleepFunction: @Sendable (Double) async throws -> Void { { self.advance($0) } }
    }

    @Test("the first 28 of 30 go at once; the 29th waits for an answer, then one second more") func burstThenAnswer() async throws {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 30)
        #expect(await limiter.capacity == 28)
        for _ in 0..<28 {
            #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        }
        #expect(time.now == 100, "all 28 at once: no wait")
        // The 29th: every slot is in flight, so it waits for an answer (no clock can help it).
        let next = Task { () -> Double in
            _ = await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
            return time.now
        }
        try await pollUntil("the 29th waits for an answer") { await limiter.waiting == 1 }
        time.advance(0.05)
        await limiter.release(answeredAt: time.now)   // answered at 100.05: its slot frees at 101.05
        let went = await next.value
        #expect(abs(went - 101.05) < 1e-9, "one second after the answer, not before: \(went)")
        #expect(await limiter.mostHeld == 28)
    }

    @Test("a request that never left frees its slot at once") func unsent() async {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 2, margin: 1)
        #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        await limiter.releaseUnsent()
        #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        #expect(time.now == 100)
    }

    /// A long run with random sends and latencies: each request arrives at the server at a random
    /// instant between its send and its answer, and no second of the server's — any second, not
    /// only those of the clock — ever counts more than the capacity.
    @Test("over 3,000 requests with random latency and jitter: never more than 28 held, never more than 28 arrive in any second")
    func longRandomRun() async {
        var random = SplitMix(seed: 7)
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 30)
        let capacity = await limiter.capacity
        /// Answers still to come: (answer time, arrival time at the server).
        var pending: [(answer: Double, arrival: Double)] = []
        var arrivals: [Double] = []
        func deliver(upTo t: Double) async {
            pending.sort { $0.answer < $1.answer }
            while let first = pending.first, first.answer <= t {
                pending.removeFirst()
                await limiter.release(answeredAt: first.answer)
                arrivals.append(first.arrival)
            }
        }
        for _ in 0..<3000 {
            // Sometimes the caller thinks a while before its next request.
            if random.next(below: 4) == 0 { time.advance(Double(random.next(below: 300)) / 1000) }
            await deliver(upTo: time.now)
            // Every slot in flight: the earliest answer comes first (the limiter would wait for it).
            while await limiter.held(at: time.now) >= capacity, pending.count >= capacity, let first = pending.min(by: { $0.answer < $1.answer }) {
                time.set(first.answer)
                await deliver(upTo: time.now)
            }
            let sleepAndDeliver: @Sendable (Double) async throws -> Void = { time.advance($0) }
            #expect(await limiter.acquire(now: time.nowFunction, sleep: sleepAndDeliver))
            await deliver(upTo: time.now)
            let sent = time.now
            let latency = 0.005 + Double(random.next(below: 400)) / 1000   // 5 ms to 405 ms: heavy jitter
            let arrival = sent + latency * Double(random.next(below: 1001)) / 1000
            pending.append((sent + latency, arrival))
        }
        await deliver(upTo: .infinity)
        #expect(await limiter.mostHeld <= capacity)
        arrivals.sort()
        var worst = 0
        var start = 0
        for end in arrivals.indices {
            while arrivals[end] - arrivals[start] >= 1 { start += 1 }
            worst = max(worst, end - start + 1)
        }
        #expect(worst <= capacity, "at most \(capacity) arrive within any one second: \(worst)")
        #expect(worst >= capacity - 2, "and it runs near the limit, not far below it: \(worst)")
    }

    @Test("the server's X-RateLimit-Limit sets the capacity; nonsense is ignored") func observe() async {
        let limiter = RateLimiter(requestsPerSecond: 30)
        await limiter.observe(limitHeader: "60")
        #expect(await limiter.capacity == 57)
        #expect(await limiter.pace == 57)
        for bad in ["0", "-5", "abc", "", "1e9"] { await limiter.observe(limitHeader: bad) }
        #expect(await limiter.limit == 60)
        await limiter.observe(limitHeader: "1")
        #expect(await limiter.capacity == 1, "never none")
    }

    @Test("a 429 pauses everyone for the time asked; a request already waiting waits past it") func pause() async {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 30)
        _ = await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
        await limiter.release(answeredAt: time.now)
        let start = time.now
        await limiter.pause(seconds: 2, now: time.now)
        #expect(await limiter.throttled == 1)
        _ = await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
        #expect(time.now >= start + 2, "not before the pause is over: \(time.now - start)")
        // A pause that starts while a request sleeps toward a free slot: it waits past the pause.
        let pausing = FakeTime()
        let shared = RateLimiter(requestsPerSecond: 2, margin: 1)
        let once = FakeTime()   // its clock counts the pauses made
        let sleepAndPause: @Sendable (Double) async throws -> Void = { s in
            pausing.advance(s)
            if once.now == 100 {
                once.advance(1)
                await shared.pause(seconds: 5, now: pausing.now)
            }
        }
        for _ in 0..<2 {
            _ = await shared.acquire(now: pausing.nowFunction, sleep: pausing.sleepFunction)
            await shared.release(answeredAt: pausing.now)
        }
        let before = pausing.now
        _ = await shared.acquire(now: pausing.nowFunction, sleep: sleepAndPause)
        #expect(pausing.now >= before + 1 + 5, "went only after the pause that began while it waited: \(pausing.now - before)")
    }

    @Test("a 429's answer frees its slot and pauses in one step: the request it wakes goes only after the pause")
    func pauseOnRelease() async throws {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 1, margin: 1)
        #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        let next = Task { () -> Double in
            _ = await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction)
            return time.now
        }
        try await pollUntil("the second waits for an answer") { await limiter.waiting == 1 }
        await limiter.release(answeredAt: time.now, pausing: 5)   // the answer is a 429: wait 5 s
        let went = await next.value
        #expect(went >= 105, "not before the pause is over, although the slot was free after 1 s: \(went - 100)")
        #expect(await limiter.throttled == 1)
    }

    @Test("a cancelled request stops waiting at once and holds nothing") func cancelled() async throws {
        let time = FakeTime()
        let limiter = RateLimiter(requestsPerSecond: 1, margin: 1)
        #expect(await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction))
        let waiting = Task { await limiter.acquire(now: time.nowFunction, sleep: time.sleepFunction) }
        try await pollUntil("the second waits for an answer") { await limiter.waiting == 1 }
        waiting.cancel()
        #expect(await waiting.value == false, "no slot for a cancelled request")
        #expect(await limiter.held(at: time.now) == 1, "only the first holds a slot")
    }

    @Test("through a real client: every request frees its slot once answered — a success, a refusal, a connection never made")
    func clientReleases() async throws {
        try await SandboxFixture.with { f in
            let time = FakeTime()
            let environment = RetryEnvironment(sleep: time.sleepFunction, random: { $0 / 2 }, now: time.nowFunction, wallClock: { Date() })
            let limiter = RateLimiter(requestsPerSecond: 2, margin: 1)
            let configuration = try ClientConfiguration(address: URL(string: f.server.address)!, token: SecretString(f.token(.siteAdmin)))
            let client = TFEClient(configuration: configuration, transport: f.transport, environment: environment, limiter: limiter)
            for _ in 0..<5 { _ = try await client.ping() }   // five through two slots: each waits for a second to pass
            #expect(time.now >= 101, "the 3rd waited a second after the 1st's answer: \(time.now)")
            _ = await failure { try await client.organization("no-such-org") }
            #expect(await limiter.held(at: time.now + 2) == 0, "nothing is left in flight")
            let unreachable = try ClientConfiguration(address: URL(string: "http://127.0.0.1:1")!, token: SecretString("fake-token"))
            let fresh = RateLimiter(requestsPerSecond: 2, margin: 1)
            let nowhere = TFEClient(configuration: unreachable, transport: f.transport, environment: environment, limiter: fresh)
            _ = await failure { try await nowhere.ping() }
            let now = await fresh.held(at: time.now)
            #expect(now == 0, "a connection never made frees its slot at once, not a second after")
            #expect(await fresh.mostHeld == 1, "it did take one")
        }
    }

    /// Polls `condition` until it holds, failing after 10 s.
    private func pollUntil(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while !(await condition()) {
            guard Date() < deadline else {
                Issue.record("timed out: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

/// A small deterministic random source (SplitMix64), so a failing run can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(max(1, bound)))
    }
}
