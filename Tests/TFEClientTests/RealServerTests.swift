import Foundation
import Testing
import TestSupport
@testable import TFEClient
import TFESandbox

/// What real servers do that an ideal one does not: the client core reads what the
/// server can do, and tells a revoked token from a relay refusal.
@Suite("Client: real servers")
struct RealServerTests {
    @Test("the release, the app and the entitlements come from the same reads as before", arguments: SandboxProfile.inService)
    func capabilities(profile: SandboxProfile) async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0, profile: profile)) { f in
            let client = try f.client(.siteAdmin)
            let ping = try await client.ping()
            let org = try await client.organization("my-org")
            switch profile {
            case .tfe: #expect(ping.release == ServerRelease("2.1.0") && !ping.isHCP)
            case .tfe1: #expect(ping.release == ServerRelease("1.1.0") && ping.release?.isOlder(than: [2, 0, 1]) == true)
            case .hcp, .hcpNoAgents: #expect(ping.release == nil && ping.isHCP)
            case .fresh: Issue.record("a fresh installation has no organization to read")
            }
            #expect(org.entitlements?.agents == profile.hasAgents)
            #expect(org.maxTTLSupported == profile.reportsMaxTTLEnabled)
            #expect(await f.server.store.requestLog.count == 2, "no extra round trip for the entitlements")
        }
    }

    @Test("release numbers compare numerically; monthly names are not guessed") func releases() {
        #expect(ServerRelease("1.9.9").isOlder(than: [2, 0, 1]) == true)
        #expect(ServerRelease("2.0.1").isOlder(than: [2, 0, 1]) == false)
        #expect(ServerRelease("2.10").isOlder(than: [2, 0, 1]) == false)
        #expect(ServerRelease("v202410-1").isOlder(than: [2, 0, 1]) == nil)
    }

    @Test("a 401 on the SMTP PATCH: a revoked API token is named as such; a relay refusal stays the relay's") func smtp401() async throws {
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin)
            let current = try await client.smtpSettings()
            var refused = SMTPSettingsUpdate(enabled: true, host: "smtp.example.com", port: 587, sender: "noreply@example.com", auth: .login,
                                             username: "reject", password: SecretString("fake-relay-pw"), testEmailAddress: "ops@example.com")
            do throws(TFEError) {
                _ = try await client.updateSMTPSettings(refused, current: current)
                Issue.record("the relay should refuse username reject")
            } catch {
                guard case .smtpRelay(401, _) = error else { Issue.record("\(error)"); return }
                #expect(error.description.contains("Your API token is fine"))
            }
            refused.username = "smtp-bot"
            await f.server.store.revoke(.siteAdmin)
            do throws(TFEError) {
                _ = try await client.updateSMTPSettings(refused, current: current)
                Issue.record("a revoked token cannot write")
            } catch {
                guard case .unauthorized = error else { Issue.record("a revoked token was blamed on the relay: \(error)"); return }
                #expect(error.description.contains("stopped working"), "\(error.description)")
            }
            #expect(await f.server.store.sentEmails.isEmpty)
        }
    }
}
