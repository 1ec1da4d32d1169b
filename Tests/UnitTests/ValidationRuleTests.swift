import Testing
@testable import TFEClient

/// Every rule of product.md's validation table, accepted and rejected values.
@Suite("Validation rules")
struct ValidationRuleTests {
    @Test("hostname accepted", arguments: [
        "smtp.example.com", "localhost", "mail-relay.corp.example", "a.b", "relay.invalid", "smtp.example.com.",
        "192.168.1.10", "10.0.0.1", "::1", "2001:db8::25", "[2001:db8::25]", "::ffff:192.0.2.1",
        String(repeating: "a", count: 63) + ".example.com",
    ])
    func hostnameAccepted(_ host: String) { #expect(FieldRules.hostname(host) == nil) }

    @Test("hostname rejected", arguments: [
        "", "smtp://smtp.example.com", "smtp.example.com:587", "smtp example.com", "-bad.example.com", "bad-.example.com",
        "a..b", "under_score.example.com", "smtp.exämple.com", String(repeating: "a", count: 64) + ".example.com",
        Array(repeating: "abcdefghi", count: 26).joined(separator: "."), "1.2.3.999", "1.2.3", "2001:db8:::1", ":::",
    ])
    func hostnameRejected(_ host: String) {
        let message = FieldRules.hostname(host)
        #expect(message?.hasPrefix("Host") == true)
    }

    @Test("email accepted", arguments: ["noreply@example.com", "ops+tfe@mail.example.co", "a@b.c", "first.last@relay.invalid"])
    func emailAccepted(_ address: String) { #expect(FieldRules.emailAddress(address, label: "Sender") == nil) }

    @Test("email rejected", arguments: ["", "noreply", "@example.com", "a@", "a@@example.com", "a@b@example.com", "no reply@example.com",
                                        "a@exa mple.com", "a@-bad.com", "ü@example.com", "a@example..com"])
    func emailRejected(_ address: String) {
        #expect(FieldRules.emailAddress(address, label: "Sender")?.hasPrefix("Sender") == true)
    }

    @Test("port accepted", arguments: ["1", "25", "587", "65535", " 465 "])
    func portAccepted(_ text: String) { #expect(FieldRules.port(text) == nil) }

    @Test("port rejected", arguments: ["0", "65536", "-1", "abc", "", "25.5", "99999999999999999999"])
    func portRejected(_ text: String) { #expect(FieldRules.port(text)?.hasPrefix("Port must be") == true) }

    @Test("auth") func auth() {
        for ok in ["none", "plain", "login"] { #expect(FieldRules.auth(ok) == nil) }
        for bad in ["", "NONE", "cram-md5", "oauth"] { #expect(FieldRules.auth(bad)?.hasPrefix("Auth must be") == true) }
    }

    @Test("execution mode") func mode() {
        for ok in ["remote", "local", "agent"] { #expect(FieldRules.executionMode(ok) == nil) }
        for bad in ["", "Remote", "agents", "hybrid"] { #expect(FieldRules.executionMode(bad)?.hasPrefix("Mode must be") == true) }
    }

    @Test("agent pool id") func poolID() {
        for ok in ["apool-abc123", "apool-A1", "apool-x"] { #expect(FieldRules.agentPoolID(ok) == nil) }
        for bad in ["", "apool-", "pool-abc", "apool_abc", "apool-abc-1", "apool-ab c", "APOOL-abc"] {
            #expect(FieldRules.agentPoolID(bad)?.hasPrefix("Agent pool id") == true)
        }
    }

    @Test("organization name") func organization() {
        for ok in ["my-org", "My_Org2", "a"] { #expect(FieldRules.organizationName(ok) == nil) }
        for bad in ["", "my org", "my/org", "org.name", "ørg"] { #expect(FieldRules.organizationName(bad) != nil) }
    }

    @Test("TTL milliseconds: > 0") func milliseconds() {
        #expect(FieldRules.milliseconds(1, label: "Team") == nil)
        #expect(FieldRules.milliseconds(0, label: "Team") == "Team must be greater than zero.")
        #expect(FieldRules.milliseconds(-5, label: "Team") == "Team must be positive.")
    }
}

/// The cross-field rules, all problems at once.
@Suite("Validation across fields")
struct CrossFieldValidationTests {
    let stored = SMTPSettings(enabled: false, host: "", port: 25, sender: "", auth: .none, username: "")

    @Test("seed scenario SMTP is valid") func seedValid() {
        let update = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                        username: "smtp-bot", password: SecretString("fake-smtp-pass"), testEmailAddress: "ops@example.com")
        #expect(Validation.issues(for: update, current: stored).isEmpty)
    }

    @Test("every SMTP problem is reported at once, each with its field") func allAtOnce() {
        let update = SMTPSettingsUpdate(enabled: true, host: "smtp://x", port: 0, sender: "nobody", auth: .login, username: "", testEmailAddress: "bad")
        let fields = Validation.issues(for: update, current: stored).map(\.field)
        #expect(fields == [.smtpPort, .smtpHost, .smtpSender, .smtpUsername, .smtpPassword, .smtpTestEmail])
    }

    @Test("host and sender required when enabled") func required() {
        let issues = Validation.issues(for: SMTPSettingsUpdate(enabled: true), current: stored)
        #expect(issues.map(\.field) == [.smtpHost, .smtpSender])
        #expect(issues[0].message.contains("required when the SMTP relay is enabled"))
    }

    @Test("password needed only when auth changes from none") func password() {
        let toLogin = SMTPSettingsUpdate(auth: .login, username: "bot")
        #expect(Validation.issues(for: toLogin, current: stored).map(\.field) == [.smtpPassword])
        var withLogin = stored
        withLogin.auth = .login
        withLogin.username = "bot"
        #expect(Validation.issues(for: SMTPSettingsUpdate(host: "smtp.example.com"), current: withLogin).isEmpty)
        // Without server state the rule is skipped (answers-file pre-check).
        #expect(Validation.issues(for: toLogin, current: nil).isEmpty)
    }

    @Test("username and password not allowed with none") func notWithNone() {
        let update = SMTPSettingsUpdate(auth: SMTPAuth.none, username: "bot", password: SecretString("fake-pass"))
        #expect(Validation.issues(for: update, current: stored).map(\.field) == [.smtpUsername, .smtpPassword])
    }

    @Test("test email only when enabled") func testEmail() {
        let update = SMTPSettingsUpdate(testEmailAddress: "ops@example.com")
        let issues = Validation.issues(for: update, current: stored)
        #expect(issues.map(\.field) == [.smtpTestEmail])
        #expect(issues[0].message.contains("only when the SMTP relay is enabled"))
    }

    let org = Organization(name: "my-org", defaultExecutionMode: .remote, defaultAgentPoolID: nil, canUpdate: true)

    @Test("pool only with agent; agent needs a pool") func pool() {
        #expect(Validation.issues(for: .init(mode: .agent, agentPool: .set("apool-abc123")), current: org).isEmpty)
        #expect(Validation.issues(for: .init(mode: .remote, agentPool: .set("apool-abc123")), current: org).map(\.field) == [.agentPool])
        #expect(Validation.issues(for: .init(agentPool: .set("apool-abc123")), current: org).map(\.field) == [.agentPool])
        #expect(Validation.issues(for: .init(mode: .agent), current: org).first?.message.contains("needs an agent pool") == true)
        #expect(Validation.issues(for: .init(mode: .agent, agentPool: .clear), current: nil).map(\.field) == [.agentPool])
        #expect(Validation.issues(for: .init(mode: .agent, agentPool: .set("nope")), current: org).first?.message.contains("apool-") == true)
        var agentOrg = org
        agentOrg.defaultExecutionMode = .agent
        agentOrg.defaultAgentPoolID = "apool-abc123"
        #expect(Validation.issues(for: .init(mode: .agent), current: agentOrg).isEmpty)
        #expect(Validation.issues(for: .init(mode: .local, agentPool: .clear), current: agentOrg).isEmpty)
    }

    @Test("TTL values must be positive") func ttl() {
        let issues = Validation.issues(for: TokenTTLUpdate([.team: 0, .user: -1, .organization: 5]))
        #expect(issues.map(\.field) == [.ttl(.team), .ttl(.user)])
    }

    @Test("empty updates are recognised") func empty() {
        #expect(SMTPSettingsUpdate().isEmpty)
        #expect(SMTPSettingsUpdate(password: SecretString("")).isEmpty)
        #expect(!SMTPSettingsUpdate(port: 25).isEmpty)
        #expect(OrganizationDefaultsUpdate().isEmpty)
        #expect(OrganizationDefaultsUpdate(agentPool: .clear).isEmpty)
        #expect(!OrganizationDefaultsUpdate(maxTTLEnabled: false).isEmpty)
    }
}
