// libFuzzer entry point for the JSON:API response decoders (whatever a server, or something
// pretending to be one, sends). Built by scripts/fuzz together with Sources/TFEClient/Core only.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONAPI(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Data(bytes: bytes, count: count)
    // Every decoder must either return a value or throw a TFEError; nothing else may happen.
    _ = try? WireDecoding.smtpSettings(body)
    _ = try? WireDecoding.organization(body)
    _ = try? WireDecoding.organizations(body)
    _ = try? WireDecoding.tokenTTLPolicies(body)
    _ = try? WireDecoding.agentPools(body)
    _ = try? WireDecoding.account(body)
    _ = WireDecoding.errors(body)
    if let value = JSONValue.parse(body) {
        _ = value.redacted
        _ = value.jsonText
    }
    _ = Redactor.body(body)
    return 0
}
