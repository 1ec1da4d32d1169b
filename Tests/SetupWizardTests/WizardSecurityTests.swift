import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

/// What a hostile paste, a terminal shrunk under the admin's hands and server text with bidi
/// controls must not do to the wizard.
@Suite("Wizard: hostile input")
struct WizardSecurityTests {
    @Test("a pasted CRLF (one Character in Swift) and other controls never reach a field") func pasteCRLF() async throws {
        try await WizardHarness.with { h in
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.char(" "))
            await h.press(.tab)
            await h.press(.paste("smtp.example.com\r\n"))
            #expect(await h.state.form.smtpHost == "smtp.example.com")
            await h.press(.tab, .tab, .tab, .right, .right, .tab)   // port, sender, auth → login, username
            await h.press(.paste("bot\r\n\u{1B}[31m\u{202E}x"))
            #expect(await h.state.form.smtpUsername == "bot[31mx", "ESC, CR, LF and U+202E dropped, the printable rest kept")
            await h.press(.tab)
            await h.press(.paste("fake-paste-pw\r\n"))
            #expect(await h.state.form.smtpPassword.exposedValue == "fake-paste-pw")
        }
    }

    @Test("too small: Enter on an unseen Review applies nothing; typing and Tab change nothing; Ctrl-C still asks and quits")
    func tooSmallIgnoresKeys() async throws {
        try await WizardHarness.with(sections: [.tokenTTL]) { h in
            #expect(await h.until { $0.on(.tokenTTL) })
            await h.press(.tab); await h.replace("30d")
            await h.press(.enter)
            await h.leaveScreen()
            #expect(await h.state.phase == .review)
            await h.runtime.send(.resized(Size(width: 40, height: 10)))
            await h.press(.enter)
            #expect(await h.state.phase == .review, "nothing applied on a screen the admin cannot see")
            #expect(!(await h.runtime.commands).contains { if case .apply = $0 { return true } else { return false } })
            #expect(await h.screenText(40, 10).contains("Terminal too small"))
            await h.press(.escape)
            #expect(await h.state.phase == .review, "Esc does not navigate either")
            // Back to a usable size: the same keys work again.
            await h.runtime.send(.resized(Size(width: 100, height: 30)))
            await h.press(.escape)
            #expect(await h.state.on(.tokenTTL))
            let before = await h.state.form
            await h.runtime.send(.resized(Size(width: 59, height: 30)))
            await h.type("7"); await h.press(.tab); await h.press(.ctrlU)
            #expect(await h.state.form == before, "typing at that size edits nothing unseen")
            await h.press(.ctrlC)
            #expect(await h.state.quitPending)
            #expect(await h.screenText(59, 30).contains("Quit without applying? [y/N]"))
            await h.press(.char("y"))
            #expect(await h.until { if case .finished = $0.phase { return true } else { return false } })
        }
    }

    @Test("a TTL under one hour is warned about on screen (1m for a month would end every new token within a minute)")
    func shortTTLWarned() async throws {
        try await WizardHarness.with(sections: [.tokenTTL]) { h in
            #expect(await h.until { $0.on(.tokenTTL) })
            await h.press(.tab, .tab, .tab)
            await h.replace("30m")
            await h.press(.tab)
            var screen = await h.screenText()
            #expect(screen.contains("30m is under one hour"), "\(screen)")
            await h.press(.backTab)
            await h.replace("1M")
            await h.press(.tab)
            screen = await h.screenText()
            #expect(screen.contains("did you mean mo (months) or m (minutes)?"), "\(screen)")
        }
    }

    @Test("a status notice carries its severity: problems are drawn as warnings whatever their wording") func noticeSeverity() async throws {
        try await WizardHarness.with(sections: [.tokenTTL]) { h in
            #expect(await h.until { $0.on(.tokenTTL) })
            await h.press(.ctrlR)
            #expect(await h.state.statusNotice == Notice("All four set to the server's untouched 2-year default, 730.485 days (a typed 2y is 730 days).", .info))
            await h.press(.tab); await h.replace("soon")
            await h.leaveScreen()
            let notice = await h.state.statusNotice
            #expect(notice?.severity == .problem, "\(String(describing: notice))")
            let frame = await h.frame()
            let row = frame.size.height - 2
            #expect((0..<frame.size.width).contains { frame[row, $0].style == .error }, "drawn as a problem")
        }
    }

    @Test("bidi, zero-width and separator characters are never drawn") func bidiDropped() {
        var frame = Frame(size: Size(width: 30, height: 1))
        frame.put("a\u{202E}b\u{2066}c\u{2069}d\u{200B}e\u{2028}f\u{FEFF}g\u{AD}h", row: 0, column: 0)
        #expect(frame.text(row: 0) == "abcdefgh")
        for column in 0..<30 { #expect(!SafeText.isUnsafe(frame[0, column].scalar)) }
    }
}
