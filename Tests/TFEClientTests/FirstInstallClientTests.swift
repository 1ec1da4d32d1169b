import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The first-install endpoints against a fresh sandbox: readiness, the IACT, the first admin and
/// the first organization, with every refusal the docs describe.
@Suite("First install: the client against a fresh installation")
struct FirstInstallClientTests {
    static func fresh(bootDelayMs: Int = 0) -> SandboxOptions {
        var options = SandboxOptions(rateLimit: 0, profile: .fresh)
        options.bootDelayMs = bootDelayMs
        return options
    }

    /// A client with no token, as a first install starts.
    static func tokenless(_ f: SandboxFixture, environment: RetryEnvironment = .instant) throws -> TFEClient {
        try f.client(token: "", environment: environment)
    }

    @Test("fetch the IACT, create the admin, use its token as a site admin, create the organization; the log hides the IACT and password")
    func wholeChain() async throws {
        try await SandboxFixture.with(Self.fresh()) { f in
            let client = try Self.tokenless(f)
            #expect(await client.readiness() == .ready)
            #expect(await failure { try await f.client(.siteAdmin).accountDetails() } != nil, "a fresh installation has no users: the seed's tokens open nothing")
            let iact = try await client.retrieveIACT()
            #expect(iact.exposedValue == f.server.store.firstInstallIACT)
            let token = try await client.createInitialAdmin(iact: iact, username: "admin", email: "admin@example.com",
                                                            password: SecretString("fake-admin-password-1"))
            let admin = client.using(token: token)
            let account = try await admin.accountDetails()
            #expect(account.username == "admin" && account.isSiteAdmin)
            let org = try await admin.createOrganization(name: "my-org", email: "ops@example.com")
            #expect(org.name == "my-org" && org.canUpdate)
            #expect(await failure { try await client.createInitialAdmin(iact: iact, username: "second", email: "b@example.com", password: SecretString("fake-admin-password-2")) }
                    == .firstInstall(.iactRefused(detail: "Unauthorized to perform action")), "the IACT makes only the first admin")
            let taken = await failure { try await admin.createOrganization(name: "my-org", email: "ops@example.com") }
            guard case .unprocessable(let errors)? = taken else { Issue.record("taken name: \(String(describing: taken))"); return }
            #expect(errors.first?.field == .organizationName && errors.first?.message.contains("taken") == true)
            let log = String(decoding: try JSONEncoder().encode(await f.requests()), as: UTF8.self)
            #expect(!log.contains(iact.exposedValue) && !log.contains("fake-admin-password") && !log.contains(token.exposedValue), "\(log)")
        }
    }

    @Test("refusals: a wrong IACT, retrieval refused, an expired IACT, a weak password (before sending), the server's 422 words")
    func refusals() async throws {
        try await SandboxFixture.with(Self.fresh()) { f in
            let client = try Self.tokenless(f)
            let wrong = await failure { try await client.createInitialAdmin(iact: SecretString("not-the-iact-0000"), username: "admin", email: "a@example.com", password: SecretString("fake-admin-password-1")) }
            #expect(wrong == .firstInstall(.iactRefused(detail: "Unauthorized to perform action")))
            let wrongText = wrong.map { $0.description(using: .neutral) } ?? ""
            #expect(wrongText.contains("tfectl admin token"), "\(wrongText)")
            let weak = await failure { try await client.createInitialAdmin(iact: SecretString("whatever-iact"), username: "admin", email: "a@example.com", password: SecretString("short")) }
            guard case .validation(let issues)? = weak else { Issue.record("weak: \(String(describing: weak))"); return }
            #expect(issues.map(\.field) == [.adminPassword])
            #expect(await f.requests().filter { $0.path == APIPath.initialAdminUser }.count == 1, "the weak password was never sent")
            // The server's own 422 text (a rule the client does not know) comes through as one line.
            let raw = try await f.raw("POST", APIPath.initialAdminUser + "?token=" + (f.server.store.firstInstallIACT ?? ""), role: nil,
                                      contentType: "application/json", body: #"{"username":"bad name","email":"a@example.com","password":"fake-admin-password-1"}"#)
            #expect(raw.status == 422 && raw.json?["status"]?.stringValue == "error")
            _ = try await f.raw("POST", "/_sandbox/first-install", role: nil, body: #"{"retrievable":false}"#)
            let refused = await failure { try await client.retrieveIACT() }
            guard case .firstInstall(.iactNotRetrievable(let last))? = refused else { Issue.record("\(String(describing: refused))"); return }
            #expect(last.contains("403"))
            let refusedText = refused.map { $0.description(using: .neutral) } ?? ""
            #expect(refusedText.contains("TFE_IACT_SUBNETS"), "\(refusedText)")
            _ = try await f.raw("POST", "/_sandbox/first-install", role: nil, body: #"{"expired":true}"#)
            let expired = await failure { try await client.createInitialAdmin(iact: SecretString(f.server.store.firstInstallIACT ?? ""), username: "admin", email: "a@example.com", password: SecretString("fake-admin-password-1")) }
            #expect(expired == .firstInstall(.iactRefused(detail: "Unauthorized to perform action")))
        }
    }

    @Test("waiting: 502 while the server boots, then ready; a server that never comes up fails at the deadline naming what it waited for")
    func waiting() async throws {
        try await SandboxFixture.with(Self.fresh(bootDelayMs: 600)) { f in
            // Real waits here: the boot delay is the sandbox's own clock.
            let live = RetryEnvironment(sleep: { try await Task.sleep(for: .seconds($0)) }, random: { $0 / 2 },
                                        now: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }, wallClock: { Date() })
            let client = try Self.tokenless(f, environment: live)
            guard case .starting(let answer) = await client.readiness() else { Issue.record("ready during the boot delay"); return }
            #expect(answer.hasPrefix("502"))
            let seen = Counter()
            try await client.waitUntilReady(deadline: 30, interval: 0.1) { _, _ in seen.add() }
            let after = await client.readiness()
            #expect(seen.value > 0 && after == .ready)
        }
        try await SandboxFixture.with(Self.fresh(bootDelayMs: 600_000)) { f in
            let client = try Self.tokenless(f)   // instant sleeps: the deadline is counted, not waited
            let never = await failure { try await client.waitUntilReady(deadline: 0.05, interval: 0.01) }
            guard case .firstInstall(.notReady(_, let last))? = never else { Issue.record("\(String(describing: never))"); return }
            let neverText = never.map { $0.description(using: .neutral) } ?? ""
            #expect(last.hasPrefix("502") && neverText.contains("GET /_health_check"), "\(neverText)")
        }
    }

    @Test("an IACT as pasted or printed by a TTY: whitespace and \\r dropped; an HTML page or nothing is no IACT")
    func cleaning() {
        #expect(FieldRules.cleanIACT("  abcDEF123456\r\n")?.exposedValue == "abcDEF123456")
        #expect(FieldRules.cleanIACT("") == nil && FieldRules.cleanIACT("<html><body>401</body></html>") == nil)
        #expect(FieldRules.cleanIACT("two words") == nil && FieldRules.cleanIACT("short") == nil)
        let remedies = [Remedy.waitLonger, .giveIACT, .signInExistingServer].map { RemedyWording.neutral.text($0) }
        #expect(remedies.allSatisfy { !$0.isEmpty })
        let text = TFEError.firstInstall(.iactRefused(detail: "x")).description(using: .neutral)
        #expect(text.contains("terraform login"))
    }
}

/// A count shared with a @Sendable callback.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
