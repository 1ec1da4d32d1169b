import Foundation
import Testing
import TestSupport
@testable import TFEClient

/// The JSON:API decoders against documents nobody promised: every seed of the fuzz corpus, mutated
/// structurally thousands of times (wrong types, missing keys, huge numbers, deep nesting). Each
/// decoder returns a value or a clean `TFEError.decoding` — never a crash, never another error.
@Suite("JSON:API decoders: structure-aware properties")
struct DecoderPropertyTests {
    static let corpus = HCLParser.repositoryRoot + "/Fuzz/corpus/jsonapi"

    static func seeds() throws -> [JSONValue] {
        try FileManager.default.contentsOfDirectory(atPath: corpus).sorted().compactMap { JSONValue.parse(FileManager.default.contents(atPath: corpus + "/" + $0)!) }
    }

    /// Runs every decoder; records anything but success or a decoding error.
    static func decodeAll(_ body: Data, _ note: @autoclosure () -> String) {
        let decoders: [(String, (Data) throws(TFEError) -> Any)] = [
            ("smtp", { b throws(TFEError) in try WireDecoding.smtpSettings(b) }), ("organization", { b throws(TFEError) in try WireDecoding.organization(b) }),
            ("organizations", { b throws(TFEError) in try WireDecoding.organizations(b) }), ("ttl", { b throws(TFEError) in try WireDecoding.tokenTTLPolicies(b) }),
            ("pools", { b throws(TFEError) in try WireDecoding.agentPools(b) }), ("account", { b throws(TFEError) in try WireDecoding.account(b) }),
        ]
        for (name, decode) in decoders {
            do throws(TFEError) {
                _ = try decode(body)
            } catch {
                guard case .decoding(let what, let location) = error, !what.isEmpty, !location.isEmpty else {
                    Issue.record("\(name): not a clean decoding error: \(error) for \(note())")
                    continue
                }
            }
        }
        _ = WireDecoding.errors(body)
    }

    @Test("every corpus seed decodes or fails cleanly") func seedsDecode() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 8)
        for seed in seeds { Self.decodeAll(Data(seed.jsonText.utf8), seed.jsonText) }
    }

    @Test("3,000 structural mutations of the seeds: a value or a clean decoding error") func mutations() throws {
        var rng = SeededGenerator(seed: 0xF0221)
        let seeds = try Self.seeds()
        for _ in 0..<3_000 {
            var doc = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) { doc = JSONMutator.mutate(doc, &rng) }
            Self.decodeAll(Data(doc.jsonText.utf8), String(doc.jsonText.prefix(300)))
        }
    }

    @Test("deep nesting, huge numbers, odd text: clean errors", arguments: [
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        #"{"data":"# + String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_001),
        #"{"data":{"id":"x","type":"organizations","attributes":{"name":"x","max-ttl-enabled":1e400}}}"#,
        #"{"data":[{"id":"p","type":"token-ttl-policies","attributes":{"token-type":"team","max-ttl-ms":99999999999999999999999}}]}"#,
        #"{"data":[{"id":"p","type":"token-ttl-policies","attributes":{"token-type":"team","max-ttl-ms":-5}}]}"#,
        #"{"data":{"id":"s","type":"smtp-settings","attributes":{"port":1.5e3,"enabled":"true"}}}"#,
        "\u{FEFF}{}", "", "null", "\"\\ud800\"", String(repeating: " ", count: 100_000),
    ])
    func extremes(_ text: String) {
        Self.decodeAll(Data(text.utf8), String(text.prefix(80)))
    }
}
