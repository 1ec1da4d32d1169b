import FoundationEssentials
import Glibc
import NIOConcurrencyHelpers
import Logging
import Synchronization

/// A swift-log handler that writes one line per message to a file created with mode 0600, and
/// scrubs every known secret value from the line as a last line of defence (the client already
/// redacts bodies and headers before logging them).
public struct RedactingFileLogHandler: LogHandler {
    /// The open file, shared by every logger made from the same sink.
    public final class Sink: @unchecked Sendable {
        private let lock = NIOLock()
        private let fd: Int32
        private var secrets: [String] = []
        public let path: String

        /// Opens (creating or appending) the log file with mode 0600.
        /// - Throws: `TFEError.configuration` when the file cannot be created.
        public init(path: String) throws(TFEError) {
            // O_NOFOLLOW: a link planted at the path must not make us append to (and chmod) its target.
            // O_NONBLOCK: a FIFO planted there must not hang the start waiting for a reader (the
            // check below then refuses it); cleared again for the regular file.
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
            if fd < 0 {
                let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
                throw .configuration("Cannot open the log file \(path): \(reason).", remedy: .chooseAnotherLogFile)
            }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else {
                close(fd)
                throw .configuration("Not logging to \(path): it is not a regular file of your own.", remedy: .chooseAnotherLogFile)
            }
            // A second name (a hard link someone made to a file of ours, or ours to theirs) would let
            // the log land where its other name is read.
            guard info.st_nlink == 1 else {
                close(fd)
                throw .configuration("Not logging to \(path): the file has \(info.st_nlink) names (hard links), so the log could be read under another.", remedy: .chooseAnotherLogFile)
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            // The file may have existed with wider permissions: tighten them (on the descriptor).
            _ = fchmod(fd, 0o600)
            self.fd = fd
            self.path = path
        }

        deinit { close(fd) }

        /// Secrets (token, password) that must never reach the file, scrubbed from every line in
        /// every spelling a body can carry them in (`Redactor.spellings`).
        public func register(secret: SecretString) {
            guard secret.exposedValue.count >= 4 else { return }
            lock.withLock { secrets += Redactor.spellings(of: secret.exposedValue) }
        }

        /// The longest line written, in characters: a server's 8 MiB page is not copied whole into
        /// the log (a capped list could otherwise write hundreds of megabytes). Cut after scrubbing,
        /// so no secret is split where the scrubber could no longer see it.
        public static let maxLineCharacters = 8_192

        func write(_ line: String) {
            lock.withLock {
                var text = Redactor.scrubbing(secrets, from: line)
                if text.count > Self.maxLineCharacters {
                    let total = text.utf8.count
                    text = String(text.prefix(Self.maxLineCharacters)) + " …<cut: \(total) bytes in all, the rest not logged>"
                }
                let code = StandardStream.write(text + "\n", to: fd)
                if code != 0 {
                    Self.failed.withLock { if !$0.contains(where: { $0.path == path }) { $0.append((path, String(cString: strerror(code)))) } }
                }
            }
        }

        /// Log files a line could not be written to this run (a full disk), with why: the command
        /// says so at its end instead of leaving a silently short log.
        private static let failed = Mutex<[(path: String, reason: String)]>([])

        public static var failures: [(path: String, reason: String)] { failed.withLock { $0 } }
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: Sink

    public init(label: String, sink: Sink, level: Logger.Level = .info) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.metadataValue($0.key, $0.value))" }.joined(separator: " ")
        let stamp = DateText.iso8601(Date())
        sink.write("\(stamp) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)")
    }

    /// Metadata keys that are secret by name are hidden whatever their value.
    static func metadataValue(_ key: String, _ value: Logger.Metadata.Value) -> String {
        Redactor.isSecretKey(key) || Redactor.isSecretHeader(key) ? Redactor.placeholder : "\(value)"
    }
}
