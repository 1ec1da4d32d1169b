// libFuzzer entry point for the duration parser (typed by people in the wizard, read from answers
// files). Built by scripts/fuzz together with Sources/TFEClient/Core only.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDuration(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    guard let ms = try? TTLDuration.parse(text) else { return 0 }
    // What parses must be a valid TTL, and its display form must parse back to the same value.
    guard ms > 0 else { fatalError("parsed \(text.debugDescription) to \(ms) ms") }
    let shown = TTLDuration.format(milliseconds: ms)
    guard (try? TTLDuration.parse(shown)) == ms else { fatalError("\(ms) ms formats as \(shown), which does not parse back") }
    return 0
}
