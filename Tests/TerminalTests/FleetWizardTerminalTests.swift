import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

extension TerminalSuite {
/// Several organizations in the wizard, in a real terminal against a sandbox fleet at its default
/// 30 requests/s: choose them with the filter, set the baseline, review, apply with the
/// progress bar in view, check again, finish — and the sandbox holds the baseline.
@Suite("Many organizations in the wizard")
struct FleetWizardTerminalTests {
    typealias W = TerminalSuite.TerminalWizardTests

    @Test("filter and mark 60 organizations, baseline, review, apply with the bar, check again, finish")
    func fleetInTmux() async throws {
        var options = SandboxOptions(rateLimit: 30)
        options.fleet = 60
        try await W.session(options: options, extra: "--organizations 'fleet-01*'", width: 100, height: 30) { t, server, _ in
            let before = await server.store.state
            #expect(t.waitFor("10 marked"), "--organizations marks its matches: \(t.capture())")
            t.keys("n")
            #expect(t.waitFor("No organization marked"))
            t.keys("/"); t.type("fleet-0")
            #expect(t.waitFor("Filter: fleet-0  60 of 62 match"), "\(t.capture())")
            t.keys("Enter", "a")
            #expect(t.waitFor("Marked 60 organizations matching \"fleet-0\": 60 in all."))
            t.keys("Enter")
            #expect(t.waitFor("One baseline for 60 organizations."), "\(t.capture())")
            // A site admin's baseline starts with the one site-wide SMTP screen: left as it is.
            #expect(t.waitFor("The SMTP relay is site-wide: it is sent once, not per organization."))
            t.keys("Enter")
            #expect(t.waitFor("› Mode:"), "\(t.capture())")
            #expect(t.capture().contains("now: remote 54 · agent 6"))
            t.keys("Right", "Right", "Right", "Tab"); t.type("primary")
            t.keys("Enter")
            #expect(t.waitFor("› Enforce max TTL:     [-] keep"))
            t.keys("Space", "Tab", "Tab"); t.type("90d")
            t.keys("Tab"); t.type("30d")
            t.keys("Enter", "Enter")
            // The 12 without the pool or without agents still take the switch and the TTLs.
            #expect(t.waitFor("60 organizations: 42 to change, 0 already comply, 18 cannot reach the baseline"), "\(t.capture())")
            let review = t.capture()
            #expect(review.contains("Mode: → agent in 36 organizations, already agent in 6"))
            #expect(review.contains("it has no agent pool named primary (mode and pool not sent) (6): fleet-002, fleet-012,"), "by reason: \(review)")
            #expect(review.contains("it has no agents entitlement (mode and pool not sent) (6): fleet-003, fleet-013,"), "\(review)")
            #expect(review.contains("this token cannot change it (only the owners team can) (6): fleet-004,"))
            t.keys("Enter")
            // At 28 requests/s the 78 writes (and the 84 reads before them) take about 3 s each: the bar with its rate is seen on the way.
            #expect(t.waitFor("requests/s · about"), "the progress bar: \(t.capture())")
            #expect(t.capture().contains("Applying the baseline to 54 organizations"))
            #expect(t.waitFor("60 organizations: 42 changed, 18 cannot reach the baseline."), "\(t.capture())")
            #expect(t.capture().contains("✓ fleet-001") && t.capture().contains("✓ fleet-005"), "\(t.capture())")
            t.keys("Escape")
            #expect(t.waitFor("60 organizations: 0 to change, 42 already comply, 18 cannot reach the baseline"), "checked again: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("EXIT=0"))
            #expect(t.captureUnwrapped().contains("60 organizations: 0 changed, 42 already comply, 18 cannot reach the baseline."), "after the check again, the run ends saying what it changed and what it could not: \(t.capture())")
            let after = await server.store.state
            #expect(after.smtp == before.smtp, "the relay was left as it was: nothing sent")
            for (name, org) in after.organizations where name.hasPrefix("fleet-") {
                if name.hasSuffix("4") {
                    #expect(org == before.organizations[name], "\(name) untouched: the token cannot change it")
                } else {
                    #expect(FleetCommandTests.gotWhatItCan(org), "\(name): \(org)")
                }
            }
            let tooMany = await server.store.requestLog.filter { $0.status == 429 }
            #expect(tooMany.isEmpty, "paced under the limit: no 429")
        }
    }

    @Test("demo --organizations 5 starts at the organization list of its sandbox fleet; Ctrl-C ends it with nothing changed")
    func demoFleet() async throws {
        let t = try TmuxSession(TmuxSession.quote(TmuxSession.binary) + " demo --organizations 5",
                                environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "HOME": NSTemporaryDirectory()])
        defer { t.kill() }
        #expect(t.waitFor("Choose the organizations to set up (7 this token sees):"), "\(t.capture())")
        #expect(t.capture().contains("[ ] fleet-005"), "a site admin sees the organization nobody belongs to")
        t.keys("C-c")
        #expect(t.waitFor("EXIT=0"))
        #expect(t.capture().contains("What changed on the sandbox:\n  nothing"))
    }

    @Test("--organizations with --plain: a clear refusal that names plan/apply, nothing sent")
    func plainRefuses() async throws {
        try await W.session(extra: "--organizations 'fleet-*' --plain") { t, server, _ in
            #expect(t.waitFor("EXIT=1"), "\(t.capture())")
            #expect(t.capture().contains("--organizations needs the full-screen wizard"))
            #expect(await server.store.requestLog.isEmpty, "refused before any request")
        }
    }
}
}
