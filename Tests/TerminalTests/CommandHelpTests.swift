import Foundation
import Testing
import TestSupport

/// Each command's `--help` lists exactly the options that command uses: no wizard-only flag
/// (`--plain`, `--no-color`) on `check`, `plan`, `apply` or `export`, no `--screens` where it
/// would be ignored, and `export --output` shown as optional (without it, stdout).
@Suite("Each command's help lists its own options")
struct CommandHelpTests {
    static let connection: Set<String> = ["--address", "--organization", "--token-file", "--ca-cert", "--timeout", "--log-file", "--log-level",
                                          "--insecure-http", "--help", "--version"]

    static let expected: [String: Set<String>] = [
        "check": connection.union(["--json", "--screens"]),
        "plan": connection.union(["--answers", "--json", "--no-test-email", "--organizations", "--smtp-password-file", "--update-password", "--accept-token-rejection"]),
        "apply": connection.union(["--answers", "--auto-approve", "--no-test-email", "--organizations", "--smtp-password-file", "--smtp-relay", "--update-password", "--accept-token-rejection", "--lock-timeout"]),
        "export": connection.union(["--format", "--output", "--screens"]),
        "wizard": connection.union(["--plain", "--no-color", "--screens", "--organizations", "--first-install", "--wait"]),
    ]

    static func options(in help: String) -> Set<String> {
        Set(help.matches(of: /--[a-z][a-z-]*/).map { String($0.output) })
    }

    @Test("every command: exactly its options", arguments: ["check", "plan", "apply", "export", "wizard"])
    func options(command: String) async throws {
        let r = await Subprocess.runAsync([TmuxSession.binary, command, "--help"])
        #expect(r.status == 0, "\(r.output)")
        // Options only: the OPTIONS section (the discussion may name other commands' flags).
        let section = r.output.components(separatedBy: "OPTIONS:").last ?? ""
        #expect(Self.options(in: section) == Self.expected[command], "\(command): \(Self.options(in: section).symmetricDifference(Self.expected[command] ?? []))")
        if command == "export" { #expect(r.output.contains("[--output <file>]"), "--output is optional: \(r.output.prefix(300))") }
        if command != "wizard" { #expect(!r.output.contains("the wizard lets you pick"), "\(command)") }
    }
}
