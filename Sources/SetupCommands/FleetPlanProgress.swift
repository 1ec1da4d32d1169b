import FoundationEssentials
import NIOConcurrencyHelpers
import SetupKit
import TFEClient

/// Progress of a long fleet plan on stderr: nothing for the first two seconds (a short plan stays
/// quiet), then on a terminal one line redrawn in place at most four times a second, as apt's
/// progress does; elsewhere (a log, a CI job) a line every ten seconds, as Terraform's "Still
/// reading…" lines are. stdout keeps only the plan.
final class FleetPlanProgress: @unchecked Sendable {
    private let lock = NIOLock()
    private let total: Int
    private let onTerminal: Bool
    private let started = Date()
    private var lastLine: Date?
    private var drawn = false
    /// Quiet this long; then a line at most this often.
    static let quietFor: Double = 2
    static func interval(onTerminal: Bool) -> Double { onTerminal ? 0.25 : 10 }

    init(total: Int, onTerminal: Bool) {
        self.total = total
        self.onTerminal = onTerminal
    }

    /// `done` organizations planned so far.
    func record(_ done: Int) {
        let now = Date()
        let line: String? = lock.withLock {
            let elapsed = now.timeIntervalSince(started)
            guard elapsed >= Self.quietFor, done < total else { return nil }
            if let last = lastLine, now.timeIntervalSince(last) < Self.interval(onTerminal: onTerminal) { return nil }
            lastLine = now
            drawn = true
            return Self.line(FleetProgressFigures(done: done, total: total, writes: done, elapsed: elapsed))
        }
        guard let line else { return }
        if onTerminal { StandardStream.error("\r" + SafeText.line(line) + "\u{1b}[K") } else { printError(line) }
    }

    /// `Planning: 1200 of 5000 organizations · 41.0/s · about 93 s left`.
    static func line(_ figures: FleetProgressFigures) -> String { figures.planningLine }

    func finish() {
        if onTerminal, lock.withLock({ drawn }) { StandardStream.error("\r\u{1b}[K") }
    }
}
