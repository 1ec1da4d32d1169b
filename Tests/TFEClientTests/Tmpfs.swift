import Foundation
import Testing
import TFEClient

/// A small real tmpfs mounted for a test (needs root), to meet a full disk as the kernel makes it.
struct Tmpfs {
    let path: String

    /// Why no tmpfs can be mounted here (not root, no permission in this container), or nil.
    static let problem: String? = {
        guard geteuid() == 0 else { return "mounting a tmpfs needs root" }
        do {
            let probe = try Tmpfs(kilobytes: 16)
            probe.unmount()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    init(kilobytes: Int) throws {
        path = try PrivateFile.makeTemporaryDirectory(prefix: "tmpfs-")
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: ["/usr/bin/mount", "/bin/mount"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", path]
        let errors = Pipe()
        mount.standardError = errors
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            let words = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            rmdir(path)
            throw TmpfsFailure(description: "mount -t tmpfs failed: \(words.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Writes `file` until the disk is full (ENOSPC), so the next byte anywhere on it fails.
    func fill(_ file: String) {
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x2e, count: 1024)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        // The last partial page too: byte by byte until nothing more fits.
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, 1) }) > 0 {}
    }

    func unmount() {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: ["/usr/bin/umount", "/bin/umount"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/bin/umount")
        umount.arguments = ["-l", path]
        try? umount.run()
        umount.waitUntilExit()
        rmdir(path)
    }
}

/// Why a tmpfs could not be mounted.
struct TmpfsFailure: Error, CustomStringConvertible {
    var description: String
}
