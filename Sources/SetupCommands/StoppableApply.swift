import CursesUI
import Glibc
import TFEClient

/// How `apply` (one organization or many) meets SIGINT, SIGTERM and SIGHUP once it has started
/// writing: the first signal cancels the work — no new request starts, and every wait (a retry's
/// back-off, a `Retry-After`, a request in flight) ends at once — so the command can still say
/// what was done and what was not; a second signal ends the process at once, without a report.
///
/// Before the writes the default action is right: nothing has been sent, so dying loses nothing.
enum StoppableApply {
    /// Runs `work` until it ends or the first signal cancels it; returns what it returned and the
    /// signal that stopped it, if any. `work` is handed the flag, to check between its own steps.
    static func run<T: Sendable>(_ work: @escaping @Sendable (SignalFlag) async -> T) async -> (T, stoppedBy: Int32?) {
        let stop = SignalFlag()
        stop.onRepeat { number in
            StandardStream.error("\ntfe-setup: a second \(SignalFlag.name(number)): exiting now, without a report. Run the same command again: it plans again and shows what still differs.\n")
            _exit(128 + number)
        }
        let working = Task { await work(stop) }
        // The first signal cancels the run: TFEClient turns the cancellation into a `cancelled`
        // transport error for the request in flight and for every wait.
        Task {
            _ = await stop.first()
            working.cancel()
        }
        let result = await working.value
        return (result, stop.pending)
    }

    /// The report's first line after a stop: which signal, and how far the run got.
    static func stoppedLine(_ signal: Int32, after what: String) -> String {
        "Stopped by \(SignalFlag.name(signal)) \(what)."
    }

    /// The report's last line after a stop: a rerun finishes the job.
    static let rerunLine = "Run the same command again: it plans again and sends only what still differs."

    /// After a stop that came once the caps or the switch were saved (the token check did not run).
    static let mayBeRejectedLine = "The token caps or the switch were saved before the stop, so the server may now reject this token: "
        + "run again with a token within the cap (User settings > Tokens)."
}
