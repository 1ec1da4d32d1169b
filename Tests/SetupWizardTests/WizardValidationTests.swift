import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// Each rule's message under the right field, blocking the screen; the pool choice; read-only paths.
@Suite("Wizard validation and paths")
struct WizardValidationTests {
    /// Opens SMTP, enables it, fills valid values, focuses Host.
    static func validSMTP(_ h: WizardHarness) async {
        #expect(await h.until { $0.on(.smtp) })
        await h.press(.char(" "), .tab); await h.type("smtp.example.com")
        await h.press(.tab); await h.replace("587")
        await h.press(.tab); await h.type("noreply@example.com")
        await h.press(.backTab, .backTab)  // back to Host
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var field: FieldID
        var tabs: Int
        var value: String
        var message: String
        var testDescription: String { "\(field.label) = \(value)" }
    }

    static let badSMTP: [Bad] = [
        Bad(field: .smtpHost, tabs: 0, value: "smtp://relay", message: "Host must not include a scheme"),
        Bad(field: .smtpHost, tabs: 0, value: "relay:25", message: "Host must not include a port"),
        Bad(field: .smtpHost, tabs: 0, value: "", message: "Host is required when the SMTP relay is enabled"),
        Bad(field: .smtpPort, tabs: 1, value: "0", message: "Port must be a whole number from 1 to 65535"),
        Bad(field: .smtpPort, tabs: 1, value: "smtp", message: "Port must be a whole number from 1 to 65535"),
        Bad(field: .smtpSender, tabs: 2, value: "noreply", message: "Sender must be an email address with exactly one @"),
        Bad(field: .smtpSender, tabs: 2, value: "no reply@example.com", message: "Sender must not contain spaces"),
        Bad(field: .smtpTestEmail, tabs: 4, value: "ops", message: "Test email address must be an email address"),
    ]

    @Test("SMTP rules: the message under the field, the screen blocked, nothing sent", arguments: badSMTP)
    func smtpRule(_ bad: Bad) async throws {
        try await WizardHarness.with { h in
            await Self.validSMTP(h)
            await h.press(.tab, times: bad.tabs)
            #expect(await h.state.focus == bad.field)
            await h.replace(bad.value)
            await h.press(.tab)                                   // leaving the field validates it
            #expect(await h.state.errors[bad.field]?.contains(bad.message) == true)
            let text = await h.screenText()
            let lines = text.split(separator: "\n").map(String.init)
            let row = try #require(lines.firstIndex { $0.contains(bad.field.label + ":") })
            #expect(lines[row + 1].contains(bad.message), "the message is on the line under the field")
            await h.leaveScreen()
            #expect(await h.state.on(.smtp))
            #expect(await h.state.focus == bad.field, "focus moves to the first invalid field")
            #expect(await h.fixture.requests().allSatisfy { $0.method == "GET" })
        }
    }

    @Test("login needs a username and, with nothing stored, a password") func credentials() async throws {
        try await WizardHarness.with { h in
            await Self.validSMTP(h)
            await h.press(.tab, .tab, .tab, .right, .right)      // Auth: login
            #expect(await h.state.visibleFields(.smtp).contains(.smtpPassword))
            await h.leaveScreen()
            let errors = await h.state.errors
            #expect(errors[.smtpUsername]?.contains("Username is required when Auth is login") == true)
            #expect(errors[.smtpPassword]?.contains("Password is required when Auth changes from none") == true)
            #expect(await h.state.focus == .smtpUsername)
            await h.press(.right, .right)                        // focus is on Username: ←/→ move the cursor, no change
            #expect(await h.state.form.smtpAuth == .login)
        }
    }

    @Test("a TTL of 0d shows its message and blocks; a lowered TTL warns") func ttl() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.enter, .enter)
            #expect(await h.state.on(.tokenTTL))
            await h.press(.tab, .tab); await h.replace("0d")
            await h.press(.tab)
            #expect(await h.state.errors[.ttl(.team)] == "Team must be greater than zero.")
            await h.press(.backTab); await h.replace("90d")
            let text = await h.screenText()
            #expect(text.contains("now 2y (default) · new 90d"))
            #expect(!text.contains(" ms"), "no milliseconds on screen")
            // Enforcement is off: one note, not the same sentence under each lowered field.
            #expect(text.contains("Enforcement is off: these caps reject no token. Turned on, they reject at once every token"), "HashiCorp's word, not the seed's: \(text)")
            #expect(!text.contains("Lower than now"), "\(text)")
            let small = await h.screenText(60, 16)
            #expect(small.contains("possibly the one in use.") && !small.contains("▼ more"), "the whole note in view at 60x16: \(small)")
            #expect(!text.contains("keep their expiry"), "the seed's claim is not repeated")
            await h.press(.tab)
            #expect(await h.state.errors[.ttl(.team)] == nil)
            await h.replace("soon")
            await h.leaveScreen()
            #expect(await h.state.on(.tokenTTL))
            #expect(await h.state.errors[.ttl(.user)] == "User needs a number before the unit, e.g. 90d.")
            await h.press(.ctrlR)
            #expect(await h.state.form.ttlText == [.organization: "730.485d", .team: "730.485d", .user: "730.485d", .auditTrails: "730.485d"])
            await h.leaveScreen()
            #expect(await h.state.phase == .review)
            // The reset puts back what an untouched policy reports: no change to show for it.
            #expect(!(await h.screenText().contains("Token TTLs · Audit trails")))
        }
    }

    @Test("the pool choice appears only for agent; agent without a pool is refused; Other… takes an id") func pool() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.enter)
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode])
            await h.press(.right)
            #expect(await h.state.form.mode == .local)
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode])
            await h.press(.right)
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode, .pool])
            let text = await h.screenText()
            #expect(text.contains("(choose a pool)"))
            await h.press(.enter, .enter)
            #expect(await h.state.on(.executionDefaults))
            #expect(await h.state.errors[.pool]?.contains("Agent mode needs an agent pool") == true)
            await h.press(.right)
            #expect(await h.screenText().contains("primary (apool-abc123, 3 agents)"))
            await h.press(.right, .right)
            #expect(await h.screenText().contains("spare (apool-empty9, 0 agents)"))
            await h.press(.right)
            #expect(await h.state.form.pool == .create, "New pool… comes after the organization's pools")
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode, .pool, .poolNew])
            await h.press(.right)
            #expect(await h.state.form.pool == .other)
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode, .pool, .poolOther])
            await h.press(.tab); await h.type("pool-1")
            await h.press(.enter)
            #expect(await h.state.errors[.poolOther]?.contains("apool-") == true)
            // A well-formed id the organization does not have is refused on the screen, naming its pools.
            await h.replace("apool-zzz999")
            await h.press(.enter)
            #expect(await h.state.on(.executionDefaults))
            #expect(await h.state.focus == .poolOther)
            let refused = await h.screenText()
            #expect(refused.contains("my-org has no agent pool apool-zzz999; its pools: primary (apool-abc123)"), "\(refused)")
            await h.replace("apool-def456")
            await h.press(.enter)
            #expect(await h.state.on(.tokenTTL))
            await h.press(.backTab)                              // wraps to the last field
            await h.press(.escape)
            await h.press(.backTab, .backTab, .left)            // Mode: agent → local hides the pool
            #expect(await h.state.visibleFields(.executionDefaults) == [.mode])
        }
    }

    @Test("HCP: no SMTP screen, one line says why") func hcp() async throws {
        try await WizardHarness.with(options: SandboxOptions(rateLimit: 0, hcp: true)) { h in
            #expect(await h.until { $0.on(.executionDefaults) })
            #expect(await h.state.screens == [.executionDefaults, .tokenTTL])
            let text = await h.screenText()
            #expect(text.contains("my-org · HCP Terraform"))
            #expect(text.contains("SMTP relay not shown: HCP Terraform has no admin API"))
        }
    }

    @Test("not a site admin: no SMTP screen; the organization screens editable for an owner") func owner() async throws {
        try await WizardHarness.with(role: .owner) { h in
            #expect(await h.until { $0.on(.executionDefaults) })
            #expect(await h.screenText().contains("SMTP relay not shown: the token is not a site admin"))
            await h.press(.right)
            #expect(await h.state.form.mode == .local)
        }
    }

    @Test("read-only without update rights: the reason shown, typing changes nothing, nothing to apply") func member() async throws {
        try await WizardHarness.with(role: .member) { h in
            #expect(await h.until { $0.on(.executionDefaults) })
            let text = await h.screenText()
            #expect(text.contains("Read-only: this token cannot change my-org"))
            await h.press(.right)
            #expect(await h.state.form.mode == .remote)
            #expect(await h.state.notice?.hasPrefix("Read-only") == true)
            await h.press(.enter)
            #expect(await h.state.on(.tokenTTL))
            #expect(await h.screenText().contains("cannot read the token TTL policies (403)"))
            #expect(await h.state.visibleFields(.tokenTTL) == [.ttlEnabled])
            await h.press(.enter)
            #expect(await h.state.phase == .review)
            #expect(await h.screenText().contains("Nothing to change."))
        }
    }

    @Test("--screens shows only the named screens") func screens() async throws {
        try await WizardHarness.with(sections: [.tokenTTL]) { h in
            #expect(await h.until { $0.on(.tokenTTL) })
            #expect(await h.state.screens == [.tokenTTL])
        }
    }
}
