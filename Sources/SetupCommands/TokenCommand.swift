import ArgumentParser
import CLIWording
import CursesUI
import FoundationEssentials
import SetupKit
import TFEClient

/// `tfe-setup token`: the API token this tool runs with.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "The API token this tool runs with: make a new one within the user caps (token renew).",
        subcommands: [TokenRenewCommand.self])
}

/// `tfe-setup token renew`: a new user token within the smallest user cap of the admin's
/// organizations (or `--within`), stored where the old one came from.
struct TokenRenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Make a new user token for the token's user, within the smallest user cap of its organizations, and store it where the token came from. The old token is kept.",
        usage: "tfe-setup token renew [--within <duration>] [<options>]",
        discussion: """
            The new token expires at the server's clock + the cap - max(1 hour, 1% of the cap). It goes where the token in use came from: the host's entry in ~/.terraform.d/credentials.tfrc.json, the configured credentials helper, or the --token-file file (replaced by a new file; a symbolic link is refused). A token from TFE_TOKEN or TF_TOKEN_<host> needs --new-token-file. Only a user token can do this: a team or organization token cannot make a user token.

            Example:
              tfe-setup token renew --address https://tfe.example.com
            """)

    @OptionGroup var options: CommonOptions
    @Option(help: ArgumentHelp("The lifetime to stay within (30d, 720h, 1y) instead of the smallest user cap of the token's organizations.", valueName: "duration"))
    var within: String?
    @Option(name: .customLong(Automation.newTokenFileOption), help: ArgumentHelp("A new file (created 0600) for the new token, instead of where the old one came from. Needed when the token comes from TFE_TOKEN or TF_TOKEN_<host>.", valueName: "path"))
    var newTokenFile: String?

    func validate() throws {
        if let within {
            do { _ = try TTLDuration.parse(within) } catch { throw ValidationError("--within: \(error.description)") }
        }
    }

    func run() async throws {
        let connection: CommonOptions.Connection
        do { connection = try options.makeClient(waitNotices: true) } catch {
            printError(lines: prefixed("tfe-setup: nothing made: ", (error as? TFEError)?.commandLineLines ?? ["\(error)"]))
            throw ExitCode.failure
        }
        let client = connection.client
        // One run at a time on this server: a renewal beside an apply would race for the same file.
        do {
            let lock = try RunLock.take(address: client.configuration.address, organization: nil,
                                        directory: RunLock.directory(environment: options.environment, home: options.home), waitingUpTo: 0)
            Automation.held.withLock { $0.append(lock) }
        } catch {
            await connection.transport.shutdown()
            printError("tfe-setup: nothing made: \(error.description) Run it again once that run has ended.")
            throw ExitCode.failure
        }
        try await shuttingDown(connection.transport) {
            printError("tfe-setup: \(client.configuration.address.absoluteString) · token from \(connection.tokenSource)")
            let account: Account
            do throws(TFEError) { account = try await client.accountDetails() } catch {
                printError(lines: prefixed("tfe-setup: nothing made: ", error.commandLineLines))
                throw ExitCode.failure
            }
            if let refusal = TokenRenewal.refusal(inUse: account.authenticatedResource) {
                printError("tfe-setup: nothing made: \(refusal.description).")
                throw ExitCode.failure
            }
            let (cap, whose) = try await Self.cap(within: within, client: client)
            let destination: TokenDestination
            do {
                destination = try TokenDestination.prepare(source: connection.tokenSource, newTokenFile: newTokenFile,
                                                           host: TokenLookup.credentialsHost(for: client.configuration.address),
                                                           home: options.home, environment: options.environment, inUse: client.configuration.token)
            } catch let refusal as TokenRenewal.Refusal {
                printError("tfe-setup: nothing made: \(refusal.description).")
                throw ExitCode.failure
            }
            let (outcome, signal) = await holdingSignals(second: renewalSecondSignal) {
                await TokenRenewal.renew(client: client, userID: account.id, capMilliseconds: cap, destination: destination, register: CommonOptions.registerSecret)
            }
            if let signal { printError("tfe-setup: \(SignalFlag.name(signal)) came while the new token was made; its answer was waited for.") }
            switch outcome {
            case .renewed(let created, let place):
                let expires = Automation.expiry(of: created.record)
                printOut(lines: [
                    "Renewed: a new user token for \(SafeText.line(account.username)), \(created.record.id) (\"\(SafeText.line(created.record.description ?? ""))\").",
                    "Expires: \(expires), within \(whose).",
                    "Stored:  \(place).",
                    "Old:     not deleted: it works until a cap rejects it; delete it in User settings > Tokens when nothing uses it.",
                    "Renew again before the new one expires.",
                ])
            case .failed(let why), .stranded(let why):
                printError("tfe-setup: \(why).")
                throw ExitCode.failure
            }
        }
    }

    /// The cap to stay within, and whose it is: `--within`, else the smallest user cap among the
    /// organizations the token sees (each one's policy read; one that cannot be read is said).
    static func cap(within: String?, client: TFEClient) async throws -> (Int64, String) {
        if let within, let ms = try? TTLDuration.parse(within) { return (ms, "--within \(TTLDuration.display(milliseconds: ms))") }
        let names: [String]
        do throws(TFEError) { names = try await client.organizations().map(\.name) } catch {
            printError(lines: prefixed("tfe-setup: nothing made: the organizations could not be listed: ", error.commandLineLines + ["Pass --within DURATION."]))
            throw ExitCode.failure
        }
        var smallest: (ms: Int64, organization: String)?
        var unread: [String] = []
        for name in names {
            let policies: [TokenTTLPolicy]
            do throws(TFEError) { policies = try await client.tokenTTLPolicies(name) } catch {
                unread.append(name)
                continue
            }
            // No user policy listed: the organization sets no user cap.
            guard let cap = policies.first(where: { $0.tokenType == .user })?.maxTTLMilliseconds else { continue }
            if smallest.map({ cap < $0.ms }) ?? true { smallest = (cap, name) }
        }
        if !unread.isEmpty {
            printError("tfe-setup: the user cap of \(unread.count) organization\(unread.count == 1 ? "" : "s") could not be read (\(unread.prefix(3).joined(separator: ", "))\(unread.count > 3 ? ", …" : "")): the new token may be over it there.")
        }
        guard let smallest else {
            printError("tfe-setup: nothing made: " + (unread.count == names.count ? "no organization's user cap could be read" : "none of the \(names.count) organizations sets a user cap")
                       + ". Pass --within DURATION (the lifetime to stay within).")
            throw ExitCode.failure
        }
        return (smallest.ms, "\(smallest.organization)'s user cap of \(TTLDuration.display(milliseconds: smallest.ms)), the smallest of \(names.count) organization\(names.count == 1 ? "" : "s")")
    }
}
