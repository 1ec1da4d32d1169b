import CursesUI
import Foundation
import Glibc
import Testing

/// The process's signal source: the first signal is kept for the loops that poll it; every later
/// one goes to the repeat handler (a fleet apply's "second Ctrl-C exits at once"), even when two
/// arrive together and the system delivers them as one event.
@Suite("Signals: the first stops, the second ends")
struct SignalFlagTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [Int32] = []
        func add(_ n: Int32) { lock.withLock { seen.append(n) } }
        var values: [Int32] { lock.withLock { seen } }
    }

    /// Polls until `condition` holds or the deadline passes.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    @Test("one signal: pending, no repeat; a second (and a third): the repeat handler each time") func repeats() async {
        let flag = SignalFlag(signals: [SIGUSR2])
        let repeats = Counter()
        flag.onRepeat { repeats.add($0) }
        kill(getpid(), SIGUSR2)
        #expect(await Self.eventually { flag.pending == SIGUSR2 })
        #expect(repeats.values.isEmpty, "the first signal is not a repeat")
        kill(getpid(), SIGUSR2)
        #expect(await Self.eventually { repeats.values == [SIGUSR2] })
        // Two at once may arrive as one event: both still count.
        kill(getpid(), SIGUSR2); kill(getpid(), SIGUSR2)
        #expect(await Self.eventually { repeats.values.count == 3 })
        #expect(flag.pending == SIGUSR2)
    }
}
