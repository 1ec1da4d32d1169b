internal import Cncurses
internal import CProcessGuard
import FoundationEssentials
import Glibc
import SetupWizard

/// The only code that calls ncurses: draws frames (only the cells that changed), decodes keys,
/// and restores the terminal. Every call happens on the main thread.
@MainActor
package final class CursesTerminal {
    /// What a read of the keyboard produced.
    package enum Input: Equatable {
        case key(Key)
        case resize
        case none
    }

    private var last: Frame?
    private let useColor: Bool
    private var active = true
    private let screen: UnsafeMutablePointer<WINDOW>

    /// Color pairs: error, success, dim.
    private enum Pair: Int32 { case error = 1, success = 2, dim = 3 }

    /// Starts full-screen mode.
    /// - Parameter color: false under `NO_COLOR` / `--no-color` (reverse and bold still mark focus and errors).
    package init(color: Bool) {
        setlocale(LC_ALL, "")
        // What a crash handler puts back if the process dies while the screen is raw.
        tfe_guard_save_terminal(STDIN_FILENO)
        _ = initscr()
        screen = tfe_stdscr()!
        raw()              // Ctrl-C arrives as a key, so it can ask before quitting
        noecho()
        nonl()
        keypad(screen, true)
        set_escdelay(25)   // Esc without lag
        wtimeout(screen, 50)
        if color && has_colors() {
            start_color()
            use_default_colors()
            init_pair(Int16(Pair.error.rawValue), Int16(COLOR_RED), -1)
            init_pair(Int16(Pair.success.rawValue), Int16(COLOR_GREEN), -1)
            init_pair(Int16(Pair.dim.rawValue), Int16(COLOR_CYAN), -1)
            useColor = true
        } else {
            useColor = false
        }
        tfe_bracketed_paste(1)
    }

    /// How long a read waits for a key (ncurses' `wtimeout`); set only when it changes.
    package func keyTimeout(milliseconds: Int32) {
        guard milliseconds != currentTimeout else { return }
        currentTimeout = milliseconds
        wtimeout(screen, milliseconds)
    }
    private var currentTimeout: Int32 = 50

    /// Forgets what is on the screen, so the next draw repaints every cell (after a resize, or
    /// when something else may have written to the terminal).
    package func invalidate() { last = nil }

    /// The terminal's size now.
    package var size: Size {
        var rows: Int32 = 0, cols: Int32 = 0
        tfe_getmaxyx(screen, &rows, &cols)
        return Size(width: Int(cols), height: Int(rows))
    }

    /// Draws a frame, writing only the runs of cells that differ from the last one drawn.
    package func draw(_ frame: Frame) {
        guard active else { return }
        let previous = last.flatMap { $0.size == frame.size ? $0 : nil }
        if previous == nil { werase(screen) }
        let screen = self.screen
        frame.forEachChangedRun(since: previous) { row, column, style, scalars in
            let (attrs, pair) = attributes(style)
            scalars.withMemoryRebound(to: wchar_t.self) { text in
                _ = tfe_put(screen, Int32(row), Int32(column), text.baseAddress, Int32(text.count), attrs, pair)
            }
        }
        if let c = frame.cursor {
            curs_set(1)
            wmove(screen, Int32(c.row), Int32(c.column))
        } else {
            curs_set(0)
        }
        wrefresh(screen)
        last = frame
    }

    /// Attributes and color pair of a style; without color, bold/underline/dim carry the meaning.
    private func attributes(_ style: CellStyle) -> (attr_t, Int16) {
        switch style {
        case .normal: return (tfe_a_normal(), 0)
        case .bold: return (tfe_a_bold(), 0)
        case .reverse: return (tfe_a_reverse(), 0)
        case .selection: return (tfe_a_reverse() | tfe_a_bold() | tfe_a_underline(), 0)
        case .dim: return useColor ? (tfe_a_normal(), Int16(Pair.dim.rawValue)) : (tfe_a_dim(), 0)
        case .error: return useColor ? (tfe_a_bold(), Int16(Pair.error.rawValue)) : (tfe_a_bold() | tfe_a_underline(), 0)
        case .success: return useColor ? (tfe_a_bold(), Int16(Pair.success.rawValue)) : (tfe_a_bold(), 0)
        }
    }

    /// Waits up to the input timeout (50 ms) for a key.
    package func read() -> Input {
        guard active else { return .none }
        var ch: wint_t = 0
        let rc = tfe_get_wch(screen, &ch)
        if rc == tfe_err() { return .none }
        if rc == tfe_key_code_yes() { return functionKey(Int32(ch)) }
        return character(UInt32(ch))
    }

    private func functionKey(_ code: Int32) -> Input {
        switch code {
        case tfe_key_resize():
            last = nil   // redraw everything at the new size
            return .resize
        case tfe_key_up(): return .key(.up)
        case tfe_key_down(): return .key(.down)
        case tfe_key_left(): return .key(.left)
        case tfe_key_right(): return .key(.right)
        case tfe_key_home(), tfe_key_find(), tfe_key_a1(): return .key(.home)
        case tfe_key_end(), tfe_key_select(), tfe_key_c1(): return .key(.end)
        case tfe_key_backspace(): return .key(.backspace)
        case tfe_key_dc(): return .key(.delete)
        case tfe_key_ppage(): return .key(.pageUp)
        case tfe_key_npage(): return .key(.pageDown)
        case tfe_key_btab(): return .key(.backTab)
        case tfe_key_enter(): return .key(.enter)
        case tfe_key_f(1): return .key(.f1)
        default: return .none
        }
    }

    private func character(_ value: UInt32) -> Input {
        if let key = Key.control(value) { return .key(key) }
        switch value {
        case 27: return escape()
        case 0..<32: return .none
        default:
            guard let scalar = Unicode.Scalar(value) else { return .none }
            return .key(.char(Character(scalar)))
        }
    }

    /// Esc alone, or the start of a sequence ncurses did not decode: Home/End as tmux sends them,
    /// Alt-B/F (`Key.escapeSequence`), bracketed paste (ESC [200~ … ESC [201~).
    private func escape() -> Input {
        wtimeout(screen, 0)
        defer { wtimeout(screen, 50) }
        var sequence = ""
        var ch: wint_t = 0
        while sequence.count < 8 {
            let rc = tfe_get_wch(screen, &ch)
            if rc == tfe_err() { break }
            // Esc, then another key at once (Esc pressed just before an arrow, which ncurses may
            // already have decoded): this Esc stands alone, and the next read gets that key.
            if rc == tfe_key_code_yes() {
                _ = tfe_ungetch(Int32(ch))
                return sequence.isEmpty ? .key(.escape) : .none
            }
            if ch == 27 {
                _ = tfe_unget_wch(wchar_t(27))
                return sequence.isEmpty ? .key(.escape) : .none
            }
            sequence.unicodeScalars.append(Unicode.Scalar(UInt32(ch)) ?? " ")
            if sequence == "[200~" { return paste() }
            if Key.isComplete(escapeSequence: sequence) { return Key.escapeSequence(sequence).map(Input.key) ?? .none }
        }
        return sequence.isEmpty ? .key(.escape) : .none
    }

    private func paste() -> Input {
        wtimeout(screen, 200)
        var text = ""
        var ch: wint_t = 0
        while text.count < 100_000, tfe_get_wch(screen, &ch) != tfe_err() {
            text.unicodeScalars.append(Unicode.Scalar(UInt32(ch)) ?? " ")
            if text.hasSuffix("\u{1B}[201~") {
                text.removeLast(6)
                break
            }
        }
        return .key(.paste(text))
    }

    /// Whether the terminal has gone away (its window closed, the SSH connection dropped). Reads
    /// then fail at once instead of waiting, so the loop must notice and stop rather than spin.
    package var hungUp: Bool {
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) >= 0 else { return true }
        return fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// Leaves full-screen mode and gives the terminal back as it was. Safe to call twice.
    package func restore() {
        guard active else { return }
        active = false
        tfe_bracketed_paste(0)
        curs_set(1)
        endwin()
        tfe_guard_forget_terminal()
    }
}
