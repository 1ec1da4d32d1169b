import TFEClient

/// Every key an answers file may hold, per object, and the keys that are recognised only to be
/// refused with a reason (a secret written into the file, a file chosen by the file). The reader
/// takes its allowed keys from here, and a test keeps the answers-file reference in the docs in
/// step with it, so a new key cannot go undocumented.
package enum AnswersKeys {
    /// One JSON object of the format: its path, the keys it accepts and those it refuses.
    package struct Object: Sendable {
        package var path: String
        package var accepted: [String]
        package var refused: [String]

        /// The keys the reader recognises here (the refused ones get their own message).
        var recognised: [String] { accepted + refused }
    }

    package static let root = Object(path: "$", accepted: ["address", "organization", "organizations", "smtp", "execution_defaults", "token_ttl", "bootstrap"], refused: [])
    package static let smtp = Object(path: "$.smtp", accepted: SMTPSetting.names + ["password_env", "test_email_address"],
                                     refused: ["password", "password_file"])
    package static let executionDefaults = Object(path: "$.execution_defaults", accepted: ["mode", "agent_pool_id", "agent_pool_name", "create_agent_pool"], refused: [])
    package static let tokenTTL = Object(path: "$.token_ttl", accepted: ["enabled"] + TokenType.known.map(\.rawValue), refused: [])
    package static let bootstrap = Object(path: "$.bootstrap", accepted: ["admin", "iact_env", "organization"], refused: ["iact", "iact_file"])
    package static let bootstrapAdmin = Object(path: "$.bootstrap.admin", accepted: ["username", "email", "password_env"], refused: ["password", "password_file"])
    package static let bootstrapOrganization = Object(path: "$.bootstrap.organization", accepted: ["name", "email"], refused: [])

    /// The whole format, in the order the reference lists it.
    package static let all = [root, smtp, executionDefaults, tokenTTL, bootstrap, bootstrapAdmin, bootstrapOrganization]
}
