import TFEClient

/// Where this binary came from. `scripts/release` writes the commit and the build date into the
/// copy of the sources it builds; a build from a checkout says `development build`.
enum BuildStamp {
    static let commit = ""
    static let date = ""

    /// `--version`: `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-01, linux-x86_64)`.
    static var version: String {
        guard !commit.isEmpty else { return TFESetupVersion.current + " (development build)" }
        return TFESetupVersion.current + " (commit \(commit), built \(date), linux-\(architecture))"
    }

    static var architecture: String {
        #if arch(x86_64)
        return "x86_64"
        #elseif arch(arm64)
        return "aarch64"
        #else
        return "unknown"
        #endif
    }
}
