import Foundation
import SetupKit
@testable import SetupWizard
import Testing
import TestSupport

/// The docs are part of the product: a newcomer follows their links, copies their commands and
/// trusts their tables. These tests keep them true to the code.
@Suite("Docs: links, commands, tables")
struct DocsTests {
    static let root = HCLParser.repositoryRoot

    /// README.md and every page in docs/, by path relative to the repository.
    static let pages: [String] = {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []
        return ["README.md", "CHANGELOG.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }()

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? ""
    }

    static let commands = ["wizard", "demo", "check", "plan", "apply", "export", "sandbox"]

    /// Each command's `--help`, run once for the suite.
    static let help: [String: String] = {
        var help: [String: String] = [:]
        for command in commands { help[command] = Subprocess.run([TmuxSession.binary, command, "--help"]).output }
        return help
    }()

    // MARK: - The README

    @Test("the README is under 16 KB, opens with its two commands, and links the reference and troubleshooting pages")
    func readme() throws {
        let readme = Self.read("README.md")
        #expect(readme.utf8.count <= 16 * 1024, "README.md is \(readme.utf8.count) bytes")
        let firstBlock = try #require(Self.codeBlocks(readme).first)
        #expect(readme.components(separatedBy: "```").first?.split(separator: "\n").count ?? 99 <= 2, "the code block is the README's first content")
        let commands = firstBlock.lines.map { $0.components(separatedBy: "#").first!.trimmingCharacters(in: .whitespaces) }
        #expect(commands == ["swift run tfe-setup demo", "bash scripts/test"])
        let ci = Self.read(".ci/run")
        #expect(ci.contains("exec bash scripts/test"), ".ci/run runs the README's test command")
        #expect(readme.contains("](docs/automation.md)") && readme.contains("answers-file reference"))
        #expect(readme.contains("](docs/troubleshooting.md)"))
        let pages = Self.pages.filter { $0.hasPrefix("docs/") }
        #expect(pages.count >= 6)
        for page in pages where page != "docs/architecture.md" {
            #expect(readme.contains("](\(page))"), "the README links \(page)")
        }
    }

    @Test("the docs speak of the product, not of its history")
    func noHistory() {
        for page in Self.pages where page != "CHANGELOG.md" {
            let text = Self.read(page)
            for pattern in [#"[Ii]ssue #?[0-9]+"#, #"\(was [^)]*\)"#, "used to be", "before issue"] {
                #expect(text.range(of: pattern, options: .regularExpression) == nil, "\(page) has \(pattern)")
            }
        }
    }

    // MARK: - Links

    @Test("every relative link in the README and docs/ resolves, anchors included")
    func links() throws {
        var checked = 0
        for page in Self.pages {
            let text = Self.read(page)
            let directory = (page as NSString).deletingLastPathComponent
            for target in Self.linkTargets(text) where !target.contains("://") && !target.hasPrefix("mailto:") {
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let path = parts[0].isEmpty ? page : Self.normalize(directory.isEmpty ? parts[0] : directory + "/" + parts[0])
                #expect(FileManager.default.fileExists(atPath: Self.root + "/" + path), "\(page) links \(target): no \(path)")
                if parts.count == 2, path.hasSuffix(".md") {
                    let anchors = Self.anchors(Self.read(path))
                    #expect(anchors.contains(parts[1]), "\(page) links \(target): no heading #\(parts[1]) in \(path)")
                }
                checked += 1
            }
        }
        #expect(checked > 40)
    }

    // MARK: - Commands

    @Test("every tfe-setup command the docs and the man page show uses options that command has")
    func commandsUseRealOptions() throws {
        var sources = Self.pages.map { ($0, Self.commandSpans(markdown: Self.read($0))) }
        sources.append(("scripts/manual-sections.mdoc", Self.commandSpans(mdoc: Self.read("scripts/manual-sections.mdoc"))))
        let builtIn: Set = ["--help", "--version", "--generate-completion-script"]
        var checked = 0
        for (page, spans) in sources {
            for span in spans {
                for (command, flags) in Self.invocations(in: span) {
                    let help = try #require(Self.help[command])
                    for flag in flags where !builtIn.contains(flag) {
                        #expect(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ","),
                                "\(page): `tfe-setup \(command)` has no \(flag) (in: \(span))")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 60)
    }

    // MARK: - Tables in step with the code

    @Test("the wizard page's keys table is the key map")
    func keysTable() throws {
        let lines = Self.read("docs/wizard.md").components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "| key | action |"), "no keys table in docs/wizard.md")
        let old = lines[start...].prefix { $0.hasPrefix("|") }
        let table = old.joined(separator: "\n")
        if ProcessInfo.processInfo.environment["TFE_SETUP_REGENERATE_DOCS"] == "1", table != KeyMap.markdownTable {
            // `TFE_SETUP_REGENERATE_DOCS=1 swift test --filter DocsTests` writes the table; the check still fails once.
            let page = (lines[..<start] + [KeyMap.markdownTable] + lines[(start + old.count)...]).joined(separator: "\n")
            try page.write(toFile: Self.root + "/docs/wizard.md", atomically: true, encoding: .utf8)
        }
        #expect(table == KeyMap.markdownTable, "regenerate the table in docs/wizard.md from KeyMap.markdownTable (TFE_SETUP_REGENERATE_DOCS=1)")
    }

    @Test("the answers-file reference lists exactly the keys the reader accepts, and those it refuses")
    func answersReference() throws {
        let text = Self.read("docs/automation.md")
        let section = try #require(text.components(separatedBy: "## Answers-file reference").dropFirst().first?.components(separatedBy: "\n## ").first)
        func keys(under header: String) -> [String] {
            let lines = section.components(separatedBy: "\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
            return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.compactMap { row in
                row.split(separator: "`", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
            }
        }
        func dotted(_ object: AnswersKeys.Object, _ key: String) -> String {
            object.path == "$" ? key : String(object.path.dropFirst(2)) + "." + key
        }
        let accepted = AnswersKeys.all.flatMap { o in o.accepted.map { dotted(o, $0) } }
        let refused = AnswersKeys.all.flatMap { o in o.refused.map { dotted(o, $0) } }
        #expect(Set(keys(under: "| key | type | meaning |")) == Set(accepted))
        #expect(keys(under: "| key | type | meaning |").count == accepted.count, "each key once")
        #expect(Set(keys(under: "| refused key |")) == Set(refused))
    }

    @Test("the reader takes its keys from the table the reference is checked against")
    func readerUsesTheTable() throws {
        // A key only the reference knows would be refused; one only the reader knows, undocumented.
        let file = #"{"smtp": {"port": 587, "frobnicate": 1}, "bootstrap": {"admin": {"username": "admin", "email": "a@example.com", "password": "fake-inline-admin"}}}"#
        #expect(throws: AnswersProblems.self) { try AnswersFile.decode(Data(file.utf8), environment: [:]) }
        do {
            _ = try AnswersFile.decode(Data(file.utf8), environment: [:])
        } catch {
            let paths = error.problems.map(\.path)
            #expect(paths.contains("$.smtp.frobnicate"))
            #expect(paths.contains("$.bootstrap.admin.password"), "an inline admin password is refused by name")
            let unknown = try #require(error.problems.first { $0.path == "$.smtp.frobnicate" })
            #expect(unknown.message.contains(AnswersKeys.smtp.accepted.joined(separator: ", ")))
            #expect(!error.description.contains("fake-inline-admin"))
        }
    }

    @Test("the Reliability page's table lists the matrix row for row")
    func reliabilityTable() throws {
        let text = Self.read("docs/reliability.md")
        let section = try #require(text.components(separatedBy: "## The fault matrix").dropFirst().first?.components(separatedBy: "\n## ").first)
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| fault ") }
        let names = rows.map { $0.dropFirst(2).components(separatedBy: " | ").first ?? "" }
        #expect(names == FaultMatrix.cases.map(\.name))
    }

    @Test("the man page's ENVIRONMENT names every variable the sources read; FILES, EXIT STATUS and EXAMPLES are there")
    func manualSections() throws {
        let mdoc = Self.read("scripts/manual-sections.mdoc")
        let headings = mdoc.components(separatedBy: "\n").filter { $0.hasPrefix(".Sh ") }
        #expect(headings == [".Sh ENVIRONMENT", ".Sh FILES", ".Sh EXIT STATUS", ".Sh EXAMPLES", ".Sh SEE ALSO"])
        let environment = try #require(mdoc.components(separatedBy: ".Sh ENVIRONMENT").last?.components(separatedBy: ".Sh FILES").first)
        let documented = Set(environment.components(separatedBy: "\n").filter { $0.hasPrefix(".It Ev ") }
            .flatMap { $0.dropFirst(7).components(separatedBy: " ").filter { $0.first?.isUppercase == true } })
        var read: Set<String> = ["TF_TOKEN_", "TFE_IACT_TOKEN", "SMTP_*", "TFE_SETUP_*"]
        let enumerator = FileManager.default.enumerator(atPath: Self.root + "/Sources")
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift"), !file.hasPrefix("TFESandbox"), !file.hasPrefix("tfe-bench") else { continue }
            let text = Self.read("Sources/" + file)
            let pattern = try NSRegularExpression(pattern: #"environment\["([A-Z_]+)"\]"#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                read.insert((text as NSString).substring(with: match.range(at: 1)))
            }
        }
        #expect(read.count > 12)
        #expect(read.subtracting(documented).isEmpty, "not in ENVIRONMENT: \(read.subtracting(documented).sorted())")
        let exits = try #require(mdoc.components(separatedBy: ".Sh EXIT STATUS").last?.components(separatedBy: ".Sh EXAMPLES").first)
        for code in ["0", "1", "2"] { #expect(exits.contains(".It \(code)\n"), "exit \(code)") }
        #expect(mdoc.contains("credentials.tfrc.json") && mdoc.contains("draft.json") && mdoc.contains("tfe-setup-answers.json"))
        let release = Self.read("scripts/release")
        #expect(release.contains("manual-sections.mdoc"), "the release puts the sections into the man page")
    }

    @Test("the changelog is in Keep a Changelog form, with version headings")
    func changelog() {
        let lines = Self.read("CHANGELOG.md").components(separatedBy: "\n")
        let versions = lines.filter { $0.hasPrefix("## ") }
        #expect(versions.first == "## [Unreleased]")
        #expect(versions.contains("## [0.1.0] - 2026-12-01"))
        for heading in versions.dropFirst() {
            #expect(heading.range(of: #"^## \[[0-9]+\.[0-9]+\.[0-9]+\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil, "\(heading)")
        }
        let kinds = Set(lines.filter { $0.hasPrefix("### ") })
        #expect(!kinds.isEmpty)
        #expect(kinds.isSubset(of: ["### Added", "### Changed", "### Deprecated", "### Removed", "### Fixed", "### Security"]), "\(kinds.sorted())")
    }
}

// MARK: - Reading Markdown and mdoc

extension DocsTests {
    struct CodeBlock { var lines: [String] }

    /// Fenced code blocks, in order.
    static func codeBlocks(_ text: String) -> [CodeBlock] {
        var blocks: [CodeBlock] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let lines = current { blocks.append(CodeBlock(lines: lines)); current = nil } else { current = [] }
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    /// `](target)` of every Markdown link and image.
    static func linkTargets(_ text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { (text as NSString).substring(with: $0.range(at: 1)) }
    }

    /// The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`.
    static func anchors(_ text: String) -> Set<String> {
        var anchors: Set<String> = []
        var inCode = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            anchors.insert(String(title.compactMap { c -> Character? in
                if c == " " { return "-" }
                return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
            }))
        }
        return anchors
    }

    static func normalize(_ path: String) -> String {
        var parts: [String] = []
        for part in path.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    /// Inline code spans and code-block lines (a trailing `\` joins the next line).
    static func commandSpans(markdown text: String) -> [String] {
        var spans: [String] = []
        for block in codeBlocks(text) { spans += joinContinuations(block.lines, marker: "\\") }
        let outside = text.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined(separator: "\n")
        let inline = try! NSRegularExpression(pattern: "`([^`\n]+)`")
        spans += inline.matches(in: outside, range: NSRange(outside.startIndex..., in: outside)).map { (outside as NSString).substring(with: $0.range(at: 1)) }
        return spans
    }

    /// `.Dl` lines and literal blocks of the man page's sections (`\e` at the end joins lines).
    static func commandSpans(mdoc text: String) -> [String] {
        var spans: [String] = []
        var literal: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix(".Bd -literal") { literal = []; continue }
            if line == ".Ed", let lines = literal { spans += joinContinuations(lines, marker: "\\e"); literal = nil; continue }
            if literal != nil { literal!.append(line) } else if line.hasPrefix(".Dl ") { spans.append(String(line.dropFirst(4))) }
        }
        return spans
    }

    static func joinContinuations(_ lines: [String], marker: String) -> [String] {
        var joined: [String] = []
        var pending = ""
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix(marker) {
                pending += trimmed.dropLast(marker.count) + " "
            } else {
                joined.append(pending + trimmed)
                pending = ""
            }
        }
        if !pending.isEmpty { joined.append(pending) }
        return joined
    }

    /// Each `tfe-setup [command] …` in a span: the command (the wizard when none is named) and
    /// the long options after it, up to the end of the shell command.
    static func invocations(in span: String) -> [(String, [String])] {
        var result: [(String, [String])] = []
        var rest = Substring(span)
        while let range = rest.range(of: "tfe-setup") {
            let before = rest[..<range.lowerBound].last
            rest = rest[range.upperBound...]
            // `tfe-setup-answers.json`, `scripts/tfe-setup…`: not the command.
            guard rest.first == " " || rest.isEmpty, before == nil || before == " " || before == "(" || before == "`" else { continue }
            let end = rest.firstIndex { "|;&>#".contains($0) } ?? rest.endIndex
            let words = rest[..<end].split(separator: " ").map(String.init)
            let command = words.first.flatMap { commands.contains($0) ? $0 : nil } ?? "wizard"
            let flags = words.filter { $0.hasPrefix("--") }.map { word in
                String(word.prefix { $0.isLetter || $0.isNumber || $0 == "-" })
            }.filter { $0.count > 2 }
            result.append((command, flags))
        }
        return result
    }
}
