import ArgumentParser
import CProcessGuard
import TFEClient

/// `tfe-setup`: brings a Terraform Enterprise installation or an HCP Terraform organization into
/// service (SMTP relay, execution defaults, token TTLs).
public struct TFESetupCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tfe-setup",
        abstract: "Set up Terraform Enterprise / HCP Terraform: SMTP relay, execution defaults, token TTLs.",
        discussion: """
            Try it safely first, against the built-in sandbox:
              tfe-setup demo

            Then against your server:
              tfe-setup --address https://tfe.example.com --organization my-org \\
                --token-file ~/.tfe-token
            """,
        version: BuildStamp.version,
        subcommands: [WizardCommand.self, DemoCommand.self, CheckCommand.self, PlanCommand.self, ApplyCommand.self, ExportCommand.self, TokenCommand.self, SandboxCommand.self],
        defaultSubcommand: WizardCommand.self)

    public init() {}

    /// The program (`main.swift` calls it): before anything else no core dumps (they would hold
    /// the token), and a crash restores the terminal; then argument-parser's parse-and-run. Not
    /// named `main`: that would lose to argument-parser's synchronous `main()` in top-level code.
    public static func start() async {
        _ = tfe_disable_core_dumps()
        tfe_guard_install_crash_handlers()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if lostOutput() { exit(withError: ExitCode.failure) }
            exit(withError: error)
        }
        if lostOutput() { exit(withError: ExitCode.failure) }
    }

    /// Says on stderr which writes the admin relies on failed (stdout redirected to a full disk,
    /// a log file on one): true when one did, and the run then exits 1, never 0.
    static func lostOutput() -> Bool {
        var lost = false
        if let why = StandardStream.failure(of: 1) {
            StandardStream.error("tfe-setup: the output could not be written (\(why)): what was printed is incomplete. Free space or write it elsewhere, and run again.\n")
            lost = true
        }
        for (path, why) in RedactingFileLogHandler.Sink.failures {
            StandardStream.error("tfe-setup: the log file \(SafeText.line(path)) could not be written (\(why)): the log is incomplete.\n")
            lost = true
        }
        return lost
    }
}
