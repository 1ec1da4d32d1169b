import CLIWording
import ArgumentParser
import FoundationEssentials
import SetupKit
import SetupWizard
import TFEClient
import TFESandbox

/// `tfe-setup demo`: the wizard against the built-in sandbox, then what it changed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try the wizard safely: it runs against a built-in sandbox on 127.0.0.1, then shows what changed.",
        usage: "tfe-setup demo [--plain] [--profile <profile>] [<options>]",
        discussion: """
            Nothing leaves this machine. The sandbox starts with SMTP off, mode remote and 2-year token TTLs for organization my-org; the token is the sandbox's site admin. Try the seed scenario: SMTP smtp.example.com:587 with login, agent mode with pool "primary", TTLs 1y/90d/30d/2y.

            To see failures: with a test email address, a host ending in .invalid makes the relay time out, and username "reject" makes it refuse.

            With --profile fresh the sandbox is a server just installed (no users, no organization, a few seconds of start-up): the wizard waits for it, creates the first admin (its token goes to a temporary credentials file, not yours) and the first organization, then shows the three screens.
            """)

    @Flag(help: "Line-by-line prompts instead of the full screen.")
    var plain = false
    @Flag(name: .customLong("no-color"), help: "No colors (also NO_COLOR).")
    var noColor = false
    @Option(help: "The screens to show, comma-separated: smtp,execution_defaults,token_ttl.")
    var screens: String?
    @Option(name: .customLong("latency-ms"), help: "Make the sandbox slow, to see the spinners.")
    var latencyMs: Int = 0
    @Option(help: ArgumentHelp("The kind of server the sandbox plays: \(SandboxProfile.allCases.map(\.rawValue).joined(separator: ", ")).",
                               discussion: "See tfe-setup sandbox --help."))
    var profile: SandboxProfile = .tfe
    @Option(help: ArgumentHelp("Add this many generated organizations (fleet-001, fleet-002, ...) and start at the organization list, to try one baseline for many.",
                               discussion: "Mark several with Space (a for all, / to filter), then set the baseline."))
    var organizations: Int = 0

    /// A bad `--screens` is reported with demo's own usage (not the root command's).
    func validate() throws {
        if profile.isFresh, organizations > 0 {
            throw ValidationError("--profile fresh is a server with no organization yet: leave out --organizations.")
        }
        var sections = try SectionOptions.parse([])
        sections.screens = screens
        _ = try sections.sections()
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let mode = TerminalMode.decide(plainFlag: plain, environment: environment)
        if mode == .noTerminal {
            printError(lines: TerminalMode.noTerminalMessage)
            throw ExitCode.failure
        }
        var sectionOptions = try SectionOptions.parse([])
        sectionOptions.screens = screens
        var sandboxOptions = SandboxOptions(latencyMs: latencyMs, profile: profile)
        sandboxOptions.fleet = max(0, min(organizations, 10_000))
        // One organization: tokens as a real server has them, so a tighter policy shows whom it
        // locks out. Many: the generated fleet's compliant organizations already enforce 30 days,
        // which would reject a 2-year token at the start; their tokens are kept inside the caps.
        sandboxOptions.tokenLifetimes = organizations > 0 ? .short : .real
        // A new installation takes a while to answer its health check: a few seconds here.
        if profile.isFresh { sandboxOptions.bootDelayMs = 3000 }
        let server = try await SandboxServer.start(options: sandboxOptions)
        let before = await server.store.state
        let transport = try AsyncHTTPTransport()
        // A first install starts with no token: the first admin's comes later.
        let configuration = try ClientConfiguration(address: URL(string: server.address)!, token: SecretString(profile.isFresh ? "" : server.tokens.siteAdmin),
                                                    organization: profile.isFresh ? nil : "my-org")
        // Paced as against a real server (the sandbox announces 30 requests/s): the fleet's
        // progress bar shows what an apply of many organizations really takes.
        let client = TFEClient(configuration: configuration, transport: transport, limiter: RateLimiter())
        // The demo's draft lives in a temporary folder: the sandbox's address changes every run.
        // A new private folder (mkdtemp, 0700): a predictable name in /tmp could be prepared by another user.
        let draftDir = try PrivateFile.makeTemporaryDirectory(prefix: "tfe-setup-demo-")
        // The first admin's token goes to the demo's own folder, never to the user's credentials.
        var services = WizardServices(client: client, draftStore: DraftStore(path: draftDir + "/draft.json"),
                                      answersDirectory: FileManager.default.currentDirectoryPath, credentialsHome: draftDir)
        // The Review's `t` shows the way through the lockout: the new token goes to the demo's folder.
        services.renewalDestination = { inUse in
            Result { () throws(TokenRenewal.Refusal) in
                try TokenDestination.prepare(source: .environment("the demo's sandbox"), newTokenFile: draftDir + "/renewed-token-\(Int(Date().timeIntervalSince1970))", host: "127.0.0.1",
                                             home: draftDir, environment: [:], inUse: inUse)
            }
        }
        // The sandbox lives only as long as the demo: its address is not written into a saved
        // answers file, and what is typed is not promised as a draft for next time.
        var config = WizardConfig(address: server.address, organization: organizations > 0 || profile.isFresh ? nil : "my-org", sections: try sectionOptions.sections(),
                                  ascii: !WizardLauncher.utf8(environment), addressInAnswers: false, keepsDraft: false)
        if profile.isFresh {
            config.firstInstall = true
            config.credentialsPath = CredentialsFile.path(home: draftDir) + " (the demo's; removed at the end)"
        }
        let (code, message) = await WizardLauncher.run(mode: mode, config: config, services: services, color: !noColor)
        let after = await server.store.state
        let emails = await server.store.sentEmails
        await transport.shutdown()
        await server.stop()
        try? FileManager.default.removeItem(atPath: draftDir)

        printOut(message)
        printOut("")
        if let admin = await server.store.firstInstall?.admin {
            printOut("First admin on the sandbox: \(admin.username) (\(admin.email)); its token was kept only for the demo.")
        }
        printOut("What changed on the sandbox:")
        let changes = Self.differences(before, after, ascii: !WizardLauncher.utf8(environment))
        // Many organizations change many values: the first few, then how many more.
        let shown = Array(changes.prefix(40).map { "  " + $0 })
        printOut(lines: changes.isEmpty ? ["  nothing"] : shown + (changes.count > 40 ? ["  and \(changes.count - 40) more"] : []))
        printOut("Test emails the sandbox \"sent\":")
        printOut(lines: emails.isEmpty ? ["  none"] : emails.map { "  to \($0.to) from \($0.from) via \($0.relay)\($0.username.isEmpty ? "" : " as \($0.username)")" })
        printOut("")
        printOut("Next, on your server: tfe-setup --address https://tfe.example.com --organization <org> --token-file <file>")
        if code != 0 { throw ExitCode(code) }
    }

    /// `smtp.port: 25 → 587` (ASCII: `->`), one line per changed value (no secret: the sandbox keeps none).
    static func differences(_ a: SandboxState, _ b: SandboxState, ascii: Bool) -> [String] {
        func flatten(_ value: JSONValue, _ prefix: String, into out: inout [String: String]) {
            switch value {
            case .object(let o): for (k, v) in o { flatten(v, prefix.isEmpty ? k : "\(prefix).\(k)", into: &out) }
            default: out[prefix] = value.jsonText
            }
        }
        var x: [String: String] = [:], y: [String: String] = [:]
        flatten(JSONValue.parse(a.jsonData()) ?? .null, "", into: &x)
        flatten(JSONValue.parse(b.jsonData()) ?? .null, "", into: &y)
        return Set(x.keys).union(y.keys).sorted().compactMap { k in
            x[k] == y[k] ? nil : "\(k): \(x[k] ?? "(none)")\(ascii ? " -> " : " → ")\(y[k] ?? "(none)")"
        }
    }
}
