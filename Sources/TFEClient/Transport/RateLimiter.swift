import FoundationEssentials

/// Keeps every request of a process inside the server's rate limit, at the limit rather than
/// below it: at most `capacity` requests are *held* at any moment, where a request holds its
/// slot from the moment it is sent until one second after its answer (or its failure) arrived.
///
/// Why that is enough, whatever the latency and its jitter: a request reaches the server at some
/// instant between its send and its answer. If `capacity + 1` requests reached the server within
/// one second, then at the latest of those arrivals every one of them would still hold its slot
/// (each was sent before it, and each is held until a second after its own arrival at the
/// earliest) — more than `capacity` held at once, which this type never allows. So no second of
/// the server's, sliding or by the clock, counts more than `capacity` requests from this process.
///
/// `capacity` is the limit (`X-RateLimit-Limit`, else the 30 per second per user HashiCorp's API
/// docs give for HCP Terraform, which Terraform Enterprise is assumed to share)
/// less a margin of 5% (28 of 30): what this process cannot know is what else the same user sends
/// meanwhile — another `tfe-setup`, a `terraform` run, the web UI — and the margin leaves a
/// little room for that. The first `capacity` requests go at once (one organization's reads and
/// writes are never spread over a second). A 429 still pauses everyone — the requests already
/// waiting too — for as long as the server asks.
public actor RateLimiter {
    /// Requests per second the server announced (`X-RateLimit-Limit`), or the documented 30.
    public private(set) var limit: Double
    /// The share of the limit this process uses (0.95: 28 of 30).
    public let margin: Double
    /// How long after its answer a request still holds its slot: the server's counting window.
    public let window: Double
    /// Requests sent and not yet answered.
    private var inFlight = 0
    /// When each answered request's slot comes free again (its answer plus `window`).
    private var freeAt: [Double] = []
    private var pausedUntil = 0.0
    /// Requests waiting for an answer to free a slot (every slot is in flight).
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    /// 429 answers seen (a well-paced run has none).
    public private(set) var throttled = 0
    /// The most slots ever held at once (for tests and the bench: never over `capacity`).
    public private(set) var mostHeld = 0

    /// The documented limit (HCP Terraform's API docs; assumed for Terraform Enterprise): 30
    /// requests per second per user.
    public static let documentedLimit = 30.0
    /// The share of the limit a process uses.
    public static let defaultMargin = 0.95
    /// The capacity before any server announced its limit (28).
    public static var defaultPace: Double { Double(capacity(limit: documentedLimit, margin: defaultMargin)) }

    static func capacity(limit: Double, margin: Double) -> Int { max(1, Int((limit * margin).rounded(.down))) }

    /// - Parameters:
    ///   - requestsPerSecond: the limit until a server announces its own.
    ///   - margin: the share of the limit used (0.95: 28 of 30).
    ///   - window: the server's counting window in seconds.
    public init(requestsPerSecond: Double = RateLimiter.documentedLimit, margin: Double = RateLimiter.defaultMargin, window: Double = 1) {
        self.limit = max(1, requestsPerSecond)
        self.margin = min(1, max(0.1, margin))
        self.window = max(0, window)
    }

    /// Requests held at once at most: the limit times the margin, rounded down, at least one.
    public var capacity: Int { Self.capacity(limit: limit, margin: margin) }

    /// Requests per second at most, as a front end states the pace: `capacity`.
    public var pace: Double { Double(capacity) }

    /// Requests waiting for an answer to free a slot.
    var waiting: Int { waiters.count }

    /// Slots held now, at `now`: requests in flight plus those answered less than `window` ago.
    func held(at now: Double) -> Int {
        freeAt.removeAll { $0 <= now }
        return inFlight + freeAt.count
    }

    /// Waits for a free slot and takes it; true once the request may go. After any pause; a pause
    /// that starts while waiting is honoured too. A cancelled task stops waiting at once and gets
    /// false (the caller then sends nothing and holds nothing).
    func acquire(now: @Sendable () -> Double, sleep: @Sendable (Double) async throws -> Void) async -> Bool {
        while !Task.isCancelled {
            let t = now()
            if pausedUntil > t {
                try? await sleep(pausedUntil - t)
                continue
            }
            if held(at: t) < capacity {
                inFlight += 1
                mostHeld = max(mostHeld, inFlight + freeAt.count)
                return true
            }
            if let next = freeAt.min() {
                try? await sleep(max(0, next - t))
            } else {
                await waitForAnswer()
            }
        }
        return false
    }

    /// The request that took a slot was answered (or failed) at `answeredAt`: its slot stays held
    /// for `window` more, since the server may have counted it at any instant until then.
    /// - Parameter pausing: a 429's wait: everyone pauses that long from the answer, set before
    ///   anyone waiting is woken.
    func release(answeredAt: Double, pausing: Double? = nil) {
        inFlight = max(0, inFlight - 1)
        freeAt.append(answeredAt + window)
        if let pausing { pause(seconds: pausing, now: answeredAt) }
        wakeWaiters()
    }

    /// The request that took a slot never left (stopped before it was sent): its slot is free now.
    func releaseUnsent() {
        inFlight = max(0, inFlight - 1)
        wakeWaiters()
    }

    /// Takes the limit a response announces (`X-RateLimit-Limit`).
    func observe(limitHeader: String?) {
        guard let text = limitHeader, let value = Double(text.trimmingSpaces), value >= 1, value <= 10_000 else { return }
        limit = value
    }

    /// A 429: nobody sends until `seconds` have passed.
    func pause(seconds: Double, now: Double) {
        throttled += 1
        pausedUntil = max(pausedUntil, now + max(0, seconds))
    }

    /// Sleeps until an answer frees a slot, or the task is cancelled.
    private func waitForAnswer() async {
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                // Cancelled before the wait began: the handler below already ran and found nothing.
                if Task.isCancelled { c.resume() } else { waiters[id] = c }
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
    }

    private func wake(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Every waiter looks again (each takes a slot or goes back to waiting).
    private func wakeWaiters() {
        let all = waiters
        waiters = [:]
        for c in all.values { c.resume() }
    }
}
