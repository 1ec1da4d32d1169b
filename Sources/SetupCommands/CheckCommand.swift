import ArgumentParser
import FoundationEssentials
import SetupKit
import TFEClient

/// `tfe-setup check`: what an admin asks first on a new installation — is the server reachable,
/// is TLS trusted, whose token is this, what can it do here? One concurrent round of reads.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the server, the token and the organization: what can be set up here, and why not. Exit 0 when every section asked for is available.",
        usage: "tfe-setup check [--json] [<options>]",
        discussion: """
            Reads only (the same reads the wizard starts with, all at once). Prints the server (app, release, rate limit), the token's user and role, the organization's permissions and entitlements, and for each section (limit them with --screens) available, or unavailable with the reason.

            Example:
              tfe-setup check --address https://tfe.example.com --organization my-org \\
                --token-file ~/.tfe-token
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var sectionOptions: SectionOptions
    @Flag(help: "Print the result as JSON, with the keys server, token, organization, sections and features.")
    var json = false

    func run() async throws {
        if let lines = await freshInstallation() {
            printOut(lines: lines)
            throw ExitCode.failure
        }
        let sections = try sectionOptions.sections()
        let (client, transport, current) = try await options.loadCurrentStateOrExit(
            failurePrefix: "check failed: ", sections: Set(sections), siteWideWhenNoneExists: true,
            whenTokenRefused: json ? nil : { anonymous in await Self.readWithoutToken(anonymous) })
        let address = client.configuration.address
        // The user's own tokens, for the warnings: one that expires soon, or is over a cap.
        let tokens = try await shuttingDown(transport) {
            current.account.authenticatedResource?.tokenType == .user ? (try? await client.userTokens(userID: current.account.id)) ?? [] : []
        }
        let userCap = current.tokenTTLPolicies?.first { $0.tokenType == .user }?.maxTTLMilliseconds
        let warnings = TokenHealth.warnings(tokens: tokens, now: Date(), organization: current.organizationUnavailable == nil ? current.organization.name : nil,
                                            userCap: userCap, enforced: current.organization.maxTTLEnabled)
        let capabilities = Capabilities(current, sections: sections)
        if json { writeDocument(Self.json(current, capabilities, address: address, warnings: warnings) + "\n") } else {
            printOut(lines: Self.text(current, capabilities, address: address) + warnings.map { "Warning:       " + $0 + "." })
        }
        if !capabilities.allSectionsAvailable { throw ExitCode.failure }
    }

    /// A server with no token to use and whose IACT can be fetched from here has no admin yet:
    /// what to do instead of "no token found". Nil when a token is found or the IACT is not
    /// available (then the usual report or error follows).
    func freshInstallation() async -> [String]? {
        guard let url = await FirstInstallRun.newServer(options) else { return nil }
        let host = TokenLookup.credentialsHost(for: url)
        return [
            "Server:        \(url.absoluteString) answers and has no admin yet: its initial admin creation token (IACT) can be fetched from here.",
            "Token:         none found, and none can exist before the first admin.",
            "Next:          create the first admin and organization in the wizard (tfe-setup --first-install --address \(ShellWord.quoted(url.absoluteString))),",
            "               or with a \"bootstrap\" section in an answers file (tfe-setup plan, then apply, --answers FILE),",
            "               or in a browser at \(url.absoluteString)/admin/account/new?token=IACT (the IACT: tfectl admin token on the host); then terraform login \(ShellWord.quoted(host)).",
        ]
    }

    /// The server's line: app, release, address, API version, rate limit.
    static func serverLine(_ ping: PingInfo, address: URL) -> String {
        "Server:        \(ping.serverDescription) at \(address.absoluteString)"
            + (ping.apiVersion.map { ", API \($0)" } ?? "") + (ping.rateLimit.map { ", rate limit \($0)/s" } ?? "")
    }

    /// What can be read when the server refused the token: the ping (the app and its release)
    /// and, on TFE, the health check, both sent without the token. Nothing when the server does
    /// not answer them either (the token's error then stands alone).
    static func readWithoutToken(_ anonymous: TFEClient) async -> [String] {
        guard let ping = try? await anonymous.ping() else { return [] }
        var lines = [serverLine(ping, address: anonymous.configuration.address)]
        if !ping.isHCP {
            switch await anonymous.readiness() {
            case .ready: lines.append("Health:        ready (GET \(APIPath.healthCheck))")
            case .starting(let answer): lines.append("Health:        not ready (GET \(APIPath.healthCheck): \(answer))")
            }
        }
        lines.append("Token:         refused by the server (401), so nothing that needs it was read; why below.")
        return lines
    }

    /// The report's lines; `printOut(lines:)` keeps a value's own line break (a hostile username)
    /// inside its row.
    static func text(_ current: CurrentState, _ capabilities: Capabilities, address: URL) -> [String] {
        let ping = current.ping, org = current.organization, account = current.account
        var lines = [
            serverLine(ping, address: address),
            "Token:         user \(account.username)" + (account.isSiteAdmin && !ping.isHCP ? " (site admin)" : ""),
            current.organizationUnavailable.map { "Organization:  none: " + $0 }
                ?? ("Organization:  \(org.name): " + (org.canUpdate ? "this token can change it" : "read-only for this token")
                    + (org.entitlements?.agents.map { $0 ? "; agents entitlement" : "; no agents entitlement" } ?? "")),
            "Sections:",
        ]
        let width = (capabilities.sections + capabilities.features).map(\.title.count).max() ?? 0
        func row(_ item: Capabilities.Item) -> String {
            "  " + item.title.padded(to: width) + "  " + (item.unavailableReason.map { "unavailable: " + $0 } ?? "available")
        }
        lines += capabilities.sections.map(row)
        lines.append("Features:")
        lines += capabilities.features.map(row)
        return lines
    }

    static func json(_ current: CurrentState, _ capabilities: Capabilities, address: URL, warnings: [String] = []) -> String {
        let ping = current.ping, org = current.organization
        func item(_ key: String, _ i: Capabilities.Item) -> OrderedJSON {
            .object([(key, .string(i.name)), ("available", .bool(i.available)), ("reason", i.unavailableReason.map(OrderedJSON.string) ?? .null)])
        }
        let root: OrderedJSON = .object([
            ("server", .object([
                ("address", .string(address.absoluteString)), ("app", .string(ping.appName)),
                ("release", ping.release.map { .string($0.text) } ?? .null), ("api_version", ping.apiVersion.map(OrderedJSON.string) ?? .null),
                ("rate_limit", ping.rateLimit.map { .integer(Int64($0)) } ?? .null),
            ])),
            ("token", .object([("user", .string(current.account.username)), ("site_admin", .bool(current.account.isSiteAdmin && !ping.isHCP)),
                               ("warnings", .array(warnings.map(OrderedJSON.string)))])),
            // No organization: null, and why in "organization_reason".
            ("organization", current.organizationUnavailable != nil ? .null : .object([
                ("name", .string(org.name)), ("can_update", .bool(org.canUpdate)),
                ("entitlements", .object([("agents", org.entitlements?.agents.map(OrderedJSON.bool) ?? .null)])),
            ])),
            ("organization_reason", current.organizationUnavailable.map(OrderedJSON.string) ?? .null),
            ("sections", .array(capabilities.sections.map { item("section", $0) })),
            ("features", .array(capabilities.features.map { item("feature", $0) })),
        ])
        return root.text()
    }
}
