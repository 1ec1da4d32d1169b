@testable import CursesUI
import Foundation
import Glibc
import Testing

/// The process's signal source: the first signal is kept for the loops that poll it; every later
/// one goes to the repeat handler (a fleet apply's "second Ctrl-C exits at once"). Signals are
/// recorded directly: in a test runner's many threads a process-directed signal that dispatch
/// watches may be discarded by the kernel before it arrives (the real ones are covered by the
/// fleet and wizard tests, which signal the built binary).
@Suite("Signals: the first stops, the second ends")
struct SignalFlagTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [Int32] = []
        func add(_ n: Int32) { lock.withLock { seen.append(n) } }
        var values: [Int32] { lock.withLock { seen } }
    }

    @Test("one signal: pending, no repeat; every later one: the repeat handler") func repeats() {
        let flag = SignalFlag(signals: [SIGUSR2])
        let repeats = Counter()
        flag.onRepeat { repeats.add($0) }
        flag.record(SIGUSR2)
        #expect(flag.pending == SIGUSR2)
        #expect(repeats.values.isEmpty, "the first signal is not a repeat")
        flag.record(SIGUSR2)
        #expect(repeats.values == [SIGUSR2])
        flag.record(SIGTERM); flag.record(SIGUSR2)
        #expect(repeats.values == [SIGUSR2, SIGTERM, SIGUSR2])
        #expect(flag.pending == SIGUSR2, "the first signal stays the one reported")
    }
}
