import Foundation
import Testing
import TestSupport

/// `--help` as an admin reads it in an 80-column terminal.
@Suite("Help text")
struct HelpTextTests {
    @Test("every command's --help fits 80 columns (prose wraps, examples are continued with \\) and is ASCII, so the man page loses nothing", arguments: ["", "wizard", "demo", "check", "plan", "apply", "export", "sandbox"])
    func fits80(command: String) {
        let r = Subprocess.run(["/usr/bin/env", "COLUMNS=80", TmuxSession.binary] + (command.isEmpty ? [] : [command]) + ["--help"])
        #expect(r.status == 0)
        let long = r.output.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(command): \(long)")
        #expect(r.output.contains("USAGE: tfe-setup"))
        // The man page is generated from the same texts, and generate-manual drops every
        // character outside ASCII (arrows, "…", "—"): "Tab/↓ next field" became "Tab/ next field".
        let nonASCII = r.output.split(separator: "\n").filter { $0.unicodeScalars.contains { !$0.isASCII } }
        #expect(nonASCII.isEmpty, "\(command): \(nonASCII)")
    }

    @Test("a bad --screens under demo names the problem with demo's usage, not the root's") func demoScreens() {
        let r = Subprocess.run(["/bin/sh", "-c", "\(TmuxSession.quote(TmuxSession.binary)) demo --screens smpt 2>&1"])
        #expect(r.status != 0)
        #expect(r.output.contains("Unknown screen \"smpt\""), "\(r.output)")
        #expect(r.output.contains("tfe-setup demo"), "\(r.output)")
        #expect(!r.output.contains("SUBCOMMANDS"), "\(r.output)")
    }
}
