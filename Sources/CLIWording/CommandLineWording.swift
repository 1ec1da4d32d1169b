import FoundationEssentials
import SetupWizard
import TFEClient

/// Remedies in the words of tfe-setup's command line: the flags and variables to use. The
/// command-line target owns these words; the wizard and SetupKit get them as a `RemedyWording`
/// (the wizard through its `WizardConfig`), so neither names a flag of its own.
extension RemedyWording {
    package static let commandLine = RemedyWording(name: "command line") { remedy in
        switch remedy {
        case .checkAddress:
            return "Check the address (--address / TFE_ADDRESS), that the server is running, and that this machine can reach it."
        case .trustPrivateCA:
            return "The server's certificate is not trusted. If your TFE uses a private CA, pass its certificate with --ca-cert FILE (or SSL_CERT_FILE). Verification is never switched off."
        case .allowMoreTime:
            return "The server did not answer in time. Check the network, or allow more time with --timeout SECONDS."
        case .rereadBeforeRetrying:
            return "The change may or may not have been saved. Run again: tfe-setup reads the settings first and sends only what still differs."
        case .useFinalAddress:
            return "Set --address to the final address of the server; the token is never sent to another host."
        case .provideToken(let host, let looked):
            let places = ["--token-file"] + looked.dropFirst()
            return "Looked in: \(places.joined(separator: ", ")). Put the token in a file and pass --token-file FILE, or run `terraform login \(ShellWord.quoted(host))`."
        case .tokenNotInAddress:
            return "Give the token with --token-file or TFE_TOKEN."
        case .useHTTPS:
            return "Use https://, or pass --insecure-http if you really mean it (for example, inside a trusted lab network)."
        case .chooseAnotherLogFile:
            return "Choose another path with --log-file."
        case .waitLonger:
            return "Allow it more time with --wait SECONDS, or check the installation's logs for why the application does not start."
        case .giveIACT:
            return "Get the token on the TFE host (docker exec <container> tfectl admin token; on Kubernetes kubectl exec -n <namespace> <pod> -- tfectl admin token; old Replicated installs: replicated admin --tty=0 retrieve-iact | tr -d '\\r'), then pass it with --iact-file FILE or name its variable in bootstrap.iact_env."
        case .signInExistingServer:
            return "Sign in as an admin and store a token (terraform login <host>), then run again without the bootstrap section."
        case .skipSecondTestEmail:
            return "If the test email arrived, run again with --no-test-email (each try sends one)."
        case .waitForOtherRun:
            return "Wait for it to end, or pass --lock-timeout SECONDS to wait for it. A run on another machine cannot be seen: run one at a time."
        case .useNameOnCertificate(let host, let example):
            return "Use the name on the certificate in --address\(example.map { " (\(ShellWord.quoted($0)))" } ?? ""), or get a certificate that names \(host)."
        case .usePlainHTTPOrEnableTLS(let plainAddress):
            // Plain http is allowed to loopback only, unless asked for.
            let loopback = URL(string: plainAddress).map { ClientConfiguration.isLoopback(HostName.written(in: $0)) } ?? false
            if loopback { return "Use --address \(ShellWord.quoted(plainAddress)), or enable TLS on the server." }
            // TLS first: plain http beyond this machine sends the token in the clear.
            return "Enable TLS on the server; or, knowing the token then crosses the network unencrypted, use --address \(ShellWord.quoted(plainAddress)) with --insecure-http."
        case .checkHostName:
            return "Check how the host name is spelled in --address (or TFE_ADDRESS)."
        case .tryAgain, .checkServerKind, .fixTokenFile, .giveValidAddress:
            return nil
        }
    }
}

extension TFEError {
    /// The message with remedies in the command line's words (flags, variables).
    package var commandLineDescription: String { description(using: .commandLine) }

    /// `commandLineDescription` as lines, for `printError(lines:)`.
    package var commandLineLines: [String] { descriptionLines(using: .commandLine) }
}

extension WizardWords {
    /// The wizard's messages in the command line's words: its options and commands.
    package static let commandLine = WizardWords(nameOrganization: "pass --organization", screensChoice: "--screens",
                                                 applyAnswers: "tfe-setup apply --answers", answersUse: "For plan/apply --answers later")
}
