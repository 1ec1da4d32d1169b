import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A log the admin asked for that cannot be written is said, and fails the run.
@Suite("--log-file on a full disk")
struct LogFileFullDiskTests {
    @Test("plan with --log-file on a full tmpfs: exit 1 and the reason, never a silently short log",
          .enabled(if: Tmpfs.problem == nil, Comment(rawValue: "not run: \(Tmpfs.problem ?? "")")))
    func logOnFullDisk() async throws {
        let mount = try Tmpfs(kilobytes: 64)
        defer { mount.unmount() }
        let log = mount.path + "/tfe-setup.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil, attributes: [.posixPermissions: 0o600])
        mount.fill(mount.path + "/filler")
        try await SandboxFixture.with { f in
            let dir = try PrivateFile.makeTemporaryDirectory(prefix: "logfull-")
            let tokenFile = dir + "/token", answers = dir + "/answers.json"
            _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(f.server.tokens.siteAdmin.utf8), attributes: [.posixPermissions: 0o600])
            _ = FileManager.default.createFile(atPath: answers, contents: Data(#"{"organization":"my-org","execution_defaults":{"mode":"remote"}}"#.utf8))
            let command = [TmuxSession.binary, "plan", "--answers", answers, "--address", f.server.address, "--token-file", tokenFile,
                           "--log-file", log, "--log-level", "debug"]
            let r = await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("the log file \(log) could not be written (No space left on device): the log is incomplete."), "\(r.output)")
        }
    }
}
