import Dispatch
import Foundation

/// Waits for the first of some signals, without the default action (which would kill the
/// process before it cleans up).
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let queue = DispatchQueue(label: "tfe-setup.signals")
            let fired = Box()
            var sources: [DispatchSourceSignal] = []
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    guard !fired.done else { return }
                    fired.done = true
                    continuation.resume(returning: number)
                }
                source.resume()
                sources.append(source)
            }
            fired.sources = sources
        }
    }

    /// Keeps the sources alive; touched only on `queue`.
    private final class Box: @unchecked Sendable {
        var done = false
        var sources: [DispatchSourceSignal] = []
    }
}
