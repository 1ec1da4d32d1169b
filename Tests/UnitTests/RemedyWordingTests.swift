import CLIWording
import Foundation
import SetupKit
import Testing
import TFEClient

/// The client core says what to do in words of its own; the command line names its flags.
@Suite("Remedies: neutral in the client, flags on the command line")
struct RemedyWordingTests {
    static let all: [Remedy] = [
        .checkAddress, .trustPrivateCA, .allowMoreTime, .rereadBeforeRetrying, .tryAgain, .useFinalAddress, .checkServerKind,
        .provideToken(host: "tfe.example.com", looked: ["a token file", "TFE_TOKEN", "TF_TOKEN_tfe_example_com", "~/.terraform.d/credentials.tfrc.json"]),
        .fixTokenFile, .tokenNotInAddress, .useHTTPS, .chooseAnotherLogFile, .giveValidAddress,
        .useNameOnCertificate(host: "127.0.0.1", example: "https://localhost:8443"), .useNameOnCertificate(host: "127.0.0.1", example: nil),
        .usePlainHTTPOrEnableTLS(plainAddress: "http://127.0.0.1:8080"), .checkHostName("tfe.invalid"),
    ]

    /// The flag (or words) the command line's text must carry for each remedy it words itself.
    static let commandLineNames: [(Remedy, String)] = [
        (.checkAddress, "--address"), (.trustPrivateCA, "--ca-cert"), (.allowMoreTime, "--timeout"),
        (.rereadBeforeRetrying, "Run again"), (.useFinalAddress, "--address"), (.provideToken(host: "h", looked: ["a token file", "TFE_TOKEN"]), "--token-file"),
        (.tokenNotInAddress, "--token-file"), (.useHTTPS, "--insecure-http"), (.chooseAnotherLogFile, "--log-file"),
        (.useNameOnCertificate(host: "127.0.0.1", example: "https://localhost:8443"), "--address (https://localhost:8443)"),
        (.usePlainHTTPOrEnableTLS(plainAddress: "http://127.0.0.1:8080"), "--address http://127.0.0.1:8080, or enable TLS"),
        (.usePlainHTTPOrEnableTLS(plainAddress: "http://tfe.lab:8080"), "--address http://tfe.lab:8080 with --insecure-http"),
        (.checkHostName("tfe.invalid"), "--address"),
    ]

    static func namesAFlag(_ text: String) -> Bool { text.range(of: "--[a-z]", options: .regularExpression) != nil }

    @Test("every remedy has a neutral text that names no flag") func neutral() {
        for remedy in Self.all {
            #expect(!remedy.neutralText.isEmpty)
            #expect(!Self.namesAFlag(remedy.neutralText), "\(remedy): \(remedy.neutralText)")
        }
    }

    @Test("the command line names its flag for each remedy that has one, and keeps the neutral text otherwise") func commandLine() {
        for (remedy, name) in Self.commandLineNames {
            #expect(RemedyWording.commandLine.text(remedy).contains(name), "\(remedy)")
        }
        for remedy in [Remedy.tryAgain, .checkServerKind, .fixTokenFile, .giveValidAddress] {
            #expect(RemedyWording.commandLine.text(remedy) == remedy.neutralText)
        }
    }

    @Test("an error's description carries its remedy: neutral by default, the front end's when asked") func errors() {
        var lost = TransportError(.timeout, "no answer")
        lost.requestMayHaveArrived = true
        let error = TFEError.transport(lost)
        #expect(error.remedy == .allowMoreTime)
        #expect(error.description.contains("may or may not have been saved") && !Self.namesAFlag(error.description), "\(error.description)")
        #expect(error.commandLineDescription.contains("Run again") && error.commandLineDescription.contains("--timeout"))
        let plain = TFEError.configuration("Refusing plain http:// to tfe.lab.", remedy: .useHTTPS)
        #expect(plain.description == "Refusing plain http:// to tfe.lab. " + Remedy.useHTTPS.neutralText)
        #expect(plain.commandLineDescription.hasSuffix("(for example, inside a trusted lab network)."))
        #expect(TFEError.configuration("No remedy.").description == "No remedy.")
    }

    @Test("no file of the client core names a command-line flag") func sourcesNameNoFlag() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let client = root.appendingPathComponent("Sources/TFEClient")
        let files = FileManager.default.enumerator(atPath: client.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 20, "found the client's sources")
        for file in files {
            let text = try String(contentsOf: client.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where Self.namesAFlag(String(line)) {
                Issue.record("Sources/TFEClient/\(file):\(number + 1) names a flag: \(line)")
            }
        }
    }
}
