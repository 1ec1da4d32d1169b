import Foundation
import Testing
import TestSupport

/// `--help` as an admin reads it in an 80-column terminal.
@Suite("Help text")
struct HelpTextTests {
    @Test("every command's --help fits 80 columns: prose wraps, examples are continued with \\", arguments: ["", "wizard", "demo", "check", "plan", "apply", "export", "sandbox"])
    func fits80(command: String) {
        let r = Subprocess.run(["/usr/bin/env", "COLUMNS=80", TmuxSession.binary] + (command.isEmpty ? [] : [command]) + ["--help"])
        #expect(r.status == 0)
        let long = r.output.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(command): \(long)")
        #expect(r.output.contains("USAGE: tfe-setup"))
    }

    @Test("a bad --screens under demo names the problem with demo's usage, not the root's") func demoScreens() {
        let r = Subprocess.run(["/bin/sh", "-c", "\(TmuxSession.quote(TmuxSession.binary)) demo --screens smpt 2>&1"])
        #expect(r.status != 0)
        #expect(r.output.contains("Unknown screen \"smpt\""), "\(r.output)")
        #expect(r.output.contains("tfe-setup demo"), "\(r.output)")
        #expect(!r.output.contains("SUBCOMMANDS"), "\(r.output)")
    }
}
