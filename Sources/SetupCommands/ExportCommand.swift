import ArgumentParser
import FoundationEssentials
import SetupKit
import TFEClient

/// `tfe-setup export [--format answers|terraform] [--output FILE]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the current settings as an answers file (default) or as Terraform configuration. Never a secret.",
        usage: "tfe-setup export [--output <file>] [--format <format>] [<options>]",
        discussion: """
            The answers file plans to "nothing to change" on the same server; to send the SMTP password too (e.g. to another installation), add "password_env": "SMTP_PASSWORD" to its smtp section.

            The Terraform format targets the hashicorp/tfe provider, with import blocks that adopt the existing settings; the SMTP password is the variable smtp_password. Sections that cannot be read (SMTP on HCP Terraform) are left out with the reason.

            Examples:
              tfe-setup export --address https://tfe.example.com --organization my-org \\
                --output my-org.json
              tfe-setup export --format terraform --organization my-org --output main.tf
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case answers, terraform
    }

    @OptionGroup var options: CommonOptions
    @OptionGroup var sectionOptions: SectionOptions
    @Option(help: "answers (JSON for plan/apply) or terraform (hashicorp/tfe provider).")
    var format: Format = .answers
    @Option(help: "Write here instead of to standard output (replaced atomically).")
    var output: String?

    func run() async throws {
        // Without an organization only `--screens smtp` can be exported: a file or a configuration
        // naming no organization would be applied to whichever one a later run finds.
        let sections = Set(try sectionOptions.sections())
        let (current, address) = try await options.readCurrentStateOrExit(failurePrefix: "nothing exported", sections: sections, siteWideWhenNoneExists: false)
        let text: String
        switch format {
        case .answers:
            text = AnswersEncoder.encode(current: current, address: address.absoluteString, sections: sections, passwordReference: false)
        case .terraform:
            text = TerraformExporter.render(current: current, address: address, sections: sections)
        }
        // Every section or field left out, with why (stderr: standard output may be the file).
        let leftOut = AnswersEncoder.leftOut(current: current, sections: sections)
        if format == .answers, !leftOut.isEmpty {
            printError(lines: ["tfe-setup: left out of the answers file:"] + leftOut.map { "  - " + $0 })
        }
        guard let output else {
            writeDocument(text)
            return
        }
        do {
            try Self.write(text, to: output)
        } catch {
            printError("tfe-setup: could not write \(output): \(error). Nothing was changed there.")
            throw ExitCode.failure
        }
        printError("Wrote the \(format == .answers ? "answers file" : "Terraform configuration") to \(output)."
                   + (format == .terraform && !leftOut.isEmpty ? " What it leaves out is said in its comments." : ""))
    }

    /// Writes through a temporary file in the same directory (mode 0600 from the start) and
    /// renames it into place, so a failure never leaves a half-written file where a good one was.
    static func write(_ text: String, to path: String) throws {
        try PrivateFile.write(Data(text.utf8), to: path)
    }
}
