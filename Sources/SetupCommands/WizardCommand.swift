import CLIWording
import ArgumentParser
import Logging
import CProcessGuard
import CursesUI
import FoundationEssentials
import Glibc
import SetupKit
import SetupWizard
import TFEClient

/// `tfe-setup` / `tfe-setup wizard`: the interactive wizard against the configured server.
struct WizardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wizard",
        abstract: "The interactive wizard: SMTP relay, execution defaults, token TTLs; review, then apply.",
        usage: "tfe-setup [wizard] [<options>]",
        discussion: """
            Without --organization (or TFE_ORG) it starts at the list of the token's organizations.

            Example:
              TFE_TOKEN=... tfe-setup --address https://tfe.example.com \\
                --organization my-org

            Keys:
            \(KeyMap.helpLines.joined(separator: "\n"))

            Several organizations get one baseline (each field starts at keep: each organization keeps its own value). Try: tfe-setup demo --organizations 50
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var sectionOptions: SectionOptions
    @Flag(help: "Line-by-line prompts instead of the full screen (also TERM=dumb or ACCESSIBLE=1).")
    var plain = false
    @Flag(name: .customLong("no-color"), help: "No colors (also NO_COLOR); focus and errors stay visible through reverse and bold.")
    var noColor = false
    @Option(help: ArgumentHelp("Start at the organization list with these marked: names or globs, comma-separated ('*' for all, 'prod-*').",
                               discussion: "Enter then gives them one baseline (execution defaults, token TTLs)."))
    var organizations: String?
    @Flag(name: .customLong("first-install"), help: ArgumentHelp("A new server with no users yet: wait for it, create the first admin (its token stored as terraform login does) and the first organization, then the screens.",
                                                                  discussion: "Chosen by itself when no token is found and the server hands out its initial admin creation token to this machine."))
    var firstInstall = false
    @Option(help: ArgumentHelp("With a first install: how long to wait for a starting server to answer its health check.", valueName: "seconds"))
    var wait: Double = 300
    @Option(name: .customLong(Automation.newTokenFileOption), help: ArgumentHelp("Where the Review's t puts a new token (a new file, created 0600), instead of where the token came from. Needed for that key when the token comes from TFE_TOKEN or TF_TOKEN_<host>.", valueName: "path"))
    var newTokenFile: String?

    func validate() throws {
        guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be from 0 to 86400 seconds.") }
        if firstInstall, organizations != nil { throw ValidationError("--first-install sets up the one organization it creates: leave out --organizations.") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let mode = TerminalMode.decide(plainFlag: plain, environment: options.environment)
        if mode == .noTerminal {
            printError(lines: TerminalMode.noTerminalMessage)
            throw ExitCode.failure
        }
        if organizations != nil, mode != .fullScreen {
            // Plain mode asks for one organization; a baseline for several needs the list.
            printError("tfe-setup: --organizations needs the full-screen wizard (a terminal, without --plain). Without a terminal use: tfe-setup plan/apply --answers FILE --organizations \(organizations ?? "PATTERN"). Nothing was sent.")
            throw ExitCode.failure
        }
        var firstInstall = self.firstInstall
        var made: CommonOptions.Connection?
        if !firstInstall {
            do {
                made = try options.makeClient()
            } catch let error as TFEError {
                // No token: a new server that hands out its IACT here is a first install.
                var missingToken = false
                if case .configuration(_, .provideToken?) = error { missingToken = true }
                if missingToken, await FirstInstallRun.newServer(options) != nil {
                    firstInstall = true
                } else {
                    printError(lines: prefixed("tfe-setup: ", error.commandLineLines)
                               + (missingToken ? ["If this is a new installation with no users yet: tfe-setup --first-install (it creates the first admin and stores its token)."] : []))
                    throw ExitCode.failure
                }
            }
        }
        guard let connection = made else { return try await runFirstInstall(mode: mode, started: started) }
        let (client, transport, logger) = (connection.client, connection.transport, connection.logger)
        var config = WizardConfig(address: client.configuration.address.absoluteString, organization: client.configuration.organization,
                                  sections: try sectionOptions.sections(), ascii: !WizardLauncher.utf8(options.environment))
        config.tokenSource = "\(connection.tokenSource)"
        if let organizations {
            config.organization = nil
            config.organizationPatterns = organizations.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        }
        var services = WizardServices(client: client, draftStore: DraftStore.standard(environment: options.environment, home: options.home),
                                      answersDirectory: FileManager.default.currentDirectoryPath,
                                      registerSecret: { [sink = connection.logSink] in sink?.register(secret: $0) })
        services.runLockDirectory = RunLock.directory(environment: options.environment, home: options.home)
        // The Review's `t`: the new token goes where this one came from, or to --new-token-file.
        services.renewalDestination = { [options, newTokenFile, source = connection.tokenSource, address = client.configuration.address] inUse in
            Result { () throws(TokenRenewal.Refusal) in
                try TokenDestination.prepare(source: source, newTokenFile: newTokenFile, host: TokenLookup.credentialsHost(for: address),
                                             home: options.home, environment: options.environment, inUse: inUse)
            }
        }
        let (code, message) = await WizardLauncher.run(mode: mode, config: config, services: services, color: !noColor,
                                                       started: started, logger: logger)
        await transport.shutdown()
        printOut(message)
        if code != 0 { throw ExitCode(code) }
    }

    /// The wizard on a server with no users: no token yet; the one the first admin gets is
    /// stored in the credentials file and used from then on.
    func runFirstInstall(mode: TerminalMode, started: ContinuousClock.Instant) async throws {
        let url: URL
        let client: TFEClient, transport: AsyncHTTPTransport
        let (logger, sink) = try options.logger()
        do {
            url = try options.resolvedAddress()
            (client, transport) = try FirstInstallRun.tokenless(options, url: url, logger: logger)
        } catch let error as TFEError {
            printError(lines: prefixed("tfe-setup: ", error.commandLineLines))
            throw ExitCode.failure
        }
        var config = WizardConfig(address: url.absoluteString, organization: nil, sections: try sectionOptions.sections(),
                                  ascii: !WizardLauncher.utf8(options.environment))
        config.firstInstall = true
        config.firstInstallWait = wait
        config.credentialsPath = CredentialsFile.path(home: options.home)
        var services = WizardServices(client: client, draftStore: DraftStore.standard(environment: options.environment, home: options.home),
                                      answersDirectory: FileManager.default.currentDirectoryPath,
                                      registerSecret: { sink?.register(secret: $0) }, credentialsHome: options.home)
        services.runLockDirectory = RunLock.directory(environment: options.environment, home: options.home)
        // The Review's `t`: the admin's token lives where this run stored it (terraform's place).
        let host = TokenLookup.credentialsHost(for: url)
        services.renewalDestination = { [options, newTokenFile] inUse in
            Result { () throws(TokenRenewal.Refusal) in
                try TokenDestination.prepare(source: .credentialsFile(path: CredentialsFile.path(home: options.home), host: host), newTokenFile: newTokenFile,
                                             host: host, home: options.home, environment: options.environment, inUse: inUse)
            }
        }
        let (code, message) = await WizardLauncher.run(mode: mode, config: config, services: services, color: !noColor, started: started, logger: logger)
        await transport.shutdown()
        printOut(message)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Starts the full-screen or the plain wizard; shared by `wizard` and `demo`.
enum WizardLauncher {
    /// - Parameters:
    ///   - started: when the command started, for the `first interactive frame` debug line
    ///     (scripts/bench reads it).
    static func run(mode: TerminalMode, config: WizardConfig, services: WizardServices, color: Bool,
                    started: ContinuousClock.Instant = .now, logger: Logger? = nil) async -> (Int32, String) {
        // The wizard is part of the command line: its remedies name the command line's flags.
        var config = config
        config.wording = .commandLine
        config.words = .commandLine
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        switch mode {
        case .fullScreen:
            let terminalNote = TerminalMode.substituteUnknownTerminal(environment: ProcessInfo.processInfo.environment)
            defer { if let terminalNote { printError(terminalNote) } }
            let runtime = WizardRuntime(config: config, services: services)
            let signals = SignalFlag()
            let result = await CursesApp.run(runtime, color: color && !noColor, signals: signals, started: started) { elapsed in
                let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                logger?.debug("first interactive frame", metadata: ["ms": "\(ms.fixed(1))"])
            }
            await runtime.shutdown()
            return result
        case .plain, .noTerminal:
            // A signal ends plain mode with the summary, as it ends the full screen, but never
            // while the first admin is being created: its answer holds the only copy of the new
            // admin's token, so the wizard quits after it (a second signal: at once).
            let signals = SignalFlag()
            let address = config.address
            return await PlainWizard(io: TerminalMode.plainIO, services: services, config: config) { runtime in
                Task {
                    let number = await signals.first()
                    let state = await runtime.state
                    signals.onRepeat { again in
                        tfe_guard_restore_terminal_now()
                        StandardStream.error(state.firstInstall?.step == .creatingAdmin
                            ? "\ntfe-setup: a second \(SignalFlag.name(again)): exiting now. The first admin may or may not exist: tfe-setup check --address " + ShellWord.quoted(address) + " tells.\n"
                            : "\ntfe-setup: a second \(SignalFlag.name(again)): exiting now. A new token named \"tfe-setup renewal …\" may exist that nothing holds: if User settings > Tokens lists it, delete it.\n")
                        _exit(128 + again)
                    }
                    if let waiting = Wizard.waitingNotice(state) {
                        StandardStream.error("\n" + waiting + "\n")
                        await runtime.send(.stopRequested(signal: SignalFlag.name(number)))
                    } else {
                        // A signal taken at a hidden prompt: the shell gets its echo back first.
                        tfe_guard_restore_terminal_now()
                        StandardStream.error("\nStopped by \(SignalFlag.name(number)). " + Wizard.summary(state) + "\n")
                        _exit(128 + number)
                    }
                }
            }.run()
        }
    }

    /// Whether the locale can show UTF-8 (box characters and ✓); else the ASCII set.
    static func utf8(_ environment: [String: String]) -> Bool {
        let locale = environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
        let l = locale.lowercased()
        return l.contains("utf-8") || l.contains("utf8")
    }
}
