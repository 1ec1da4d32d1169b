import Foundation
import SetupKit
import Testing
import TFEClient

/// A server's host is a DNS name, an IPv4 address or a bracketed IPv6 literal, judged from its
/// text; loopback is an exact IP parse; a value shown in a suggested command is shell-quoted.
@Suite("Host names, loopback and shell words")
struct HostRulesTests {
    static let hostile = ["https://tfe`id`.example.com", "https://a$(id).example.com", "https://x%60id%60.example.com", "https://a;b.example.com",
                          "https://a'b.example.com", "https://a(b).example.com", "https://a&b.example.com", "https://a|b.example.com",
                          "https://a%20b.example.com", "https://-lead.example.com", "https://[fd00::1", "https://[not-v6]:8443"]

    @Test("an address whose host is not a host name is refused, typed or in an answers file", arguments: hostile)
    func hostileHosts(_ address: String) throws {
        #expect(throws: TFEError.self) { try ClientConfiguration.parseAddress(address) }
        let file = Data(#"{"address":"\#(address)","organization":"my-org"}"#.utf8)
        do {
            _ = try AnswersFile.decode(file, environment: [:])
            Issue.record("accepted \(address)")
        } catch {
            #expect("\(error)".contains("$.address"), "\(error)")
        }
    }

    @Test("DNS names, IPv4 and bracketed IPv6 pass")
    func goodHosts() throws {
        for address in ["https://tfe.example.com", "https://tfe.example.com.", "http://127.0.0.1:8080", "https://[fd00::1]:8443", "https://10.0.0.1",
                        "https://tfe_internal.corp", "https://xn--bcher-kva.example"] {
            #expect(throws: Never.self, "\(address)") { try ClientConfiguration.parseAddress(address) }
        }
    }

    @Test("loopback is an exact IP literal: a trailing dot, shorthand or octal is a name for a resolver")
    func loopback() {
        for yes in ["127.0.0.1", "127.9.8.7", "[::1]", "::1", "0:0:0:0:0:0:0:1", "[::ffff:127.0.0.1]", "localhost"] {
            #expect(ClientConfiguration.isLoopback(yes), "\(yes)")
        }
        for no in ["127.0.0.1.", "127.1", "0177.0.0.1", "127.0.0.01", "localhost.", "127.0.0.1.nip.io", "[::2]", "::ffff:10.0.0.1", "127.0.0.256"] {
            #expect(!ClientConfiguration.isLoopback(no), "\(no)")
        }
        let token = SecretString("fake-token")
        #expect(throws: TFEError.self) { try ClientConfiguration(address: URL(string: "http://127.0.0.1.:8080")!, token: token) }
    }

    @Test("shell words: plain when safe, else single-quoted so a shell reads them back unchanged")
    func shellWords() {
        #expect(ShellWord.quoted("tfe.example.com") == "tfe.example.com")
        #expect(ShellWord.quoted("https://tfe.example.com:8443") == "https://tfe.example.com:8443")
        #expect(ShellWord.quoted("[fd00::1]:8443") == "'[fd00::1]:8443'")
        #expect(ShellWord.quoted("a`id`b") == "'a`id`b'")
        #expect(ShellWord.quoted("it's") == #"'it'\''s'"#)
        #expect(ShellWord.quoted("") == "''")
    }

    @Test("IPv6 literals parse exactly")
    func ipv6() {
        #expect(IPLiteral.ipv6("fd00::1") == [0xfd00, 0, 0, 0, 0, 0, 0, 1])
        #expect(IPLiteral.ipv6("fd00::1:8443") == [0xfd00, 0, 0, 0, 0, 0, 1, 0x8443])
        #expect(IPLiteral.ipv6("1:2:3:4:5:6:7:8") != nil)
        for bad in ["1:2:3:4:5:6:7:8:9", "1::2::3", "fd00::1%eth0", "12345::1", ":", "g::1"] {
            #expect(IPLiteral.ipv6(bad) == nil, "\(bad)")
        }
    }
}
