import ArgumentParser
import TFEClient

/// `tfe-setup`: brings a Terraform Enterprise installation or an HCP Terraform organization into
/// service (SMTP relay, execution defaults, token TTLs).
@main
struct TFESetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tfe-setup",
        abstract: "Set up Terraform Enterprise / HCP Terraform: SMTP relay, execution defaults, token TTLs.",
        discussion: """
            Try it safely against the built-in sandbox:
              tfe-setup sandbox            # prints {"address":…,"tokens":…} and serves until Ctrl-C
            """,
        version: TFESetupVersion.current,
        subcommands: [SandboxCommand.self])
}
