import Foundation
import Testing
import TFEClient

/// Runs sharing one home: the credentials file is read, changed and written under its lock, so
/// no run writes over a host another stored meanwhile.
@Suite("Credentials file: updated under its lock")
struct CredentialsLockTests {
    @Test("many runs storing different hosts at once: every host's token is kept") func concurrentStores() throws {
        for _ in 0..<4 {
            let home = try PrivateFile.makeTemporaryDirectory(prefix: "lockrace-")
            let hosts = (0..<12).map { "tfe\($0).example.com" }
            let failures = FailureList()
            DispatchQueue.concurrentPerform(iterations: hosts.count) { i in
                do { try CredentialsFile.store(SecretString("FAKE-token-\(i)"), host: hosts[i], home: home) } catch {
                    failures.add("\(error)")
                }
            }
            #expect(failures.items.isEmpty, "\(failures.items)")
            let json = JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: CredentialsFile.path(home: home))))
            for (i, host) in hosts.enumerated() {
                #expect(json?["credentials"]?[host]?["token"]?.stringValue == "FAKE-token-\(i)", "\(host) lost")
            }
        }
    }

    @Test("another run holding the lock past the wait: not written, the holder named; a slot rescues the token") func heldElsewhere() throws {
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "lockheld-")
        let environment = ["XDG_STATE_HOME": try PrivateFile.makeTemporaryDirectory(prefix: "lockheld-state-")]
        let slot = try CredentialsSlot.prepare(host: "tfe.example.com", home: home, environment: environment, lockWait: 0.2)
        let holder = FileLock.Holder(pid: 4242, command: "tfe-setup apply", since: Date())
        let lock = try FileLock.tryAcquire(CredentialsFile.path(home: home) + ".lock", holder: holder)
        defer { lock.release() }
        do {
            try CredentialsFile.store(SecretString("FAKE-token"), host: "other.example.com", home: home, lockWait: 0.2)
            Issue.record("written while another run held the lock")
        } catch {
            #expect(error.description.contains("locked by process 4242 (tfe-setup apply)"), "\(error.description)")
        }
        guard case .rescued(let path, let reason) = slot.store(SecretString("FAKE-admin-token")) else { Issue.record("not rescued"); return }
        #expect(reason.contains("process 4242"))
        #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains("FAKE-admin-token") == true)
        #expect(!FileManager.default.fileExists(atPath: CredentialsFile.path(home: home)))
    }
}

/// Errors collected from concurrent work.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ item: String) { lock.withLock { list.append(item) } }
    var items: [String] { lock.withLock { list } }
}
