import Foundation
import Logging
import Testing
import TestSupport
@testable import TFEClient
import TFESandbox

/// The client core against hostile servers and hostile local files.
@Suite("Client: hostile input")
struct HostileInputTests {
    static let hostile = "x\r\ny\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{9B}31m\u{202E}z\u{2066}\u{2028}\u{7F}"

    @Test("SafeText.line escapes every control, C1, DEL, bidi and separator; block keeps our line breaks")
    func sanitizer() {
        let line = SafeText.line(Self.hostile)
        #expect(line == #"x\r\ny\x1b]0;PWNED\x07\x1b[2J\u{9b}31m\u{202e}z\u{2066}\u{2028}\x7f"#)
        #expect(line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        #expect(SafeText.block("one\ntwo\u{1B}[31m") == "one\ntwo\\x1b[31m")
        #expect(SafeText.line("plain text, ünïcödé ✓ 漢字") == "plain text, ünïcödé ✓ 漢字")
    }

    @Test("JSON text: C1, bidi and separators as \\u escapes (the encoder leaves them raw), and it still decodes to the same value")
    func jsonEscapes() {
        let text = JSONValue.string(Self.hostile).jsonText
        #expect(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(text)")
        #expect(JSONValue.parse(Data(text.utf8)) == .string(Self.hostile))
    }

    func client(_ transport: ScriptedTransport, _ clock: FakeClock) throws -> TFEClient {
        TFEClient(configuration: try ClientConfiguration(address: URL(string: "https://tfe.example.com")!, token: SecretString("fake-token")),
                  transport: transport, environment: clock.environment)
    }

    @Test("Retry-After: 1e19 and X-RateLimit-Reset: 1e300 are clamped to the retry deadline: an error, not a trap",
          arguments: [("Retry-After", "1e19"), ("X-RateLimit-Reset", "1e300"), ("Retry-After", "99999999999999999999999")])
    func hugeWaits(header: String, value: String) async throws {
        let transport = ScriptedTransport(Array(repeating: RetryTests.status(429, [(header, value)]), count: 8))
        let clock = FakeClock()
        let c = try client(transport, clock)
        do throws(TFEError) {
            _ = try await c.smtpSettings()
            Issue.record("a 429 every time cannot succeed")
        } catch {
            guard case .rateLimited(let wait) = error else { Issue.record("\(error)"); return }
            #expect((wait ?? 0) <= RetryPolicy().totalDeadline)
            #expect(error.description.contains("Wait about"))
        }
        #expect(clock.waits.allSatisfy { $0 <= RetryPolicy().totalDeadline })
    }

    @Test("a list that never ends stops at 100 pages with a clear error; one of over 10,000 items too")
    func paginationCap() async throws {
        let page: (Int) -> Result<HTTPResponse, TransportError> = { n in
            .success(HTTPResponse(status: 200, body: Data(#"{"data":[{"id":"apool-a\#(n)","type":"agent-pools","attributes":{"name":"p\#(n)"}}],"meta":{"pagination":{"current-page":\#(n),"next-page":\#(n + 1)}}}"#.utf8)))
        }
        let transport = ScriptedTransport((1...150).map(page))
        let c = try client(transport, FakeClock())
        do throws(TFEError) {
            _ = try await c.agentPools("my-org")
            Issue.record("an endless list was accepted")
        } catch {
            #expect(error.description.contains("more than 100 pages"), "\(error)")
        }
        #expect(transport.count == TFEClient.maxPages)

        // Where many organizations are read, the pool list of each stops much sooner: the caps
        // must not multiply into 100 pages for each of 10,000 organizations.
        let fleetTransport = ScriptedTransport((1...150).map(page))
        let fleetClient = try client(fleetTransport, FakeClock())
        do throws(TFEError) {
            _ = try await fleetClient.agentPools("my-org", maxPages: TFEClient.fleetPoolPages)
            Issue.record("an endless list was accepted")
        } catch {
            #expect(error.description.contains("more than 10 pages"), "\(error)")
        }
        #expect(fleetTransport.count == TFEClient.fleetPoolPages)

        let items = (0..<5_001).map { #"{"id":"apool-b\#($0)","type":"agent-pools","attributes":{"name":"q"}}"# }.joined(separator: ",")
        let big: (Int) -> Result<HTTPResponse, TransportError> = { n in
            .success(HTTPResponse(status: 200, body: Data(#"{"data":[\#(items)],"meta":{"pagination":{"current-page":\#(n),"next-page":\#(n + 1)}}}"#.utf8)))
        }
        let c2 = try client(ScriptedTransport((1...5).map(big)), FakeClock())
        do throws(TFEError) {
            _ = try await c2.agentPools("my-org")
            Issue.record("10,000+ items were accepted")
        } catch {
            #expect(error.description.contains("more than 10000 items"), "\(error)")
        }
    }

    @Test("two policies of one token type: a decoding error naming the JSON path") func duplicateTokenTypes() throws {
        let body = #"{"data":[{"id":"a","type":"organization-token-ttl-policies","attributes":{"token-type":"user","max-ttl-ms":1}},{"id":"b","type":"organization-token-ttl-policies","attributes":{"token-type":"user","max-ttl-ms":2}}]}"#
        #expect(throws: TFEError.decoding(what: #"token TTL policies: token type "user" listed twice"#, where: "data[1].attributes.token-type")) {
            try WireDecoding.tokenTTLPolicies(Data(body.utf8))
        }
    }

    @Test("an organization answer with another name (or a name with a line break) is refused") func returnedName() async throws {
        for name in ["other-org", "my-org\r\ndata \"external\" \"x\" {}", "my-org\u{1B}[31m"] {
            let body = #"{"data":{"id":"\#(name)","type":"organizations","attributes":{"name":\#(JSONValue.string(name).jsonText)}}}"#
            let transport = ScriptedTransport([.success(HTTPResponse(status: 200, body: Data(body.utf8)))])
            let c = try client(transport, FakeClock())
            do throws(TFEError) {
                _ = try await c.organization("my-org")
                Issue.record("accepted \(name)")
            } catch {
                guard case .decoding = error else { Issue.record("\(error)"); continue }
                #expect(error.description.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(error.description)")
            }
        }
        let ok = #"{"data":{"id":"my-org","type":"organizations","attributes":{"name":"My-Org"}}}"#
        #expect(try await client(ScriptedTransport([.success(HTTPResponse(status: 200, body: Data(ok.utf8)))]), FakeClock()).organization("my-org").name == "My-Org")
    }

    @Test("a 422's detail with escape sequences reaches the error message inert") func errorDetail() async throws {
        let body = #"{"errors":[{"status":"422","title":"bad","detail":"\u001b]0;PWNED\u0007\u001b[2J\nAll settings applied successfully.","source":{"pointer":"/data/attributes/port"}}]}"#
        let transport = ScriptedTransport([.success(HTTPResponse(status: 422, body: Data(body.utf8)))])
        let c = try client(transport, FakeClock())
        do throws(TFEError) {
            _ = try await c.updateSMTPSettings(SMTPSettingsUpdate(port: 587), current: nil)
            Issue.record("a 422 succeeded")
        } catch {
            #expect(error.description.contains(#"\x1b]0;PWNED\x07\x1b[2J\nAll settings"#), "\(error.description)")
            #expect(!error.description.contains("\u{1B}"))
        }
    }

    // MARK: - Files

    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("the log file: a symbolic link or a file of another user is refused, and the target is untouched") func logFileLinks() throws {
        let dir = try Self.directory()
        let target = dir + "/other"
        _ = FileManager.default.createFile(atPath: target, contents: Data("precious\n".utf8), attributes: [.posixPermissions: 0o644])
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.log", withDestinationPath: target)
        #expect(throws: TFEError.self) { try RedactingFileLogHandler.Sink(path: dir + "/link.log") }
        #expect((try? String(contentsOfFile: target, encoding: .utf8)) == "precious\n")
        #expect((try? FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int) == 0o644, "not chmodded")
        if geteuid() == 0 {
            // Only root can hand a file to another user; as root the test can.
            let foreign = dir + "/foreign.log"
            _ = FileManager.default.createFile(atPath: foreign, contents: Data(), attributes: [.posixPermissions: 0o666])
            #expect(chown(foreign, 65534, 65534) == 0)
            #expect(throws: TFEError.self) { try RedactingFileLogHandler.Sink(path: foreign) }
        }
        let fresh = dir + "/fresh.log"
        _ = try RedactingFileLogHandler.Sink(path: fresh)
        #expect((try? FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int) == 0o600)
    }

    @Test("the SMTP password registered with the log is scrubbed under any key and in any message; the test address is not logged")
    func passwordScrubbed() throws {
        let dir = try Self.directory()
        let sink = try RedactingFileLogHandler.Sink(path: dir + "/tfe.log")
        let password = SecretString("fake-scrub-pw-\(UInt32.random(in: 1000...9999))")
        sink.register(secret: password)
        let logger = Logger(label: "t") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
        logger.debug("echo \(password.exposedValue) back", metadata: ["relay_cfg_x": "\(password.exposedValue)", "pw-echo": "[\(password.exposedValue)]"])
        logger.debug("body", metadata: ["body": "\(Redactor.body(Data(#"{"data":{"attributes":{"smtp_password":"a1","api_token":"b2","authorization":"c3","test-email-address":"ops@example.com","port":587}}}"#.utf8)))"])
        let text = try String(contentsOfFile: dir + "/tfe.log", encoding: .utf8)
        #expect(!text.contains(password.exposedValue), "\(text)")
        for leaked in ["a1", "b2", "c3", "ops@example.com"] { #expect(!text.contains("\"\(leaked)\""), "\(leaked): \(text)") }
        #expect(text.contains("587"))
        // The sandbox's own request log keeps the test address (it is not a secret there).
        #expect(JSONValue.object(["test-email-address": .string("ops@example.com")]).redacted == .object(["test-email-address": .string("ops@example.com")]))
    }

    // MARK: - The sandbox's control API

    @Test("the control API refuses another Host (DNS rebinding) and requests that are not JSON") func controlAPI() async throws {
        try await SandboxFixture.with { f in
            func send(_ headers: [(String, String)]) async throws -> Int {
                let request = HTTPRequest(method: "POST", url: URL(string: f.server.address + "/_sandbox/reset")!, headers: headers, body: Data())
                return try await f.transport.execute(request, timeout: .seconds(5)).status
            }
            let cases: [([(String, String)], Int, String)] = [
                ([("Content-Type", "application/json")], 204, "JSON to its own address"),
                ([], 415, "a page's simple request has no JSON content type"),
                ([("Content-Type", "text/plain")], 415, "text/plain"),
                ([("Content-Type", "application/x-www-form-urlencoded")], 415, "a form"),
                ([("Content-Type", "application/json"), ("Host", "attacker.example:\(f.server.port)")], 403, "a rebound DNS name"),
                ([("Content-Type", "application/json"), ("Host", "127.0.0.1:1")], 403, "another port is another server"),
                ([("Content-Type", "application/json"), ("Host", "localhost:\(f.server.port)")], 204, "localhost is loopback"),
            ]
            for (headers, expected, why) in cases {
                let status = try await send(headers)
                #expect(status == expected, "\(why)")
            }
        }
    }
}
