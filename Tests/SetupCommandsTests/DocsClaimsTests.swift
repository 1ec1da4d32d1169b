import Foundation
import SetupKit
@testable import SetupCommands
import Testing
import TFEClient

/// What README.md and docs/ say about the binary, checked against the binary's own words where a
/// test can tell: a page that drifts from the product fails here, not in front of an admin.
@Suite("Docs: claims about the binary")
struct DocsClaimsTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/", !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        return url.path
    }()

    static func read(_ path: String) -> String {
        ((try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The README's "Try it" section.
    static var tryIt: String {
        let readme = read("README.md")
        guard let start = readme.range(of: "## Try it"), let end = readme.range(of: "## Install", range: start.upperBound..<readme.endIndex) else { return "" }
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test("README's Try it: the failure paths need a test email address, as `demo --help` says")
    func tryItNeedsTestAddress() {
        #expect(Self.tryIt.contains("test email address"), "\(Self.tryIt)")
        #expect(Self.tryIt.contains(".invalid") && Self.tryIt.contains("`reject`"))
        let help = DemoCommand.helpMessage(columns: 200)
        #expect(help.contains("with a test email address, a host ending in .invalid"), "\(help)")
    }

    @Test("--version: a build from a checkout says development build, and README and install say so")
    func versionLine() {
        #expect(BuildStamp.version == TFESetupVersion.current + " (development build)")
        #expect(Self.read("README.md").contains("a build from a checkout says \"development build\""))
        #expect(Self.read("docs/install.md").contains("a build from a checkout says `development build`"))
    }

    @Test("wizard.md quotes each screen's purpose line as the wizard shows it")
    func purposeLines() {
        let page = Self.read("docs/wizard.md")
        #expect(page.contains(Section.smtp.purpose), "docs/wizard.md quotes the SMTP relay's line")
        for section in Section.allCases { #expect(section.purpose.count <= 58, "\(section): fits a 60-column screen") }
    }

    @Test("automation.md names every label apply prints for a request")
    func resultLabels() {
        let page = Self.read("docs/automation.md")
        let saved = StepResult(step: .organization, fields: [.executionMode], outcome: .organization(Organization(name: "my-org", canUpdate: true)))
        let failed = StepResult(step: .smtp, fields: [.smtpHost], outcome: .failed(.smtpRelay(status: 504, detail: "timeout")))
        let unknown = StepResult(step: .tokenTTL, fields: [.ttl(.user)], outcome: .unknown(.server(status: 502, detail: "bad gateway")))
        for r in [saved, failed, unknown] {
            let label = String(Automation.resultLines(r).first?.split(separator: " ").first ?? "")
            #expect(page.contains("`\(label)`"), "docs/automation.md explains \(label)")
        }
        #expect(page.contains("`INTERRUPTED`"))
    }

    @Test("many-organizations.md quotes the heading of the relay beside a baseline")
    func relayBesideBaseline() {
        #expect(Self.read("docs/many-organizations.md").contains(Automation.relayHeading))
        #expect(!Self.read("docs/many-organizations.md").contains("is refused before any request"))
    }

    @Test("wizard.md: the keys it names for paging and help are in the key map")
    func pagingAndHelp() {
        let page = Self.read("docs/wizard.md")
        #expect(page.contains("PgUp/PgDn or Space a page, Home/End"))
        #expect(page.contains("F1 works on every screen"))
    }
}
