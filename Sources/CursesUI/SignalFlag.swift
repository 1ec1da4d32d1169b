import Dispatch
import Foundation

/// Catches SIGTERM, SIGHUP and SIGINT so the UI loop can restore the terminal and report what
/// was applied before it exits (the default action would kill the process mid-screen).
public final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init(signals: [Int32] = [SIGTERM, SIGHUP, SIGINT]) {
        let queue = DispatchQueue(label: "tfe-setup.signals")
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.lock.withLock { if self?.received == nil { self?.received = number } } }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    public var pending: Int32? { lock.withLock { received } }

    /// The signal's name for messages.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        default: return "signal \(number)"
        }
    }
}
