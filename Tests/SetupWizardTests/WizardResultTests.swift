import CLIWording
import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

@Suite("Wizard apply, result, quit, drafts")
struct WizardResultTests {
    func arm(_ h: WizardHarness, _ json: String) async throws {
        #expect(try await h.fixture.raw("POST", "/_sandbox/faults", role: nil, body: json).status == 201)
    }

    /// Arms the fault, types the seed scenario and applies it: on the results.
    func applySeed(_ h: WizardHarness, failing fault: String) async throws {
        try await arm(h, fault)
        await WizardFlowTests.typeSeedScenario(h)
        await h.press(.enter)
        #expect(await h.until { $0.phase == .result })
    }

    @Test("a partial failure: only the failed step is retried with r") func retryFailed() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/organizations/my-org/token-ttl-policies","status":500,"count":3}"#)
            var text = await h.screenText()
            #expect(text.contains("✓ SMTP settings"))
            #expect(text.contains("✓ Organization defaults"))
            #expect(text.contains("✗ Token TTL policies"))
            #expect(text.contains("r retry failed"))
            await h.press(.char("r"))
            #expect(await h.until { $0.phase == .result })
            text = await h.screenText()
            #expect(text.contains("✓ Token TTL policies"))
            let patches = await h.fixture.requests().filter { $0.method == "PATCH" }.map(\.path)
            // A 500 leaves the outcome unknown: read, still missing, sent again (twice), then r.
            #expect(patches.filter { $0.hasSuffix("token-ttl-policies") }.count == 4)
            #expect(patches.filter { $0 == "/api/v2/admin/smtp-settings" }.count == 1, "SMTP is not sent again")
            #expect(await h.fixture.server.store.sentEmails.count == 1, "no second test email")
        }
    }

    @Test("a 422 is mapped to its field, fixed with e, and the rest is not sent again") func fixWithE() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/admin/smtp-settings","status":422,"body":"{\"errors\":[{\"status\":\"422\",\"title\":\"invalid\",\"detail\":\"relay host is on the deny list\",\"source\":{\"pointer\":\"/data/attributes/host\"}}]}"}"#)
            #expect(await h.screenText().contains("relay host is on the deny list"))
            await h.press(.char("e"))
            #expect(await h.state.on(.smtp))
            #expect(await h.state.focus == .smtpHost)
            #expect(await h.screenText().contains("The server refused this: relay host is on the deny list"))
            await h.replace("mail.example.com")
            // The password was not accepted either, so it is still in the form: the SMTP step needs it.
            // Leaving the fixed screen goes back to the results; Esc there shows the new review.
            await h.leaveScreen()
            #expect(await h.state.phase == .result)
            await h.press(.escape)
            #expect(await h.state.phase == .review)
            let review = await h.screenText()
            #expect(review.contains("SMTP relay · Host: (empty) → mail.example.com"))
            #expect(!review.contains("Execution defaults ·"), "already applied")
            #expect(review.contains("Apply sends 1 request:"))
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            #expect(await h.fixture.server.store.state.smtp.host == "mail.example.com")
            #expect(await h.fixture.requests().filter { $0.method == "PATCH" }.count == 4)
        }
    }

    @Test("a relay that refuses the login: e marks the username and the password, nothing else") func relayRefusedLogin() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/admin/smtp-settings","status":401,"body":"{\"errors\":[{\"status\":\"401\",\"title\":\"unauthorized\",\"detail\":\"535 authentication failed\"}]}"}"#)
            await h.press(.char("e"))
            let fixing = await h.state
            #expect(Set(fixing.errors.keys) == [.smtpUsername, .smtpPassword], "\(fixing.errors.keys)")
            #expect(fixing.on(.smtp) && fixing.focus == .smtpUsername)
        }
    }

    @Test("a relay timeout: e lands on Host and Port with what to check; fixed, the results again, and r sends the new values") func relayTimeout() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/admin/smtp-settings","status":504}"#)
            #expect(Wizard.failedResults(await h.state).first?.fieldsToFix == [.smtpHost, .smtpPort])
            await h.press(.char("e"))
            let fixing = await h.state
            #expect(fixing.on(.smtp) && fixing.focus == .smtpHost)
            #expect(fixing.errors[.smtpHost]?.contains("did not answer in time: check the host and port") == true)
            #expect(fixing.errors[.smtpPort] != nil, "the port can fix it too")
            // Only the fields that can cause a timeout: not the sender, the auth, the login.
            #expect(Set(fixing.errors.keys) == [.smtpHost, .smtpPort], "\(fixing.errors.keys)")
            await h.replace("mail.example.com")
            await h.leaveScreen()
            #expect(await h.state.phase == .result)
            #expect(await h.state.notice?.contains("Press r") == true)
            await h.press(.char("r"))
            #expect(await h.until { $0.phase == .result && Wizard.failedResults($0).isEmpty && !$0.steps.values.contains(.running) })
            #expect(await h.fixture.server.store.state.smtp.host == "mail.example.com")
            let smtpPatches = await h.fixture.requests().filter { $0.method == "PATCH" && $0.path == "/api/v2/admin/smtp-settings" }
            #expect(smtpPatches.count == 2, "the refused values once, the fixed ones once")
        }
    }

    @Test("a 422 on the organization PATCH: the switch sent with the pool is reported not saved, and e marks only the refused pool") func organizationRefused() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/organizations/my-org","status":422,"body":"{\"errors\":[{\"status\":\"422\",\"title\":\"invalid\",\"detail\":\"agent pool not found\",\"source\":{\"pointer\":\"/data/relationships/default-agent-pool\"}}]}"}"#)
            let text = await h.screenText(200, 60).replacingOccurrences(of: "\n", with: " ")
            #expect(text.contains("✗ Organization defaults"))
            #expect(text.contains("Not saved: Mode, Agent pool, Enforce max TTL."), "\(text)")
            await h.press(.char("e"))
            let fixing = await h.state
            #expect(fixing.on(.executionDefaults) && fixing.focus == .pool)
            #expect(fixing.errors[.pool] == "The server refused this: agent pool not found")
            // The others in the request were not saved either (the Result says so), but changing
            // them would not help: they are not marked.
            #expect(fixing.errors[.ttlEnabled] == nil && fixing.errors[.mode] == nil)
            await h.press(.char("r"))   // no: on a screen, r is not retry
            #expect(await h.state.on(.executionDefaults))
        }
    }

    @Test("fixed and sent again: the marks the failure left on the request's other fields are gone") func noStaleMarks() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/organizations/my-org","status":422,"body":"{\"errors\":[{\"status\":\"422\",\"title\":\"invalid\",\"detail\":\"agent pool not found\",\"source\":{\"pointer\":\"/data/relationships/default-agent-pool\"}}]}"}"#)
            await h.press(.char("e"))
            #expect(await h.state.errors[.pool] == "The server refused this: agent pool not found")
            // Another pool, back to the results, r: the request is saved, and no stale mark stays.
            await h.press(.right)
            for _ in 0..<4 where await h.state.phase != .result { await h.press(.enter) }
            let phase = await h.state.phase
            #expect(phase == .result, "\(phase)")
            await h.press(.char("r"))
            #expect(await h.until { state in
                if case .done(let r)? = state.steps[.organization] { return r.succeeded } else { return false }
            }, "the organization PATCH saved on the retry")
            let after = await h.state
            #expect(after.errors[.mode] == nil && after.errors[.ttlEnabled] == nil && after.errors[.pool] == nil, "\(after.errors) \(String(describing: after.notice)) \(after.steps) \(after.form.pool)")
        }
    }

    @Test("Esc on the results goes back to the review of what is still to do") func resultEscape() async throws {
        try await WizardHarness.with { h in
            try await applySeed(h, failing: #"{"method":"PATCH","path":"/api/v2/organizations/my-org/token-ttl-policies","status":500,"count":3}"#)
            await h.press(.escape)
            #expect(await h.state.phase == .review)
            let review = await h.screenText(200, 60)
            #expect(review.contains("Token TTLs · Team") && !review.contains("SMTP relay ·"), "only what failed is left: \(review)")
        }
    }

    @Test("saving answers never overwrites a file: the next free name is used, and named") func saveNotOverwriting() async throws {
        try await WizardHarness.with { h in
            let existing = h.directory + "/tfe-setup-answers.json"
            try "mine\n".write(toFile: existing, atomically: true, encoding: .utf8)
            #expect(await h.until { $0.on(.smtp) })
            await h.leaveScreen(); await h.leaveScreen(); await h.leaveScreen()   // three screens unchanged: the review
            #expect(await h.state.phase == .review)
            await h.press(.enter)
            #expect(await h.state.phase == .savePrompt)
            await h.press(.char("y"))
            #expect(await h.until { if case .finished = $0.phase { return true } else { return false } })
            #expect(try String(contentsOfFile: existing, encoding: .utf8) == "mine\n", "the admin's file is untouched")
            let written = try String(contentsOfFile: h.directory + "/tfe-setup-answers-1.json", encoding: .utf8)
            #expect(written.contains("\"organization\": \"my-org\""))
            guard case .finished(_, let message) = await h.state.phase else { return }
            #expect(message.contains("tfe-setup-answers-1.json"))
        }
    }

    @Test("a dangling link with the answers file's name does not block saving: the next name is used, the link left alone, the next command names the real path")
    func saveBesideDanglingLink() async throws {
        try await WizardHarness.with { h in
            let planted = h.directory + "/tfe-setup-answers.json"
            try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: h.directory + "/nowhere/answers.json")
            #expect(await h.until { $0.on(.smtp) })
            await h.leaveScreen(); await h.leaveScreen(); await h.leaveScreen()
            await h.press(.enter)
            #expect(await h.state.phase == .savePrompt)
            await h.press(.char("y"))
            #expect(await h.until { if case .finished = $0.phase { return true } else { return false } })
            let written = h.directory + "/tfe-setup-answers-1.json"
            #expect(try String(contentsOfFile: written, encoding: .utf8).contains("\"organization\": \"my-org\""))
            #expect(!FileManager.default.fileExists(atPath: h.directory + "/nowhere/answers.json"), "nothing written through the link")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: planted)) == h.directory + "/nowhere/answers.json", "the link is untouched")
            guard case .finished(_, let message) = await h.state.phase else { return }
            #expect(message.contains("tfe-setup apply --answers \(written)"), "the next command names the file written: \(message)")
        }
    }

    @Test("replace: false never replaces: a file created at the name after the check is kept, the write fails as 'already exists'")
    func noReplaceRace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noreplace-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/answers.json"
        try PrivateFile.write(Data("first\n".utf8), to: path, replace: false)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        // The name taken in between (here: before the call; the write no longer checks first and
        // then renames, so there is no window in which a planted file could be replaced).
        do {
            try PrivateFile.write(Data("second\n".utf8), to: path, replace: false)
            Issue.record("replaced an existing file")
        } catch {
            #expect(error.alreadyExists, "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling.json", withDestinationPath: dir + "/missing.json")
        #expect(throws: PrivateFile.Failure.self) { try PrivateFile.write(Data("x".utf8), to: dir + "/dangling.json", replace: false) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/missing.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["answers.json", "dangling.json"], "no temporary file left")
        chmod(dir, 0o700)
        #expect(!PrivateFile.isWritableByOthers(dir))
        chmod(dir, 0o1777)
        #expect(PrivateFile.isWritableByOthers(dir))
    }

    @Test("saved in a folder others can write to: the closing line says to use that exact path")
    func sharedFolderNote() {
        let text = Wizard.savedMessage(path: "/srv/shared/tfe-setup-answers-1.json", sharedFolder: true, words: .commandLine)
        #expect(text.contains("tfe-setup apply --answers /srv/shared/tfe-setup-answers-1.json") && text.contains("Other users can create files"))
        #expect(!Wizard.savedMessage(path: "/home/me/a.json", sharedFolder: false, words: .commandLine).contains("Other users"))
        #expect(Wizard.savedMessage(path: "/home/me/my answers.json", sharedFolder: false, words: .commandLine).contains("--answers '/home/me/my answers.json'"))
        // Without the command line's words the wizard names no command of its own.
        #expect(Wizard.savedMessage(path: "/home/me/a.json", sharedFolder: false, words: .neutral) == "Answers saved to /home/me/a.json (no password in it).")
    }

    @Test("Ctrl-C with unsaved edits asks; n keeps going; a second Ctrl-C quits at once") func quit() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.char(" "))
            await h.press(.ctrlC)
            #expect(await h.screenText().contains("Quit without applying? [y/N]"))
            await h.press(.char("n"))
            #expect(await h.state.on(.smtp))
            #expect(await h.state.form.smtpEnabled)
            await h.press(.ctrlC, .ctrlC)
            #expect(await h.until { if case .finished(1, _) = $0.phase { return true } else { return false } })
            #expect(await h.runtime.exit?.message.contains("Nothing applied") == true)
        }
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.ctrlC)
            #expect(await h.until { $0.phase == .finished(exitCode: 0, message: "Nothing changed.") }, "no edits: quits at once")
        }
    }

    @Test("Esc never quits; F1 and ? show help outside text fields; ? types in a text field") func keys() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.escape, .escape)
            #expect(await h.state.on(.smtp))
            await h.press(.char("?"))
            #expect(await h.screenText().contains("Help: Enabled"))
            await h.press(.char("x"))
            #expect(await h.state.helpShown == false)
            #expect(await h.state.form.smtpEnabled == false, "the key that closes help does nothing else")
            await h.press(.char(" "), .tab, .f1)
            #expect(await h.screenText().contains("Help: Host"))
            await h.press(.escape)
            await h.type("a?b")
            #expect(await h.state.form.smtpHost == "a?b")
            await h.press(.left, .backspace, .home, .delete)
            #expect(await h.state.form.smtpHost == "b")
            await h.press(.end)
            await h.press(.paste("cd.example.com"))
            #expect(await h.state.form.smtpHost == "bcd.example.com")
            await h.press(.ctrlU)
            #expect(await h.state.form.smtpHost == "")
        }
    }

    @Test("the organization picker when none is configured") func picker() async throws {
        try await WizardHarness.with(organization: nil) { h in
            #expect(await h.until { $0.phase == .pickOrganization })
            let text = await h.screenText()
            #expect(text.contains("Choose the organizations to set up (2 this token sees):"))
            #expect(text.contains("› [ ] my-org"))
            #expect(text.contains("[ ] other-org     read-only for this token"))
            await h.press(.down, .up, .enter)
            #expect(await h.until { $0.on(.smtp) })
            #expect(await h.state.current?.organization.name == "my-org")
        }
    }

    @Test("a mistyped organization: the list the token sees, the nearest highlighted; Esc on its first screen goes back to it")
    func mistypedOrganization() async throws {
        try await WizardHarness.with(organization: "my-orgg") { h in
            #expect(await h.until { $0.phase == .pickOrganization })
            let text = await h.screenText()
            #expect(text.contains("This token sees no organization my-orgg. Did you mean my-org? It is highlighted: Enter sets it up."))
            #expect(text.contains("› [ ] my-org"))
            await h.press(.enter)
            #expect(await h.until { $0.on(.smtp) })
            #expect(await h.state.current?.organization.name == "my-org")
            await h.press(.escape)
            #expect(await h.until { $0.phase == .pickOrganization })
            #expect(await h.screenText().contains("Back to the organization list (from my-org)"))
        }
    }

    @Test("the draft: autosaved 0600 without the password, offered on the next start, resumed") func draft() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wizard-draft-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var address = ""
        try await WizardHarness.with(directory: dir) { h in
            address = h.fixture.server.address
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.char(" "), .tab)
            await h.type("smtp.example.com")
            await h.press(.tab, .tab, .tab, .right, .right, .tab)
            await h.type("smtp-bot")
            await h.press(.tab)
            await h.type("fake-draft-pw-9")
            let text = try String(contentsOfFile: h.draftStore.path, encoding: .utf8)
            #expect(text.contains("smtp.example.com"))
            #expect(!text.contains("fake-draft-pw-9"))
            #expect((try FileManager.default.attributesOfItem(atPath: h.draftStore.path)[.posixPermissions] as? Int) == 0o600)
            let draft = try #require(h.draftStore.load(address: address, organization: "my-org"))
            #expect(draft.values["smtp.host"] == "smtp.example.com")
            await h.press(.ctrlC, .char("y"))
        }
        // A new sandbox has a new address; resume against the same address as the draft.
        try await WizardHarness.with(directory: dir) { h in
            let store = h.draftStore
            var draft = try #require(DraftStore(path: store.path).load(address: address, organization: "my-org"))
            draft.address = h.fixture.server.address
            try store.save(draft)
            // Let the runtime's own start-up read finish first, so it cannot land after ours.
            #expect(await h.until { if case .loading = $0.phase { return false } else { return true } })
            await h.runtime.send(.stateLoaded(.success(try await StateLoader.load(client: try h.fixture.client(.siteAdmin), organization: "my-org")), draft: draft))
            #expect(await h.state.phase.asksToResume)
            #expect(await h.screenText().contains("Resume them? [Y/n]"))
            await h.press(.enter)
            #expect(await h.state.on(.smtp))
            #expect(await h.state.form.smtpHost == "smtp.example.com")
            #expect(await h.state.form.smtpUsername == "smtp-bot")
            #expect(await h.state.form.smtpPassword.isEmpty)
        }
    }
}

/// Drafts are kept per server and organization, and a draft that could not be written is never
/// promised.
@Suite("Drafts: one per server and organization, never promised when unwritten")
struct DraftKeyTests {
    static func draft(_ address: String, _ organization: String, host: String) -> Draft {
        var form = WizardForm()
        form.smtpHost = host
        return Draft(address: address, organization: organization, form: form)
    }

    @Test("a draft for another server or organization leaves the first one's in place; deleting one keeps the others")
    func keyed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drafts-\(UUID().uuidString.prefix(8))").path
        let store = DraftStore(path: dir + "/tfe-setup/draft.json")
        try store.save(Self.draft("https://a.example.com", "my-org", host: "relay-a.example.com"))
        try store.save(Self.draft("https://b.example.com", "my-org", host: "relay-b.example.com"))
        try store.save(Self.draft("https://a.example.com", "other-org", host: "relay-c.example.com"))
        try store.save(Self.draft("https://a.example.com", "my-org", host: "relay-a2.example.com"))
        #expect(store.load(address: "https://a.example.com", organization: "my-org")?.values["smtp.host"] == "relay-a2.example.com")
        #expect(store.load(address: "https://b.example.com", organization: "my-org")?.values["smtp.host"] == "relay-b.example.com")
        #expect(store.load(address: "https://a.example.com", organization: "other-org")?.values["smtp.host"] == "relay-c.example.com")
        store.delete(address: "https://b.example.com", organization: "my-org")
        #expect(store.load(address: "https://b.example.com", organization: "my-org") == nil)
        #expect(store.load(address: "https://a.example.com", organization: "my-org") != nil)
        store.delete(address: "https://a.example.com", organization: "my-org")
        store.delete(address: "https://a.example.com", organization: "other-org")
        #expect(!FileManager.default.fileExists(atPath: store.path), "none left: no file")
    }

    @Test("a draft that could not be written: quitting does not say it was kept")
    func failedNotPromised() {
        var state = WizardState(config: WizardConfig(address: "https://tfe.example.com", organization: "my-org", sections: [.smtp]))
        _ = Wizard.update(&state, .draftSaveFailed(path: "/full/draft.json"))
        #expect(state.draftSaveFailed)
        #expect(!Wizard.nothingApplied(state).contains("kept as a draft"), "\(Wizard.nothingApplied(state))")
        #expect(Wizard.nothingApplied(state).contains("could not be written"))
    }
}

/// The wizard takes the run lock of its server and organization before its first write.
@Suite("Wizard: one run at a time")
struct WizardRunLockTests {
    @Test("another run holds the organization's lock: nothing is sent, each step says who holds it; r sends once it has ended")
    func heldElsewhere() async throws {
        try await WizardHarness.with(runLocks: true) { h in
            let other = try RunLock.take(address: URL(string: h.fixture.server.address)!, organization: "my-org",
                                         directory: h.directory + "/state/tfe-setup/locks", waitingUpTo: 0)
            await WizardFlowTests.typeSeedScenario(h)
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            let failed = Wizard.failedResults(await h.state)
            var messages: [String] = []
            for result in failed { messages.append(result.message) }
            var refusedForTheLock = 0
            for message in messages where message.contains("Not sent: another run on this machine is changing organization my-org") { refusedForTheLock += 1 }
            #expect(refusedForTheLock == 3, "\(messages)")
            var writes = 0
            for request in await h.fixture.requests() where request.method != "GET" { writes += 1 }
            #expect(writes == 0, "nothing written")
            other.release()
            await h.press(.char("r"))
            #expect(await h.until { $0.phase == .result && Wizard.failedResults($0).isEmpty && !$0.steps.values.contains(.running) })
            #expect(SeedTarget.differences(await h.fixture.server.store.state).isEmpty)
        }
    }
}

/// A new agent pool whose answer was lost: it may exist, and the state read at the start does not
/// show it, so nothing from the Result may send its POST again.
@Suite("Wizard: a new pool whose answer was lost")
struct WizardPoolMayExistTests {
    @Test("r and Esc on the Result send nothing and say to run again; exactly one POST reached the server")
    func neverTwice() async throws {
        try await WizardHarness.with(sections: [.executionDefaults]) { h in
            await h.fixture.server.store.arm(SandboxFault(method: "POST", path: "/api/v2/organizations/my-org/agent-pools", status: 200, drop: .reset, after: true))
            #expect(await h.until { $0.on(.executionDefaults) })
            await h.press(.char("a"), .tab, .char("n"))          // agent; pool: New pool…
            await h.press(.tab); await h.type("build")
            await h.press(.enter)
            #expect(await h.state.phase == .review)
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result && !$0.steps.values.contains(.running) })
            #expect(Wizard.poolMayExist(await h.state))
            for key in [Key.char("r"), .escape] {
                await h.press(key)
                let state = await h.state
                #expect(state.phase == .result && state.notice == Wizard.poolMayExistNotice, "\(key): \(String(describing: state.notice))")
            }
            let posts = await h.fixture.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/agent-pools") }
            #expect(posts.count == 1, "the pool's POST was sent once")
        }
    }
}
