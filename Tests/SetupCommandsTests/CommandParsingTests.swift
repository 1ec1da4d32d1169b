import ArgumentParser
import Testing
@testable import SetupCommands

/// The command line as argument-parser reads it, in-process: which command a line runs, the
/// shared options each command takes from `CommonOptions`, and the messages a bad line gets.
@Suite("Parsing the command line")
struct CommandParsingTests {
    /// What argument-parser prints for a line it refuses.
    struct Refusal: Error { var message: String }

    /// The command a line parses to, or the message argument-parser prints for it.
    static func parse(_ arguments: [String]) -> Result<any ParsableCommand, Refusal> {
        do { return .success(try TFESetupCommand.parseAsRoot(arguments)) } catch {
            return .failure(Refusal(message: TFESetupCommand.fullMessage(for: error)))
        }
    }

    @Test("no command runs the wizard, with the shared options") func defaultIsWizard() throws {
        let wizard = try #require(try Self.parse(["--address", "https://tfe.example.com", "--organization", "acme"]).get() as? WizardCommand)
        #expect(wizard.options.address == "https://tfe.example.com")
        #expect(wizard.options.organization == "acme")
        #expect(wizard.options.timeout == 30)
    }

    @Test("plan and apply share the connection options and take their own") func planAndApply() throws {
        let plan = try #require(try Self.parse(["plan", "--answers", "seed.json", "--json", "--timeout", "5"]).get() as? PlanCommand)
        #expect(plan.answers == "seed.json")
        #expect(plan.json)
        #expect(plan.options.timeout == 5)
        let apply = try #require(try Self.parse(["apply", "--answers", "seed.json", "--auto-approve", "--lock-timeout", "10"]).get() as? ApplyCommand)
        #expect(apply.autoApprove)
        #expect(apply.lockTimeout == 10)
    }

    @Test("bad values are refused with the option named", arguments: [
        (["plan", "--answers", "a.json", "--timeout", "0"], "--timeout must be between 0 and 3600 seconds."),
        (["check", "--log-level", "trace"], "--log-level must be info or debug."),
        (["plan", "--answers", "a.json", "--bogus"], "Unknown option '--bogus'"),
        (["demo", "--screens", "smpt"], "Unknown screen \"smpt\""),
    ])
    func refused(arguments: [String], message: String) {
        guard case .failure(let refusal) = Self.parse(arguments) else {
            Issue.record("\(arguments) parsed")
            return
        }
        #expect(refusal.message.contains(message), "\(arguments): \(refusal.message)")
        // A subcommand's mistake comes with that subcommand's usage, not the root's.
        #expect(refusal.message.contains("tfe-setup \(arguments[0])"), "\(arguments): \(refusal.message)")
        #expect(!refusal.message.contains("SUBCOMMANDS"), "\(arguments): \(refusal.message)")
    }

    @Test("a token is never an option: there is no flag that takes one") func noTokenFlag() throws {
        for name in ["", "wizard", "check", "plan", "apply", "export"] {
            let help = try CommandHelpTests.help(name)
            #expect(!help.contains("--token "), "\(name)")
            #expect(!help.contains("--smtp-password "), "\(name)")
        }
    }
}
