import TFEClient

/// An answers file's `bootstrap` section: take a freshly installed TFE from no users to an
/// admin, a stored token and a first organization before the settings are applied.
///
/// ```json
/// "bootstrap": {
///   "admin": {"username": "admin", "email": "admin@example.com", "password_env": "TFE_SETUP_ADMIN_PASSWORD"},
///   "iact_env": "TFE_SETUP_IACT",
///   "organization": {"name": "my-org", "email": "ops@example.com"}
/// }
/// ```
/// Secrets follow the SMTP password's rule: a variable the file names (`TFE_SETUP_…`; for the
/// IACT also `TFE_IACT_TOKEN`, TFE's own name for a preset one), or a file named on the command
/// line only. Without an IACT the tool fetches it from `/admin/retrieve-iact`.
package struct Bootstrap: Sendable, Equatable {
    package var username: String
    package var email: String
    /// The first admin's password; nil when its variable is not set (`missing` says so).
    package var password: SecretString?
    /// Where the password comes from (`$TFE_SETUP_ADMIN_PASSWORD`, `--admin-password-file F`).
    package var passwordSource: String?
    /// The IACT, when given; nil means fetch it from the server.
    package var iact: SecretString?
    package var iactSource: String?
    /// The first organization, created when it does not exist.
    package var organization: NewOrganization?
    /// A secret named but not set: the plan goes on and says so; apply stops before any write
    /// that needs it.
    package var missing: [AnswersFile.Problem] = []

    package struct NewOrganization: Sendable, Equatable {
        package var name: String
        package var email: String
    }
}
