import ArgumentParser
import NIOConcurrencyHelpers
import Logging
import CLIWording
import CursesUI
import Glibc
import FoundationEssentials
import SetupKit
import TFEClient

/// The options of a first install (`bootstrap` in an answers file), for `plan` and `apply`.
struct FirstInstallOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With a bootstrap section: how long to wait for a starting server to answer its health check.", valueName: "seconds"))
    var wait: Double = 300
    @Option(name: .customLong("admin-password-file"), help: ArgumentHelp("With a bootstrap section: a file holding the first admin's password (one line, yours, mode 0600). Only here: an answers file cannot name one.", valueName: "file"))
    var adminPasswordFile: String?
    @Option(name: .customLong("iact-file"), help: ArgumentHelp("With a bootstrap section: a file holding the initial admin creation token (yours, mode 0600). Without it or bootstrap.iact_env the token is fetched from the server.", valueName: "file"))
    var iactFile: String?

    func validate() throws {
        guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be from 0 to 86400 seconds.") }
    }

    /// The files as the answers file's reader takes them.
    var secretFiles: AnswersFile.SecretFiles {
        var files = AnswersFile.SecretFiles(adminPassword: adminPasswordFile, iact: iactFile)
        files.adminPasswordOption = "--admin-password-file"
        files.iactOption = "--iact-file"
        return files
    }
}

/// A first install from an answers file: wait for the server, create the first admin with the
/// IACT, store its token as `terraform login` does, create the first organization. Each step is
/// skipped when what it makes exists already, so a rerun creates nothing; `plan` only reads.
struct FirstInstallRun {
    let options: CommonOptions
    let bootstrap: Bootstrap
    let wait: Double
    /// The answers file's address, if any (the flag and `TFE_ADDRESS` come first).
    let answersAddress: String?

    /// What the run found or made.
    struct Outcome {
        /// The lines for stdout, as the plan shows them.
        var lines: [String] = []
        /// Something was (or, in a plan, would be) created.
        var creates = false
        /// The admin does not exist yet (a plan): the settings cannot be read, only assumed.
        var adminMissing = false
        /// The organization does not exist yet (a plan).
        var organizationMissing = false
        /// This run created the admin and stored the token it runs with: a renewal may replace
        /// that token and delete it, since which token it is is known for certain.
        var madeToken = false
    }

    /// Runs the first install; `apply: false` sends no write. Failures print their message and
    /// end with exit 1.
    func run(apply: Bool) async throws -> Outcome {
        let url: URL, source: CommonOptions.AddressSource
        do { (url, source) = try options.addressAndSource(answers: answersAddress) } catch {
            printError(lines: prefixed("tfe-setup: ", error.commandLineLines))
            throw ExitCode.failure
        }
        if source == .answersFile, !confirmed(url) {
            printError("tfe-setup: nothing sent: the answers file names the server \(url.absoluteString), and a first install sends the IACT and the admin's password there. If that is your new server, confirm it with --address \(ShellWord.quoted(url.absoluteString)) (or TFE_ADDRESS).")
            throw ExitCode.failure
        }
        let ca = options.caCertificatePath(for: url)
        let (logger, sink) = try options.logger(waitNotices: true)   // plan and apply: line mode
        let configuration: ClientConfiguration
        let transport: AsyncHTTPTransport
        do {
            configuration = try ClientConfiguration(address: url, token: SecretString(""), timeout: .milliseconds(Int64(options.timeout * 1000)),
                                                    caCertificatePath: ca, allowInsecureHTTP: options.insecureHTTP)
            transport = try AsyncHTTPTransport(caCertificatePath: ca, logger: logger)
        } catch {
            printError(lines: prefixed("tfe-setup: ", error.commandLineLines))
            throw ExitCode.failure
        }
        for secret in [bootstrap.password, bootstrap.iact].compactMap({ $0 }) { sink?.register(secret: secret) }
        let client = TFEClient(configuration: configuration, transport: transport, logger: logger)
        return try await shuttingDown(transport) { try await steps(client, url: url, apply: apply, sink: sink) }
    }

    /// The configured server, when no token for it is found and it hands out its IACT to this
    /// machine: a new installation with no users yet. Nil otherwise (a token exists, the server
    /// does not answer, or the IACT is not available from here).
    static func newServer(_ options: CommonOptions) async -> URL? {
        guard let url = try? options.resolvedAddress(),
              (try? TokenLookup(tokenFile: options.tokenFile, environment: options.environment, homeDirectory: options.home).resolve(for: url)) == nil,
              let (client, transport) = try? tokenless(options, url: url, logger: nil) else { return nil }
        var available = await client.readiness() == .ready
        if available { available = (try? await client.retrieveIACT()) != nil }
        await transport.shutdown()
        return available ? url : nil
    }

    /// A client for a server that has no users yet: no token, so no Authorization header.
    static func tokenless(_ options: CommonOptions, url: URL, logger: Logger?) throws -> (TFEClient, AsyncHTTPTransport) {
        let ca = options.caCertificatePath(for: url)
        let configuration = try ClientConfiguration(address: url, token: SecretString(""), timeout: .milliseconds(Int64(options.timeout * 1000)),
                                                    caCertificatePath: ca, allowInsecureHTTP: options.insecureHTTP)
        let transport = try logger.map { try AsyncHTTPTransport(caCertificatePath: ca, logger: $0) } ?? AsyncHTTPTransport(caCertificatePath: ca)
        if let logger { return (TFEClient(configuration: configuration, transport: transport, logger: logger, limiter: RateLimiter()), transport) }
        return (TFEClient(configuration: configuration, transport: transport), transport)
    }

    /// Whether `--address` or `TFE_ADDRESS` names the server the answers file names.
    func confirmed(_ url: URL) -> Bool {
        guard let env = options.environment["TFE_ADDRESS"], !env.isEmpty, let named = try? ClientConfiguration.parseAddress(env) else { return false }
        return ClientConfiguration.sameServer(named, url)
    }

    private func steps(_ client: TFEClient, url: URL, apply: Bool, sink: RedactingFileLogHandler.Sink?) async throws -> Outcome {
        var outcome = Outcome()
        let host = TokenLookup.credentialsHost(for: url)
        let credentials = CredentialsFile.path(home: options.home)
        try await waitForServer(client, url: url)

        // The admin: a token stored for this host (or given) that signs in means it exists.
        var admin: TFEClient?
        let lookup = TokenLookup(tokenFile: options.tokenFile, environment: options.environment, homeDirectory: options.home)
        if let (token, source) = try? lookup.resolve(for: url) {
            sink?.register(secret: token)
            let signedIn = client.using(token: token)
            do {
                let account = try await signedIn.accountDetails()
                outcome.lines.append("First admin: exists (the token from \(source) signs in as \(SafeText.line(account.username))); none created.")
                admin = signedIn
            } catch {
                printError(lines: prefixed("tfe-setup: nothing created: the token from \(source) does not work on \(url.absoluteString): ", error.commandLineLines)
                           + ["If this server was installed again, remove that token (terraform logout \(ShellWord.quoted(host))) and run again; otherwise use a working token."])
                throw ExitCode.failure
            }
        } else {
            // Made before the admin exists: its token is shown once, and must have a place — not
            // only a file that reads well, but room written on the disk (`CredentialsSlot`).
            let slot: CredentialsSlot
            do {
                slot = try FirstAdminCreation.prepare(for: client, home: options.home, environment: options.environment)
            } catch {
                printError("tfe-setup: nothing created: the new admin's token could not be stored: \(error.description)")
                throw ExitCode.failure
            }
            defer { slot.discard() }
            admin = try await createAdmin(client, host: host, credentials: credentials, slot: slot, apply: apply, sink: sink, into: &outcome)
        }

        if let organization = bootstrap.organization {
            try await ensureOrganization(organization, admin: admin, apply: apply, into: &outcome)
        }
        return outcome
    }

    /// Waits for the health check, with a line on stderr about every 10 s.
    private func waitForServer(_ client: TFEClient, url: URL) async throws {
        if await client.readiness() == .ready { return }
        printError("tfe-setup: waiting for \(url.absoluteString) to come up (GET /_health_check, up to \(Int(wait)) s)")
        let reported = ReportClock()
        do {
            try await client.waitUntilReady(deadline: wait, interval: 1) { waited, answer in
                if reported.due(at: waited, every: 10) { printError("tfe-setup: still waiting: \(answer), \(Int(waited)) s") }
            }
        } catch {
            printError(lines: prefixed("tfe-setup: nothing created: ", error.commandLineLines))
            throw ExitCode.failure
        }
    }

    /// The first admin: the IACT (given, or fetched), then `initial-admin-user`, then its token
    /// stored at once. A plan says what it would do and fetches nothing but the IACT's availability.
    private func createAdmin(_ client: TFEClient, host: String, credentials: String, slot: CredentialsSlot, apply: Bool,
                             sink: RedactingFileLogHandler.Sink?, into outcome: inout Outcome) async throws -> TFEClient? {
        outcome.creates = true
        let who = "\(SafeText.line(bootstrap.username)) (\(SafeText.line(bootstrap.email)))"
        var iact = bootstrap.iact
        var iactFrom = bootstrap.iactSource ?? "GET /admin/retrieve-iact"
        if iact == nil, let missing = bootstrap.missing.first(where: { $0.path.hasSuffix("iact_env") }) {
            printError("tfe-setup: nothing created: \(missing.description)")
            throw ExitCode.failure
        }
        if iact == nil {
            do {
                iact = try await client.retrieveIACT()
                sink?.register(secret: iact!)
                iactFrom += " (available now)"
            } catch {
                printError(lines: prefixed("tfe-setup: nothing created: ", error.commandLineLines))
                throw ExitCode.failure
            }
        }
        guard apply else {
            outcome.adminMissing = true
            outcome.lines.append("First admin: would create \(who) with the IACT from \(iactFrom), and store its token in \(credentials) (credentials for \(host)).")
            if let missing = bootstrap.missing.first { outcome.lines.append("Error (\(missing.path)): \(missing.message)") }
            return nil
        }
        guard let password = bootstrap.password, let iact else {
            let missing = bootstrap.missing.first?.description ?? "the first admin's password is not given"
            printError("tfe-setup: nothing created: \(missing)")
            throw ExitCode.failure
        }
        let address = client.configuration.address.absoluteString
        // From the POST until its token is stored, a signal must not cut the run short: the
        // IACT is spent and the token is shown once. The first signal is noted and the answer
        // waited for (up to --timeout); a second one ends the process at once, saying what to check.
        let username = bootstrap.username
        let (created, signal) = await holdingSignals(second: { _ in
            "The first admin \(who) may exist on \(address) with its token stored nowhere. To find out: tfe-setup check --address \(ShellWord.quoted(address)) (\"has no admin yet\" means it was not created: run the same command again); if it exists, sign in at \(address) as \(SafeText.line(username)) and create a token (terraform login \(host))."
        }) {
            await FirstAdminCreation.create(FirstAdmin(iact: iact, username: bootstrap.username, email: bootstrap.email, password: password),
                                            client: client, slot: slot, register: { sink?.register(secret: $0) })
        }
        let token: SecretString, placed: CredentialsSlot.Placement
        switch created {
        case .failed(let error):
            printError(lines: prefixed("tfe-setup: nothing created: ", error.commandLineLines))
            if let signal { printError("tfe-setup: stopped by \(SignalFlag.name(signal)).") }
            throw ExitCode.failure
        case .created(let made, let placement):
            (token, placed) = (made, placement)
        }
        guard let whereStored = placed.whereStored(host: host) else {
            printError("tfe-setup: the first admin \(who) was created, but its token could not be stored: \(placed.lostReason ?? ""). Sign in at \(address) as \(SafeText.line(bootstrap.username)), create a token (terraform login \(ShellWord.quoted(host))), and run again.")
            throw ExitCode.failure
        }
        let stored = "its token is " + whereStored
        if case .rescued(let path, let reason) = placed {
            printError("tfe-setup: the first admin \(who) was created, but its token could not be stored in \(credentials): \(reason). It was written to \(path) (mode 0600) instead: move its entry for \(host) into \(credentials), then run again.")
        } else {
            printOut("Created the first admin \(who); \(stored).")
        }
        if let signal {
            printOut("Stopped by \(SignalFlag.name(signal)) after creating the first admin \(who); \(stored). Run the same command again: it finds the admin and goes on.")
            throw ExitCode.failure
        }
        if case .rescued = placed { throw ExitCode.failure }
        outcome.madeToken = true
        return client.using(token: token)
    }

    /// The first organization: read it; create it when it does not exist.
    private func ensureOrganization(_ organization: Bootstrap.NewOrganization, admin: TFEClient?, apply: Bool, into outcome: inout Outcome) async throws {
        let name = organization.name
        guard let admin else {
            outcome.organizationMissing = true
            outcome.lines.append("Organization: would create \(name) (\(SafeText.line(organization.email))), owned by the first admin.")
            return
        }
        do {
            _ = try await admin.organization(name)
            outcome.lines.append("Organization: \(name) exists; not created.")
            return
        } catch {
            guard case .notFound = error else {
                printError(lines: prefixed("tfe-setup: ", error.commandLineLines))
                throw ExitCode.failure
            }
        }
        outcome.creates = true
        guard apply else {
            outcome.organizationMissing = true
            outcome.lines.append("Organization: would create \(name) (\(SafeText.line(organization.email))).")
            return
        }
        do {
            _ = try await admin.createOrganization(name: name, email: organization.email)
        } catch {
            printError(lines: prefixed("tfe-setup: organization \(name) not created: ", error.commandLineLines))
            throw ExitCode.failure
        }
        printOut("Created the organization \(name).")
    }
}

/// When a progress line is due (shared with a @Sendable callback).
final class ReportClock: @unchecked Sendable {
    private let lock = NIOLock()
    private var last = 0.0
    func due(at seconds: Double, every interval: Double) -> Bool {
        lock.withLock {
            guard seconds - last >= interval else { return false }
            last = seconds
            return true
        }
    }
}
