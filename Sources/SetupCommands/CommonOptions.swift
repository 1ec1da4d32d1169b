import Synchronization
import CLIWording
import ArgumentParser
import FoundationEssentials
import Logging
import SetupKit
import TFEClient

/// The options every command that talks to a server shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The TFE or HCP Terraform address (env TFE_ADDRESS; default https://app.terraform.io).")
    var address: String?
    @Option(help: "The organization (env TFE_ORG).")
    var organization: String?
    @Option(name: .customLong("token-file"), help: "A file holding the API token. Otherwise: TFE_TOKEN, TF_TOKEN_<host>, or ~/.terraform.d/credentials.tfrc.json. Never on the command line.")
    var tokenFile: String?
    @Option(name: .customLong("ca-cert"), help: "A PEM file with the CA that signed your TFE's certificate (also SSL_CERT_FILE).")
    var caCert: String?
    @Option(help: "Seconds to wait for each request (retries stop after 120 s in all).")
    var timeout: Double = 30
    @Option(name: .customLong("log-file"), help: "Write a log here (created with mode 0600; secrets redacted). Never to the screen.")
    var logFile: String?
    @Option(name: .customLong("log-level"), help: "info or debug (debug logs each request with redacted bodies).")
    var logLevel: String = "info"
    @Flag(name: .customLong("insecure-http"), help: "Allow plain http:// to a host that is not loopback (the token then crosses the network unencrypted).")
    var insecureHTTP = false

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds.") }
        guard ["info", "debug"].contains(logLevel) else { throw ValidationError("--log-level must be info or debug.") }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `$HOME` (as Terraform and every shell tool read `~`), else the password database's entry.
    var home: String { homeDirectory(environment: environment) }

    /// Where the address came from: only one named by an answers file alone needs confirming.
    enum AddressSource: Equatable { case flag, answersFile, environment, standard }

    /// Flag > answers file > environment > default.
    func resolvedAddress(answers: String? = nil) throws -> URL { try addressAndSource(answers: answers).url }

    func addressAndSource(answers: String?) throws(TFEError) -> (url: URL, source: AddressSource) {
        if let address { return (try ClientConfiguration.parseAddress(address), .flag) }
        if let answers { return (try ClientConfiguration.parseAddress(answers), .answersFile) }
        if let env = environment["TFE_ADDRESS"], !env.isEmpty { return (try ClientConfiguration.parseAddress(env), .environment) }
        return (ClientConfiguration.defaultAddress, .standard)
    }

    func resolvedOrganization(answers: String? = nil) -> String? {
        organization ?? answers ?? environment["TFE_ORG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The logger: the redacting file handler when `--log-file` is given; with `waitNotices`
    /// (the line-mode commands) also a line on stderr before a long wait to retry.
    func logger(waitNotices: Bool = false) throws -> (Logger, RedactingFileLogHandler.Sink?) {
        let sink = try logFile.map { path throws(TFEError) in try RedactingFileLogHandler.Sink(path: path) }
        let level: Logger.Level = logLevel == "debug" ? .debug : .info
        let logger = Logger(label: "tfe-setup") { label in
            var handlers: [any LogHandler] = []
            if let sink { handlers.append(RedactingFileLogHandler(label: label, sink: sink, level: level)) }
            if waitNotices { handlers.append(WaitNoticeLogHandler()) }
            switch handlers.count {
            case 0: return SwiftLogNoOpLogHandler()
            case 1: return handlers[0]
            default: return MultiplexLogHandler(handlers)
            }
        }
        return (logger, sink)
    }

    /// The log files of this process, to register a secret made later with (a renewed token).
    static let logSinks = Mutex<[RedactingFileLogHandler.Sink]>([])

    /// Registers a secret with every log file, so no line can show it.
    static func registerSecret(_ secret: SecretString) {
        logSinks.withLock { sinks in for sink in sinks { sink.register(secret: secret) } }
    }

    /// What `makeClient` made.
    struct Connection {
        var client: TFEClient
        var transport: AsyncHTTPTransport
        var logger: Logger
        /// Where the token came from, for the "talking to" line.
        var tokenSource: TokenLookup.Source
        /// The log file, to register more secrets with (the SMTP password typed in the wizard).
        var logSink: RedactingFileLogHandler.Sink?
    }

    /// A client for the configured server (token looked up and bound to its host, TLS set up,
    /// log attached). Nothing is sent yet.
    /// - Parameters:
    ///   - smtpPassword: the password an answers file supplies: registered for scrubbing, and
    ///     refused when it is the API token itself.
    /// - Throws: `TFEError.configuration` (bad address, no token, a token not meant for the host
    ///   an answers file names, …), or the log file's error.
    ///   - waitNotices: a line on stderr before a long wait to retry (the line-mode commands;
    ///     never the wizard, whose full screen a stray line would tear).
    func makeClient(answersAddress: String? = nil, answersOrganization: String? = nil, smtpPassword: SecretString? = nil,
                    waitNotices: Bool = false) throws -> Connection {
        let (url, addressSource) = try addressAndSource(answers: answersAddress)
        let lookup = TokenLookup(tokenFile: tokenFile, environment: environment, homeDirectory: home)
        let (token, source) = try lookup.resolve(for: url)
        if addressSource == .answersFile { try Self.checkTokenBinding(url: url, source: source, environment: environment) }
        if let smtpPassword, smtpPassword.exposedValue == token.exposedValue {
            throw TFEError.configuration("""
                The answers file's SMTP password is the API token itself (from \(source)). Nothing was sent: \
                the token would go to the mail relay. Point "password_env" or --smtp-password-file at the relay's own password.
                """)
        }
        let (logger, sink) = try logger(waitNotices: waitNotices)
        if let sink { Self.logSinks.withLock { $0.append(sink) } }
        sink?.register(secret: token)
        if let smtpPassword { sink?.register(secret: smtpPassword) }
        let ca = caCertificatePath(for: url)
        let configuration = try ClientConfiguration(address: url, token: token, organization: resolvedOrganization(answers: answersOrganization),
                                                    timeout: .milliseconds(Int64(timeout * 1000)), caCertificatePath: ca, allowInsecureHTTP: insecureHTTP)
        let transport = try AsyncHTTPTransport(caCertificatePath: ca, logger: logger)
        logger.info("start", metadata: ["address": "\(url.absoluteString)", "version": "\(TFESetupVersion.current)"])
        // One limiter for the process: every request kept within the server's rate limit.
        return Connection(client: TFEClient(configuration: configuration, transport: transport, logger: logger, limiter: RateLimiter()), transport: transport,
                          logger: logger, tokenSource: source, logSink: sink)
    }

    /// The CA file to trust besides the system's: `--ca-cert`, else `SSL_CERT_FILE` for an
    /// https address only. Many hosts set `SSL_CERT_FILE` to the system bundle itself; parsing its
    /// ~150 certificates cost 5–6 ms of every run against a plain-HTTP (loopback) server, which
    /// never uses them. A `--ca-cert` given with http:// is still read, so a typo shows at once.
    func caCertificatePath(for url: URL) -> String? {
        if let caCert { return caCert }
        guard url.scheme?.lowercased() == "https" else { return nil }
        return environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The token is bound to its host: an address that only an answers file names is used only
    /// when `TFE_ADDRESS` names the same server, or when the token comes from a source tied to that
    /// host. A shared answers file must never be able to send the admin's token somewhere else.
    static func checkTokenBinding(url: URL, source: TokenLookup.Source, environment: [String: String]) throws(TFEError) {
        if source.isBoundToHost { return }
        if let env = environment["TFE_ADDRESS"], !env.isEmpty, let confirmed = try? ClientConfiguration.parseAddress(env),
           ClientConfiguration.sameServer(confirmed, url) { return }
        // The address is the file's: shown inert, and quoted wherever it is part of a command.
        let shown = SafeText.line(url.absoluteString), word = ShellWord.quoted(url.absoluteString)
        throw .configuration("""
            The answers file names the server \(shown), but the API token (from \(source)) is not tied to that host, \
            so nothing was sent. If that is the server you mean, confirm it with --address \(word) \
            (or TFE_ADDRESS=\(word)), or \(TokenLookup.terraformVariableName(for: url).map { "keep its token in \($0), or " } ?? "")\
            run `terraform login \(ShellWord.quoted(TokenLookup.credentialsHost(for: url)))`.
            """)
    }
}

/// `--screens`, for the commands that show or read some sections only (the wizard, `check`,
/// `export`); `plan` and `apply` take what the answers file names.
struct SectionOptions: ParsableArguments {
    @Option(help: "Only these sections, comma-separated: smtp,execution_defaults,token_ttl (default: all three).")
    var screens: String?

    func validate() throws { _ = try sections() }

    /// `--screens` as sections, in screen order.
    func sections() throws -> [Section] {
        guard let screens else { return Section.allCases }
        var out: [Section] = []
        for name in screens.split(separator: ",").map({ $0.trimmingSpaces }) where !name.isEmpty {
            guard let s = Section(rawValue: name) else {
                throw ValidationError("Unknown screen \"\(name)\" in --screens; use smtp, execution_defaults, token_ttl.")
            }
            out.append(s)
        }
        guard !out.isEmpty else { throw ValidationError("--screens names no screen; use smtp, execution_defaults, token_ttl.") }
        return out
    }
}

/// Why `loadCurrentState` could not read the server's settings.
enum LoadFailure: Error {
    /// No organization from the flag, the answers file or `TFE_ORG`.
    case noOrganization
    /// `hint`: what to try instead (the organizations the token sees, when the one named is not).
    /// `read`: the report's lines that could still be read (without the token, when it was refused).
    case client(TFEError, hint: String? = nil, read: [String] = [])
}

extension CommonOptions {
    /// Connects and reads the organization's current state (every read at once). On success the
    /// caller owns the transport and shuts it down; on failure it is already shut down.
    /// - Throws: `LoadFailure`; other errors of `makeClient` (e.g. the log file) pass through.
    /// - Parameter sections: the sections wanted. Without an organization, when they are only the
    ///   SMTP relay, or when `siteWideWhenNoneExists` and the server has no organization at all,
    ///   the site-wide state is read (`organizationUnavailable` says why there is no organization).
    /// - Parameter beforeReads: runs once the client is made and before its first request (an
    ///   `apply` takes its run lock there, so its plan rests on reads no other run interleaves).
    /// - Parameter whenTokenRefused: on a 401, what can still be read without the token (`check`
    ///   shows the server's release and health before the token's problem).
    func loadCurrentState(answersAddress: String? = nil, answersOrganization: String? = nil, smtpPassword: SecretString? = nil,
                          sections: Set<Section> = Set(Section.allCases), siteWideWhenNoneExists: Bool = true, tokensIfTightening: DesiredSettings.TokenTTL? = nil,
                          beforeReads: (TFEClient) throws -> Void = { _ in }, whenTokenRefused: ((TFEClient) async -> [String])? = nil) async throws
        -> (client: TFEClient, transport: AsyncHTTPTransport, current: CurrentState) {
        let connection: Connection
        do {
            // Only the line-mode commands read the state through here: they get the wait notices.
            connection = try makeClient(answersAddress: answersAddress, answersOrganization: answersOrganization, smtpPassword: smtpPassword,
                                        waitNotices: true)
        } catch let error as TFEError {
            throw LoadFailure.client(error)
        }
        let (client, transport) = (connection.client, connection.transport)
        do { try beforeReads(client) } catch {
            await transport.shutdown()
            throw error
        }
        guard let organization = client.configuration.organization else {
            let siteWideOnly = !sections.isEmpty && sections == [.smtp]
            guard siteWideOnly || siteWideWhenNoneExists else {
                await transport.shutdown()
                throw LoadFailure.noOrganization
            }
            printError("tfe-setup: \(client.configuration.address.absoluteString) · no organization named · token from \(connection.tokenSource)")
            do {
                if siteWideOnly {
                    return (client, transport, try await StateLoader.loadSiteWide(client: client, noOrganization: "none was named, and only the SMTP relay is asked for."))
                }
                // The site-wide relay is usually the first thing set on a new installation, before
                // any organization exists: it must not wait for one.
                guard try await client.organizations().isEmpty else {
                    await transport.shutdown()
                    throw LoadFailure.noOrganization
                }
                return (client, transport, try await StateLoader.loadSiteWide(client: client, noOrganization: StateLoader.noOrganizationYet))
            } catch let error as TFEError {
                let read = await Self.readWithoutToken(error, client: client, whenTokenRefused)
                await transport.shutdown()
                throw LoadFailure.client(error, read: read)
            }
        }
        // Before the first request: which server the token is about to go to, and which token.
        printError("tfe-setup: \(client.configuration.address.absoluteString) · organization \(organization) · token from \(connection.tokenSource)")
        do {
            return (client, transport, try await StateLoader.load(client: client, organization: organization, tokensIfTightening: tokensIfTightening))
        } catch {
            // A mistyped name: one more read lists what the token does see, with the nearest first.
            var hint: String?
            if case .notFound(let path, _) = error, path == APIPath.organization(organization) {
                hint = await Self.organizationHint(client: client, asked: organization)
            }
            let read = await Self.readWithoutToken(error, client: client, whenTokenRefused)
            await transport.shutdown()
            throw LoadFailure.client(error, hint: hint, read: read)
        }
    }

    /// What `whenTokenRefused` reads when the error is the token's 401; nothing otherwise.
    static func readWithoutToken(_ error: TFEError, client: TFEClient, _ whenTokenRefused: ((TFEClient) async -> [String])?) async -> [String] {
        guard case .unauthorized = error, let whenTokenRefused else { return [] }
        return await whenTokenRefused(client.using(token: SecretString("")))
    }

    /// "Did you mean my-org?" and the organizations the token sees (at most ten named), or nil
    /// when they cannot be listed.
    static func organizationHint(client: TFEClient, asked: String) async -> String? {
        guard let names = try? await client.organizations().map(\.name), !names.isEmpty else { return nil }
        return OrganizationSuggestion(asked: asked, names: names).sentence
    }
}

extension CommonOptions {
    /// The read-only commands' start (`check`, `export`): the current state and the address it
    /// came from, the transport already shut down; a failure is printed (after `failurePrefix`,
    /// e.g. "nothing exported") and ends the command with exit 1.
    func readCurrentStateOrExit(failurePrefix: String, sections: Set<Section>, siteWideWhenNoneExists: Bool) async throws -> (current: CurrentState, address: URL) {
        let loaded = try await loadCurrentStateOrExit(failurePrefix: failurePrefix + ": ", sections: sections, siteWideWhenNoneExists: siteWideWhenNoneExists)
        await loaded.transport.shutdown()
        return (loaded.current, loaded.client.configuration.address)
    }

    /// `loadCurrentState`, with its failures printed and turned into exit 1: no organization
    /// (with where to give one), or the client's error (after `failurePrefix`).
    func loadCurrentStateOrExit(answersAddress: String? = nil, answersOrganization: String? = nil, smtpPassword: SecretString? = nil,
                                failurePrefix: String = "", whereToGiveOrganization: String = "pass --organization (or set TFE_ORG)",
                                sections: Set<Section> = Set(Section.allCases), siteWideWhenNoneExists: Bool = true, tokensIfTightening: DesiredSettings.TokenTTL? = nil,
                                beforeReads: (TFEClient) throws -> Void = { _ in }, whenTokenRefused: ((TFEClient) async -> [String])? = nil) async throws
        -> (client: TFEClient, transport: AsyncHTTPTransport, current: CurrentState) {
        do {
            return try await loadCurrentState(answersAddress: answersAddress, answersOrganization: answersOrganization, smtpPassword: smtpPassword,
                                              sections: sections, siteWideWhenNoneExists: siteWideWhenNoneExists, tokensIfTightening: tokensIfTightening, beforeReads: beforeReads,
                                              whenTokenRefused: whenTokenRefused)
        } catch LoadFailure.noOrganization {
            printError("tfe-setup: no organization: \(whereToGiveOrganization).")
            throw ExitCode.failure
        } catch LoadFailure.client(let error, let hint, let read) {
            if !read.isEmpty { printOut(lines: read) }
            printError(lines: prefixed("tfe-setup: \(failurePrefix)", error.commandLineLines) + (hint.map { [$0] } ?? []))
            throw ExitCode.failure
        }
    }
}

/// Prints one line to stderr, through the output sanitizer (`SafeText.line`): a line break
/// inside it — from a server's or a file's text — shows as `\n` and cannot start a line of its
/// own. Messages of several lines go through `printError(lines:)`.
func printError(_ line: String) {
    StandardStream.error(SafeText.line(line) + "\n")
}

/// Prints each line to stderr, each through `SafeText.line`: the only line breaks are the ones
/// between the elements, which this tool composed.
func printError(lines: [String]) {
    StandardStream.error(lines.map { SafeText.line($0) + "\n" }.joined())
}

/// Prints one line to stdout (see `printError(_:)`). Every line a command prints goes through
/// here, `printOut(lines:)`, the `printError` pair, or `writeDocument`.
func printOut(_ line: String) {
    StandardStream.out(SafeText.line(line) + "\n")
}

/// Prints each line to stdout, each through `SafeText.line`.
func printOut(lines: [String]) {
    StandardStream.out(lines.map { SafeText.line($0) + "\n" }.joined())
}

/// `lines` with `prefix` before the first (a message's lines after `tfe-setup: `).
func prefixed(_ prefix: String, _ lines: [String]) -> [String] {
    guard let first = lines.first else { return [prefix] }
    return [prefix + first] + lines.dropFirst()
}

/// Writes a prompt (no line break added; any inside is escaped).
func writePrompt(_ text: String) {
    StandardStream.out(SafeText.line(text))
}

/// Writes a document this tool encoded (JSON, HCL, an answers file) to stdout: its own line
/// breaks stay, every other unsafe scalar is escaped (`SafeText.block`). Only for text whose
/// encoder escapes line breaks inside values, as JSON and our HCL writer do.
func writeDocument(_ text: String) {
    StandardStream.out(SafeText.block(text))
}
