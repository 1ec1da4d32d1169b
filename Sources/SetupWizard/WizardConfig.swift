import FoundationEssentials
import SetupKit
import TFEClient

/// How the wizard was started.
package struct WizardConfig: Equatable, Sendable {
    package var address: String
    package var organization: String?
    /// The sections `--screens` names, in screen order.
    package var sections: [Section]
    package var ascii: Bool
    /// Where "save these answers" writes.
    package var answersFileName: String
    /// Whether the address goes into a saved answers file (not the demo's: its sandbox is gone
    /// when the demo ends).
    package var addressInAnswers: Bool
    /// Whether what is typed outlives this run as a draft (not in the demo: its sandbox, and so
    /// the draft's address, is new every run).
    package var keepsDraft: Bool
    /// Where the token came from (`environment variable TFE_TOKEN`), shown when the start fails.
    package var tokenSource: String?
    /// `--organizations`: the organizations marked in the list at the start (names or globs).
    package var organizationPatterns: [String] = []
    /// How failures word their remedies: the front end's words (the command line names its
    /// flags), so the wizard names none of its own.
    package var wording: RemedyWording = .neutral
    /// How messages name the front end's options and commands.
    package var words: WizardWords = .neutral
    /// Start with a first install (no users on the server yet): wait for it, create the first
    /// admin and organization, then the screens.
    package var firstInstall = false
    /// Plain mode (line by line): messages name typed answers, not keys.
    package var plain = false
    /// How messages name what to do next in this mode.
    package var keyWords: KeyWords { plain ? .plain : .screen }
    /// How long a first install waits for the server's health check, in seconds.
    package var firstInstallWait: Double = 300
    /// Where the first admin's token goes, as the review names it.
    package var credentialsPath = "~/.terraform.d/credentials.tfrc.json"

    package init(address: String, organization: String?, sections: [Section] = Section.allCases, ascii: Bool = false,
                answersFileName: String = "tfe-setup-answers.json", addressInAnswers: Bool = true, keepsDraft: Bool = true) {
        self.address = address
        self.organization = organization
        self.sections = Section.allCases.filter(sections.contains)
        self.ascii = ascii
        self.answersFileName = answersFileName
        self.addressInAnswers = addressInAnswers
        self.keepsDraft = keepsDraft
        self.tokenSource = nil
    }

    /// The server as an admin tells installations apart: its host, with the port when the
    /// address names one (`tfe.example.com`, `127.0.0.1:45491`). Shown on every screen, so
    /// that staging is never mistaken for production.
    package var serverName: String {
        guard let url = URL(string: address), let host = url.host, !host.isEmpty else { return address }
        return host + (url.port.map { ":\($0)" } ?? "")
    }
}
