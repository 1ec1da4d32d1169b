import CProcessGuard
import CursesUI
import FoundationEssentials
import Glibc
import SetupWizard
import TFEClient

/// Which of the three modes applies, decided before the screen is started.
enum TerminalMode: Equatable {
    case fullScreen
    case plain
    case noTerminal

    static func decide(plainFlag: Bool, environment: [String: String]) -> TerminalMode {
        if isatty(STDIN_FILENO) == 0 { return .noTerminal }
        let term = environment["TERM"] ?? ""
        if plainFlag || term == "dumb" || term.isEmpty || environment["ACCESSIBLE"] == "1" || isatty(STDOUT_FILENO) == 0 { return .plain }
        if TerminalType.usable(term) == nil {
            printError("""
                tfe-setup: this machine has no terminal descriptions (terminfo), not even for vt100, so the full \
                screen cannot be drawn: using line prompts. The package ncurses-base (ncurses on RHEL) holds them.
                """)
            return .plain
        }
        return .fullScreen
    }

    /// For the full screen: when this machine has no terminfo entry for `TERM`, draws for a type
    /// it has (see `TerminalType`) by setting `TERM` for this process, and returns what to tell
    /// the admin once the screen is closed; nil when `TERM` is known here.
    static func substituteUnknownTerminal(environment: [String: String]) -> String? {
        let term = environment["TERM"] ?? ""
        guard let usable = TerminalType.usable(term), usable != term else { return nil }
        setenv("TERM", usable, 1)
        let shown = SafeText.line(String(term.prefix(64)))
        // The copy command only for a plain terminal name: TERM is pasted into a shell line.
        let copy = TerminalType.isPlainName(term) ? ", or copy your terminal's entry here from your own machine: infocmp -x -- \(term) | ssh THIS-HOST -- tic -x -" : "."
        return "Note: this machine has no terminfo entry for your terminal (TERM=\(shown)), so the screen was drawn as \(usable). If it looked wrong, use --plain\(copy)"
    }

    static let noTerminalMessage = [
        "tfe-setup: the wizard needs a terminal, and standard input is not one.",
        "For scripts and CI, describe the settings in an answers file and use:",
        "  tfe-setup plan --answers FILE      (shows what would change)",
        "  tfe-setup apply --answers FILE --auto-approve",
    ]

    /// Line prompts on stdin/stdout; the password read with echo off.
    static let plainIO = PlainIO(
        ask: { prompt in
            writePrompt(prompt)
            return readLine(strippingNewline: true)
        },
        askSecret: { prompt in
            writePrompt(prompt)
            var old = termios()
            let isTerminal = tcgetattr(STDIN_FILENO, &old) == 0
            if isTerminal {
                // Ctrl-C, SIGTERM or SIGHUP at this prompt must not leave the shell without echo.
                tfe_guard_save_terminal(STDIN_FILENO)
                tfe_guard_begin_echo_off()
                var quiet = old
                quiet.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
            }
            defer {
                if isTerminal {
                    tcsetattr(STDIN_FILENO, TCSANOW, &old)
                    tfe_guard_end_echo_off()
                    tfe_guard_forget_terminal()
                }
                StandardStream.out("\n")
            }
            return readLine(strippingNewline: true)
        },
        say: { text in printOut(text) })
}
