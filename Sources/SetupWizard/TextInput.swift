import TFEClient

/// One line of text being edited: its characters, the cursor and whether the whole value is
/// selected. `handle` is the line editor's reducer — readline's keys, a browser's selection —
/// over this value alone, so any screen's text field (the settings, a first admin's name, a
/// list's filter) edits the same way without knowing the wizard's state.
package struct TextInput: Equatable, Sendable {
    package var text: String
    /// In characters, 0...text.count.
    package var cursor: Int
    /// The value was just entered and is selected: typing replaces it, a deleting key clears it,
    /// ← and → put the cursor at its start or end.
    package var selected: Bool

    package init(text: String, cursor: Int? = nil, selected: Bool = false) {
        self.text = text
        self.cursor = min(cursor ?? text.count, text.count)
        self.selected = selected
    }

    /// Applies one key; false when the key is not a line-editing key (nothing changed).
    @discardableResult
    package mutating func handle(_ key: Key) -> Bool {
        var chars = Array(text)
        var cursor = min(self.cursor, chars.count)
        if selected {
            selected = false
            switch key {
            case .char, .paste:
                (chars, cursor) = ([], 0)
            case .backspace, .delete, .ctrlU, .killToEnd, .deleteWordBack:
                (text, self.cursor) = ("", 0)
                return true
            case .left:
                self.cursor = 0
                return true
            case .right:
                self.cursor = chars.count
                return true
            default:
                break
            }
        }
        switch key {
        case .char(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        case .paste(let pasted):
            let clean = Self.oneLine(pasted)
            chars.insert(contentsOf: clean, at: cursor)
            cursor += clean.count
        case .backspace:
            guard cursor > 0 else { return true }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < chars.count else { return true }
            chars.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(chars.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = chars.count
        case .ctrlU:
            chars = []
            cursor = 0
        case .killToEnd:
            chars.removeSubrange(cursor...)
        case .deleteWordBack:
            let start = Self.wordStart(chars, before: cursor)
            chars.removeSubrange(start..<cursor)
            cursor = start
        case .wordLeft: cursor = Self.wordStart(chars, before: cursor)
        case .wordRight: cursor = Self.wordEnd(chars, after: cursor)
        default: return false
        }
        text = String(chars)
        self.cursor = cursor
        return true
    }

    /// A list's filter: typed at its end (no cursor to move), Backspace and Ctrl-U. False for any
    /// other key, which the list handles (moving, picking, closing).
    @discardableResult
    package static func editFilter(_ filter: inout String, _ key: Key) -> Bool {
        switch key {
        case .char(let c): filter.append(c)
        case .paste(let pasted): filter += oneLine(pasted)
        case .backspace: if !filter.isEmpty { filter.removeLast() }
        case .ctrlU: filter = ""
        default: return false
        }
        return true
    }

    /// Pasted text as one line: line breaks in a paste would be Enter presses, so they are
    /// dropped with every other control or format character. Filtered by scalar: in Swift "\r\n"
    /// is one Character, equal to neither "\r" nor "\n", and it once slipped into a password.
    static func oneLine(_ pasted: String) -> String {
        String(String.UnicodeScalarView(pasted.unicodeScalars.filter { !SafeText.isUnsafe($0) }))
    }

    /// Where the word before `cursor` starts (spaces and punctuation such as `.` `@` `-` end words).
    static func wordStart(_ chars: [Character], before cursor: Int) -> Int {
        var i = cursor
        while i > 0, !isWordCharacter(chars[i - 1]) { i -= 1 }
        while i > 0, isWordCharacter(chars[i - 1]) { i -= 1 }
        return i
    }

    /// Where the word after `cursor` ends.
    static func wordEnd(_ chars: [Character], after cursor: Int) -> Int {
        var i = cursor
        while i < chars.count, !isWordCharacter(chars[i]) { i += 1 }
        while i < chars.count, isWordCharacter(chars[i]) { i += 1 }
        return i
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
