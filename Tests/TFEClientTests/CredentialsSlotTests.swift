import Foundation
import Testing
import TFEClient

/// Room made for the first admin's token before the IACT is spent, and the token never dropped
/// after: a full disk or a refused write at each step, injected, through `/dev/full`, and on a
/// real full tmpfs.
@Suite("Credentials slot: the new admin's token always has a place")
struct CredentialsSlotTests {
    static let token = SecretString("FAKE-admin-token.atlasv1.0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz")

    /// A home and a separate state folder (the rescue's), both fresh.
    static func places() throws -> (home: String, environment: [String: String]) {
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "slot-")
        let state = try PrivateFile.makeTemporaryDirectory(prefix: "slot-state-")
        return (home, ["XDG_STATE_HOME": state])
    }

    /// The system's calls with one of them failing with `code` for the paths `matching`.
    static func failing(_ call: String, _ code: Int32, matching: @escaping @Sendable (String) -> Bool) -> FileOperations {
        var files = FileOperations.system
        let system = FileOperations.system
        switch call {
        case "open": files.open = { path, flags, mode in matching(path) ? -code : system.open(path, flags, mode) }
        case "write": files.write = { path, fd, bytes, offset in matching(path) ? code : system.write(path, fd, bytes, offset) }
        case "truncate": files.truncate = { path, fd, length in matching(path) ? code : system.truncate(path, fd, length) }
        case "fsync": files.fsync = { path, fd in matching(path) ? code : system.fsync(path, fd) }
        case "rename": files.rename = { from, to in matching(from) ? code : system.rename(from, to) }
        default: Issue.record("no call \(call)")
        }
        return files
    }

    static func leftovers(_ home: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home + "/.terraform.d").filter { $0.hasSuffix(".tmp") }
    }

    static func fileText(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test("prepare, then another run stores its host, then store: both hosts kept, no temporary file left") func roundTrip() throws {
        let (home, environment) = try Self.places()
        let slot = try CredentialsSlot.prepare(host: "TFE.example.com", home: home, environment: environment)
        #expect(try Self.leftovers(home).count == 1, "the room is a real file")
        try CredentialsFile.store(SecretString("FAKE-other-token"), host: "other.example.com", home: home)
        let placed = slot.store(Self.token)
        #expect(placed == .stored(path: CredentialsFile.path(home: home)))
        let json = JSONValue.parse(Data(Self.fileText(CredentialsFile.path(home: home)).utf8))
        #expect(json?["credentials"]?["tfe.example.com"]?["token"]?.stringValue == Self.token.exposedValue)
        #expect(json?["credentials"]?["other.example.com"]?["token"]?.stringValue == "FAKE-other-token")
        #expect(try Self.leftovers(home).isEmpty)
        var info = stat()
        #expect(lstat(CredentialsFile.path(home: home), &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("a full disk or a refusal while making room: refused before anything is created, nothing left behind",
          arguments: [("open", EACCES, "Permission denied"), ("write", ENOSPC, "No space left on device"), ("fsync", ENOSPC, "No space left on device"), ("write", EDQUOT, "Disk quota exceeded")])
    func prepareFails(call: String, code: Int32, words: String) throws {
        let (home, environment) = try Self.places()
        let files = Self.failing(call, code) { $0.hasSuffix(".tmp") }
        do {
            _ = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, files: files)
            Issue.record("room made on a failing \(call)")
        } catch {
            #expect(error.description.contains(words), "\(error.description)")
        }
        #expect(try Self.leftovers(home).isEmpty)
    }

    @Test("a real ENOSPC from /dev/full while making room is refused") func devFull() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full on this system")
        let (home, environment) = try Self.places()
        var files = FileOperations.system
        files.open = { path, flags, mode in
            path.hasSuffix(".tmp") ? FileOperations.system.open("/dev/full", O_WRONLY | O_CLOEXEC, 0) : FileOperations.system.open(path, flags, mode)
        }
        #expect(throws: CredentialsFile.Failure.self) {
            try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, files: files)
        }
    }

    @Test("the final write, truncation, fsync or rename fails: the token goes to a new 0600 file in the state folder, named, never shown",
          arguments: ["write", "truncate", "fsync", "rename"])
    func rescued(call: String) throws {
        let (home, environment) = try Self.places()
        try CredentialsFile.store(SecretString("FAKE-other-token"), host: "other.example.com", home: home)
        let before = Self.fileText(CredentialsFile.path(home: home))
        // Room is made with the system's calls; the failure strikes only when the token arrives.
        let armed = Armed()
        let failing = Self.failing(call, ENOSPC) { path in path.hasSuffix(".tmp") && armed.on }
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, files: failing)
        armed.on = true
        let placed = slot.store(Self.token)
        guard case .rescued(let path, let reason) = placed else { Issue.record("not rescued: \(placed)"); return }
        #expect(path.hasPrefix(environment["XDG_STATE_HOME"]! + "/tfe-setup/"))
        #expect(reason.contains("No space left on device"))
        #expect(!reason.contains(Self.token.exposedValue) && !path.contains(Self.token.exposedValue))
        let json = JSONValue.parse(Data(Self.fileText(path).utf8))
        #expect(json?["credentials"]?["tfe.example.com"]?["token"]?.stringValue == Self.token.exposedValue)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(Self.fileText(CredentialsFile.path(home: home)) == before, "the credentials file untouched")
        #expect(try Self.leftovers(home).isEmpty)
    }

    @Test("the rename and the state folder both fail: the complete temporary file is kept and named") func keptTemporary() throws {
        let (home, environment) = try Self.places()
        let armed = Armed()
        var files = Self.failing("rename", EACCES) { _ in armed.on }
        let system = FileOperations.system
        files.open = { path, flags, mode in armed.on && path.contains("/tfe-setup/") ? -ENOSPC : system.open(path, flags, mode) }
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, files: files)
        armed.on = true
        guard case .rescued(let path, let reason) = slot.store(Self.token) else { Issue.record("not kept"); return }
        #expect(path.hasSuffix(".tmp") && reason.contains("Permission denied"))
        #expect(JSONValue.parse(Data(Self.fileText(path).utf8))?["credentials"]?["tfe.example.com"]?["token"]?.stringValue == Self.token.exposedValue)
    }

    @Test("the final write and the state folder both fail: lost, and said so") func lost() throws {
        let (home, environment) = try Self.places()
        let armed = Armed()
        var files = Self.failing("write", ENOSPC) { _ in armed.on }
        files.fsync = { _, _ in armed.on ? ENOSPC : 0 }
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, files: files)
        armed.on = true
        guard case .lost(let reason) = slot.store(Self.token) else { Issue.record("not lost"); return }
        #expect(reason.contains("No space left on device") && !reason.contains(Self.token.exposedValue))
    }

    @Test("a different token stored for the host meanwhile: kept as it is, the new one rescued") func differentMeanwhile() throws {
        let (home, environment) = try Self.places()
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment)
        try CredentialsFile.store(SecretString("FAKE-someone-else"), host: "tfe.example.com", home: home)
        guard case .rescued(let path, _) = slot.store(Self.token) else { Issue.record("not rescued"); return }
        #expect(Self.fileText(path).contains(Self.token.exposedValue))
        #expect(Self.fileText(CredentialsFile.path(home: home)).contains("FAKE-someone-else"))
    }

    @Test("discard gives the room back") func discard() throws {
        let (home, environment) = try Self.places()
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment)
        slot.discard()
        #expect(try Self.leftovers(home).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: CredentialsFile.path(home: home)))
    }

    @Test("on a real full tmpfs: refused before; room made on a roomy one survives the disk filling up",
          .enabled(if: Tmpfs.problem == nil, Comment(rawValue: "not run: \(Tmpfs.problem ?? "")")))
    func tmpfs() throws {
        let mount = try Tmpfs(kilobytes: 64)
        defer { mount.unmount() }
        let environment = ["XDG_STATE_HOME": try PrivateFile.makeTemporaryDirectory(prefix: "slot-state-")]
        try CredentialsFile.store(SecretString("FAKE-other-token"), host: "other.example.com", home: mount.path)
        let filler = mount.path + "/filler"
        mount.fill(filler)
        do {
            _ = try CredentialsSlot.prepare(host: "tfe.example.com", home: mount.path, environment: environment)
            Issue.record("room made on a full disk")
        } catch {
            #expect(error.description.contains("No space left on device"), "\(error.description)")
        }
        unlink(filler)
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: mount.path, environment: environment)
        mount.fill(filler)
        #expect(slot.store(Self.token) == .stored(path: CredentialsFile.path(home: mount.path)))
        let json = JSONValue.parse(Data(Self.fileText(CredentialsFile.path(home: mount.path)).utf8))
        #expect(json?["credentials"]?["tfe.example.com"]?["token"]?.stringValue == Self.token.exposedValue)
        #expect(json?["credentials"]?["other.example.com"]?["token"]?.stringValue == "FAKE-other-token")
    }

    @Test("a renewal replaces the host's token only while it is the one in use: one stored meanwhile by another program is kept, and nothing is rescued to disk")
    func renewalReplacesOnlyTheTokenInUse() throws {
        let (home, environment) = try Self.places()
        let old = SecretString("FAKE-old-token.atlasv1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        let meanwhile = SecretString("FAKE-meanwhile-token.atlasv1.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
        try CredentialsFile.store(old, host: "tfe.example.com", home: home)
        // Replaced while it holds the token in use.
        var slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, replacing: old)
        #expect(slot.store(Self.token) == .stored(path: CredentialsFile.path(home: home)))
        #expect(Self.fileText(CredentialsFile.path(home: home)).contains(Self.token.exposedValue))
        // Another program stores its own token between the room and the store: kept.
        try CredentialsFile.store(old, host: "tfe.example.com", home: home, replacingDifferent: true)
        slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, replacing: old)
        try CredentialsFile.store(meanwhile, host: "tfe.example.com", home: home, replacingDifferent: true)
        guard case .lost = slot.store(Self.token) else { Issue.record("replaced a token that was not the one in use"); return }
        #expect(Self.fileText(CredentialsFile.path(home: home)).contains(meanwhile.exposedValue))
        let rescued = (try? FileManager.default.contentsOfDirectory(atPath: environment["XDG_STATE_HOME"]! + "/tfe-setup")) ?? []
        #expect(rescued.isEmpty, "a renewal keeps no copy elsewhere: \(rescued)")
        #expect(try Self.leftovers(home).isEmpty)
    }
}

/// A switch a fault reads, turned on after the room is made.
final class Armed: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var on: Bool {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }

}
