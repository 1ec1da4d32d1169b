import ArgumentParser
import Testing
@testable import SetupCommands

/// Each command's `--help`, made in-process as argument-parser makes it for the binary: it lists
/// exactly the options that command uses (no wizard-only flag such as `--plain` on `check`,
/// `plan`, `apply` or `export`; no `--screens` where it would be ignored; `export --output` shown
/// as optional), fits an 80-column terminal and is ASCII, so the man page loses nothing.
@Suite("Each command's help lists its own options")
struct CommandHelpTests {
    static let connection: Set<String> = ["--address", "--organization", "--token-file", "--ca-cert", "--timeout", "--log-file", "--log-level",
                                          "--insecure-http", "--help", "--version"]

    static let expected: [String: Set<String>] = [
        "check": connection.union(["--json", "--screens"]),
        "plan": connection.union(["--answers", "--json", "--no-test-email", "--organizations", "--smtp-password-file", "--update-password", "--accept-token-rejection",
                                           "--renew-token", "--new-token-file"]),
        "apply": connection.union(["--answers", "--auto-approve", "--no-test-email", "--organizations", "--smtp-password-file", "--smtp-relay", "--update-password", "--accept-token-rejection", "--lock-timeout",
                                            "--renew-token", "--new-token-file"]),
        "export": connection.union(["--format", "--output", "--screens"]),
        "wizard": connection.union(["--plain", "--no-color", "--screens", "--organizations", "--first-install", "--wait", "--new-token-file"]),
        "token renew": connection.union(["--within", "--new-token-file"]),
    ]

    /// Every command by its name ("" is the root).
    static let commands: [String: any ParsableCommand.Type] = [
        "": TFESetupCommand.self, "wizard": WizardCommand.self, "demo": DemoCommand.self, "check": CheckCommand.self,
        "plan": PlanCommand.self, "apply": ApplyCommand.self, "export": ExportCommand.self, "sandbox": SandboxCommand.self,
        "token": TokenCommand.self, "token renew": TokenRenewCommand.self,
    ]

    static func help(_ command: String) throws -> String {
        let type = try #require(commands[command])
        return TFESetupCommand.helpMessage(for: type, columns: 80)
    }

    static func options(in help: String) -> Set<String> {
        Set(help.matches(of: /--[a-z][a-z-]*/).map { String($0.output) })
    }

    @Test("every command: exactly its options", arguments: ["check", "plan", "apply", "export", "wizard", "token renew"])
    func options(command: String) throws {
        let help = try Self.help(command)
        // Options only: the OPTIONS section (the discussion may name other commands' flags).
        let section = help.components(separatedBy: "OPTIONS:").last ?? ""
        #expect(Self.options(in: section) == Self.expected[command], "\(command): \(Self.options(in: section).symmetricDifference(Self.expected[command] ?? []))")
        if command == "export" { #expect(help.contains("[--output <file>]"), "--output is optional: \(help.prefix(300))") }
        if command != "wizard" { #expect(!help.contains("the wizard lets you pick"), "\(command)") }
    }

    @Test("every command's --help fits 80 columns (prose wraps, examples are continued with \\) and is ASCII, so the man page loses nothing",
          arguments: ["", "wizard", "demo", "check", "plan", "apply", "export", "token", "token renew", "sandbox"])
    func fits80(command: String) throws {
        let help = try Self.help(command)
        let long = help.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(command): \(long)")
        #expect(help.contains("USAGE: tfe-setup"))
        // The man page is generated from the same texts, and generate-manual drops every
        // character outside ASCII (arrows, "…", "—"): "Tab/↓ next field" became "Tab/ next field".
        let nonASCII = help.split(separator: "\n").filter { $0.unicodeScalars.contains { !$0.isASCII } }
        #expect(nonASCII.isEmpty, "\(command): \(nonASCII)")
    }
}
