import Foundation
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// A first install from one answers file (`bootstrap` beside the settings), as separate processes
/// against a fresh sandbox: the admin, its stored token, the organization and the settings.
@Suite("First install: plan and apply of a bootstrap section")
struct FirstInstallCommandTests {
    /// The seed scenario with a bootstrap section. A new organization has no agent pool (this
    /// tool creates none), so its execution mode is local rather than agent on a pool id.
    static let answers = """
        {"organization":"my-org",
         "bootstrap":{"admin":{"username":"admin","email":"admin@example.com","password_env":"TFE_SETUP_ADMIN_PASSWORD"},
                      "organization":{"name":"my-org","email":"ops@example.com"}},
         "smtp":{"enabled":true,"host":"smtp.example.com","port":587,"sender":"noreply@example.com","auth":"login",
                 "username":"smtp-bot","password_env":"SMTP_PASSWORD","test_email_address":"ops@example.com"},
         "execution_defaults":{"mode":"local"},
         "token_ttl":{"enabled":true,"organization":"1y","team":"90d","user":"30d","audit_trails":"2y"}}
        """
    static let secrets = ["TFE_SETUP_ADMIN_PASSWORD": "fake-admin-password-1", "SMTP_PASSWORD": "fake-auto-pw-8"]

    struct Run { var status: Int32; var output: String }

    /// Runs `tfe-setup` with no token given (HOME is the test's own folder), as on a new server.
    static func run(_ server: SandboxServer, home: String, _ args: [String], env: [String: String] = secrets) async -> Run {
        let envArgs = (env.merging(["HOME": home]) { a, _ in a }).map { "\($0.key)=\($0.value)" }
        let command = ["/usr/bin/env", "-u", "TFE_TOKEN", "-u", "TFE_ADDRESS"] + envArgs + [TmuxSession.binary] + args + ["--address", server.address]
        let r = await Subprocess.runAsync(["/bin/sh", "-c", command.map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
        return Run(status: r.status, output: r.output)
    }

    static func fresh(bootDelayMs: Int = 0, _ body: (SandboxServer, String) async throws -> Void) async throws {
        var options = SandboxOptions(rateLimit: 0, profile: .fresh)
        options.bootDelayMs = bootDelayMs
        let server = try await SandboxServer.start(options: options)
        let home = try PrivateFile.makeTemporaryDirectory(prefix: "first-install-")
        do { try await body(server, home) } catch { await server.stop(); throw error }
        await server.stop()
    }

    static func write(_ dir: String, _ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test("plan sends no write → apply creates the admin, stores its token, creates the organization, applies the settings → plan and apply again: nothing")
    func wholeChain() async throws {
        try await Self.fresh(bootDelayMs: 1500) { server, home in
            // Another host's credentials are there already and must stay.
            try FileManager.default.createDirectory(atPath: home + "/.terraform.d", withIntermediateDirectories: true)
            _ = Self.write(home + "/.terraform.d", "credentials.tfrc.json", #"{"credentials":{"app.terraform.io":{"token":"fake-other-token"}}}"#)
            let file = Self.write(home, "answers.json", Self.answers)
            var r = await Self.run(server, home: home, ["plan", "--answers", file, "--wait", "60"])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("waiting for \(server.address) to come up"), "\(r.output)")
            #expect(r.output.contains("First admin: would create admin (admin@example.com) with the IACT from GET /admin/retrieve-iact (available now)"), "\(r.output)")
            #expect(r.output.contains("Organization: would create my-org"))
            #expect(r.output.contains("Token TTLs · User: 2y (default) → 30d") || r.output.contains("User: 2y (default) -> 30d"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "plan sends no write")
            #expect(await server.store.firstInstall?.admin == nil)
            let check = await Self.run(server, home: home, ["check"])
            #expect(check.status == 1 && check.output.contains("has no admin yet") && check.output.contains("bootstrap"), "\(check.output)")

            let log = home + "/apply.log"
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com",
                                                    "--log-file", log, "--log-level", "debug"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("Created the first admin admin (admin@example.com); its token is stored in \(home)/.terraform.d/credentials.tfrc.json"))
            #expect(r.output.contains("Created the organization my-org."))
            let admin = try #require(await server.store.firstInstall?.admin)
            #expect(admin.username == "admin" && admin.email == "admin@example.com")
            let path = home + "/.terraform.d/credentials.tfrc.json"
            let stored = try #require(JSONValue.parse(try Data(contentsOf: URL(fileURLWithPath: path))))
            let host = TokenLookup.credentialsHost(for: URL(string: server.address)!)
            #expect(stored["credentials"]?[host]?["token"]?.stringValue == admin.token)
            #expect(stored["credentials"]?["app.terraform.io"]?["token"]?.stringValue == "fake-other-token")
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
            let state = await server.store.state
            #expect(state.smtp.enabled && state.smtp.host == "smtp.example.com" && state.smtp.port == 587 && state.smtp.passwordSet)
            let org = try #require(state.organizations["my-org"])
            #expect(org.defaultExecutionMode == "local" && org.maxTTLEnabled)
            #expect(org.tokenTTLMs["user"] == 2_592_000_000 && org.tokenTTLMs["team"] == 7_776_000_000)
            let logText = try String(contentsOfFile: log, encoding: .utf8)
            #expect(logText.contains("initial-admin-user"), "the log has the first admin's request")
            for secret in ["fake-admin-password-1", "fake-auto-pw-8", admin.token, server.store.firstInstallIACT ?? "-"] {
                #expect(!r.output.contains(secret), "a secret on the output")
                #expect(!logText.contains(secret), "a secret in the log")
            }

            await server.store.clearRequests()
            let quiet = Self.write(home, "again.json", Self.answers.replacingOccurrences(of: #","test_email_address":"ops@example.com""#, with: ""))
            r = await Self.run(server, home: home, ["plan", "--answers", quiet])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("First admin: exists") && r.output.contains("Organization: my-org exists; not created.") && r.output.contains("Nothing to change."))
            r = await Self.run(server, home: home, ["apply", "--answers", quiet, "--auto-approve"])
            #expect(r.status == 0, "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" }, "a rerun sends no write")
        }
    }

    @Test("failures: a wrong IACT, retrieval refused, a weak password, an invalid organization name, a stored token the server refuses, a server that never comes up — each named, nothing half-done")
    func failures() async throws {
        try await Self.fresh { server, home in
            let file = Self.write(home, "answers.json", Self.answers)
            // A weak password: refused before any request.
            var r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve"], env: ["TFE_SETUP_ADMIN_PASSWORD": "short", "SMTP_PASSWORD": "x"])
            #expect(r.status == 1 && r.output.contains("Password must be at least 10 characters"), "\(r.output)")
            #expect(await server.store.requestLog.isEmpty)
            // A wrong IACT from a file named on the command line.
            let iact = Self.write(home, "iact", "not-the-iact-12345\r\n")
            chmod(iact, 0o600)
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve", "--iact-file", iact])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("refused the initial admin creation token") && r.output.contains("tfectl admin token") && r.output.contains("--iact-file"), "\(r.output)")
            #expect(!r.output.contains("not-the-iact-12345"))
            #expect(await server.store.firstInstall?.admin == nil && !FileManager.default.fileExists(atPath: home + "/.terraform.d/credentials.tfrc.json"))
            // Retrieval refused (outside TFE_IACT_SUBNETS, or past the time limit).
            await server.store.changeFirstInstallForTests { $0.retrievable = false }
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve"])
            #expect(r.status == 1 && r.output.contains("could not be fetched") && r.output.contains("TFE_IACT_SUBNETS"), "\(r.output)")
            // A token stored for this host that the server refuses: not replaced, not used.
            try FileManager.default.createDirectory(atPath: home + "/.terraform.d", withIntermediateDirectories: true)
            let host = TokenLookup.credentialsHost(for: URL(string: server.address)!)
            _ = Self.write(home + "/.terraform.d", "credentials.tfrc.json", #"{"credentials":{"\#(host)":{"token":"fake-stale-token"}}}"#)
            r = await Self.run(server, home: home, ["plan", "--answers", file])
            #expect(r.status == 1 && r.output.contains("does not work on") && r.output.contains("terraform logout"), "\(r.output)")
            #expect(try String(contentsOfFile: home + "/.terraform.d/credentials.tfrc.json", encoding: .utf8).contains("fake-stale-token"))
        }
        try await Self.fresh(bootDelayMs: 600_000) { server, home in
            let file = Self.write(home, "answers.json", Self.answers)
            let r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve", "--wait", "2"])
            #expect(r.status == 1 && r.output.contains("did not come up") && r.output.contains("GET /_health_check") && r.output.contains("--wait"), "\(r.output)")
        }
        try await Self.fresh { server, home in
            // An organization name the rules refuse: named with its path before anything is sent.
            let file = Self.write(home, "answers.json", Self.answers.replacingOccurrences(of: #""name":"my-org""#, with: #""name":"bad name""#))
            let r = await Self.run(server, home: home, ["plan", "--answers", file])
            #expect(r.status == 1 && r.output.contains("bootstrap.organization.name"), "\(r.output)")
        }
    }

    @Test("users already exist and no token is stored: exit 1 saying how to sign in; a credentials file that is a link: nothing created")
    func existingUsersAndLinkedCredentials() async throws {
        try await Self.fresh { server, home in
            let file = Self.write(home, "answers.json", Self.answers)
            // The credentials file is a symbolic link: refused before the admin exists.
            try FileManager.default.createDirectory(atPath: home + "/.terraform.d", withIntermediateDirectories: true)
            let target = Self.write(home, "elsewhere.json", "{}")
            try FileManager.default.createSymbolicLink(atPath: home + "/.terraform.d/credentials.tfrc.json", withDestinationPath: target)
            var r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve"])
            #expect(r.status == 1 && r.output.contains("nothing created") && r.output.contains("could not be stored"), "\(r.output)")
            #expect(await server.store.firstInstall?.admin == nil, "no admin was made whose token has no place")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "{}", "the link's target is untouched")
            try FileManager.default.removeItem(atPath: home + "/.terraform.d/credentials.tfrc.json")
            // The admin made once, then its token lost: the server has users and nothing signs in.
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve", "--no-test-email", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == 0, "\(r.output)")
            try FileManager.default.removeItem(atPath: home + "/.terraform.d/credentials.tfrc.json")
            let writes = await server.store.requestLog.filter { $0.method != "GET" && $0.path != APIPath.initialAdminUser }.count
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve"])
            #expect(r.status == 1 && r.output.contains("nothing created") && r.output.contains("If users exist") && r.output.contains("terraform login"), "\(r.output)")
            #expect(await server.store.requestLog.filter { $0.method != "GET" && $0.path != APIPath.initialAdminUser }.count
                    == writes, "nothing but the refused admin creation was sent")
        }
    }

    @Test("the SMTP relay alone on a server with an admin and no organization: plan exit 2, apply, plan 0, check; organization sections refused with the reason")
    func smtpWithoutOrganization() async throws {
        try await Self.fresh { server, home in
            // The first admin only (no organization in the bootstrap), then the relay alone.
            let adminOnly = """
                {"bootstrap":{"admin":{"username":"admin","email":"admin@example.com","password_env":"TFE_SETUP_ADMIN_PASSWORD"}},
                 "smtp":{"enabled":true,"host":"smtp.example.com","port":587,"sender":"noreply@example.com","auth":"none"}}
                """
            let file = Self.write(home, "answers.json", adminOnly)
            var r = await Self.run(server, home: home, ["plan", "--answers", file])
            #expect(r.status == 2, "\(r.output)")
            #expect(r.output.contains("SMTP relay") && r.output.contains("smtp.example.com"), "\(r.output)")
            r = await Self.run(server, home: home, ["apply", "--answers", file, "--auto-approve", "--smtp-relay", "smtp.example.com"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("Created the first admin") && r.output.contains("saved Enabled, Host, Port, Sender"), "\(r.output)")
            #expect(await server.store.state.smtp.host == "smtp.example.com")
            #expect(await server.store.state.organizations.isEmpty)

            // Once the admin exists, the same file plans clean; the relay alone plans as site-wide.
            let smtpOnly = Self.write(home, "smtp.json", #"{"smtp":{"enabled":true,"host":"smtp.example.com","port":587,"sender":"noreply@example.com","auth":"none"}}"#)
            await server.store.clearRequests()
            r = await Self.run(server, home: home, ["plan", "--answers", file])
            #expect(r.status == 0 && r.output.contains("Nothing to change."), "\(r.output)")
            r = await Self.run(server, home: home, ["plan", "--answers", smtpOnly])
            #expect(r.status == 0 && r.output.contains("no organization named"), "\(r.output)")
            #expect(await server.store.requestLog.allSatisfy { $0.method == "GET" })

            // check: the relay available, the organization's sections skipped with the reason.
            r = await Self.run(server, home: home, ["check"])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("Organization:  none: this server has no organization yet"), "\(r.output)")
            #expect(r.output.contains("SMTP relay              available") && r.output.contains("Execution defaults      unavailable: no organization"), "\(r.output)")
            r = await Self.run(server, home: home, ["check", "--screens", "smtp"])
            #expect(r.status == 0, "\(r.output)")

            // The organization's sections without an organization: refused, naming why.
            let withOrg = Self.write(home, "org.json", #"{"execution_defaults":{"mode":"local"}}"#)
            r = await Self.run(server, home: home, ["plan", "--answers", withOrg])
            #expect(r.status == 1 && r.output.contains("Error (execution_defaults): No organization: this server has no organization yet"), "\(r.output)")
        }
    }
}
