// libFuzzer entry point for the answers-file decoder (files from anywhere). Built by scripts/fuzz
// with Sources/TFEClient/Core and the SetupKit files the decoder needs, in one module.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnswers(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        _ = try AnswersFile.decode(data, environment: ["SMTP_PASSWORD": "fake-fuzz-pw"])
    } catch {
        // Every problem names a JSON path; an empty report would leave the admin guessing.
        guard !error.problems.isEmpty, error.problems.allSatisfy({ $0.path.hasPrefix("$") && !$0.message.isEmpty }) else {
            fatalError("unhelpful problems: \(error)")
        }
    }
    return 0
}
