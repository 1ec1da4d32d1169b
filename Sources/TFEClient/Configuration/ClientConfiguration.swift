import FoundationEssentials

/// Everything the client core needs to reach one server.
public struct ClientConfiguration: Sendable {
    /// The server's address without `/api/v2` (`https://tfe.example.com`).
    public var address: URL
    public var token: SecretString
    public var organization: String?
    /// Per request; retries stop after `RetryPolicy.totalDeadline` in all.
    public var timeout: Duration
    /// A PEM file of extra CAs to trust.
    public var caCertificatePath: String?
    public var userAgent: String

    public static let defaultAddress = URL(string: "https://app.terraform.io")!
    public static let defaultUserAgent = "tfe-setup/\(TFESetupVersion.current)"

    /// Checks the address and builds a configuration.
    /// - Parameter allowInsecureHTTP: allow plain `http://` to a non-loopback host (the person asked for it).
    /// - Throws: `TFEError.configuration` for an address that is not http(s), has no host, or is
    ///   plain HTTP to a non-loopback host without `allowInsecureHTTP`.
    public init(address: URL, token: SecretString, organization: String? = nil, timeout: Duration = .seconds(30),
                caCertificatePath: String? = nil, userAgent: String = ClientConfiguration.defaultUserAgent,
                allowInsecureHTTP: Bool = false) throws(TFEError) {
        try Self.checkAddress(address, allowInsecureHTTP: allowInsecureHTTP)
        self.address = address
        self.token = token
        self.organization = organization
        self.timeout = timeout
        self.caCertificatePath = caCertificatePath
        self.userAgent = userAgent
    }

    /// Parses an address typed by a person (`tfe.example.com` is read as `https://tfe.example.com`).
    public static func parseAddress(_ text: String) throws(TFEError) -> URL {
        var t = text.trimmingSpaces
        if !t.contains("://") { t = "https://" + t }
        while t.hasSuffix("/") { t.removeLast() }
        guard let url = URL(string: t), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty else {
            throw .configuration("The address \"\(text)\" is not a valid http(s) address.", remedy: .giveValidAddress)
        }
        if url.user != nil || url.password != nil {
            throw .configuration("The address must not contain a user name or password.", remedy: .tokenNotInAddress)
        }
        if let problem = HostName.problem(HostName.written(in: url)) {
            throw .configuration("The address \"\(SafeText.line(text))\" is not a valid http(s) address: \(problem).", remedy: .giveValidAddress)
        }
        return url
    }


    static func checkAddress(_ url: URL, allowInsecureHTTP: Bool) throws(TFEError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw .configuration("The address \(url.absoluteString) is not a valid http(s) address.", remedy: .giveValidAddress)
        }
        if let problem = HostName.problem(HostName.written(in: url)) {
            throw .configuration("The address \(SafeText.line(url.absoluteString)) is not a valid http(s) address: \(problem).", remedy: .giveValidAddress)
        }
        if scheme == "http", !allowInsecureHTTP, !isLoopback(HostName.written(in: url)) {
            throw .configuration("Refusing plain http:// to \(host): the API token would cross the network unencrypted.", remedy: .useHTTPS)
        }
    }

    /// Whether two addresses name the same server: scheme, host (any case) and port (the
    /// scheme's default when none is written).
    public static func sameServer(_ a: URL, _ b: URL) -> Bool {
        func key(_ u: URL) -> String {
            let scheme = (u.scheme ?? "").lowercased()
            return "\(scheme)://\((u.host ?? "").lowercased()):\(u.port ?? (scheme == "http" ? 80 : 443))"
        }
        return key(a) == key(b)
    }

    /// 127.0.0.0/8 and ::1 from an exact parse of the IP literal (`127.0.0.1.` or `127.1` is a
    /// name a resolver answers for, not a loopback address), and the name `localhost` exactly,
    /// which RFC 6761 reserves for loopback and which the tests and the sandbox's docs use.
    public static func isLoopback(_ host: String) -> Bool {
        host.lowercased() == "localhost" || IPLiteral.isLoopback(host)
    }

    /// The URL of an API path (`/api/v2/ping`) on this server, with an optional query.
    public func url(path: String, query: [(String, String)] = []) -> URL {
        var components = URLComponents(url: address, resolvingAgainstBaseURL: false)!
        components.path = components.path + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return components.url!
    }
}

/// The tool's version, sent in the User-Agent (and shown by the command line).
public enum TFESetupVersion {
    public static let current = "0.1.0"
}
