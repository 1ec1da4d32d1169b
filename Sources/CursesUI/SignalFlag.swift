import Dispatch
import FoundationEssentials
import Glibc
import NIOConcurrencyHelpers
import TFEClient

/// Catches SIGTERM, SIGHUP, SIGINT and SIGQUIT so the UI loop can restore the terminal and report what
/// was applied before it exits (the default action would kill the process mid-screen).
///
/// The process's one signal source: the full-screen loop and a fleet `apply` poll `pending`;
/// `tfe-setup sandbox` awaits `first()`.
package final class SignalFlag: @unchecked Sendable {
    private let lock = NIOLock()
    private var received: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []
    private var sources: [DispatchSourceSignal] = []
    private var repeatHandler: (@Sendable (Int32) -> Void)?
    private let numbers: [Int32]

    package init(signals: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT]) {
        numbers = signals
        let queue = DispatchQueue(label: "tfe-setup.signals")
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // `data` counts the signals since the last call: two Ctrl-C in quick succession may
            // arrive as one event, and the second must still count as a second.
            // (The handler holds its source: both live as long as the process's one flag.)
            source.setEventHandler { [weak self] in
                for _ in 0..<max(1, Int(source.data)) { self?.record(number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// One signal received (called by the signal sources; tests call it directly, since a
    /// process-directed signal in a test runner may be discarded before dispatch sees it).
    func record(_ number: Int32) {
        let (waiting, again): ([CheckedContinuation<Int32, Never>], (@Sendable (Int32) -> Void)?) = lock.withLock {
            guard received == nil else { return ([], repeatHandler) }
            received = number
            defer { waiters = [] }
            return (waiters, nil)
        }
        for waiter in waiting { waiter.resume(returning: number) }
        again?(number)
    }

    /// Called (on the signal queue) for every signal after the first: a second Ctrl-C means
    /// "now", so a run that is winding down after the first can end at once.
    package func onRepeat(_ handler: @escaping @Sendable (Int32) -> Void) {
        lock.withLock { repeatHandler = handler }
    }

    /// The first signal received, if any.
    package var pending: Int32? { lock.withLock { received } }

    /// Waits for the first signal (at once if one has already arrived).
    package func first() async -> Int32 {
        await withCheckedContinuation { continuation in
            let already: Int32? = lock.withLock {
                if let received { return received }
                waiters.append(continuation)
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
    }

    /// Stops catching: the signals' default actions again, this flag's handlers never called.
    /// For a window that must not be cut short (a first admin's creation) before other work
    /// that makes its own flag.
    package func stopCatching() {
        let (signals, list): ([Int32], [DispatchSourceSignal]) = lock.withLock {
            defer { sources = []; repeatHandler = nil }
            return (numbers, sources)
        }
        for source in list { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    /// The signal's name for messages.
    package static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(number)"
        }
    }
}
