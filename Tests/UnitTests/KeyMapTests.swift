import Foundation
@testable import SetupWizard
import Testing

/// The key map is the one spelling of the wizard's bindings: the docs' table (checked in
/// `DocsTests`), the footer and the reducer all come from it.
@Suite("Key map: footer and reducer from one table")
struct KeyMapTests {
    @Test("the footer writes the map's bindings; the reducer matches the map's keys (either case)") func footerAndReducer() {
        var state = ReducerTests.loaded(sections: [.tokenTTL])
        let footer = Wizard.render(state, size: Size(width: 200, height: 30)).text
        for binding in [KeyMap.nextField, KeyMap.previousField, KeyMap.resetTTLs, KeyMap.help, KeyMap.quit] {
            #expect(footer.contains(binding.hint(.utf8)), "\(binding.hint(.utf8))")
        }
        let ascii = Wizard.render({ var s = state; s.config.ascii = true; return s }(), size: Size(width: 200, height: 30)).text
        #expect(ascii.contains("Tab/Down next") && ascii.contains("Shift-Tab/Up back"), "arrows spelled out without UTF-8")
        _ = Wizard.update(&state, .key(KeyMap.resetTTLs.keys[0]))
        #expect(state.notice == "All four set to the server's untouched 2-year default, 730.485 days (a typed 2y is 730 days).")
        #expect(KeyMap.retry.matches(.char("R")) && KeyMap.retry.matches(.char("r")) && !KeyMap.retry.matches(.char("e")))
    }

    @Test("the reducer matches the map's bindings: Ctrl-C, Ctrl-R, F1 and the letter keys are spelled only in the key map (and the byte decoder)")
    func spelledOnce() throws {
        // The line editor (TextInput) has readline's keys as its own vocabulary; everything else
        // matches a binding.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Sources/SetupWizard")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".swift") && !["KeyMap.swift", "Key.swift", "TextInput.swift"].contains($0) }
        #expect(files.count > 20)
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for spelled in [".ctrlC", ".ctrlR", ".f1", ".home", ".end", "case .up", "case .down", "== .up", "== .down", "case .enter", "case .escape"]
                + "aenry/ ".map({ ".char(\"\($0)\")" }) {
                #expect(!text.contains(spelled), "\(file) spells \(spelled): match KeyMap's binding instead")
            }
        }
    }

    @Test("every binding says what it does, and no two bindings of one scope share a key") func complete() {
        for binding in KeyMap.all { #expect(!binding.action.isEmpty && !binding.names.isEmpty) }
        let scoped = KeyMap.all.filter { !$0.keys.isEmpty && $0.scope != nil }
        for scope in Set(scoped.compactMap(\.scope)) {
            let keys = scoped.filter { $0.scope == scope }.flatMap(\.keys)
            let distinct = keys.enumerated().allSatisfy { i, key in !keys[..<i].contains(key) }
            #expect(distinct, "\(scope)")
        }
    }
}
