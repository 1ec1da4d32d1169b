/// A key press, decoded by the terminal layer. Space arrives as `.char(" ")`.
package enum Key: Equatable, Sendable {
    case tab, backTab, up, down, left, right, home, end, enter, escape, backspace, delete
    /// Page Up / Page Down.
    case pageUp, pageDown
    case ctrlC, ctrlR, ctrlU, f1
    /// Ctrl-K: delete from the cursor to the end.
    case killToEnd
    /// Ctrl-W: delete the word before the cursor.
    case deleteWordBack
    /// Alt-B / Alt-F: the cursor a word left or right.
    case wordLeft, wordRight
    case char(Character)
    /// Text pasted in one go (bracketed paste, or several characters at once).
    case paste(String)

    /// Whether the key types a character (what a text field takes as text).
    package var isCharacter: Bool {
        if case .char = self { return true }
        return false
    }
}

extension Key {
    /// The key a control character stands for (readline's: Ctrl-A/E/K/U/W), or nil.
    package static func control(_ value: UInt32) -> Key? {
        switch value {
        case 1: return .home          // Ctrl-A
        case 3: return .ctrlC
        case 5: return .end           // Ctrl-E
        case 8, 127: return .backspace
        case 9: return .tab
        case 10, 13: return .enter
        case 11: return .killToEnd    // Ctrl-K
        case 18: return .ctrlR
        case 21: return .ctrlU
        case 23: return .deleteWordBack   // Ctrl-W
        default: return nil
        }
    }

    /// The key for what follows an ESC that the terminal library did not decode itself: every
    /// encoding terminals send for Home and End (`[1~ [7~ [H OH`, `[4~ [8~ [F OF` — tmux sends
    /// `[1~`/`[4~` whatever the terminfo says), arrows in both modes, Delete, Shift-Tab, and
    /// Alt-B/Alt-F. Nil for a sequence that is not finished (`[1`) or not known.
    package static func escapeSequence(_ s: String) -> Key? {
        switch s {
        case "[1~", "[7~", "[H", "OH": return .home
        case "[4~", "[8~", "[F", "OF": return .end
        case "[A", "OA": return .up
        case "[B", "OB": return .down
        case "[C", "OC": return .right
        case "[D", "OD": return .left
        case "[3~": return .delete
        case "[5~": return .pageUp
        case "[6~": return .pageDown
        case "[Z": return .backTab
        case "b", "B": return .wordLeft
        case "f", "F": return .wordRight
        default: return nil
        }
    }

    /// Whether an escape sequence is complete (its last character ends one): a letter or `~`
    /// after `[` or `O`, or the single character of an Alt chord.
    package static func isComplete(escapeSequence s: String) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if first == "[" || first == "O" { return s.count > 1 && (last.isLetter || last == "~") }
        return true
    }
}
