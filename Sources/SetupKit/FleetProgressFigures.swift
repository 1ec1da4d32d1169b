import FoundationEssentials
import TFEClient

/// How far a fleet apply has come, as both progress bars (the wizard's and `apply`'s) show it.
package struct FleetProgressFigures: Sendable, Equatable {
    package var done: Int
    package var total: Int
    package var writes: Int
    /// Seconds since the apply started.
    package var elapsed: Double

    package init(done: Int, total: Int, writes: Int, elapsed: Double) {
        self.done = done
        self.total = total
        self.writes = writes
        self.elapsed = elapsed
    }

    package var writesPerSecond: Double { Double(writes) / max(0.001, elapsed) }
    /// At the speed so far, rounded up.
    package var secondsLeft: Int { done == 0 ? 0 : Int((elapsed / Double(done) * Double(total - done)).rounded(.up)) }
    /// `Planning: 1200 of 5000 organizations · 41.0/s · about 93 s left` (the wizard's planning
    /// screen and `plan`'s stderr say it alike).
    package var planningLine: String {
        "Planning: \(done) of \(total) organizations · \(writesPerSecond.fixed(1))/s · about \(secondsLeft) s left"
    }

    /// The filled part of a bar `width` cells wide.
    package func filled(_ width: Int) -> Int { width * min(done, total) / max(1, total) }
}
