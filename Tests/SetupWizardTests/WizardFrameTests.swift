import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport
import TFEClient
import TFESandbox

@Suite("Wizard frames")
struct WizardFrameTests {
    static let sizes = [Size(width: 60, height: 16), Size(width: 80, height: 24), Size(width: 200, height: 60)]

    /// Every screen of the seed scenario at each size: the layout holds, the password never shows.
    @Test("frames at 60x16, 80x24 and 200x60; the password in no frame, draft or answers file") func frames() async throws {
        try await WizardHarness.with { h in
            var frames: [String: [Frame]] = [:]
            func snap(_ name: String) async {
                for size in Self.sizes { frames[name, default: []].append(await h.frame(size.width, size.height)) }
            }
            #expect(await h.until { $0.on(.smtp) })
            await h.press(.char(" "), .tab); await h.type("smtp.example.com")
            await h.press(.tab); await h.replace("587")
            await h.press(.tab); await h.type("noreply@example.com")
            await h.press(.tab, .right, .right, .tab); await h.type("smtp-bot")
            await h.press(.tab); await h.type(WizardFlowTests.password)
            await snap("smtp-password-focused")
            await h.press(.tab); await h.type("ops@example.com")
            await snap("smtp")
            await h.press(.enter, .right, .right, .tab, .right)
            await snap("execution")
            await h.press(.enter, .char(" "), .tab); await h.replace("1y")
            await h.press(.tab); await h.replace("90d")
            await snap("ttl")
            await h.press(.tab); await h.replace("30d")
            await h.press(.tab); await h.replace("2y")
            await h.press(.enter)
            await snap("review")
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            await snap("result")
            // The Review and the Result say which server and organization, not only the header.
            for frame in frames["review"] ?? [] where frame.size.width >= 80 {
                #expect(frame.text.contains("These changes will be applied on 127.0.0.1:") && frame.text.contains(", organization my-org:"), "\(frame.text)")
            }
            for frame in frames["result"] ?? [] where frame.size.width >= 80 {
                #expect(frame.text.contains("On 127.0.0.1:") && frame.text.contains(", organization my-org."), "\(frame.text)")
            }

            for (name, list) in frames {
                for frame in list {
                    let size = frame.size
                    let text = frame.text
                    #expect(!text.contains(WizardFlowTests.password), "\(name) \(size)")
                    #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == size.height)
                    // The host and the organization at every size; the release after them (shortened
                    // on a narrow screen).
                    #expect(frame.text(row: 0).hasPrefix(" tfe-setup · 127.0.0.1:") && frame.text(row: 0).contains(" · my-org · T"),
                            "\(name) \(size): the header names the server's host first, then the organization")
                    #expect(frame.text(row: size.height - 1).contains("quit") || name == "result", "\(name) \(size): footer")
                    #expect((0..<size.height).allSatisfy { Frame.width(of: frame.text(row: $0)) <= size.width })
                }
            }
            let smtp60 = frames["smtp-password-focused"]![0]
            #expect(smtp60.text.contains("› Password:"))
            #expect(smtp60.text.contains(String(repeating: "•", count: WizardFlowTests.password.count)))
            #expect(smtp60.cursor != nil)
            #expect(frames["review"]![2].text.contains("SMTP relay · Port: 25 → 587"))
            #expect(frames["execution"]![1].text.contains("primary (apool-abc123, 3 agents)"))
            #expect(frames["ttl"]![1].text.contains("new 90d"))
            // Durations for people: never milliseconds on a screen.
            #expect(frames.values.allSatisfy { $0.allSatisfy { !$0.text.contains(" ms") } })
            // The draft and the answers file hold no password either.
            await h.press(.enter, .char("y"))
            #expect(await h.until { if case .finished = $0.phase { return true } else { return false } })
            for path in [h.draftStore.path, h.directory + "/tfe-setup-answers.json"] where FileManager.default.fileExists(atPath: path) {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                #expect(!text.contains(WizardFlowTests.password))
            }
            if ProcessInfo.processInfo.environment["TFE_SETUP_DUMP_FRAMES"] != nil {
                for (name, list) in frames { for f in list { print("=== \(name) \(f.size.width)x\(f.size.height)\n\(f.text)") } }
            }
        }
    }

    @Test("below 60x16: the too-small frame", arguments: [Size(width: 59, height: 30), Size(width: 100, height: 15), Size(width: 20, height: 5)])
    func tooSmall(_ size: Size) {
        var state = WizardState(config: WizardConfig(address: "http://127.0.0.1:1", organization: "my-org"))
        state.phase = .review
        let frame = Wizard.render(state, size: size)
        #expect(frame.text.replacingOccurrences(of: "\n", with: " ").hasPrefix("Terminal too small: need 60x16"))
    }

    @Test("ASCII-only frames use no character outside ASCII") func ascii() async throws {
        try await WizardHarness.with(ascii: true) { h in
            await WizardFlowTests.typeSeedScenario(h)
            let review = await h.screenText()
            #expect(review.contains("SMTP relay - Port: 25 -> 587"))
            await h.press(.enter)
            #expect(await h.until { $0.phase == .result })
            for text in [review, await h.screenText()] {
                #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
            }
            #expect(await h.screenText().contains("ok SMTP settings"))
        }
    }

    @Test("wide characters take two cells and the row still fits") func wide() {
        var frame = Frame(size: Size(width: 10, height: 1))
        let end = frame.put("設定ab", row: 0, column: 0)
        #expect(end == 6)
        #expect(frame[0, 1].continuation)
        #expect(frame.text(row: 0) == "設定ab")
        #expect(frame.put("漢字漢字漢字", row: 0, column: 0) == 10)
    }
}
