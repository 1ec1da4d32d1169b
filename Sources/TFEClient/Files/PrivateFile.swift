import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Files this tool writes (drafts, exported answers and configuration, saved answers, the
/// sandbox's state file): the one atomic writer, created with mode 0600 from the first byte, written through a temporary file and
/// renamed into place, never following a symbolic link an attacker left in the way.
///
/// `FileManager.createFile(atPath:attributes:)` creates the file 0666 & umask and sets the mode
/// afterwards; `chmod(path)` follows links. Both leave a window or a way around; here the mode
/// is part of `open`, the temporary name is new (`O_EXCL`), and `O_NOFOLLOW` refuses a link.
public enum PrivateFile {
    /// Why a write failed, for a person.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        /// With `replace: false`: something (a file, a link, even a dangling one) has the name.
        public var alreadyExists = false
        init(_ description: String, alreadyExists: Bool = false) {
            self.description = description
            self.alreadyExists = alreadyExists
        }
    }

    /// Writes `data` to `path` with mode 0600, replacing what was there in one step.
    /// - Parameter replace: false never replaces anything at `path`: the file is written under a
    ///   temporary name and given its name with `link`, which fails when the name exists — even
    ///   when it was created a moment before, or is a dangling link (no check-then-rename race).
    public static func write(_ data: Data, to path: String, replace: Bool = true) throws(Failure) {
        let directory = PathText.deletingLastComponent(path)
        let name = PathText.lastComponent(path)
        var existing = stat()
        if replace, lstat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFLNK {
            throw Failure("\(path) is a symbolic link; not writing through it")
        }
        let temporary = (directory.isEmpty ? "." : directory) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot create a file in \(directory.isEmpty ? "." : directory): \(String(cString: strerror(errno)))") }
        // The umask cannot widen 0600, but a narrower one (0700 umask) would leave the admin
        // unable to read their own file: set exactly 0600 on the descriptor, never on the path.
        _ = fchmod(fd, 0o600)
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                offset += n
            }
        }
        if ok && fsync(fd) != 0 { ok = false }
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(temporary)
            throw Failure("cannot write \(path): \(reason)")
        }
        if !replace {
            let linked = link(temporary, path) == 0
            let code = errno
            unlink(temporary)
            guard linked else {
                if code == EEXIST { throw Failure("\(path) already exists", alreadyExists: true) }
                throw Failure("cannot write \(path): \(String(cString: strerror(code)))")
            }
            return
        }
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure("cannot write \(path): \(why)")
        }
    }

    /// Whether users other than the owner may create files in `directory` (its group or others
    /// can write to it): a file of a name this tool announces could be planted there.
    public static func isWritableByOthers(_ directory: String) -> Bool {
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return info.st_mode & 0o022 != 0
    }

    /// Makes `path` a directory of the user's own with mode 0700 (creating parents as needed),
    /// or tightens an existing one to 0700.
    /// - Throws: when it is a link or not a directory, or belongs to another user.
    public static func makePrivateDirectory(_ path: String) throws(Failure) {
        var info = stat()
        if lstat(path, &info) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure("cannot create the folder \(path): \(error)")
            }
            guard lstat(path, &info) == 0 else { throw Failure("cannot create the folder \(path)") }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure("\(path) is not a folder (or is a symbolic link)") }
        guard info.st_uid == geteuid() else { throw Failure("the folder \(path) belongs to another user") }
        if info.st_mode & 0o077 != 0 {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw Failure("cannot tighten the folder \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            guard fchmod(fd, 0o700) == 0 else { throw Failure("cannot tighten the folder \(path): \(String(cString: strerror(errno)))") }
        }
    }

    /// A new private folder with a name no one could predict (`mkdtemp`), mode 0700.
    public static func makeTemporaryDirectory(prefix: String) throws(Failure) -> String {
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure("cannot create a temporary folder in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: result)
    }
}
