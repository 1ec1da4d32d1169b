import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// What a new admin reads at the documented sizes: each screen's purpose, the header that keeps
/// the server and the organization, the relay's fields while it is off, choosing by letter, the
/// Token TTLs note, the Review by page, F1 everywhere, and quitting from the Result.
@Suite("Terminal: the screens at 80x24 and 60x16")
struct NewAdminScreensTests {
    typealias W = TerminalWizardTests

    static let sizes = [(80, 24), (60, 16)]

    /// The footer row (the last one on the screen).
    static func footer(_ t: TmuxSession) -> String { t.capture().split(separator: "\n").last.map(String.init) ?? "" }

    @Test("each screen says what it is for, the header keeps server and organization, a letter picks a choice, the TTL note and the Review's first line in view, PgDn/End/Home page the Review, F1 on the Review, the save question in view",
          arguments: sizes)
    func screens(size: (Int, Int)) async throws {
        try await W.session(width: size.0, height: size.1) { t, server, _ in
            let host = String(server.address.dropFirst("http://".count))
            #expect(t.waitFor("› Enabled:"))
            var screen = t.capture()
            let header = screen.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.contains(host) && header.contains("my-org"), "the header keeps the server and the organization: \(header)")
            #expect(screen.contains("Outgoing email for the whole site. Site admins; TFE only."), "\(screen)")
            // Off, the relay's fields are there (dimmed), so the admin sees what turning it on asks.
            #expect(screen.contains("Host:") && screen.contains("Sender:"), "\(screen)")
            #expect(Self.footer(t).contains("F1 help"))
            t.keys("Enter")
            #expect(t.waitFor("Where new workspaces run. Owners; TFE and HCP."), "\(t.capture())")
            // A letter picks the next option that starts with it.
            t.type("a")
            #expect(t.waitFor("◂ agent ▸"), "\(t.capture())")
            t.keys("Tab"); t.type("p")
            #expect(t.waitFor("primary (apool-abc123"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("How long API tokens may live."), "\(t.capture())")
            #expect(Self.footer(t).contains("Ctrl-R all 2y"), "Ctrl-R is in the footer: \(Self.footer(t))")
            t.keys("Space", "Tab", "C-u"); t.type("1y")
            t.keys("Tab", "C-u"); t.type("90d")
            t.keys("Tab", "C-u"); t.type("30d")
            #expect(t.waitFor("new 30d"), "\(t.capture())")
            #expect(t.waitFor("known token"), "the screen's note stays in view: \(t.capture())")
            screen = t.capture()
            #expect(!screen.contains(" ms"), "no milliseconds on screen: \(screen)")
            #expect(screen.contains("new 30d"), "\(screen)")
            t.keys("Tab", "C-u"); t.type("2y")
            t.keys("Enter")
            // The Review's first line, whole (wrapped, not cut).
            #expect(t.waitFor("These changes will be applied on"), "\(t.capture())")
            #expect(t.captureUnwrapped().split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("organization my-org:"), "\(t.capture())")
            // By page: PgDn leaves the top, End shows the last line, Home the first again.
            t.keys("NPage")
            #expect(t.waitFor("▲ more"), "\(t.capture())")
            #expect(!t.capture().contains("These changes will be applied on"))
            t.keys("End")
            #expect(t.waitFor("are rejected too."), "the Review's last line: \(t.capture())")
            t.keys("Home")
            #expect(t.waitFor("These changes will be applied on"), "\(t.capture())")
            t.keys("F1")
            #expect(t.waitFor("Help: Review"), "\(t.capture())")
            t.keys("x")
            #expect(t.waitFor("These changes will be applied on"), "any key closes the help: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."), "\(t.capture())")
            t.keys("Enter")
            // The question stays in view under a long result.
            #expect(t.waitFor("Save these answers to tfe-setup-answers.json? [y/N]"), "\(t.capture())")
            t.keys("n")
            #expect(t.waitFor("EXIT=0"), "\(t.capture())")
        }
    }

    @Test("Ctrl-C on the Result quits at once (nothing is unapplied): no question, exit 0", arguments: sizes)
    func quitFromResult(size: (Int, Int)) async throws {
        try await W.session(extra: "--screens execution_defaults", width: size.0, height: size.1) { t, _, _ in
            #expect(t.waitFor("› Mode:"))
            t.type("l")
            #expect(t.waitFor("◂ local ▸"))
            t.keys("Enter")
            #expect(t.waitFor("Apply sends 1 request"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("All changes applied."), "\(t.capture())")
            t.keys("C-c")
            #expect(t.waitFor("EXIT=0"), "\(t.capture())")
            #expect(!t.captureUnwrapped().contains("Quit without applying"), "\(t.capture())")
        }
    }

    @Test("F1 on the first install's screens: what the step is for, and its keys", arguments: sizes)
    func firstInstallHelp(size: (Int, Int)) async throws {
        try await FirstInstallWizardTests.fresh { server, dir in
            let t = try FirstInstallWizardTests.wizard(server, dir, width: size.0, height: size.1)
            #expect(t.waitFor("› Username:"), "\(t.capture())")
            #expect(Self.footer(t).contains("F1 help"), "\(Self.footer(t))")
            t.keys("F1")
            #expect(t.waitFor("Help: Admin"), "\(t.capture())")
            #expect(t.captureUnwrapped().contains("The first admin: a site admin of this installation"), "\(t.capture())")
            t.keys("x")
            #expect(t.waitFor("› Username:"), "any key closes the help: \(t.capture())")
            #expect(!t.capture().contains("Help: Admin"))
            t.kill()
        }
    }
}
}
