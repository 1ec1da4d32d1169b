import CLIWording
import Foundation
import SetupKit
@testable import SetupWizard
import TestSupport
import TFEClient
import TFESandbox

/// A wizard runtime against a sandbox, driven key by key.
struct WizardHarness {
    let fixture: SandboxFixture
    let runtime: WizardRuntime
    let draftStore: DraftStore
    let directory: String
    /// Present when the harness holds PATCHes until N are in flight.
    let gate: GatedTransport?

    static func with(role: SandboxRole = .siteAdmin, options: SandboxOptions = SandboxOptions(rateLimit: 0), seed: SandboxState = .defaultSeed,
                     organization: String? = "my-org", sections: [Section] = Section.allCases, ascii: Bool = false,
                     gate: Int? = nil, directory: String? = nil, timeoutSeconds: Double? = nil, runLocks: Bool = false,
                     before: ((SandboxFixture) async throws -> Void)? = nil,
                     _ body: (WizardHarness) async throws -> Void) async throws {
        try await SandboxFixture.with(options, seed: seed) { f in
            let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("wizard-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var configuration = try f.client(role).configuration
            configuration.organization = organization
            if let timeoutSeconds { configuration.timeout = .milliseconds(Int64(timeoutSeconds * 1000)) }
            try await before?(f)
            let gated = gate.map { GatedTransport(f.transport, expected: $0) }
            let transport: any HTTPTransport = gated ?? f.transport
            let client = TFEClient(configuration: configuration, transport: transport, environment: .instant)
            let store = DraftStore(path: dir + "/state/tfe-setup/draft.json")
            // As the command line starts it: remedies name its flags.
            var config = WizardConfig(address: f.server.address, organization: organization, sections: sections, ascii: ascii)
            config.wording = .commandLine
            config.words = .commandLine
            var services = WizardServices(client: client, draftStore: store, answersDirectory: dir)
            if runLocks { services.runLockDirectory = dir + "/state/tfe-setup/locks" }
            let runtime = WizardRuntime(config: config, services: services)
            let h = WizardHarness(fixture: f, runtime: runtime, draftStore: store, directory: dir, gate: gated)
            await runtime.start()
            try await body(h)
            await runtime.shutdown()
        }
    }

    func press(_ keys: Key...) async { for k in keys { await runtime.send(.key(k)) } }
    func press(_ key: Key, times: Int) async { for _ in 0..<times { await runtime.send(.key(key)) } }
    func type(_ text: String) async { for c in text { await runtime.send(.key(.char(c))) } }
    /// Clears the focused field and types a new value.
    func replace(_ text: String) async {
        await press(.ctrlU)
        await type(text)
    }

    var state: WizardState { get async { await runtime.state } }

    /// Moves focus to the screen's last field and presses Enter (tries to leave the screen).
    func leaveScreen() async {
        var guardCount = 0
        while guardCount < 20, let s = Optional(await state), case .editing(let section) = s.phase, s.focus != s.visibleFields(section).last {
            await press(.tab)
            guardCount += 1
        }
        await press(.enter)
    }

    /// Waits (polling, with a deadline) until the state satisfies a condition.
    @discardableResult
    func until(_ condition: @escaping (WizardState) -> Bool) async -> Bool {
        await eventually { condition(await runtime.state) }
    }

    func frame(_ width: Int = 100, _ height: Int = 30) async -> Frame {
        Wizard.render(await runtime.state, size: Size(width: width, height: height))
    }

    func screenText(_ width: Int = 100, _ height: Int = 30) async -> String { await frame(width, height).text }
}

extension WizardState {
    var isEditing: Bool { if case .editing = phase { return true } else { return false } }
    func on(_ section: Section) -> Bool { phase == .editing(section) }
}
