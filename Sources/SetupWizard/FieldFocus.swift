/// The form engine's editing state for one screen of fields, whatever the screen: which field
/// has focus, the cursor in its text, and whether its value is selected. Every screen (the
/// settings' and the first install's) changes focus and edits text only through this type, so
/// entering a filled field always selects its value, as a browser does: typing replaces it (a
/// retyped password is never appended to the one refused), ← or → edits it in place.
package struct FieldFocus<ID: Hashable & Sendable>: Equatable, Sendable {
    /// The focused field (nil: none, as on a Review).
    package private(set) var field: ID?
    /// In characters, 0...text.count.
    package private(set) var cursor = 0
    /// The whole value is selected: the next typed key replaces it.
    package private(set) var selected = false

    package init() {}

    /// Focus on `field`, whose value is `text`: the cursor at its end, a filled text selected.
    /// `takesText` is false for toggles and choices (nothing to select).
    package init(_ field: ID?, text: String, takesText: Bool = true) {
        self.field = field
        cursor = field == nil ? 0 : text.count
        selected = field != nil && takesText && !text.isEmpty
    }

    /// One key on the focused field's `text` (the line editor, `TextInput`): the text after it,
    /// or nil when the key is not a line-editing key (nothing changed).
    package mutating func edit(_ text: String, _ key: Key) -> String? {
        var input = TextInput(text: text, cursor: cursor, selected: selected)
        guard input.handle(key) else { return nil }
        cursor = input.cursor
        selected = input.selected
        return input.text
    }
}
