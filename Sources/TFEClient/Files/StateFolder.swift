/// The tool's own state folder, `${XDG_STATE_HOME:-~/.local/state}/tfe-setup`: the wizard's
/// drafts, the run locks, a rescued token. One rule, so they never drift apart.
public enum StateFolder {
    public static func path(environment: [String: String], home: String) -> String {
        (environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/state") + "/tfe-setup"
    }
}
