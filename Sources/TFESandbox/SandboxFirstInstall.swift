import FoundationEssentials
import TFEClient

/// What a freshly installed Terraform Enterprise knows before its first admin (the `fresh`
/// profile): the initial admin creation token (IACT), whether it can still be fetched or used,
/// and the first admin once created, with that admin's API token. The shapes follow HashiCorp's
/// TFE docs (`../shared/spec/first-install.md` in the project's spec): `GET /admin/retrieve-iact`
/// answers the token as plain text, `POST /admin/initial-admin-user?token=…` takes plain JSON and
/// answers `{"status":"created","token":…}` or `{"status":"error","error":…}`.
public struct SandboxFirstInstall: Sendable {
    /// The IACT: it creates the first admin only, and only while there is none.
    public let iact: String
    /// Whether `/admin/retrieve-iact` answers (TFE: only from `TFE_IACT_SUBNETS`, only within
    /// `TFE_IACT_TIME_LIMIT` minutes of the start). The control API can refuse it.
    public var retrievable = true
    /// Until when (sandbox milliseconds) the IACT can be fetched.
    public var retrievableUntilMs: Double
    /// Whether the IACT no longer creates an admin (the control API's "expire").
    public var expired = false
    /// The first admin, once created.
    public var admin: Admin?

    public struct Admin: Sendable, Equatable {
        public var username: String
        public var email: String
        /// The admin's API token, the one `initial-admin-user` answered (never written to a file).
        public var token: String
    }

    public init(iact: String = SandboxFirstInstall.generateIACT(), windowSeconds: Int) {
        self.iact = iact
        self.retrievableUntilMs = Double(windowSeconds) * 1000
    }

    /// A random IACT in the shape TFE prints (letters and digits).
    public static func generateIACT() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<32).map { _ in alphabet.randomElement()! })
    }

    /// What the control API reports (`GET /_sandbox/first-install`): never the admin's token.
    var report: JSONValue {
        .object([
            "iact_retrievable": .bool(retrievable && !expired),
            "iact_expired": .bool(expired),
            "admin": admin.map { .object(["username": .string($0.username), "email": .string($0.email)]) } ?? .null,
        ])
    }
}
