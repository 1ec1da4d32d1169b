import Foundation
import Glibc
import Logging
import Testing
import TestSupport
@testable import TFEClient

/// The log file against a server that echoes secrets back or sends huge pages, and a run that is
/// stopped: what reaches the log, the screen, and the network after a stop.
@Suite("The log's scrubber and a stopped client")
struct LogAndStopTests {
    static func logPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tfe-setup-scrub-\(UUID().uuidString).log").path
    }

    @Test("a password echoed back in a body, in its JSON-escaped spelling, is scrubbed from the log",
          arguments: ["fake\"pa\\ss/wo\u{1}rd\u{202E}é-1", "fake-plain-password-2", "fake\u{7F}tab\there\u{2028}-3"])
    func jsonEscapedPassword(password: String) throws {
        let path = Self.logPath()
        let sink = try RedactingFileLogHandler.Sink(path: path)
        sink.register(secret: SecretString(password))
        let logger = Logger(label: "t") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
        // The spellings a server's JSON encoder may use: ours, with `\/`, with every non-ASCII
        // character as \uXXXX, with upper-case hex; and the raw value.
        let bodies = Redactor.spellings(of: password).map { #"{"errors":[{"detail":"relay said \#($0)"}]}"# }
        for body in bodies { logger.debug("response", metadata: ["body": "\(body)"]) }
        logger.debug("response", metadata: ["body": "\(Redactor.body(Data(JSONValue.object(["echo": .string(password)]).jsonText.utf8)))"])
        let log = try String(contentsOfFile: path, encoding: .utf8)
        for spelling in Redactor.spellings(of: password) { #expect(!log.contains(spelling), "\(spelling) left in \(log)") }
        #expect(log.components(separatedBy: "<redacted>").count - 1 == bodies.count + 1, "\(log)")
        // The spellings include what the standard encoder writes.
        let encoded = String(decoding: try JSONEncoder().encode(password), as: UTF8.self).dropFirst().dropLast()
        #expect(Redactor.spellings(of: password).contains(String(encoded)), "\(encoded)")
    }

    @Test("a log line is cut at 8 KiB after scrubbing: an 8 MiB page does not become an 8 MiB log") func lineCap() throws {
        let path = Self.logPath()
        let sink = try RedactingFileLogHandler.Sink(path: path)
        sink.register(secret: SecretString("fake-secret-near-the-end"))
        let logger = Logger(label: "t") { RedactingFileLogHandler(label: $0, sink: sink, level: .debug) }
        let huge = String(repeating: "a", count: 8_190) + "fake-secret-near-the-end" + String(repeating: "b", count: 2_000_000)
        logger.debug("response", metadata: ["body": "\(huge)"])
        let log = try String(contentsOfFile: path, encoding: .utf8)
        #expect(log.utf8.count < 9_000, "\(log.utf8.count) bytes")
        #expect(log.contains("the rest not logged"))
        #expect(!log.contains("fake-secret-near"), "no piece of a secret survives the cut")
    }

    @Test("a FIFO or a hard-linked file at the log's path is refused at once, without hanging") func fifoAndHardLink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/fifo.log", 0o600) == 0)
        let started = ContinuousClock.now
        #expect(throws: TFEError.self) { try RedactingFileLogHandler.Sink(path: dir + "/fifo.log") }
        #expect(ContinuousClock.now - started < .seconds(5), "no wait for a reader")
        _ = FileManager.default.createFile(atPath: dir + "/mine.log", contents: nil, attributes: [.posixPermissions: 0o600])
        #expect(link(dir + "/mine.log", dir + "/other-name.log") == 0)
        do {
            _ = try RedactingFileLogHandler.Sink(path: dir + "/mine.log")
            Issue.record("a file with two names was accepted")
        } catch {
            #expect(error.description.contains("hard links"), "\(error)")
        }
    }

    @Test("a token echoed in a 401's detail, in any spelling, never reaches the error text") func tokenInDetail() async throws {
        let token = "fake/api\"token-echo-77"
        for spelling in Redactor.spellings(of: token) {
            let body = #"{"errors":[{"status":"401","title":"unauthorized","detail":"bad token \#(spelling)"}]}"#
            let transport = ScriptedTransport([.success(HTTPResponse(status: 401, body: Data(body.utf8)))])
            let client = TFEClient(configuration: try ClientConfiguration(address: URL(string: "https://tfe.example.com")!, token: SecretString(token)),
                                   transport: transport, environment: FakeClock().environment)
            do throws(TFEError) {
                _ = try await client.accountDetails()
                Issue.record("no error")
            } catch {
                #expect(!error.description.contains(spelling) && error.description.contains("bad token <redacted>"), "\(error.description)")
            }
        }
    }

    @Test("cancelled while waiting out a 429's Retry-After: the wait ends at once, nothing more is sent, the error says it was stopped")
    func cancelledWait() async throws {
        let transport = ScriptedTransport(Array(repeating: RetryTests.status(429, [("Retry-After", "119")]), count: 5))
        let client = TFEClient(configuration: try ClientConfiguration(address: URL(string: "https://tfe.example.com")!, token: SecretString("fake-token")),
                               transport: transport)   // real sleeps: the wait must be cut short, not skipped by a fake clock
        let started = ContinuousClock.now
        let task = Task { () -> TFEError? in
            do throws(TFEError) { _ = try await client.updateTokenTTLPolicies("my-org", TokenTTLUpdate([.user: 2_592_000_000])); return nil } catch { return error }
        }
        // Cancel once the first 429 has been answered (polled, not slept for).
        let deadline = ContinuousClock.now + .seconds(20)
        while transport.requests.isEmpty && ContinuousClock.now < deadline { await Task.yield() }
        task.cancel()
        let error = await task.value
        #expect(ContinuousClock.now - started < .seconds(30), "did not wait out the 119 s")
        guard case .transport(let e)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(e.kind == .cancelled && e.message.contains("stopped"), "\(e)")
        #expect(transport.requests.count == 1, "no request after the stop")
    }
}
