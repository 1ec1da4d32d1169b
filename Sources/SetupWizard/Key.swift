/// A key press, decoded by the terminal layer. Space arrives as `.char(" ")`.
public enum Key: Equatable, Sendable {
    case tab, backTab, up, down, left, right, home, end, enter, escape, backspace, delete
    case ctrlC, ctrlR, ctrlU, f1
    case char(Character)
    /// Text pasted in one go (bracketed paste, or several characters at once).
    case paste(String)
}
