import Foundation
import TFEClient

/// Parses Terraform files with PyPI's python-hcl2, in a venv made on first use by
/// `scripts/hcl-venv` (.build-venv/hcl2), through `scripts/hcl-summary.py`.
public enum HCLParser {
    /// The repository's root, found from this file's path.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The summary of `path` (`resources`, `imports`, `variables`, `providers`), or a failure
    /// holding the parser's message when the file is not valid HCL.
    public static func summary(of path: String) async throws -> JSONValue {
        let venv = await Subprocess.runAsync(["/bin/sh", "-c", "bash \(TmuxSession.quote(repositoryRoot + "/scripts/hcl-venv")) 2>&1"])
        guard venv.status == 0 else { throw Failure(description: "could not make the python-hcl2 venv: \(venv.output)") }
        let python = repositoryRoot + "/.build-venv/hcl2/bin/python"
        let script = repositoryRoot + "/scripts/hcl-summary.py"
        let r = await Subprocess.runAsync(["/bin/sh", "-c", [python, script, path].map(TmuxSession.quote).joined(separator: " ") + " 2>&1"])
        guard r.status == 0, let value = JSONValue.parse(Data(r.output.utf8)) else { throw Failure(description: r.output) }
        return value
    }
}
