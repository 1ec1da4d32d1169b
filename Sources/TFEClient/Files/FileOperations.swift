import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The system calls a careful write is made of (open, write, truncate, fsync, rename), as values,
/// so a test can make any one of them fail as a full disk (`ENOSPC`) or a root-owned folder
/// (`EACCES`) would — conditions a test running as root on a roomy disk cannot otherwise reach.
///
/// Each call takes the path it concerns (also for a descriptor), so a fault can target one file.
/// Each returns 0 or the `errno` value (`open` returns the descriptor, or minus the `errno`).
public struct FileOperations: Sendable {
    public var open: @Sendable (_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    /// Writes all of `bytes` at `offset` (retrying short writes and `EINTR`).
    public var write: @Sendable (_ path: String, _ fd: Int32, _ bytes: [UInt8], _ offset: Int) -> Int32
    public var truncate: @Sendable (_ path: String, _ fd: Int32, _ length: Int) -> Int32
    public var fsync: @Sendable (_ path: String, _ fd: Int32) -> Int32
    public var rename: @Sendable (_ from: String, _ to: String) -> Int32

    public init(open: @escaping @Sendable (String, Int32, mode_t) -> Int32,
                write: @escaping @Sendable (String, Int32, [UInt8], Int) -> Int32,
                truncate: @escaping @Sendable (String, Int32, Int) -> Int32,
                fsync: @escaping @Sendable (String, Int32) -> Int32,
                rename: @escaping @Sendable (String, String) -> Int32) {
        self.open = open
        self.write = write
        self.truncate = truncate
        self.fsync = fsync
        self.rename = rename
    }

    /// The real system calls.
    public static let system = FileOperations(
        open: { path, flags, mode in
            let fd = Glibc.open(path, flags, mode)
            return fd >= 0 ? fd : -errno
        },
        write: { _, fd, bytes, offset in
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
                if n < 0 { if errno == EINTR { continue }; return errno }
                if n == 0 { return EIO }
                done += n
            }
            return 0
        },
        truncate: { _, fd, length in ftruncate(fd, off_t(length)) == 0 ? 0 : errno },
        fsync: { _, fd in Glibc.fsync(fd) == 0 ? 0 : errno },
        rename: { from, to in Glibc.rename(from, to) == 0 ? 0 : errno }
    )

    /// The system's words for an `errno` value ("No space left on device").
    public static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
