import Foundation
import TFEClient

/// Wraps a transport and holds every PATCH until `expected` of them are in flight at once (or a
/// deadline passes), so a test can prove that independent requests really go out together.
public final class GatedTransport: HTTPTransport, @unchecked Sendable {
    private let inner: any HTTPTransport
    private let expected: Int
    private let deadline: Duration
    private let lock = NSLock()
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var released = false
    /// The most PATCHes that were in flight at the same time.
    public private(set) var maxInFlight = 0
    /// Every PATCH body sent, in order.
    public private(set) var patchBodies: [(path: String, body: Data)] = []

    public init(_ inner: any HTTPTransport, expected: Int, deadline: Duration = .seconds(10)) {
        self.inner = inner
        self.expected = expected
        self.deadline = deadline
    }

    public func execute(_ request: HTTPRequest, timeout: Duration) async throws(TransportError) -> HTTPResponse {
        if request.method == "PATCH" {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let release: [CheckedContinuation<Void, Never>] = lock.withLock {
                    patchBodies.append((request.url.path, request.body ?? Data()))
                    if released { return [c] }
                    waiting.append(c)
                    maxInFlight = max(maxInFlight, waiting.count)
                    if waiting.count >= expected {
                        released = true
                        defer { waiting = [] }
                        return waiting
                    }
                    if waiting.count == 1 { startDeadline() }
                    return []
                }
                release.forEach { $0.resume() }
            }
        }
        return try await inner.execute(request, timeout: timeout)
    }

    /// Lets everything through if the expected number never arrives (the test then fails on maxInFlight).
    private func startDeadline() {
        let deadline = self.deadline
        Task {
            try? await Task.sleep(for: deadline)
            let release: [CheckedContinuation<Void, Never>] = self.lock.withLock {
                self.released = true
                defer { self.waiting = [] }
                return self.waiting
            }
            release.forEach { $0.resume() }
        }
    }

    public func shutdown() async { await inner.shutdown() }
}

/// Polls a condition until it holds or the deadline passes (never a blind sleep).
public func eventually(_ deadline: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
