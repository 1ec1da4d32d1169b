import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TFEClient

/// `Wizard.update` alone, synchronously: state + event → state + commands. No sandbox, no actor,
/// no polling (the style of AsyncHTTPClient's state-machine tests).
@Suite("Reducer")
struct ReducerTests {
    static let config = WizardConfig(address: "https://tfe.example.com", organization: "my-org", sections: Section.allCases, ascii: false)

    /// A server as the sandbox seeds it, or older/smaller.
    static func current(maxTTLSupported: Bool = true, agents: Bool = true, policies: Bool = true) -> CurrentState {
        var state = CurrentState(
            ping: PingInfo(appName: "Terraform Enterprise", release: ServerRelease("2.1.0")),
            account: Account(id: "user-1", username: "admin", isSiteAdmin: true),
            organization: Organization(name: "my-org", maxTTLSupported: maxTTLSupported, canUpdate: true, entitlements: Entitlements(agents: agents)),
            agentPools: agents ? [AgentPool(id: "apool-abc123", name: "primary", agentCount: 3)] : [],
            smtp: SMTPSettings(),
            tokenTTLPolicies: policies ? TokenType.known.map { TokenTTLPolicy(tokenType: $0, maxTTLMilliseconds: TTLDuration.twoYearsServer) } : nil)
        if !agents { state.agentsUnavailable = "my-org has no agents entitlement." }
        return state
    }

    /// A wizard on its first screen with the state loaded.
    static func loaded(_ current: CurrentState = current(), sections: [Section] = Section.allCases) -> WizardState {
        var state = WizardState(config: WizardConfig(address: config.address, organization: "my-org", sections: sections, ascii: false))
        _ = Wizard.update(&state, .stateLoaded(.success(current), draft: nil))
        return state
    }

    @Test("start: with an organization it reads the state; without one it lists the organizations") func start() {
        #expect(Wizard.start(Self.config).1 == [.loadState(organization: "my-org")])
        let none = WizardConfig(address: "https://tfe.example.com", organization: nil, sections: Section.allCases, ascii: false)
        #expect(Wizard.start(none).1 == [.loadOrganizations])
    }

    @Test("the loaded state opens the first screen, focus on its first field") func loadedOpensFirstScreen() {
        let state = Self.loaded()
        #expect(state.phase == .editing(.smtp))
        #expect(state.focus == .smtpEnabled)
    }

    @Test("Ctrl-C with nothing typed quits at once, and update ends the phase itself") func ctrlCQuits() {
        var state = Self.loaded()
        let commands = Wizard.update(&state, .key(.ctrlC))
        #expect(commands == [.quit(exitCode: 0, message: "Nothing changed.")])
        #expect(state.phase == .finished(exitCode: 0, message: "Nothing changed."))
    }

    @Test("Ctrl-C with edits asks first; n keeps going; a second Ctrl-C quits with exit 1") func ctrlCAsks() {
        var state = Self.loaded()
        _ = Wizard.update(&state, .key(.char(" ")))
        #expect(Wizard.update(&state, .key(.ctrlC)).isEmpty)
        #expect(state.quitPending)
        _ = Wizard.update(&state, .key(.char("n")))
        #expect(!state.quitPending && state.notice == "Not quitting.")
        _ = Wizard.update(&state, .key(.ctrlC))
        let commands = Wizard.update(&state, .key(.ctrlC))
        #expect(commands.count == 1)
        if case .finished(let code, _) = state.phase { #expect(code == 1) } else { Issue.record("\(state.phase)") }
    }

    @Test("a draft that cannot be written is a problem on the status row, from an event") func draftSaveFailed() {
        var state = Self.loaded()
        #expect(Wizard.update(&state, .draftSaveFailed(path: "/x/draft.json")).isEmpty)
        #expect(state.statusNotice?.severity == .problem)
        #expect(state.notice?.contains("/x/draft.json") == true)
    }

    @Test("too small: keys do nothing, Ctrl-C still asks") func tooSmall() {
        var state = Self.loaded()
        _ = Wizard.update(&state, .resized(Size(width: 40, height: 10)))
        let before = state
        #expect(Wizard.update(&state, .key(.char(" "))).isEmpty && state == before)
        #expect(Wizard.update(&state, .key(.tab)).isEmpty && state == before)
        _ = Wizard.update(&state, .resized(Size(width: 100, height: 30)))
        _ = Wizard.update(&state, .key(.char(" ")))
        #expect(state.form.smtpEnabled)
    }

    @Test("no agents entitlement: the Mode choice cycles remote ↔ local and says why") func noAgents() {
        var state = Self.loaded(Self.current(agents: false), sections: [.executionDefaults])
        #expect(state.focus == .mode)
        _ = Wizard.update(&state, .key(.right))
        #expect(state.form.mode == .local)
        _ = Wizard.update(&state, .key(.right))
        #expect(state.form.mode == .remote)
        #expect(state.statusNotice == Notice("Agent mode is not offered: my-org has no agents entitlement.", .problem))
    }

    @Test("an unsupported max-TTL switch is read-only with the reason; a key on it changes nothing") func switchUnsupported() {
        var state = Self.loaded(Self.current(maxTTLSupported: false), sections: [.tokenTTL])
        #expect(state.focus == .ttlEnabled)
        #expect(state.readOnlyReason(.ttlEnabled)?.contains("does not report max-ttl-enabled") == true)
        _ = Wizard.update(&state, .key(.char(" ")))
        #expect(!state.form.ttlEnabled)
        #expect(state.statusNotice?.severity == .problem)
    }

    @Test("leaving a screen with an invalid field keeps the screen and focuses the field") func invalidBlocks() {
        var state = Self.loaded(sections: [.tokenTTL])
        _ = Wizard.update(&state, .key(.tab))
        _ = Wizard.update(&state, .key(.ctrlU))
        for c in "soon" { _ = Wizard.update(&state, .key(.char(c))) }
        for _ in 0..<4 { _ = Wizard.update(&state, .key(.enter)) }   // Team, User, Audit trails, then leave
        #expect(state.phase == .editing(.tokenTTL))
        #expect(state.focus == .ttl(.organization))
        #expect(state.errors[.ttl(.organization)] != nil)
    }

    /// Every key the terminal layer produces.
    static let keys: [Key] = [.tab, .backTab, .up, .down, .left, .right, .home, .end, .enter, .escape, .backspace, .delete,
                              .ctrlR, .ctrlU, .f1, .char(" "), .char("y"), .char("n"), .char("r"), .char("e"), .char("?"), .paste("x")]

    @Test("while reading the server, no key but Ctrl-C does anything (F1 shows the help, and sends nothing)", arguments: keys)
    func loadingIgnoresKeys(key: Key) {
        var state = WizardState(config: Self.config)
        state.phase = .loading("Reading the current settings…")
        let before = state
        #expect(Wizard.update(&state, .key(key)).isEmpty)
        if key == .f1 {
            #expect(state.helpShown && state.phase == before.phase)
        } else {
            #expect(state == before)
        }
    }

    @Test("after a failed start: Enter and Esc quit (exit 1), r reads again, nothing else acts", arguments: keys)
    func failedStart(key: Key) {
        var state = WizardState(config: Self.config)
        _ = Wizard.update(&state, .stateLoaded(.failure(.unauthorized(detail: "bad token")), draft: nil))
        guard case .failed(let message) = state.phase else { Issue.record("\(state.phase)"); return }
        let commands = Wizard.update(&state, .key(key))
        switch key {
        case .enter, .escape:
            #expect(commands == [.quit(exitCode: 1, message: message)])
        case .char("r"):
            #expect(commands == [.loadState(organization: "my-org")])
        default:
            #expect(commands.isEmpty)
            #expect(state.phase == .failed(message))
        }
    }

    @Test("on every screen, every key leaves a consistent state: focus on a visible field, no command but drafts",
          arguments: keys)
    func everyKeyOnEveryScreen(key: Key) {
        for section in Section.allCases {
            var state = Self.loaded(sections: [section])
            let commands = Wizard.update(&state, .key(key))
            for command in commands {
                switch command {
                case .saveDraft: break
                default: Issue.record("\(section) \(key): \(command)")
                }
            }
            if case .editing(let now) = state.phase, let focus = state.focus {
                #expect(state.visibleFields(now).contains(focus), "\(section) \(key): focus \(focus)")
            }
        }
    }
}
