/// How a message names what to do next: with the full screen's keys, or with plain mode's typed
/// answers. Each wording is written here once, side by side, so a message that plain mode can
/// print never says "Esc" or "press e" to someone who can only type a line.
package struct KeyWords: Equatable, Sendable {
    /// Which mode's words these are (`screen`, `plain`): what makes two of them equal.
    package let mode: String
    /// Going back a step: `Esc`, or a typed `<`.
    package let back: String
    /// Where to change fields a failure names, after "Not sent: … ".
    package let changeFields: @Sendable (String) -> String
    /// How to send the failed requests again, before "to send …".
    package let retry: String
    /// After the Review's lockout sentence: how the apply is held back.
    package let lockoutHeld: String
    /// How to finish a page with nothing to do.
    package let finish: String
    /// What is left once the caps just applied reject the token in use.
    package let afterLockout: String

    package static func == (a: KeyWords, b: KeyWords) -> Bool { a.mode == b.mode }

    /// The full screen's keys.
    package static let screen = KeyWords(
        mode: "screen",
        back: "Esc",
        changeFields: { "Press e to change \($0) first." },
        retry: "Press r",
        lockoutHeld: "Enter does not apply it; see Tokens below.",
        finish: "Press Enter to finish.",
        afterLockout: "(no retry, no reopened screen). Enter finishes; to change more, run tfe-setup again with a token within the cap (User settings > Tokens).")

    /// Plain mode's typed answers.
    package static let plain = KeyWords(
        mode: "plain",
        back: "<",
        changeFields: { "Type < (back to the Review), then < again (the screens) to change \($0)." },
        retry: "Answer y",
        lockoutHeld: "see Tokens below; the question at the end asks before anything is sent.",
        finish: "Nothing to do.",
        afterLockout: "(no retry). To change more, run tfe-setup again with a token within the cap (User settings > Tokens).")
}
