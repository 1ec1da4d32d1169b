import CProcessGuard
import FoundationEssentials
import Glibc
import SetupWizard

/// Which of the three modes applies, decided before any terminal library is touched.
enum TerminalMode: Equatable {
    case fullScreen
    case plain
    case noTerminal

    static func decide(plainFlag: Bool, environment: [String: String]) -> TerminalMode {
        if isatty(STDIN_FILENO) == 0 { return .noTerminal }
        let term = environment["TERM"] ?? ""
        if plainFlag || term == "dumb" || term.isEmpty || environment["ACCESSIBLE"] == "1" || isatty(STDOUT_FILENO) == 0 { return .plain }
        return .fullScreen
    }

    static let noTerminalMessage = """
        tfe-setup: the wizard needs a terminal, and standard input is not one.
        For scripts and CI, describe the settings in an answers file and use:
          tfe-setup plan --answers FILE      (shows what would change)
          tfe-setup apply --answers FILE --auto-approve
        """

    /// Line prompts on stdin/stdout; the password read with echo off.
    static let plainIO = PlainIO(
        ask: { prompt in
            writeOut(prompt)
            return readLine(strippingNewline: true)
        },
        askSecret: { prompt in
            writeOut(prompt)
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
                writeOut("\n")
            }
            return readLine(strippingNewline: true)
        },
        say: { text in printOut(text) })
}
