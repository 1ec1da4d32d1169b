import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// No line that `plan`, `apply`, `check`, `export` or plain mode prints can be started by server
/// or file text: a line break inside any value — organization, pool and user names, 422 details
/// and pointers, patterns, answers-file keys — is shown as `\n`, and a listed organization whose
/// name is not a valid one is refused where the list is decoded.
extension TerminalSuite {
@Suite("No forged output lines")
struct ForgedLineTests {
    typealias Hostile = HostileServerTests

    /// What a forged line would say.
    static let forged = "All settings applied successfully."

    /// Every line of the output that starts (after indentation) with the forged text.
    static func forgedLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.drop { $0 == " " }.hasPrefix("All settings applied") }
    }

    static func expectNoForgedLine(_ output: Hostile.Output, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status < 128, "\(what) crashed: \(output.all)", sourceLocation: sourceLocation)
        #expect(forgedLines(output.stdout).isEmpty && forgedLines(output.stderr).isEmpty, "\(what): \(output.all)", sourceLocation: sourceLocation)
    }

    /// A one-page organization list whose second name carries a line break and a forged line.
    static func listBody(_ names: [String]) -> String {
        let data = names.map { name in
            JSONValue.object(["id": .string(name), "type": .string("organizations"),
                              "attributes": .object(["name": .string(name), "permissions": .object(["can-update": .bool(true)])])]).jsonText
        }
        return #"{"data":[\#(data.joined(separator: ","))],"meta":{"pagination":{"current-page":1,"next-page":null,"total-pages":1,"total-count":\#(names.count)}}}"#
    }

    @Test("fleet plan and apply: a listed organization named with a line break is refused, shown as \\n")
    func listedOrganizationName() async throws {
        try await CLI.with { server, dir in
            let fleet = CLI.write(dir, "fleet.json", #"{"organizations":["*"],"token_ttl":{"user":"30d"}}"#)
            for command in [["plan"], ["apply", "--auto-approve"]] {
                await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/organizations", status: 200, count: 5,
                                                    body: Self.listBody(["my-org", "evil\n" + Self.forged, "evil\r\n" + Self.forged])))
                let r = await Hostile.run(server, dir, command + ["--answers", fleet])
                Self.expectNoForgedLine(r, command[0])
                #expect(r.status == 1, "\(r.all)")
                #expect(r.stderr.contains(#"an organization named "evil\n"# + Self.forged), "the name is shown, its break escaped: \(r.stderr)")
                #expect(!r.stdout.contains("Done:"), "nothing was applied: \(r.stdout)")
            }
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing was written")
        }
    }

    @Test("check: a username with a line break stays inside its row")
    func checkUsername() async throws {
        try await Hostile.hostileServer { server, dir in
            let r = await Hostile.run(server, dir, ["check", "--organization", "my-org"])
            Self.expectNoForgedLine(r, "check")
            let rows = r.stdout.split(separator: "\n")
            #expect(rows.filter { $0.hasPrefix("Organization:") }.count == 1, "one Organization row: \(r.stdout)")
            // The rows use the screens' names, not the JSON keys.
            #expect(rows.contains { $0.hasPrefix("  SMTP relay ") } && rows.contains { $0.hasPrefix("  Agent mode ") }, "\(r.stdout)")
            #expect(!r.stdout.contains("ttl_switch") && !r.stdout.contains("execution_defaults"), "\(r.stdout)")
            #expect(rows.contains { $0.hasPrefix("Token:") && $0.contains(#"\r\n"#) && $0.contains(Self.forged) }, "the username's break is escaped in its row: \(r.stdout)")
        }
    }

    @Test("apply: a 422 whose pointer and detail carry line breaks prints each error on one line")
    func unprocessablePointer() async throws {
        try await CLI.with { server, dir in
            let answers = CLI.write(dir, "answers.json", #"{"organization":"my-org","token_ttl":{"user":"30d"}}"#)
            let pointer = JSONValue.string("/data/attributes/x\n" + Self.forged).jsonText
            let detail = JSONValue.string("refused\r\n" + Self.forged).jsonText
            await server.store.arm(SandboxFault(method: "PATCH", path: "/api/v2/organizations/my-org/token-ttl-policies", status: 422, count: 1,
                                                body: #"{"errors":[{"status":"422","title":"bad","detail":\#(detail),"source":{"pointer":\#(pointer)}}]}"#))
            let r = await Hostile.run(server, dir, ["apply", "--answers", answers, "--auto-approve"])
            Self.expectNoForgedLine(r, "apply")
            #expect(r.status == 1, "\(r.all)")
            #expect(r.stdout.contains(#"refused\r\n"# + Self.forged), "the detail, escaped: \(r.stdout)")
            #expect(r.stdout.contains("The server refused some values (422):"), "our own lines stay lines: \(r.stdout)")
        }
    }

    @Test("patterns and answers-file keys with line breaks are shown escaped in the messages that quote them")
    func filePatternsAndKeys() async throws {
        try await CLI.with { server, dir in
            let fleet = CLI.write(dir, "fleet.json", #"{"organizations":["nomatch\n\#(Self.forged)"],"token_ttl":{"user":"30d"}}"#)
            let fromFile = await Hostile.run(server, dir, ["plan", "--answers", fleet])
            Self.expectNoForgedLine(fromFile, "plan, file pattern")
            #expect(fromFile.status == 1 && fromFile.stderr.contains(#"matches nomatch\n"#), "\(fromFile.all)")

            let plainFile = CLI.write(dir, "fleet2.json", #"{"organizations":["*"],"token_ttl":{"user":"30d"}}"#)
            let fromOption = await Hostile.run(server, dir, ["plan", "--answers", plainFile, "--organizations", "x\n" + Self.forged])
            Self.expectNoForgedLine(fromOption, "plan --organizations")
            #expect(fromOption.status == 1, "\(fromOption.all)")

            let keys = CLI.write(dir, "keys.json", #"{"organization":"my-org","smtp":{"x\n\#(Self.forged)":1}}"#)
            let problems = await Hostile.run(server, dir, ["plan", "--answers", keys])
            Self.expectNoForgedLine(problems, "plan, unknown key")
            #expect(problems.status == 1 && problems.stderr.contains("unknown key"), "\(problems.all)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("the full screen and its closing message: a 401 detail with a line break stays inside its sentence")
    func fullScreenDetail() async throws {
        try await CLI.with { server, dir in
            let detail = JSONValue.string("expired\n" + Self.forged + "\r\n" + Self.forged).jsonText
            await server.store.arm(SandboxFault(method: "GET", path: "/api/v2/account/details", status: 401, count: 20,
                                                body: #"{"errors":[{"status":"401","title":"unauthorized","detail":\#(detail)}]}"#))
            let t = try Hostile.terminal(server, dir)
            #expect(t.waitFor("refused the API token"), "\(t.capture())")
            #expect(Self.forgedLines(t.captureUnwrapped()).isEmpty, "no forged line on the full screen: \(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("EXIT=1"))
            let after = t.captureUnwrapped()
            #expect(after.contains(#"expired\n"# + Self.forged), "\(after)")
            #expect(Self.forgedLines(after).isEmpty, "no forged line after the screen closed: \(after)")
            t.kill()
        }
    }

    @Test("plain mode: hostile pool names with line breaks stay inside their prompt")
    func plainMode() async throws {
        try await Hostile.hostileServer { server, dir in
            let t = try Hostile.terminal(server, dir, extra: "--screens execution_defaults", term: "dumb")
            #expect(t.waitFor("Mode (1 remote, 2 local, 3 agent) [agent]:"), "\(t.capture())")
            t.keys("Enter")
            #expect(t.waitFor("Agent pool ("), "\(t.capture())")
            let screen = t.captureUnwrapped()
            #expect(screen.contains(#"primary\r\ndata"#), "the pool name's break is shown escaped: \(screen)")
            #expect(Self.forgedLines(screen).isEmpty, "no forged line: \(screen)")
            kill(try #require(t.programPID()), SIGINT)
            #expect(t.waitFor("EXIT=130"))
            t.kill()
        }
    }
}
}
