import FoundationEssentials
import NIOConcurrencyHelpers
import SetupWizard

/// The full-screen loop: draw the state, read a key (50 ms at most), send it, tick the spinner.
@MainActor
package enum CursesApp {
    /// Runs the wizard until it finishes or a signal arrives; the terminal is restored on every path.
    /// - Returns: the exit code and the message to print after the screen is gone.
    /// - Parameters:
    ///   - started: when the command started (monotonic), for `firstInteractiveFrame`.
    ///   - firstInteractiveFrame: called once, with the time from `started` until the first frame
    ///     that takes input (a screen, the organization picker or the draft question) was drawn.
    package static func run(_ runtime: WizardRuntime, color: Bool, signals: SignalFlag,
                           started: ContinuousClock.Instant = .now, firstInteractiveFrame: (Duration) -> Void = { _ in }) async -> (Int32, String) {
        let terminal = CursesTerminal(color: color)
        defer { terminal.restore() }
        await runtime.start()
        var lastTick = ContinuousClock.now
        var interactiveSeen = false
        // A second signal while the first is held back (the first admin's request): now.
        let again = NIOLockedValueBox(false)
        signals.onRepeat { _ in again.withLockedValue { $0 = true } }
        var held = false
        while true {
            if let number = signals.pending {
                let state = await runtime.state
                // A request that makes a token (the first admin's, a renewal) is never abandoned by
                // the first signal: its answer holds the only copy. The wizard quits after it.
                if !held, !again.withLockedValue({ $0 }), Wizard.waitingNotice(state) != nil {
                    held = true
                    await runtime.send(.stopRequested(signal: SignalFlag.name(number)))
                } else if !held || again.withLockedValue({ $0 }) {
                    terminal.restore()
                    return (128 + number, "Stopped by \(SignalFlag.name(number)). " + Wizard.summary(state))
                }
            }
            var state = await runtime.state
            if case .finished(let code, let message) = state.phase { return (code, message) }
            // The state knows the size, so keys on a screen too small to show are not acted on.
            let size = terminal.size
            if state.terminalSize != size {
                await runtime.send(.resized(size))
                state = await runtime.state
            }
            terminal.draw(Wizard.render(state, size: size))
            if !interactiveSeen, state.takesInput {
                interactiveSeen = true
                firstInteractiveFrame(ContinuousClock.now - started)
            }
            // While reading or applying, look back soon: the answer should appear the moment it
            // arrives, not up to a whole key timeout later.
            terminal.keyTimeout(milliseconds: state.isWaiting ? 5 : 50)
            switch terminal.read() {
            case .key(let key): await runtime.send(.key(key))
            case .resize:
                // Keys already waiting were typed while the old size was on screen: they act on
                // what the admin saw (nothing typed is lost). Only keys typed after the new size is
                // drawn meet the "too small" rule.
                terminal.keyTimeout(milliseconds: 0)
                while case .key(let key) = terminal.read() { await runtime.send(.key(key)) }
            case .none:
                if terminal.hungUp {
                    terminal.restore()
                    return (129, "The terminal was closed. " + Wizard.summary(await runtime.state))
                }
            }
            if ContinuousClock.now - lastTick >= .milliseconds(100) {
                lastTick = .now
                await runtime.send(.tick)
            }
        }
    }
}
