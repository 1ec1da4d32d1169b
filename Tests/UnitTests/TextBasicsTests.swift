import Foundation
import Testing
@testable import TFEClient

/// The standard-library replacements for the Foundation APIs the tool no longer links
/// (a smaller binary): each against what Foundation gave, on the cases the tool meets.
@Suite("Text, path, number and date basics without Foundation")
struct TextBasicsTests {
    @Test("trimming, case, padding, percent-decoding")
    func text() {
        #expect("  a b \t".trimmingSpaces == "a b")
        #expect(" \u{00A0}x\u{2003}".trimmingSpaces == "x", "Unicode spaces too, as CharacterSet.whitespaces")
        #expect("\n x \n".trimmingSpaces == "\n x \n", "line breaks stay")
        #expect("\n x \r\n".trimmingWhitespace == "x")
        #expect("   ".trimmingSpaces == "")
        #expect("[::1]".trimming { $0 == "[" || $0 == "]" } == "::1")
        #expect("Content-Type".equalsIgnoringCase("content-type"))
        #expect("ab".padded(to: 4) == "ab  " && "abcde".padded(to: 4) == "abcde")
        #expect(percentDecoded("a%2Fb%20c+d") == "a/b c+d")
        #expect(percentDecoded("bad%2") == nil && percentDecoded("bad%zz") == nil)
        #expect(percentDecoded("%C3%A9") == "é" && percentDecoded("%FF") == nil, "invalid UTF-8 is refused")
    }

    @Test("numbers as String(format:) printed them")
    func numbers() {
        for (value, digits, expected) in [(2.345, 1, "2.3"), (2.35, 1, "2.4"), (0.0, 2, "0.00"), (27.0, 1, "27.0"), (-1.25, 1, "-1.3"),
                                          (0.004, 2, "0.00"), (1234.5678, 2, "1234.57"), (9.96, 1, "10.0"), (3.0, 0, "3")] {
            #expect(value.fixed(digits) == expected, "\(value) \(digits)")
            #expect(value.fixed(digits) == String(format: "%.\(digits)f", value) || abs(value * pow(10, Double(digits))).truncatingRemainder(dividingBy: 1) == 0.5,
                    "agrees with printf except exact halves: \(value)")
        }
        #expect(7.zeroPadded(3) == "007" && 1234.zeroPadded(3) == "1234" && (-5).zeroPadded(3) == "-005")
    }

    @Test("paths as NSString's methods gave them")
    func paths() {
        for path in ["/a/b/c.json", "c.json", "/c", "dir/", "/a/b.c/d", "x.tar.gz", "/"] {
            let ns = path as NSString
            #expect(PathText.lastComponent(path) == ns.lastPathComponent, "\(path)")
            #expect(PathText.pathExtension(path) == ns.pathExtension, "\(path)")
        }
        #expect(PathText.deletingLastComponent("/a/b/c.json") == "/a/b")
        #expect(PathText.deletingLastComponent("c.json") == "")
        #expect(PathText.deletingLastComponent("/c") == "/")
        #expect(PathText.deletingPathExtension("/a/answers.json") == "/a/answers")
        #expect(PathText.appending("/tmp", "x.json") == "/tmp/x.json" && PathText.appending("/tmp/", "x") == "/tmp/x")
    }

    @Test("dates: the HTTP-date of Retry-After, the log's ISO 8601 stamp")
    func dates() {
        let date = DateText.httpDate("Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(date == Date(timeIntervalSince1970: 784_111_777))
        for bad in ["Sun, 06 Nov 1994 08:49:37 PST", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                    "Sun, 06 Nov 1994 25:49:37 GMT", "", "120"] {
            #expect(DateText.httpDate(bad) == nil, "\(bad)")
        }
        #expect(DateText.iso8601(Date(timeIntervalSince1970: 784_111_777.9)) == "1994-11-06T08:49:37Z")
    }

    @Test("JSON syntax: valid texts pass, each kind of break is found at its place")
    func jsonSyntax() {
        for valid in [#"{}"#, #"[]"#, #" {"a": [1, -2.5e3, true, false, null, "x\"\u00e9\\"]} "#, "0", #""s""#] {
            #expect(JSONSyntax.firstError(in: Data(valid.utf8)) == nil, "\(valid)")
        }
        let cases: [(String, Int, String)] = [
            ("{\n  \"smtp\": {\n    \"port\": 587,,\n  }\n}", 30, "unexpected ',', expected a key in double quotes"),
            (#"{"a": }"#, 6, "unexpected '}', expected a value"),
            (#"{"a" 1}"#, 5, "unexpected '1', expected ':' after the key"),
            (#"{"a": 1"#, 7, "the text ends where ',' or '}' was expected"),
            (#"{"a": "x"#, 8, "the text ends inside a string"),
            (#"[1 2]"#, 3, "unexpected '2', expected ',' or ']'"),
            (#"{"a": tru}"#, 9, "unexpected '}', expected true"),
            (#"{"a": 01}"#, 7, "unexpected '1', expected ',' or '}'"),
            ("{\"a\": \"x\ny\"}", 8, "a control character (a line break?) inside a string: strings must be on one line"),
            (#"{} x"#, 3, "unexpected text after the end of the JSON value"),
        ]
        for (text, offset, message) in cases {
            let error = JSONSyntax.firstError(in: Data(text.utf8))
            #expect(error == JSONSyntax.Error(offset: offset, message: message), "\(text)")
        }
        let deep = Data((String(repeating: "[", count: 100_000)).utf8)
        #expect(JSONSyntax.firstError(in: deep)?.message == "nested more than 256 levels deep", "a hostile file cannot exhaust the stack")
    }
}
