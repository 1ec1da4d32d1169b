import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// `plan` and `apply` from an answers file, as separate processes against a sandbox.
@Suite("plan and apply from an answers file")
struct AutomationCommandTests {
    @Test("plan 2 → apply 0 with three PATCHes → plan 0 and apply sends nothing") func seedScenario() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "answers.json", CLI.seed)
            var r = await CLI.run(server, dir, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("SMTP relay · Port: 25 → 587") || r.output.contains("SMTP relay - Port: 25 -> 587"))
            #expect(r.output.contains("Password: (will be sent)"))
            r = await CLI.run(server, dir, ["plan", "--answers", file, "--json"])
            let json = try #require(JSONValue.parse(Data(CLI.withoutTargetLine(r.output).utf8)))
            #expect(json["changes"]?.arrayValue?.contains(.object(["section": .string("smtp"), "field": .string("port"), "current": .integer(25), "new": .integer(587), "write_only": .bool(false)])) == true)
            #expect(json["changes"]?.arrayValue?.contains(.object(["section": .string("smtp"), "field": .string("password"), "current": .null, "new": .null, "write_only": .bool(true)])) == true)
            #expect(json["requests"]?.arrayValue?.count == 3)
            #expect(json["errors"] == .array([]))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })

            r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == 0, "\(r.output)")
            #expect(!r.output.contains("fake-auto-pw-8"))
            let patches = await server.store.requestLog.filter { $0.method == "PATCH" }
            #expect(Set(patches.map(\.path)) == ["/api/v2/admin/smtp-settings", "/api/v2/organizations/my-org", "/api/v2/organizations/my-org/token-ttl-policies"])
            #expect(patches.count == 3)

            let quiet = CLI.write(dir, "again.json", CLI.seed.replacingOccurrences(of: #","password_env":"SMTP_PASSWORD","test_email_address":"ops@example.com""#, with: ""))
            r = await CLI.run(server, dir, ["plan", "--answers", quiet])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("Nothing to change."))
            r = await CLI.run(server, dir, ["apply", "--answers", quiet, "--auto-approve"])
            #expect(r.status == 0)
            #expect(await server.store.requestLog.filter { $0.method == "PATCH" }.count == 3)
        }
    }

    static let broken: [(String, String, String)] = [
        (#"{"smtp":{"password":"fake-inline"}}"#, "$.smtp.password", "inline passwords are not accepted"),
        (#"{"smtp":{"port":"587"}}"#, "$.smtp.port", "must be a whole number"),
        (#"{"smtp":{"portt":587}}"#, "$.smtp.portt", "unknown key"),
        (#"{"smtp":{"auth":"login","username":"bot","password_env":"SMTP_NOT_SET_ANYWHERE_42"}}"#, "$.smtp.password_env", "is not set"),
        (#"{"smtp":{"auth":"login","username":"bot","password_env":"AWS_SECRET_ACCESS_KEY"}}"#, "$.smtp.password_env", "SMTP_… or TFE_SETUP_…"),
        (#"{"smtp":{"password_file":"/nonexistent/pw"}}"#, "$.smtp.password_file", "command line only"),
        (#"{"execution_defaults":{"mode":"agent","agent_pool_id":null}}"#, "$.execution_defaults.agent_pool_id", "not possible with mode agent"),
        (#"{"token_ttl":{"team":"0d"}}"#, "$.token_ttl.team", "greater than zero"),
        (#"{"token_ttl":{"team":90}}"#, "", ""),
        (#"{"organizations":"*"}"#, "$.organizations", "must be a list of organization names or patterns"),
        (#"{"organization":"my-org","organizations":["*"]}"#, "$.organizations", "either organization or organizations"),
        (#"{"execution_defaults":{"mode":"agent","agent_pool_id":"apool-abc123","agent_pool_name":"primary"}}"#, "$.execution_defaults.agent_pool_name", "either agent_pool_id or agent_pool_name"),
        ("{\n  \"smtp\": {\n    \"port\": 587,,\n  }\n}", "line 3, column", "syntax error"),
    ]

    @Test("each answers-file error: exit 1, the JSON path, no write") func errors() async throws {
        try await CLI.with { server, dir in
            for (n, (text, path, message)) in Self.broken.enumerated() where !path.isEmpty {
                let file = CLI.write(dir, "bad\(n).json", text)
                let before = await server.store.requestLog.count
                let r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--organization", "my-org"])
                #expect(r.status == 1, "\(text)")
                #expect(r.output.contains(path), "\(text): \(r.output)")
                #expect(r.output.contains(message), "\(text): \(r.output)")
                #expect(!r.output.contains("fake-inline"))
                // A file's mistakes stop before any request; a missing password only once the
                // relay is read (is anything else changing, so that it would be sent?).
                let requests = await server.store.requestLog.dropFirst(before)
                if message == "is not set" {
                    #expect(!requests.isEmpty && requests.allSatisfy { $0.method == "GET" }, "read, never written: \(requests.map(\.path))")
                } else {
                    #expect(requests.isEmpty, "\(text): nothing was even read")
                }
            }
        }
    }

    @Test("an agent pool id the organization does not have: plan and apply refuse it before any write, naming the pools; a pool without agents is warned about")
    func unknownPool() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "pool.json", #"{"organization":"my-org","execution_defaults":{"mode":"agent","agent_pool_id":"apool-zzz999"},"token_ttl":{"user":"30d"}}"#)
            for args in [["plan", "--answers", file], ["apply", "--answers", file, "--auto-approve"]] {
                let r = await CLI.run(server, dir, args)
                #expect(r.status == 1, "\(r.output)")
                #expect(r.output.contains("Error ($.execution_defaults.agent_pool_id): my-org has no agent pool apool-zzz999; its pools: primary (apool-abc123)"), "\(r.output)")
            }
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "nothing written, not even the TTL policy")
            let empty = CLI.write(dir, "empty.json", #"{"organization":"my-org","execution_defaults":{"mode":"agent","agent_pool_id":"apool-empty9"}}"#)
            let r = await CLI.run(server, dir, ["plan", "--answers", empty])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("Warning ($.execution_defaults.agent_pool_id): The agent pool spare has no agents connected"), "\(r.output)")
            #expect(r.output.contains("Warning ($.execution_defaults.mode): Workspaces that do not set their own execution mode"), "\(r.output)")
        }
    }

    @Test("a mistyped --organization: the error says which organizations the token sees, the nearest first")
    func didYouMean() async throws {
        try await CLI.with { server, dir in
            for args in [["check", "--organization", "my-orgg"], ["export", "--organization", "MY-ORG-X"]] {
                let r = await CLI.run(server, dir, args)
                #expect(r.status == 1, "\(r.output)")
                #expect(r.output.contains("Did you mean my-org? This token sees: my-org"), "\(args): \(r.output)")
            }
        }
    }

    @Test("apply without a terminal needs --auto-approve") func confirmation() async throws {
        try await CLI.with { server, dir in
            let file = CLI.write(dir, "a.json", #"{"organization":"my-org","token_ttl":{"team":"90d"}}"#)
            let r = await CLI.run(server, dir, ["apply", "--answers", file])
            #expect(r.status == 1)
            #expect(r.output.contains("Add --auto-approve"))
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })
        }
    }

    @Test("HCP: the SMTP section fails with the HCP message; the rest is applied") func hcp() async throws {
        try await CLI.with(SandboxOptions(rateLimit: 0, hcp: true)) { server, dir in
            let file = CLI.write(dir, "a.json", CLI.seed)
            var r = await CLI.run(server, dir, ["plan", "--answers", file, "--json"])
            #expect(r.status == 1)
            #expect(r.output.contains("HCP Terraform has no admin API"))
            r = await CLI.run(server, dir, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == 1)
            #expect(r.output.contains("FAILED SMTP relay"))
            #expect(r.output.contains("HCP Terraform has no admin API"))
            #expect(await server.store.state.organizations["my-org"]?.defaultAgentPoolID == "apool-abc123")
        }
    }
}
