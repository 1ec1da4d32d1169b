import Foundation
import SetupKit
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// The renewal's core against the sandbox, in-process: the expiry from the server's clock, a
/// credentials helper as the destination, and a store that fails (the new token is deleted).
@Suite("Token renewal against the sandbox")
struct TokenRenewalTests {
    static let thirtyDays: Int64 = 2_592_000_000

    @Test("the expiry: the server's clock + the cap - max(1 hour, 1% of the cap)")
    func expiry() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(TokenRenewal.expiry(serverNow: now, capMilliseconds: Self.thirtyDays) == now.addingTimeInterval(2_592_000 - 25_920))
        #expect(TokenRenewal.expiry(serverNow: now, capMilliseconds: 86_400_000) == now.addingTimeInterval(86_400 - 3_600), "a day: one hour off")
        #expect(TokenRenewal.smallestUserCap([[.user: 5], [.team: 1], [.user: 3]]) == 3)
        #expect(DateText.parseHTTPDate(DateText.httpDate(now)) == now)
        #expect(DateText.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil, "the obsolete forms are not trusted")
    }

    @Test("the token in use came through a credentials helper: the new one goes to the helper (store, on stdin), where the next run finds it")
    func throughHelper() async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real
        try await SandboxFixture.with(options) { f in
            let (home, environment) = try FakeCredentialsHelper.home()
            let url = URL(string: f.server.address)!
            let host = TokenLookup.credentialsHost(for: url)
            try #"{"token":"\#(f.token(.siteAdmin))"}"#.write(toFile: home + "/helper-store-" + host, atomically: true, encoding: .utf8)
            let found = try TokenLookup(tokenFile: nil, environment: environment, homeDirectory: home).resolve(for: url)
            let destination = try TokenDestination.prepare(source: found.source, newTokenFile: nil, host: host, home: home, environment: environment, inUse: SecretString(f.token(.siteAdmin)))
            let client = try f.client(.siteAdmin)
            guard case .renewed(let created, let place) = await TokenRenewal.renew(client: client, userID: "user-site-admin", capMilliseconds: Self.thirtyDays,
                                                                                 destination: destination, register: { _ in }) else {
                Issue.record("not renewed")
                return
            }
            #expect(place == "the credentials helper fake (credentials for \(host))")
            let args = try String(contentsOfFile: home + "/helper-args", encoding: .utf8)
            #expect(args.contains("store \(host)") && !args.contains(created.token.exposedValue), "stored by the helper, the token never in argv: \(args)")
            let again = try TokenLookup(tokenFile: nil, environment: environment, homeDirectory: home).resolve(for: url)
            #expect(again.token == created.token, "the next run finds the new token")
            #expect(!FileManager.default.fileExists(atPath: CredentialsFile.path(home: home)), "no plaintext copy")
        }
    }

    @Test("storing fails (the helper refuses): the new token is deleted again and nothing else is sent")
    func storeFailsDeletes() async throws {
        var options = SandboxOptions(rateLimit: 0)
        options.tokenLifetimes = .real
        try await SandboxFixture.with(options) { f in
            let (home, environment) = try FakeCredentialsHelper.home(helperBody: "#!/bin/sh\necho 'vault sealed' >&2\nexit 1\n")
            let host = TokenLookup.credentialsHost(for: URL(string: f.server.address)!)
            let destination = try TokenDestination.prepare(source: .credentialsFile(path: "credentials helper fake", host: host), newTokenFile: nil,
                                                           host: host, home: home, environment: environment, inUse: SecretString(f.token(.siteAdmin)))
            let before = await f.server.store.tokenRecords.user[.siteAdmin]?.map(\.id)
            let outcome = await TokenRenewal.renew(client: try f.client(.siteAdmin), userID: "user-site-admin", capMilliseconds: Self.thirtyDays,
                                                   destination: destination, register: { _ in })
            guard case .failed(let why) = outcome else { Issue.record("\(outcome)"); return }
            #expect(why.contains("could not be stored") && why.contains("was deleted again"), "\(why)")
            #expect(await f.server.store.tokenRecords.user[.siteAdmin]?.map(\.id) == before, "no token left behind")
            let log = await f.server.store.requestLog
            #expect(log.map(\.method) == ["GET", "POST", "DELETE"], "the clock, the token, its deletion: \(log.map { "\($0.method) \($0.path)" })")
            let rescued = (try? FileManager.default.contentsOfDirectory(atPath: home + "/state/tfe-setup")) ?? []
            #expect(rescued.isEmpty, "no copy of the deleted token kept on disk: \(rescued)")
        }
    }

    @Test("no room within the cap (a one-hour cap, a one-hour margin): refused before any request, nothing made or stored")
    func noRoom() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0)) { f in
            let dir = try PrivateFile.makeTemporaryDirectory(prefix: "renew-room-")
            let destination = try TokenDestination.prepare(source: .environment("TFE_TOKEN"), newTokenFile: dir + "/new", host: "h", home: dir, environment: [:], inUse: SecretString(f.token(.siteAdmin)))
            let outcome = await TokenRenewal.renew(client: try f.client(.siteAdmin), userID: "user-site-admin", capMilliseconds: 3_600_000,
                                                   destination: destination, register: { _ in })
            guard case .failed(let why) = outcome else { Issue.record("\(outcome)"); return }
            #expect(why.contains("nothing was made: a cap of 1h leaves no room"), "\(why)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/new"), "nothing stored")
            #expect(await f.server.store.requestLog.isEmpty, "not a request sent")
        }
    }

    @Test("the server keeps a longer expiry than asked (over the cap): the new token is deleted at once, nothing stored")
    func overCapDeleted() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0)) { f in
            await f.server.store.extendNewTokens(seconds: 2 * 86_400)
            let dir = try PrivateFile.makeTemporaryDirectory(prefix: "renew-cap-")
            let destination = try TokenDestination.prepare(source: .environment("TFE_TOKEN"), newTokenFile: dir + "/new", host: "h", home: dir, environment: [:], inUse: SecretString(f.token(.siteAdmin)))
            let outcome = await TokenRenewal.renew(client: try f.client(.siteAdmin), userID: "user-site-admin", capMilliseconds: Self.thirtyDays,
                                                   destination: destination, register: { _ in })
            guard case .failed(let why) = outcome else { Issue.record("\(outcome)"); return }
            #expect(why.contains("over the cap of 30d") && why.contains("was deleted again"), "\(why)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/new"), "nothing stored")
            #expect(await f.server.store.tokenRecords.user[.siteAdmin]?.contains { $0.description.hasPrefix("tfe-setup renewal") } == false)
        }
    }

    @Test("the answer to the token's creation is lost (made, then the connection drops): sent once, never again; the outcome says a token may exist and how to find it")
    func lostAnswerNotRetried() async throws {
        try await SandboxFixture.with(SandboxOptions(rateLimit: 0)) { f in
            await f.server.store.arm(SandboxFault(method: "POST", path: "/api/v2/users/user-site-admin/authentication-tokens", drop: .beforeResponse, after: true))
            let dir = try PrivateFile.makeTemporaryDirectory(prefix: "renew-lost-")
            let destination = try TokenDestination.prepare(source: .environment("TFE_TOKEN"), newTokenFile: dir + "/new", host: "h", home: dir, environment: [:], inUse: SecretString(f.token(.siteAdmin)))
            let outcome = await TokenRenewal.renew(client: try f.client(.siteAdmin), userID: "user-site-admin", capMilliseconds: Self.thirtyDays,
                                                   destination: destination, register: { _ in })
            guard case .stranded(let why) = outcome else { Issue.record("\(outcome)"); return }
            #expect(why.contains("may exist") && why.contains("tfe-setup renewal") && why.contains("User settings > Tokens"), "\(why)")
            let posts = await f.server.store.requestLog.filter { $0.method == "POST" }
            #expect(posts.count == 1, "a write whose answer was lost is not sent again")
            #expect(await f.server.store.tokenRecords.user[.siteAdmin]?.contains { $0.description.hasPrefix("tfe-setup renewal") } == true,
                    "the server did make it: the admin is told to look for it")
            #expect(!FileManager.default.fileExists(atPath: dir + "/new"))
        }
    }
}
