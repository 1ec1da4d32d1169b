import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The fault matrix (docs/reliability.md) against the wizard runtime: for each fault, what the
/// admin sees, that nothing typed is lost, and that a second try finishes the job.
@Suite("Fault matrix: the wizard")
struct WizardFaultMatrixTests {
    @Test("each fault of the matrix", arguments: FaultMatrix.cases)
    func fault(_ c: FaultCase) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let statePath = dir + "/sandbox-state.json"
        var restarted: SandboxServer?
        var review = ""
        try await WizardHarness.with(options: SandboxOptions(rateLimit: 0, statePath: statePath), directory: dir, timeoutSeconds: c.timeoutSeconds, before: { f in
            switch c.kind {
            case .armed(let faults): for fault in faults { await f.server.store.arm(fault) }
            case .connectionRefused: await f.server.kill()
            case .killedMidApply: await f.server.store.arm(FaultMatrix.holdTTLPatch)
            }
        }) { h in
            let server = h.fixture.server
            /// The same sandbox again: same port, same tokens, the state it saved.
            func restart() async throws {
                restarted = try await SandboxServer.start(options: SandboxOptions(port: server.port, rateLimit: 0, statePath: statePath), tokens: server.tokens)
            }
            /// The first run sent the faulted write as often as the row says, no more.
            func checkSends() async {
                guard let sends = c.sends else { return }
                let sent = await server.store.requestLog.filter { $0.method == sends.method && $0.path == sends.path }.count
                #expect(sent == sends.count, "\(sends.method) \(sends.path) sent \(sent) times")
            }
            switch c.firstRun {
            case .startUpFails(let message):
                #expect(await h.until { if case .failed = $0.phase { return true } else { return false } })
                guard case .failed(let shown) = await h.state.phase else { return }
                #expect(shown.contains(message), "\(shown)")
                #expect(await h.screenText(200, 60).contains("r try again"))
                #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing was sent")
                if case .connectionRefused = c.kind { try await restart() }
                await h.press(.char("r"))
                await WizardFlowTests.typeSeedScenario(h)
                review = await h.screenText(200, 60)
                await h.press(.enter)
                #expect(await h.until { $0.phase == .result })
            case .completes:
                await WizardFlowTests.typeSeedScenario(h)
                review = await h.screenText(200, 60)
                await h.press(.enter)
                #expect(await h.until { $0.phase == .result })
                await checkSends()
            case .stepFails(let step, let message):
                await WizardFlowTests.typeSeedScenario(h)
                review = await h.screenText(200, 60)
                await h.press(.enter)
                if case .killedMidApply = c.kind {
                    // The SMTP and organization PATCHes finish; the TTL PATCH is held. Then the crash.
                    #expect(await h.until { s in s.steps.values.filter { if case .done = $0 { return true } else { return false } }.count == 2 })
                    await server.kill()
                }
                #expect(await h.until { $0.phase == .result })
                await checkSends()
                let text = await h.screenText(200, 60)
                #expect(text.contains("✗ \(step)"), "\(text)")
                #expect(text.contains("r retry failed"))
                let failed = Wizard.failedResults(await h.state)
                #expect(failed.map(\.step.title) == [step])
                #expect(failed.first?.message.contains(message) == true, "\(failed.first?.message ?? "")")
                // Nothing typed is lost: the draft holds it (never the password), and so does the form.
                let draft = try String(contentsOfFile: h.draftStore.path, encoding: .utf8)
                #expect(draft.contains("smtp.example.com") && draft.contains("90d"))
                #expect(!draft.contains(WizardFlowTests.password))
                if step == "SMTP settings" {
                    #expect(await h.state.form.smtpPassword == SecretString(WizardFlowTests.password), "kept in memory to retry the SMTP step")
                }
                if case .killedMidApply = c.kind { try await restart() }
                await h.press(.char("r"))
                if !failed.allSatisfy(\.isTransient) {
                    // The values were refused, not lost: r will not send them unchanged and says
                    // so; the review (Esc) is the way to send them as they are.
                    let notice = await h.state.notice ?? ""
                    #expect(notice.contains("would be refused again"), "\(notice)")
                    await h.press(.escape)
                    #expect(await h.state.phase == .review)
                    await h.press(.enter)
                }
                #expect(await h.until { $0.phase == .result && Wizard.failedResults($0).isEmpty && !$0.steps.values.contains(.running) })
            }
            #expect(await h.screenText(200, 60).contains("All changes applied."))
            #expect(Wizard.failedResults(await h.state).isEmpty)
            let final = await (restarted ?? server).store.state
            let log = await h.fixture.requests().map { "\($0.method) \($0.path) \($0.status) \($0.startMs)" }
            #expect(SeedTarget.differences(final).isEmpty, "\(SeedTarget.differences(final))\n\(review)\n\(log)")
            if let logged = c.loggedStatus {
                #expect(await server.store.requestLog.contains { $0.path == logged.path && $0.status == logged.status }, "the fault was met")
            }
            #expect(!FileManager.default.fileExists(atPath: h.draftStore.path), "all applied: the draft has served its purpose")
            await restarted?.stop()
        }
    }
}
