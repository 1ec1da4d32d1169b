import Foundation
import Testing
import TFEClient

/// The advisory lock shared files are updated under: one holder at a time, within one process
/// and across processes, a wait that ends on time, and a holder a second process can name.
@Suite("FileLock: one holder at a time, named")
struct FileLockTests {
    static func folder() throws -> String { try PrivateFile.makeTemporaryDirectory(prefix: "lock-") }

    @Test("a second try while held fails naming the holder; after release it succeeds") func exclusive() throws {
        let path = try Self.folder() + "/x.lock"
        let holder = FileLock.Holder(pid: getpid(), command: "tfe-setup apply", since: Date(timeIntervalSince1970: 1_800_000_000))
        let first = try FileLock.tryAcquire(path, holder: holder)
        #expect(FileLock.holder(of: path) == holder)
        do {
            _ = try FileLock.tryAcquire(path)
            Issue.record("a second holder got the lock")
        } catch {
            #expect(error == .held(path: path, by: holder))
            #expect(error.description.contains("process \(getpid()) (tfe-setup apply), since 2027-01-15T08:00:00Z"))
        }
        first.release()
        first.release()   // twice is harmless
        #expect(FileLock.holder(of: path) == nil)
        let second = try FileLock.tryAcquire(path)
        second.release()
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o600, "the lock file stays, mode 0600")
    }

    @Test("a wait ends when the holder lets go, or on time with the holder named") func waits() throws {
        let path = try Self.folder() + "/w.lock"
        let first = try FileLock.tryAcquire(path)
        let start = Date()
        #expect(throws: FileLock.Failure.self) { try FileLock.acquire(path, waitingUpTo: 0.3) }
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.3 && waited < 5, "waited \(waited) s")
        // Released from another thread while this one waits: the wait ends with the lock.
        let releaser = Thread { first.release() }
        releaser.start()
        let lock = try FileLock.acquire(path, waitingUpTo: 10)
        #expect(FileLock.holder(of: path)?.pid == getpid())
        lock.release()
    }

    @Test("the async wait takes the lock once it is let go") func asyncWait() async throws {
        let path = try Self.folder() + "/a.lock"
        let first = try FileLock.tryAcquire(path)
        Task.detached { first.release() }
        let lock = try await FileLock.acquire(path, waitingUpTo: 10)
        lock.release()
    }

    @Test("another process holding the lock (flock(1)) keeps this one out until it ends") func otherProcess() throws {
        let path = try Self.folder() + "/p.lock"
        let flock = ["/usr/bin/flock", "/bin/flock"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(flock != nil, "flock(1) is not installed")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: flock!)
        // `cat` holds it until its input closes (a killed flock(1) would leave a child holding it).
        holder.arguments = [path, "cat"]
        let input = Pipe()
        holder.standardInput = input
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        // Poll until the other process holds it (it writes no holder: "another process").
        let deadline = Date().addingTimeInterval(10)
        var held = false
        while !held, Date() < deadline {
            do { try FileLock.tryAcquire(path).release() } catch { held = error == .held(path: path, by: nil) }
        }
        #expect(held)
        #expect(FileLock.Failure.held(path: path, by: nil).description == "\(path) is locked by another process")
        try input.fileHandleForWriting.close()
        let lock = try FileLock.acquire(path, waitingUpTo: 10)
        lock.release()
    }

    @Test("a symbolic link or a folder in the lock file's place is refused, nothing followed") func refusals() throws {
        let folder = try Self.folder()
        let target = folder + "/target"
        try "keep".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/l.lock", withDestinationPath: target)
        #expect(throws: FileLock.Failure.self) { try FileLock.tryAcquire(folder + "/l.lock") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        try FileManager.default.createDirectory(atPath: folder + "/d.lock", withIntermediateDirectories: false)
        #expect(throws: FileLock.Failure.self) { try FileLock.tryAcquire(folder + "/d.lock") }
    }

    @Test("junk in a lock file names no holder and does not crash") func junk() throws {
        let path = try Self.folder() + "/j.lock"
        try "{\"pid\": \"x\", \"command\": 1}\u{1b}[2J".write(toFile: path, atomically: true, encoding: .utf8)
        let lock = try FileLock.tryAcquire(path)
        #expect(FileLock.holder(of: path)?.pid == getpid(), "the holder's line replaced the junk")
        lock.release()
        let holder = FileLock.Holder(pid: 7, command: "evil\u{1b}[2J\nline", since: Date())
        #expect(!holder.description.contains("\u{1b}") && !holder.description.contains("\n"))
    }
}
