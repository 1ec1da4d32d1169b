import FoundationEssentials
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on a lock file (`flock(2)`, exclusive), held until `release()` or the end of
/// the process, with the holder (pid, command, since when) written inside the file so a second
/// process can say who holds it.
///
/// `flock` rather than `fcntl` locks: an `fcntl` lock belongs to the process and is dropped when
/// *any* descriptor of the file is closed (a library reading the file would free it), while a
/// `flock` lock belongs to the open file description, so two locks in one process exclude each
/// other as two processes do, and the kernel frees it when the holder dies (no stale lock, no
/// pid check). The lock file is never removed: removing it while another process waits on the
/// old inode would let two holders in.
///
/// Use it around a read–modify–write of a shared file:
/// ```swift
/// let lock = try FileLock.acquire(path + ".lock", waitingUpTo: 10)
/// defer { lock.release() }
/// ```
public final class FileLock: @unchecked Sendable {
    /// Who holds a lock, as the holder wrote it into the lock file.
    public struct Holder: Equatable, Sendable, CustomStringConvertible {
        public var pid: Int32
        /// The holder's command line (sanitized for display by `description`).
        public var command: String
        /// When it took the lock.
        public var since: Date

        public init(pid: Int32, command: String, since: Date) {
            self.pid = pid
            self.command = command
            self.since = since
        }

        /// "process 4242 (tfe-setup apply), since 2026-12-07T10:00:00Z"
        public var description: String {
            "process \(pid) (\(SafeText.line(String(command.prefix(200))))), since \(DateText.iso8601(since))"
        }

        /// This process, now. The command is the program's name and its subcommand words only
        /// (no option values: an argument could be a path a person would rather not share).
        public static func current(command: String? = nil) -> Holder {
            Holder(pid: getpid(), command: command ?? defaultCommand(), since: Date())
        }

        static func defaultCommand() -> String {
            let arguments = CommandLine.arguments
            guard let program = arguments.first else { return "" }
            let words = arguments.dropFirst().prefix { !$0.hasPrefix("-") && !$0.contains("/") }.prefix(3)
            return ([PathText.lastComponent(program)] + words).joined(separator: " ")
        }

        var json: String {
            JSONValue.object(["pid": .integer(Int64(pid)), "command": .string(command), "since": .string(DateText.iso8601(since))]).jsonText + "\n"
        }

        init?(json data: Data) {
            guard let value = JSONValue.parse(data), let pid = value["pid"]?.integerValue, pid >= 1, pid <= Int64(Int32.max),
                  let command = value["command"]?.stringValue, let sinceText = value["since"]?.stringValue,
                  let since = DateText.parseISO8601(sinceText) else { return nil }
            self.init(pid: Int32(pid), command: command, since: since)
        }
    }

    /// Why the lock was not taken.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Another holder kept it past the wait; `holder` is nil when it wrote nothing readable.
        case held(path: String, by: Holder?)
        /// The lock file cannot be opened or locked (a link, a folder, no permission).
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let holder):
                return "\(path) is locked by \(holder?.description ?? "another process")"
            case .unusable(let path, let reason):
                return "cannot lock \(path): \(reason)"
            }
        }
    }

    /// The lock file's path.
    public let path: String
    private var descriptor: Int32
    private let guardLock = NIOLock()

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock at once or says who holds it.
    /// - Throws: `.held` when another holder has it; `.unusable` when the file cannot be used.
    public static func tryAcquire(_ path: String, holder: Holder = .current(), shared: Bool = false) throws(Failure) -> FileLock {
        try acquire(path, waitingUpTo: 0, holder: holder, shared: shared)
    }

    /// Takes the lock, waiting for the holder to let go for up to `seconds` (polling, so the
    /// wait ends on time even though `flock` itself has no timeout).
    /// - Throws: `.held` (naming the holder) when the wait ends first; `.unusable` when the file
    ///   cannot be opened or is not a regular file.
    /// - Parameter shared: a shared lock (`LOCK_SH`): any number of shared holders at once, none
    ///   while an exclusive one holds it (a run on one organization beside a run on all of them).
    public static func acquire(_ path: String, waitingUpTo seconds: Double, holder: Holder = .current(),
                               interval: Double = 0.05, shared: Bool = false) throws(Failure) -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unusable(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .unusable(path: path, reason: "it is not a regular file")
        }
        let deadline = monotonicSeconds() + max(0, seconds)
        while flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                close(fd)
                throw .unusable(path: path, reason: String(cString: strerror(code)))
            }
            guard monotonicSeconds() < deadline else {
                let current = readHolder(fd)
                close(fd)
                throw .held(path: path, by: current)
            }
            usleep(useconds_t(max(1_000, min(interval, max(0, deadline - monotonicSeconds())) * 1_000_000)))
        }
        // Who holds it, for the next one's message. Best effort: a full disk must not stop the
        // lock from working, it only leaves the next process unable to name this one.
        _ = ftruncate(fd, 0)
        let text = Array(holder.json.utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return FileLock(path: path, descriptor: fd)
    }

    /// Takes the lock as `acquire(_:waitingUpTo:holder:)` does, waiting without blocking a thread.
    public static func acquire(_ path: String, waitingUpTo seconds: Double, holder: Holder = .current(),
                               interval: Double = 0.05) async throws(Failure) -> FileLock {
        let deadline = monotonicSeconds() + max(0, seconds)
        while true {
            do {
                return try tryAcquire(path, holder: holder)
            } catch {
                guard case .held = error, monotonicSeconds() < deadline, !Task.isCancelled else { throw error }
            }
            try? await Task.sleep(nanoseconds: UInt64(max(0.001, interval) * 1_000_000_000))
        }
    }

    /// Who holds the lock at `path` now, or nil when no one does (or the holder wrote nothing
    /// readable). Takes no lock.
    public static func holder(of path: String) -> Holder? {
        let fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            _ = flock(fd, LOCK_UN)
            return nil
        }
        return readHolder(fd)
    }

    /// Lets the lock go (the file stays, emptied). Calling it again does nothing.
    public func release() {
        guardLock.withLock {
            guard descriptor >= 0 else { return }
            _ = ftruncate(descriptor, 0)
            _ = flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Holder(json: Data(buffer[0..<n]))
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
