@testable import SetupWizard
import Testing

/// The line editor on its own: a value, a cursor, a selection and a key — no wizard state.
@Suite("Text input: the line editor over one value")
struct TextInputTests {
    @Test("typing inserts at the cursor; readline's keys move and delete") func editing() {
        var input = TextInput(text: "smtp.example.com", cursor: 4)
        input.handle(.char("s"))
        #expect(input.text == "smtps.example.com" && input.cursor == 5)
        input.handle(.deleteWordBack)
        #expect(input.text == ".example.com" && input.cursor == 0)
        input.handle(.wordRight)
        #expect(input.cursor == 8)
        input.handle(.killToEnd)
        #expect(input.text == ".example" && input.cursor == 8)
        input.handle(.home)
        input.handle(.delete)
        #expect(input.text == "example" && input.cursor == 0)
        input.handle(.end)
        input.handle(.backspace)
        #expect(input.text == "exampl" && input.cursor == 6)
        let handled = input.handle(.enter)
        #expect(!handled && input.text == "exampl", "Enter is not the line editor's")
    }

    @Test("a selected value: typing replaces it, a deleting key clears it, an arrow keeps it") func selection() {
        var typed = TextInput(text: "30d", selected: true)
        typed.handle(.char("7"))
        #expect(typed.text == "7" && typed.cursor == 1 && !typed.selected)
        var cleared = TextInput(text: "30d", selected: true)
        cleared.handle(.backspace)
        #expect(cleared.text == "" && cleared.cursor == 0)
        var kept = TextInput(text: "30d", selected: true)
        kept.handle(.left)
        #expect(kept.text == "30d" && kept.cursor == 0 && !kept.selected)
    }

    @Test("a paste is one line: line breaks and control characters are dropped") func paste() {
        var input = TextInput(text: "")
        input.handle(.paste("fake-pass\r\nword\u{7}"))
        #expect(input.text == "fake-password" && input.cursor == 13)
    }

    @Test("a list's filter: typed at its end, Backspace, Ctrl-U; other keys are the list's") func filter() {
        var filter = "pr"
        var handled: [Bool] = []
        handled.append(TextInput.editFilter(&filter, .char("o")))
        #expect(filter == "pro")
        handled.append(TextInput.editFilter(&filter, .paste("d\nx")))
        #expect(filter == "prodx")
        handled.append(TextInput.editFilter(&filter, .backspace))
        #expect(filter == "prod")
        handled.append(TextInput.editFilter(&filter, .down))
        #expect(filter == "prod")
        handled.append(TextInput.editFilter(&filter, .ctrlU))
        #expect(filter.isEmpty)
        #expect(handled == [true, true, true, false, true])
    }
}
