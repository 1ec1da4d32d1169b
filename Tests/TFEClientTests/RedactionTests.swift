import Foundation
import Logging
import Testing
import TestSupport
@testable import TFEClient
@testable import TFESandbox

@Suite("Redaction and the log file")
struct RedactionTests {
    @Test("secret JSON keys at any depth, whole key, case-insensitive; token-type is not a secret") func jsonKeys() throws {
        let body = Data(#"{"data":{"attributes":{"Password":"fake-p1","token-type":"team","nested":[{"access_token":"fake-a"},{"Client_Secret":"fake-c"}],"passwords":"kept","private-key":"fake-k"}}}"#.utf8)
        let text = Redactor.body(body)
        for secret in ["fake-p1", "fake-a", "fake-c", "fake-k"] { #expect(!text.contains(secret)) }
        #expect(text.contains(#""token-type":"team""#))
        #expect(text.contains(#""passwords":"kept""#))
        #expect(Redactor.body(Data("password=fake-x".utf8)) == "<15 bytes, not JSON, not logged>")
    }

    @Test("secret headers") func headers() {
        let out = Redactor.headers([("Authorization", "Bearer fake"), ("X-Api-Key", "fake"), ("X-Vault-Token", "fake"), ("Set-Cookie", "a=b"),
                                    ("Proxy-Authorization", "fake"), ("X-My-Secret", "fake"), ("Accept", "application/vnd.api+json")])
        #expect(out.filter { $0.1 == "fake" || $0.1 == "Bearer fake" || $0.1 == "a=b" }.isEmpty)
        #expect(out.last?.1 == "application/vnd.api+json")
    }

    @Test("a full seed-scenario run at debug level: paths logged, token and password never, file 0600") func logFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tfe-setup-test-\(UUID().uuidString).log").path
        let sink = try RedactingFileLogHandler.Sink(path: path)
        let logger = Logger(label: "tfe-setup.client") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
        let password = "fake-canary-pw-\(UUID().uuidString.prefix(8))"
        try await SandboxFixture.with { f in
            let client = try f.client(.siteAdmin, logger: logger)
            let smtp = try await client.smtpSettings()
            var update = ClientSandboxTests.seedSMTP
            update.password = SecretString(password)
            try await client.updateSMTPSettings(update, current: smtp)
            let org = try await client.organization("my-org")
            try await client.updateOrganization("my-org", ClientSandboxTests.seedOrg, current: org)
            try await client.updateTokenTTLPolicies("my-org", ClientSandboxTests.seedTTL)
            let log = try String(contentsOfFile: path, encoding: .utf8)
            #expect(log.contains("/api/v2/admin/smtp-settings"))
            #expect(log.contains("/api/v2/organizations/my-org/token-ttl-policies"))
            #expect(log.contains("smtp-bot"))
            #expect(log.contains("<redacted>"))
            #expect(!log.contains(password))
            #expect(!log.contains(f.server.tokens.siteAdmin))
            // The sandbox's own request log redacts the password too.
            let recorded = await f.requests().compactMap { $0.body?.jsonText }.joined()
            #expect(!recorded.contains(password))
        }
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test("an existing log file with wide permissions is tightened to 0600; registered secrets are scrubbed") func tighten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tfe-setup-wide-\(UUID().uuidString).log").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let sink = try RedactingFileLogHandler.Sink(path: path)
        sink.register(secret: SecretString("fake-leaky-token"))
        let logger = Logger(label: "t") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
        logger.info("oops fake-leaky-token", metadata: ["password": "fake-meta-pw"])
        let log = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!log.contains("fake-leaky-token"))
        #expect(!log.contains("fake-meta-pw"))
        #expect(log.contains("oops <redacted>"))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }
}
