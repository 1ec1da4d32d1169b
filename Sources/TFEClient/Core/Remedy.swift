/// What a person can do about a failure, named by what it is rather than by how a front end
/// spells it. The client core words each one neutrally (`neutralText`); a front end passes its own
/// wording (`RemedyWording`) to name its flags, fields or buttons. The client core names none.
public enum Remedy: Sendable, Equatable {
    /// Check the address, that the server is running, and that this machine can reach it.
    case checkAddress
    /// The server's certificate is not trusted: give the private CA's certificate.
    case trustPrivateCA
    /// No answer in time: check the network, or allow more time per request.
    case allowMoreTime
    /// A write went out but its answer did not arrive: it may or may not have been saved, so read
    /// the settings again before sending anything twice.
    case rereadBeforeRetrying
    /// The connection closed mid-answer: try again.
    case tryAgain
    /// The server redirected: configure its final address (the token never follows a redirect).
    case useFinalAddress
    /// The answer is not one this API gives: is the address a TFE or HCP Terraform server at all?
    case checkServerKind
    /// No API token was found for `host`; `looked` lists the places tried, in order.
    case provideToken(host: String, looked: [String])
    /// A token file could not be used: put the token in it, one line.
    case fixTokenFile
    /// The address carried a user name or password: give the token the usual way instead.
    case tokenNotInAddress
    /// Plain `http://` to a remote host: use https, or allow plain HTTP explicitly.
    case useHTTPS
    /// The log file cannot be used: choose another path.
    case chooseAnotherLogFile
    /// An address that does not parse: give it like `https://tfe.example.com`.
    case giveValidAddress
    /// A starting server that did not come up in time: wait longer, or look at why it does not.
    case waitLonger
    /// The IACT could not be fetched or was refused: get a fresh one on the TFE host.
    case giveIACT
    /// The server has users already: sign in as one of them and store a token.
    case signInExistingServer
    /// Another run on this machine holds the lock of the same server and organization.
    case waitForOtherRun
    /// The server's certificate is trusted but does not name `host`: use a name it holds in the
    /// address (`example`, a whole address, when one can be suggested), or get a certificate
    /// that names the host.
    case useNameOnCertificate(host: String, example: String?)
    /// An `https://` address whose server speaks plain HTTP: use `plainAddress` (`http://…`), or
    /// enable TLS on the server.
    case usePlainHTTPOrEnableTLS(plainAddress: String)
    /// The host name does not exist: check how it is spelled.
    case checkHostName(String)
    /// An SMTP change with a test address whose outcome is unknown: sending it again sends
    /// another test email.
    case skipSecondTestEmail

    /// The remedy in words that name no front end.
    public var neutralText: String {
        switch self {
        case .checkAddress:
            return "Check the address, that the server is running, and that this machine can reach it."
        case .trustPrivateCA:
            return "The server's certificate is not trusted. If your TFE uses a private CA, give its certificate as an extra CA to trust. Verification is never switched off."
        case .allowMoreTime:
            return "The server did not answer in time. Check the network, or allow more time per request."
        case .rereadBeforeRetrying:
            return "The change may or may not have been saved; read the settings again before retrying."
        case .tryAgain:
            return "The connection closed mid-answer. A proxy or load balancer may be cutting it; try again."
        case .useFinalAddress:
            return "Use the final address of the server; the token is never sent to another host."
        case .checkServerKind:
            return "The answer was far larger than any this API sends; is the address really a TFE server?"
        case .provideToken(let host, let looked):
            return "Looked in: \(looked.joined(separator: ", ")). Put the token in one of them, or run `terraform login \(ShellWord.quoted(host))`."
        case .fixTokenFile:
            return "Put the API token in it (one line)."
        case .tokenNotInAddress:
            return "Give the token in a token file or TFE_TOKEN instead."
        case .useHTTPS:
            return "Use https://, or allow plain HTTP explicitly if you really mean it (for example, inside a trusted lab network)."
        case .chooseAnotherLogFile:
            return "Choose another log file."
        case .giveValidAddress:
            return "Give it like https://tfe.example.com."
        case .waitLonger:
            return "Allow it more time, or check the installation's logs for why the application does not start."
        case .giveIACT:
            return "Get the token on the TFE host (docker exec <container> tfectl admin token; on Kubernetes kubectl exec -n <namespace> <pod> -- tfectl admin token; old Replicated installs: replicated admin retrieve-iact, without a TTY, carriage return removed) and give it to the tool from a variable or a file."
        case .signInExistingServer:
            return "Sign in as an admin and store a token (terraform login <host>), then run again without the first-install step."
        case .waitForOtherRun:
            return "Try again once it has ended. A run on another machine cannot be seen: run one at a time."
        case .skipSecondTestEmail:
            return "If the test email arrived, leave the test address out when you send it again (a second try sends a second email)."
        case .useNameOnCertificate(let host, let example):
            return "Use the name on the certificate in the address\(example.map { " (\($0))" } ?? ""), or get a certificate that names \(host)."
        case .usePlainHTTPOrEnableTLS(let plainAddress):
            return "Use \(plainAddress), or enable TLS on the server."
        case .checkHostName:
            return "Check how the host name is spelled in the address."
        }
    }
}

/// How a front end words remedies: its own text where it has one, the neutral text elsewhere.
/// Two wordings are equal when their names are: the name stands for the words.
public struct RemedyWording: Sendable, Equatable {
    /// Which front end's words these are (`neutral`, `command line`).
    public let name: String
    private let wording: @Sendable (Remedy) -> String?

    /// - Parameter wording: the front end's text for a remedy, or nil for the neutral text.
    public init(name: String = "custom", _ wording: @escaping @Sendable (Remedy) -> String?) {
        self.name = name
        self.wording = wording
    }

    /// The client core's own words.
    public static let neutral = RemedyWording(name: "neutral") { _ in nil }

    public static func == (a: RemedyWording, b: RemedyWording) -> Bool { a.name == b.name }

    /// The text for a remedy.
    public func text(_ remedy: Remedy) -> String {
        wording(remedy) ?? remedy.neutralText
    }
}
