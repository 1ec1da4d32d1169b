import SetupKit
/// One key binding of the wizard: the keys the reducer matches, how people write them, where the
/// binding acts, and what it does — in the footer's short words and in full. The footer, F1's
/// screen, `tfe-setup wizard --help` and the keys table in docs/wizard.md are all made from `KeyMap.all`,
/// so a binding is spelled in one place.
package struct KeyBinding: Sendable {
    /// The keys matched (empty for bindings described but not matched by one key, like typing).
    package let keys: [Key]
    /// The keys as people write them, in UTF-8 (`Tab, ↓`); `ascii` for a terminal without it.
    package let names: String
    /// Where it acts (`Token TTLs`, `Result`), or nil on every screen.
    package let scope: String?
    /// The footer's words after the key (`all 2y`), and the key as the footer writes it.
    package let short: String
    package let footerKey: String
    /// The docs' and `--help`'s description.
    package let action: String

    init(_ keys: [Key], names: String, scope: String? = nil, footer footerKey: String? = nil, short: String, action: String) {
        self.keys = keys
        self.names = names
        self.scope = scope
        self.footerKey = footerKey ?? names
        self.short = short
        self.action = action
    }

    /// Whether the key is one of this binding's (a letter in either case).
    package func matches(_ key: Key) -> Bool {
        if keys.contains(key) { return true }
        if case .char(let c) = key { return keys.contains(.char(Character(c.lowercased()))) }
        return false
    }

    /// The footer's hint text (`Ctrl-R all 2y`), with the arrows as the terminal can draw them.
    func hint(_ g: Glyphs) -> String { Self.ascii(footerKey, g) + " " + short }

    /// Arrows spelled out where the terminal has no UTF-8.
    static func ascii(_ text: String, _ g: Glyphs) -> String {
        text.replacing("←/→", with: g.leftRight).replacing("↑", with: g.up).replacing("↓", with: g.down)
    }
}

/// Every key binding of the wizard, in the order the docs list them.
package enum KeyMap {
    static let nextField = KeyBinding([.tab, .down], names: "Tab, ↓", footer: "Tab/↓", short: "next",
                                      action: "next field (Tab on the last field wraps to the first)")
    static let previousField = KeyBinding([.backTab, .up], names: "Shift-Tab, ↑", footer: "Shift-Tab/↑", short: "back",
                                          action: "previous field")
    static let enter = KeyBinding([.enter], names: "Enter", short: "next",
                                  action: "next field; on the last field the next screen; on Review apply (except a plan that rejects the token in use: see y); on Result finish")
    static let typing = KeyBinding([], names: "typing into a filled field", short: "",
                                   action: "replaces its value (it is selected on entering, as in a browser form); ←/→ first to edit it in place")
    static let toggle = KeyBinding([.char(" "), .left, .right], names: "Space, ←/→ on a toggle", footer: "Space/←/→", short: "change",
                                   action: "switch it")
    static let choiceList = KeyBinding([.char(" ")], names: "Space on a choice (Auth, Mode, Agent pool)", footer: "Space", short: "list",
                                       action: "open its list: a letter moves to the next option that starts with it, / filters, ↑/↓ move, Enter picks, Esc closes; ←/→ step through the options without the list")
    static let choiceLetter = KeyBinding([], names: "a letter on a choice", short: "",
                                         action: "picks the next option that starts with it (a on Mode: agent); again for the one after")
    static let clearField = KeyBinding([.ctrlU], names: "Home/End (also Ctrl-A/Ctrl-E), Alt-B/Alt-F, Backspace/Delete", footer: "Ctrl-U", short: "clear",
                                       action: "move and edit in a text field; Ctrl-U clears it, Ctrl-K deletes to the end, Ctrl-W the word before; pasting works")
    static let back = KeyBinding([.escape], names: "Esc", short: "prev screen",
                                 action: "previous screen (never quits); on the first screen back to the organization list it came from (a second Esc confirms when something was typed); on Result back to the Review")
    static let quit = KeyBinding([.ctrlC], names: "Ctrl-C", short: "quit",
                                 action: "quit; with unsaved edits it asks first, a second Ctrl-C quits at once")
    static let help = KeyBinding([.f1, .char("?")], names: "F1, or `?` outside a text field", footer: "F1", short: "help",
                                 action: "help for the focused field")
    static let resetTTLs = KeyBinding([.ctrlR], names: "Ctrl-R", scope: "Token TTLs", short: "all 2y",
                                      action: "all four TTLs to the server's untouched 2-year default (730.485 days)")
    static let fix = KeyBinding([.char("e")], names: "e", scope: "Result", short: "edit the field",
                                action: "mark the fields that can cause the failure (username and password when the relay refused the login, host and port when it did not answer, what the server named) and open the first; leaving that screen returns to Result")
    static let retry = KeyBinding([.char("r")], names: "r", scope: "Result", short: "retry failed",
                                  action: "send the failed requests again, planned from the values as they are now; values the server refused are not sent unchanged (it says what to change)")
    static let readAgain = KeyBinding([.char("r")], names: "r", scope: "a failed start", short: "try again",
                                      action: "read the server again (e.g. once it is up); Enter quits")
    static let markOne = KeyBinding([.char(" ")], names: "Space", scope: "organization list", short: "mark",
                                    action: "mark the highlighted organization (again: unmark)")
    static let markAll = KeyBinding([.char("a")], names: "a", scope: "organization list", short: "all",
                                    action: "mark every organization shown")
    static let markNone = KeyBinding([.char("n")], names: "n", scope: "organization list", short: "none",
                                     action: "unmark every organization")
    static let filterList = KeyBinding([.char("/")], names: "/", scope: "organization list", short: "filter",
                                       action: "filter by name (typing goes into the filter until Enter/Tab; Esc clears it)")
    /// The organization list's keys as the docs' one row.
    static let mark = KeyBinding(markOne.keys + markAll.keys + markNone.keys + filterList.keys, names: "Space, a, n, /", scope: "organization list", short: "mark",
                                 action: "mark the highlighted organization, mark every one shown, none, filter by name (typing goes into the filter until Enter/Tab; Esc clears it); Enter sets up the marked ones with one baseline, or the highlighted one when none is marked")
    static let keep = KeyBinding([.left, .right, .char(" ")], names: "←/→, Space on a baseline field", scope: "several organizations", short: "change",
                                 action: "step through `keep` (each organization keeps its own value) and the values; an empty TTL keeps each one's")

    /// A line up or down: in a list, and scrolling the Review and the Result.
    static let acceptTokenRejection = KeyBinding([.char("y")], names: "y", scope: "Review, when the apply rejects the token in use", short: "apply anyway",
                                                 action: "apply knowing that " + TokenReport.lockout() + " (Enter does not apply such a plan): the policies and the switch are written last, then a read checks the rejection; the Result opens once it is in and, when the server now rejects the token, offers only Enter (a retry or a reopened screen would get 401s), even if another request failed")
    static let renewToken = KeyBinding([.char("t")], names: "t", scope: "Review, when the apply rejects the user token in use", short: "new token, apply",
                                       action: "make a new user token within the new user cap, store it where the token came from, and apply with it (the policies and the switch last); the old token is kept")
    static let skipOrganization = KeyBinding([.escape], names: "Esc", scope: "first install's organization", short: "skip",
                                             action: "create no organization now: go on to the SMTP relay alone")

    static let lineUp = KeyBinding([.up], names: "↑", short: "up", action: "the line above")
    static let lineDown = KeyBinding([.down], names: "↓", short: "down", action: "the line below")
    /// A page up or down: scrolling the Review and the Result (Space pages down, as in a pager).
    static let pageUp = KeyBinding([.pageUp], names: "PgUp", short: "page up", action: "a page up")
    static let pageDown = KeyBinding([.pageDown, .char(" ")], names: "PgDn, Space", short: "page down", action: "a page down")
    static let scrollPage = KeyBinding([], names: "↑/↓, PgUp/PgDn, Space, Home/End", scope: "Review, Result", footer: "↑/↓/PgDn", short: "scroll",
                                       action: "scroll a line, a page (Space too), to the top or the end")
    /// A list's first and last entry.
    static let firstLine = KeyBinding([.home], names: "Home", short: "first", action: "the first entry")
    static let lastLine = KeyBinding([.end], names: "End", short: "last", action: "the last entry")
    /// Picks the highlighted entry of an open list (Enter too).
    static let pick = KeyBinding([.enter, .char(" ")], names: "Enter, Space", short: "pick", action: "take the highlighted entry")
    /// Answers to a question the screen asks (resume a draft? save the answers? quit?).
    static let yes = KeyBinding([.char("y")], names: "y", short: "yes", action: "yes")
    static let no = KeyBinding([.char("n")], names: "n", short: "no", action: "no")

    /// The keys of `nextField` and `previousField` that wrap at the ends of a screen (the arrows stop).
    static let wrapsAround: [Key] = [.tab, .backTab]

    package static let all: [KeyBinding] = [nextField, previousField, enter, typing, toggle, choiceList, choiceLetter, clearField, back, quit,
                                            help, resetTTLs, scrollPage, acceptTokenRejection, renewToken, fix, retry, readAgain, mark, keep, skipOrganization]

    /// The keys table of docs/wizard.md (Markdown); a test keeps the page in step with it.
    package static var markdownTable: String {
        let rows = all.map { b in "| \(b.names)\(b.scope.map { " (\($0))" } ?? "") | \(b.action) |" }
        return (["| key | action |", "|---|---|"] + rows).joined(separator: "\n")
    }

    /// `tfe-setup wizard --help`'s keys: one line per binding, the arrows spelled out.
    package static var helpLines: [String] {
        all.map { b in
            "  \(KeyBinding.ascii(b.names, .ascii))\(b.scope.map { " (\($0))" } ?? ""): \(KeyBinding.ascii(b.action, .ascii))"
        }
    }
}
