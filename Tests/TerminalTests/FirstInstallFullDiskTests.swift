import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The first install on a full disk, as a process: the IACT is not spent when the token would
/// have nowhere to go.
@Suite("First install on a full disk")
struct FirstInstallFullDiskTests {
    /// Why no tmpfs can be mounted here, or nil.
    static let tmpfsProblem: String? = {
        guard geteuid() == 0 else { return "mounting a tmpfs needs root" }
        let dir = NSTemporaryDirectory() + "probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { rmdir(dir) }
        let r = Subprocess.run(["/bin/sh", "-c", "mount -t tmpfs -o size=16k tmpfs \(dir) 2>&1 && umount \(dir)"])
        return r.status == 0 ? nil : "mount -t tmpfs failed: \(r.output)"
    }()

    @Test("HOME on a full tmpfs: apply creates nothing and says why (the old read-only check passed, then lost the token)",
          .enabled(if: tmpfsProblem == nil, Comment(rawValue: "not run: \(tmpfsProblem ?? "")")))
    func fullDisk() async throws {
        try await FirstInstallCommandTests.fresh { server, base in
            let home = base + "/home"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            #expect(Subprocess.run(["/bin/sh", "-c", "mount -t tmpfs -o size=64k tmpfs \(home)"]).status == 0)
            defer { _ = Subprocess.run(["umount", "-l", home]) }
            let answers = FirstInstallCommandTests.write(base, "answers.json", FirstInstallCommandTests.answers)
            _ = Subprocess.run(["/bin/sh", "-c", "cat /dev/zero > \(home)/filler 2>/dev/null; true"])
            let r = await FirstInstallCommandTests.run(server, home: home, ["apply", "--answers", answers, "--auto-approve", "--smtp-relay", "smtp.example.com"],
                                                       env: FirstInstallCommandTests.secrets.merging(["XDG_STATE_HOME": base + "/state"]) { $1 })
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("nothing created: the new admin's token could not be stored") && r.output.contains("No space left on device"), "\(r.output)")
            #expect(await server.store.firstInstall?.admin == nil, "the IACT not spent")
        }
    }
}
