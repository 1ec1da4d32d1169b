internal import Cncurses

/// Which terminal type the full screen is drawn for. ncurses' `initscr` ends the process with
/// "Error opening terminal" when this machine has no terminfo entry for `TERM` — common over SSH
/// from a newer terminal (xterm-ghostty, xterm-kitty, alacritty, wezterm) to a server that lacks
/// its entry. Those terminals all understand xterm's sequences, so one of a few types every
/// system has is used instead, and the admin is told.
package enum TerminalType {
    /// `term` when this machine knows it, else the first known of the types such a terminal
    /// understands (tmux/screen ones for tmux and screen, else xterm; vt100 last); nil when this
    /// machine knows none of them (no terminfo database at all).
    package static func usable(_ term: String) -> String? {
        if isKnown(term) { return term }
        let lower = term.lowercased()
        let multiplexer = lower.hasPrefix("tmux") || lower.hasPrefix("screen")
        let candidates = multiplexer ? ["tmux-256color", "screen-256color", "screen", "vt100"] : ["xterm-256color", "xterm", "vt100"]
        return candidates.first(where: isKnown)
    }

    /// Whether this machine's terminfo describes `term`. The name comes from the environment, so
    /// only a plain terminal name (letters, digits, `.`, `_`, `+`, `-`; at most 64) is looked up.
    package static func isKnown(_ term: String) -> Bool {
        isPlainName(term) && tfe_terminal_known(term) == 1
    }

    /// 1 to 64 letters, digits, `.`, `_`, `+` or `-`, starting with a letter or digit: what
    /// terminal type names are made of. Not a leading `-`: the name is pasted into a command line
    /// (`infocmp -x NAME`), where `-Aevil` would be read as an option.
    package static func isPlainName(_ term: String) -> Bool {
        guard let first = term.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "+") else { return false }
        return (1...64).contains(term.utf8.count) && term.utf8.allSatisfy(isNameByte)
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2B || b == 0x2D
    }
}
