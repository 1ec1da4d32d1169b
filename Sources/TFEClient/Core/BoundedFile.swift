import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Reads files named by users (token file, answers file, password file) with a size limit.
///
/// `FileManager.contents(atPath:)` reads until end of file: `/dev/zero` would fill memory and
/// `/dev/tty` would wait for typing. Here only a regular file or a pipe (`<(…)`, `/dev/stdin`
/// from a pipe) is read, and never more than `limit` bytes.
public enum BoundedFile {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Missing, or no permission: the system's reason.
        case unreadable(String)
        /// Longer than the limit (bytes).
        case tooLarge(limit: Int)
        /// A directory, a device or a socket.
        case notAFile

        public var description: String {
            switch self {
            case .unreadable(let reason): return reason
            case .tooLarge(let limit): return "it is larger than \(limit >= 1_048_576 ? "\(limit / 1_048_576) MiB" : "\(limit / 1024) KiB"), too large for what it should hold"
            case .notAFile: return "it is not a regular file or a pipe"
            }
        }
    }

    public static func read(_ path: String, limit: Int) -> Result<Data, Failure> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFIFO else { return .failure(.notAFile) }
        // Blocking again, so a pipe's writer is waited for (a pipe without one reads as empty).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = Glibc.read(fd, &buffer, min(buffer.count, limit + 1 - data.count))
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            data.append(buffer, count: n)
            if data.count > limit { return .failure(.tooLarge(limit: limit)) }
        }
        return .success(data)
    }
}
