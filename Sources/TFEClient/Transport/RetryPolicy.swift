import Dispatch
import FoundationEssentials
import Glibc

/// When and how long to wait before retrying, as the contract says: 429 waits `Retry-After`
/// (seconds or HTTP-date), else `X-RateLimit-Reset` seconds, else exponential backoff with full
/// jitter (0.5 s doubling, capped at 8 s); at most 5 retries within a total deadline.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    /// Seconds, counted from the first try.
    public var totalDeadline: Double
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxRetries: Int = 5, totalDeadline: Double = 120, baseDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxRetries = maxRetries
        self.totalDeadline = totalDeadline
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Exponential backoff with full jitter for retry number `attempt` (0-based).
    /// - Parameter random: returns a value in `0..<upperBound` (injected so tests are exact).
    public func backoff(attempt: Int, random: (Double) -> Double) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(min(attempt, 30))))
        return random(ceiling)
    }

    /// The wait a 429 asks for, from its headers, in seconds; nil when it names none.
    /// - Parameter limit: the longest wait believed (the retry deadline). A server's number is
    ///   hostile until clamped: `Retry-After: 1e19` would overflow every conversion to an integer.
    public static func serverRequestedWait(_ response: HTTPResponse, now: Date, limit: Double = 120) -> Double? {
        func clamped(_ seconds: Double) -> Double { min(max(0, seconds), limit) }
        if let value = response.header("Retry-After")?.trimmingSpaces {
            if let seconds = Double(value), seconds >= 0, seconds.isFinite { return clamped(seconds) }
            if let date = DateText.httpDate(value) { return clamped(date.timeIntervalSince(now)) }
        }
        if let value = response.header("X-RateLimit-Reset"), let seconds = Double(value.trimmingSpaces), seconds >= 0, seconds.isFinite {
            return clamped(seconds)
        }
        return nil
    }
}

/// Time and randomness for the retry loop, injected so tests never really wait.
public struct RetryEnvironment: Sendable {
    /// Waits that many seconds.
    public var sleep: @Sendable (Double) async throws -> Void
    /// A random value in `0..<upperBound`.
    public var random: @Sendable (Double) -> Double
    /// Monotonic seconds, for the total deadline.
    public var now: @Sendable () -> Double
    /// The wall clock, for `Retry-After` HTTP-dates.
    public var wallClock: @Sendable () -> Date

    public init(sleep: @escaping @Sendable (Double) async throws -> Void, random: @escaping @Sendable (Double) -> Double,
                now: @escaping @Sendable () -> Double, wallClock: @escaping @Sendable () -> Date) {
        self.sleep = sleep
        self.random = random
        self.now = now
        self.wallClock = wallClock
    }

    /// The real clock and a real random source.
    public static let live = RetryEnvironment(
        sleep: { seconds in try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) },
        random: { upper in upper > 0 ? Double.random(in: 0..<upper) : 0 },
        now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
        wallClock: { Date() })
}
