import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// The field table: every field described once, and what reads it.
@Suite("Field table")
struct FieldSpecTests {
    static let every: [FieldID] = [.smtpEnabled, .smtpHost, .smtpPort, .smtpSender, .smtpAuth, .smtpUsername, .smtpPassword, .smtpTestEmail,
                                   .mode, .pool, .poolOther, .poolNew, .poolName, .ttlEnabled] + TokenType.known.map(FieldID.ttl)

    @Test("one entry per field, each key found again, draft keys unique") func complete() {
        #expect(FieldSpec.all.map(\.id) == Self.every)
        #expect(Set(FieldSpec.all.map(\.draftKey)).count == FieldSpec.all.count)
        for id in Self.every where id != .poolOther && id != .poolName { #expect(FieldID(key: id.key) == id, "\(id)") }
        #expect(FieldID(key: .agentPool) == .pool, "a 422 on the pool jumps to the choice, not the typed id")
        #expect(Self.every.allSatisfy { !$0.help.isEmpty })
    }

    @Test("text fields read and write through the table; a typed TTL counts as touched") func text() {
        var form = WizardForm()
        for id in Self.every where id.takesText {
            form.setText(id, "v-\(id)")
            #expect(form.text(id) == "v-\(id)")
        }
        #expect(form.smtpPassword.exposedValue == "v-\(FieldID.smtpPassword)")
        #expect(form.ttlTouched == Set(TokenType.known))
        form.setText(.smtpEnabled, "ignored")
        #expect(form.text(.smtpEnabled) == "" && !form.smtpEnabled, "a toggle has no text")
    }

    @Test("a draft keeps every field but the password, and gives the same form back") func draftRoundTrip() {
        var form = WizardForm()
        form.smtpEnabled = true
        form.smtpHost = "smtp.example.com"
        form.smtpPort = "587"
        form.smtpAuth = .login
        form.smtpUsername = "smtp-bot"
        form.smtpPassword = SecretString("fake-draft-pw")
        form.mode = .agent
        form.pool = .other
        form.poolOther = "apool-typed1"
        form.ttlEnabled = true
        form.setText(.ttl(.team), "90d")
        let draft = Draft(address: "https://tfe.example.com", organization: "my-org", form: form)
        #expect(!draft.values.values.contains("fake-draft-pw"))
        #expect(draft.values["execution_defaults.agent_pool_other"] == "apool-typed1" && draft.values["execution_defaults.agent_pool_id"] == "other")
        var expected = form
        expected.smtpPassword = SecretString("")
        #expect(draft.applied(to: WizardForm()) == expected)
    }

    @Test("toggles and choices go through their own entry: a toggle flips only its own value") func togglesAndChoices() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-org", sections: Section.allCases, ascii: false))
        for id in Self.every where id.kind == .toggle {
            let before = state.form
            Wizard.edit(&state, id, .char(" "))
            var expected = before
            expected[keyPath: FieldSpec.of(id).flag!].toggle()
            #expect(state.form == expected, "\(id) changed only itself")
        }
        #expect(FieldSpec.of(.smtpAuth).setChoice("login", in: &state) && state.form.smtpAuth == .login)
        #expect(!FieldSpec.of(.smtpAuth).setChoice("cram-md5", in: &state) && state.form.smtpAuth == .login, "not an option: nothing changes")
        Wizard.edit(&state, .smtpAuth, .right)
        #expect(state.form.smtpAuth == .none, "login → none, in the order listed")
        #expect(FieldSpec.of(.mode).options?(state) == ["remote", "local", "agent"])
    }
}
