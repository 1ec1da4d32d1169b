import FoundationEssentials

/// Paces every request of a process to the server's rate limit, never over it: requests are
/// spaced evenly at `margin` of the limit (TFE allows 30 requests per second per user and counts
/// them per second, so even spacing below the limit never meets a 429), and a 429 pauses every
/// request — including those already waiting for their turn — for as long as the server asks.
///
/// The first `burst` requests go at once instead of at their slots: one organization's reads and
/// writes (the seed scenario's nine) are not spread over a third of a second. They still take
/// their slots in the schedule, so no second holds more than the paced number: the second from
/// the start holds the burst plus the slots left in it, as it did without the burst.
public actor RateLimiter {
    /// Requests per second the server announced (`X-RateLimit-Limit`), or the documented 30.
    public private(set) var limit: Double
    public let margin: Double
    private var nextSlot = 0.0
    private var pausedUntil = 0.0
    /// Requests that may still go before their slot (none after a 429).
    private var burstLeft: Int
    /// 429 answers seen (a well-paced run has none).
    public private(set) var throttled = 0

    /// - Parameters:
    ///   - requestsPerSecond: the limit until a server announces its own.
    ///   - margin: the share of the limit used (0.9: 27 of 30 per second).
    ///   - burst: requests at the start that go at once (they keep their slots in the schedule).
    public init(requestsPerSecond: Double = 30, margin: Double = 0.9, burst: Int = 10) {
        self.limit = max(1, requestsPerSecond)
        self.margin = min(1, max(0.1, margin))
        self.burstLeft = max(0, burst)
    }

    /// Requests per second actually sent: the limit times the margin.
    public var pace: Double { limit * margin }

    /// Seconds between two requests.
    var interval: Double { 1 / (limit * margin) }

    /// Waits for this request's turn: after the last slot handed out and after any pause. A pause
    /// that starts while waiting is honoured too (the slot is taken again after it). A cancelled
    /// task stops waiting at once (the caller then sends nothing): without that check, a sleep
    /// that throws on cancellation made this loop spin until the pause was over.
    func acquire(now: @Sendable () -> Double, sleep: @Sendable (Double) async throws -> Void) async {
        while !Task.isCancelled {
            let t = now()
            let scheduled = max(t, nextSlot, pausedUntil)
            nextSlot = scheduled + interval
            var slot = scheduled
            if burstLeft > 0 {
                burstLeft -= 1
                slot = max(t, pausedUntil)
            }
            if slot > t { try? await sleep(slot - t) }
            if now() >= pausedUntil { return }
        }
    }

    /// Takes the limit a response announces (`X-RateLimit-Limit`).
    func observe(limitHeader: String?) {
        guard let text = limitHeader, let value = Double(text.trimmingSpaces), value >= 1, value <= 10_000 else { return }
        limit = value
    }

    /// A 429: nobody sends until `seconds` have passed.
    func pause(seconds: Double, now: Double) {
        throttled += 1
        burstLeft = 0
        pausedUntil = max(pausedUntil, now + max(0, seconds))
        nextSlot = max(nextSlot, pausedUntil)
    }
}
