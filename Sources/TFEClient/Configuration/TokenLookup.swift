import FoundationEssentials

/// Finds the API token, first found wins: a token file the person named; `TFE_TOKEN`; `TF_TOKEN_<host>`
/// (Terraform's encoding); Terraform CLI's `~/.terraform.d/credentials.tfrc.json`. The token is
/// never taken from the command line.
public struct TokenLookup: Sendable {
    /// Where the token was found, for messages ("token from TF_TOKEN_tfe_example_com").
    public enum Source: Equatable, Sendable, CustomStringConvertible {
        case tokenFile(String)
        case environment(String)
        case credentialsFile(path: String, host: String)

        /// Whether this source holds a token for one host only (`TF_TOKEN_<host>`, the credentials
        /// file's entry for that host). A named token file and `TFE_TOKEN` are tied to no host.
        public var isBoundToHost: Bool {
            switch self {
            case .tokenFile: return false
            case .environment(let name): return name.hasPrefix("TF_TOKEN_")
            case .credentialsFile: return true
            }
        }

        public var description: String {
            switch self {
            case .tokenFile(let path): return "token file \(path)"
            case .environment(let name): return "environment variable \(name)"
            case .credentialsFile(let path, let host): return "\(path) (credentials for \(host))"
            }
        }
    }

    public var tokenFile: String?
    public var environment: [String: String]
    public var homeDirectory: String

    /// - Parameters:
    ///   - tokenFile: the token file the person named, if any.
    ///   - environment: the process environment (tests pass their own).
    ///   - homeDirectory: where `.terraform.d/` lives.
    public init(tokenFile: String?, environment: [String: String], homeDirectory: String) {
        self.tokenFile = tokenFile
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The `TF_TOKEN_` variable name for a host: `.` → `_`, `-` → `__`
    /// (`tfe-1.example.com` → `TF_TOKEN_tfe__1_example_com`).
    public static func terraformVariableName(forHost host: String) -> String {
        "TF_TOKEN_" + host.replacing("-", with: "__").replacing(".", with: "_")
    }

    /// The `TF_TOKEN_` variable that may hold the token for an address, or nil when none may:
    /// the name is lossy (`.`→`_`, `-`→`__` maps `tfe.acme_.corp.com` and `tfe.acme-corp.com` to
    /// one name) and has no port, so it binds only a host of letters, digits, hyphens and dots
    /// (the LDH names Terraform's docs describe it for) with no port in the address. Another port
    /// of a host, or a name outside LDH, takes its token from elsewhere (the credentials file's
    /// `host:port` key, a token file, `TFE_TOKEN`).
    public static func terraformVariableName(for address: URL) -> String? {
        guard address.port == nil, let host = address.host?.lowercased(), isLDH(host) else { return nil }
        return terraformVariableName(forHost: host)
    }

    /// Letters, digits and hyphens in dot-separated labels (the hostname rule the SMTP host is
    /// checked with), or an IPv4 address.
    public static func isLDH(_ host: String) -> Bool {
        FieldRules.isDNSName(host) || FieldRules.isIPv4(host)
    }

    /// The host as Terraform names it for credentials: lowercased, with `:port` only when the
    /// address names a port (`tfe.example.com`, `tfe.example.com:8443`). An IPv6 address keeps
    /// its brackets (`[fd00::1]:8443`): without them `[fd00::1]:8443` and `[fd00::1:8443]` would
    /// share the key `fd00::1:8443`, and one server's token would be sent to the other.
    public static func credentialsHost(for address: URL) -> String {
        var host = (address.host ?? "").lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.contains(":") { host = "[\(host)]" }
        return address.port.map { "\(host):\($0)" } ?? host
    }

    /// Resolves the token for an address.
    /// - Throws: `TFEError.configuration` when the token file cannot be read or is empty, or no
    ///   token is found anywhere (the message lists the places tried).
    public func resolve(for address: URL) throws(TFEError) -> (token: SecretString, source: Source) {
        // Terraform's rules: the host lowercased; `TF_TOKEN_` names an LDH host alone, never a
        // port; the credentials file's key has `:port` exactly when the address has one (no
        // fallback to the bare host: a token for tfe.example.com is not meant for another port).
        if let tokenFile {
            let data: Data
            switch BoundedFile.read(tokenFile, limit: 16_384) {
            case .success(let d): data = d
            case .failure(let reason):
                throw .configuration("Cannot read the token file \(tokenFile): \(reason). Check the path and that it is readable by you.")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw .configuration("The token file \(tokenFile) is not text.", remedy: .fixTokenFile)
            }
            let token = text.trimmingWhitespace
            if token.isEmpty { throw .configuration("The token file \(tokenFile) is empty.", remedy: .fixTokenFile) }
            return (SecretString(token), .tokenFile(tokenFile))
        }
        if let token = environment["TFE_TOKEN"], !token.isEmpty {
            return (SecretString(token), .environment("TFE_TOKEN"))
        }
        let variable = Self.terraformVariableName(for: address)
        if let variable, let token = environment[variable], !token.isEmpty {
            return (SecretString(token), .environment(variable))
        }
        let path = homeDirectory + "/.terraform.d/credentials.tfrc.json"
        let hosts = [Self.credentialsHost(for: address)]
        if case .success(let data) = BoundedFile.read(path, limit: 1_048_576),
           let json = JSONValue.parse(data), let credentials = json["credentials"]?.objectValue {
            for candidate in hosts {
                if let token = credentials[candidate]?["token"]?.stringValue, !token.isEmpty {
                    return (SecretString(token), .credentialsFile(path: path, host: candidate))
                }
            }
        }
        // Then as Terraform goes on: a `credentials` block of the CLI configuration, then its
        // credentials helper (`get <host>`).
        let cli = try CLIConfig.load(environment: environment, home: homeDirectory)
        if let configured = cli.credentials[hosts[0]], let token = configured, !token.isEmpty {
            return (token, .credentialsFile(path: cli.path ?? "", host: hosts[0]))
        }
        if let helper = cli.helper {
            guard let program = CredentialsHelper.find(helper, home: homeDirectory) else {
                throw .configuration("The credentials helper \(helper.name) named in \(cli.path ?? "") is not in \(CredentialsHelper.pluginFolders(home: homeDirectory).joined(separator: " or ")).")
            }
            if let token = try program.get(host: hosts[0]) {
                return (token, .credentialsFile(path: "credentials helper \(helper.name)", host: hosts[0]))
            }
        }
        throw .configuration("No API token found for \(hosts[0]).", remedy: .provideToken(host: hosts[0], looked: [
            "a token file", "TFE_TOKEN"] + (variable.map { [$0] } ?? []) + ["\(path) (credentials.\"\(hosts.joined(separator: "\" or \""))\".token)",
        ]))
    }
}
