import Foundation
import SetupWizard

/// The full-screen loop: draw the state, read a key (50 ms at most), send it, tick the spinner.
@MainActor
public enum CursesApp {
    /// Runs the wizard until it finishes or a signal arrives; the terminal is restored on every path.
    /// - Returns: the exit code and the message to print after the screen is gone.
    public static func run(_ runtime: WizardRuntime, color: Bool, signals: SignalFlag) async -> (Int32, String) {
        let terminal = CursesTerminal(color: color)
        defer { terminal.restore() }
        await runtime.start()
        var lastTick = ContinuousClock.now
        while true {
            if let number = signals.pending {
                let state = await runtime.state
                terminal.restore()
                return (128 + number, "Stopped by \(SignalFlag.name(number)). " + Wizard.summary(state))
            }
            let state = await runtime.state
            if case .finished(let code, let message) = state.phase { return (code, message) }
            terminal.draw(Wizard.render(state, size: terminal.size))
            switch terminal.read() {
            case .key(let key): await runtime.send(.key(key))
            case .resize: break
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
