import Logging
import TFEClient

/// Says on standard error when a line-mode command is about to wait a long time before trying a
/// request again — a `Retry-After` of two minutes, mostly — so a command that goes quiet says why
/// and that Ctrl-C stops it (an `apply` stopped then still reports what was saved). It reads the
/// client's own `retrying` log event; a short back-off passes without a word. Not for the wizard:
/// its screen shows the steps in flight, and a line on stderr would tear the full screen.
struct WaitNoticeLogHandler: LogHandler {
    /// Waits shorter than this (seconds) are not worth a line.
    static let threshold = 5.0

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let line = Self.line(message: "\(event.message)", metadata: event.metadata ?? [:]) else { return }
        StandardStream.error(SafeText.line(line) + "\n")
    }

    /// `tfe-setup: 429 rate limited on PATCH /api/v2/…: trying again in 119 s (Ctrl-C stops).`,
    /// or nil for any other event and for a short wait.
    static func line(message: String, metadata: Logger.Metadata) -> String? {
        guard message == "retrying", let wait = metadata["wait_s"].flatMap({ Double("\($0)") }), wait >= threshold,
              let method = metadata["method"], let path = metadata["path"] else { return nil }
        let reason = metadata["reason"].map { "\($0)" } ?? "no answer"
        return "tfe-setup: \(reason) on \(method) \(path): trying again in \(Int(wait.rounded(.up))) s (Ctrl-C stops)."
    }
}
