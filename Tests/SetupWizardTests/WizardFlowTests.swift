import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The seed scenario typed key by key, and the main paths through the screens.
@Suite("Wizard flows")
struct WizardFlowTests {
    static let password = "fake-wizard-pw-42"

    /// Types seed-scenario.json's values through all three screens; ends on Review.
    static func typeSeedScenario(_ h: WizardHarness) async {
        #expect(await h.until { $0.on(.smtp) })
        await h.press(.char(" "))                         // Enabled: on
        await h.press(.tab); await h.type("smtp.example.com")
        await h.press(.tab); await h.replace("587")
        await h.press(.tab); await h.type("noreply@example.com")
        await h.press(.tab, .right, .right)               // Auth: none → plain → login
        await h.press(.tab); await h.type("smtp-bot")
        await h.press(.tab); await h.type(password)
        await h.press(.tab); await h.type("ops@example.com")
        await h.press(.enter)                             // last field: next screen
        #expect(await h.state.on(.executionDefaults))
        await h.press(.right, .right)                     // remote → local → agent
        await h.press(.tab, .right)                       // (choose a pool) → primary
        await h.press(.enter)
        #expect(await h.state.on(.tokenTTL))
        await h.press(.char(" "))                         // Enforce max TTL: on
        await h.press(.tab); await h.replace("1y")
        await h.press(.tab); await h.replace("90d")
        await h.press(.tab); await h.replace("30d")
        await h.press(.tab); await h.replace("2y")
        await h.press(.enter)
    }

    @Test("seed-scenario.json typed key by key: exactly three requests, the contract's bodies, all in flight at once") func seedScenario() async throws {
        try await WizardHarness.with(gate: 3) { h in
            await Self.typeSeedScenario(h)
            let review = await h.screenText()
            #expect(await h.state.phase == .review)
            #expect(review.contains("SMTP relay · Port: 25 → 587"))
            #expect(review.contains("SMTP relay · Password: (will be sent)"))
            #expect(review.contains("Token TTLs · Team: 2y (default) → 90d"))
            #expect(review.contains("Apply sends 3 requests, at the same time:"))
            #expect(!review.contains(Self.password))
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            let commands = await h.runtime.commands.filter { if case .apply = $0 { return true } else { return false } }
            #expect(commands.count == 1)
            guard case .apply(let plan, let steps)? = commands.first else { return }
            #expect(steps == [.smtp, .organization, .tokenTTL])
            #expect(plan.smtp?.password == SecretString(Self.password))

            let patches = await h.fixture.requests().filter { $0.method == "PATCH" }
            #expect(patches.count == 3)
            let byPath = Dictionary(uniqueKeysWithValues: patches.map { ($0.path, $0.body) })
            #expect(byPath["/api/v2/admin/smtp-settings"] == JSONValue.parse(Data(#"{"data":{"type":"smtp-settings","attributes":{"enabled":true,"host":"smtp.example.com","port":587,"sender":"noreply@example.com","auth":"login","username":"smtp-bot","password":"<redacted>","test-email-address":"ops@example.com"}}}"#.utf8)))
            #expect(byPath["/api/v2/organizations/my-org"] == JSONValue.parse(Data(#"{"data":{"type":"organizations","attributes":{"default-execution-mode":"agent","max-ttl-enabled":true},"relationships":{"default-agent-pool":{"data":{"type":"agent-pools","id":"apool-abc123"}}}}}"#.utf8)))
            #expect(byPath["/api/v2/organizations/my-org/token-ttl-policies"] == JSONValue.parse(Data(#"{"data":{"type":"organization-token-ttl-policies","attributes":{"token-ttl-policies":[{"token-type":"organization","max-ttl-ms":31536000000},{"token-type":"team","max-ttl-ms":7776000000},{"token-type":"user","max-ttl-ms":2592000000},{"token-type":"audit_trails","max-ttl-ms":63072000000}]}}}"#.utf8)))
            // All three were in flight before any completed: the gate let none through until it held three.
            #expect(h.gate?.maxInFlight == 3)

            let state = await h.fixture.server.store.state
            #expect(state.smtp == SandboxState.SMTP.seedScenario)
            #expect(state.organizations["my-org"]?.defaultAgentPoolID == "apool-abc123")
            #expect(state.organizations["my-org"]?.tokenTTLMs == ["organization": 31_536_000_000, "team": 7_776_000_000, "user": 2_592_000_000, "audit_trails": 63_072_000_000])
            #expect(await h.fixture.server.store.sentEmails.map(\.to) == ["ops@example.com"])
            let result = await h.screenText()
            #expect(result.contains("✓ SMTP settings"))
            #expect(result.contains("✓ Token TTL policies"))
            #expect(!FileManager.default.fileExists(atPath: h.draftStore.path), "the draft is deleted after a successful apply")

            await h.press(.enter)                          // finish → save offer
            #expect(await h.screenText().contains("Save these answers to tfe-setup-answers.json? [y/N]"))
            await h.press(.char("y"))
            #expect(await h.until { $0.phase == .finished(exitCode: 0, message: "All 3 change requests succeeded. Answers saved to \(h.directory)/tfe-setup-answers.json (no password in it); to apply them again: tfe-setup apply --answers \(h.directory)/tfe-setup-answers.json") })
            let answers = try String(contentsOfFile: h.directory + "/tfe-setup-answers.json", encoding: .utf8)
            #expect(!answers.contains(Self.password))
            #expect(answers.contains("\"password_env\": \"SMTP_PASSWORD\""))
            #expect(answers.contains("\"team\": \"90d\""))
        }
    }

    @Test("back and forth keeps every value; Esc on the first screen does nothing") func backAndForth() async throws {
        try await WizardHarness.with { h in
            await Self.typeSeedScenario(h)
            let before = await h.state.form
            await h.press(.escape)
            #expect(await h.state.on(.tokenTTL))
            await h.press(.escape, .escape)
            #expect(await h.state.on(.smtp))
            await h.press(.escape)
            #expect(await h.state.on(.smtp))
            #expect(await h.state.form == before)
            await h.press(.enter)  // Esc came back to the last field: Enter leaves the screen
            #expect(await h.state.on(.executionDefaults))
            #expect(await h.state.form == before)
        }
    }

    @Test("Nothing to change.") func nothingToChange() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.enter)                        // SMTP: only Enabled (off)
            await h.press(.enter)                        // Execution defaults: only Mode (remote)
            await h.press(.enter, times: 5)              // Token TTLs: the switch and four durations
            #expect(await h.state.phase == .review)
            #expect(await h.screenText().contains("Nothing to change."))
            await h.press(.enter)
            #expect(await h.state.phase == .savePrompt)
            await h.press(.enter)
            #expect(await h.until { $0.phase == .finished(exitCode: 0, message: "Nothing changed.") })
            #expect(await h.fixture.requests().allSatisfy { $0.method == "GET" })
        }
    }
}

extension SandboxState.SMTP {
    static var seedScenario: SandboxState.SMTP {
        var s = SandboxState.SMTP()
        s.enabled = true
        s.host = "smtp.example.com"
        s.port = 587
        s.sender = "noreply@example.com"
        s.auth = "login"
        s.username = "smtp-bot"
        s.passwordSet = true
        return s
    }
}
