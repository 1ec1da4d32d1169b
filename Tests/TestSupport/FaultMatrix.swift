import Foundation
import TFESandbox

/// One row of the fault-injection matrix (docs/reliability.md): a fault armed through the
/// sandbox's control API, and what a run meeting it must do. The wizard-runtime test and the
/// `apply` test both run every row.
public struct FaultCase: Sendable, CustomStringConvertible {
    /// What the first run does.
    public enum FirstRun: Sendable, Equatable {
        /// Retried as the contract says; the run finishes as if nothing happened.
        case completes
        /// Reading the current settings fails: nothing is sent; the message says why.
        case startUpFails(String)
        /// That step fails with the message; the other steps succeed.
        case stepFails(step: String, message: String)
    }

    /// How the fault is made.
    public enum Kind: Sendable {
        /// Faults armed before the run.
        case armed([SandboxFault])
        /// Nothing listens on the port when the run starts.
        case connectionRefused
        /// The sandbox stops while the TTL PATCH is in flight, after the other PATCHes finished,
        /// and comes back with its `--state`.
        case killedMidApply
    }

    /// The row's name in docs/reliability.md.
    public let name: String
    public let kind: Kind
    public let firstRun: FirstRun
    /// The request timeout of the run, when the row needs a short one.
    public let timeoutSeconds: Double?
    /// The status the sandbox's request log must show for the faulted path (proves the fault hit).
    public let loggedStatus: (path: String, status: Int)?
    /// How many times the first run sends that write (a write whose answer was lost goes again
    /// only when a read shows the server lacks it; never when the server has it).
    public let sends: (method: String, path: String, count: Int)?

    public var description: String { name }

    init(_ name: String, _ kind: Kind, _ firstRun: FirstRun, timeoutSeconds: Double? = nil, logged: (String, Int)? = nil,
         sends: (String, String, Int)? = nil) {
        self.name = name
        self.kind = kind
        self.firstRun = firstRun
        self.timeoutSeconds = timeoutSeconds
        self.loggedStatus = logged.map { (path: $0.0, status: $0.1) }
        self.sends = sends.map { (method: $0.0, path: $0.1, count: $0.2) }
    }
}

public enum FaultMatrix {
    public static let orgPath = "/api/v2/organizations/my-org"
    public static let ttlPath = "/api/v2/organizations/my-org/token-ttl-policies"
    public static let smtpPath = "/api/v2/admin/smtp-settings"
    public static let accountPath = "/api/v2/account/details"

    static let notAPI = "not what the API promises"

    /// A valid organization document carrying 5 MB of padding in an attribute nobody reads.
    static let fiveMegabyteOrganization: String = {
        let padding = String(repeating: "x", count: 5 * 1_048_576)
        return #"{"data":{"id":"my-org","type":"organizations","attributes":{"name":"my-org","email":"admin@my-org.example.com","# +
            #""default-execution-mode":"remote","max-ttl-enabled":false,"permissions":{"can-update":true},"padding":""# + padding + #""},"# +
            #""relationships":{"default-agent-pool":{"data":null}}}}"#
    }()

    public static let cases: [FaultCase] = [
        FaultCase("429 with Retry-After on a GET", .armed([SandboxFault(method: "GET", path: orgPath, status: 429, headers: ["Retry-After": "1"])]),
                  .completes, logged: (orgPath, 429)),
        FaultCase("429 with only X-RateLimit-Reset on the TTL PATCH",
                  .armed([SandboxFault(method: "PATCH", path: ttlPath, status: 429, headers: ["X-RateLimit-Reset": "0.5"])]),
                  .completes, logged: (ttlPath, 429)),
        FaultCase("502 on a GET", .armed([SandboxFault(method: "GET", path: accountPath, status: 502, count: 2)]), .completes, logged: (accountPath, 502)),
        FaultCase("503 on a GET", .armed([SandboxFault(method: "GET", path: orgPath, status: 503, count: 2)]), .completes, logged: (orgPath, 503)),
        FaultCase("504 on a GET", .armed([SandboxFault(method: "GET", path: ttlPath, status: 504, count: 2)]), .completes, logged: (ttlPath, 504)),
        FaultCase("502 on the organization PATCH", .armed([SandboxFault(method: "PATCH", path: orgPath, status: 502, count: 2)]), .completes, logged: (orgPath, 502), sends: ("PATCH", orgPath, 3)),
        FaultCase("503 on the organization PATCH", .armed([SandboxFault(method: "PATCH", path: orgPath, status: 503, count: 2)]), .completes, logged: (orgPath, 503), sends: ("PATCH", orgPath, 3)),
        FaultCase("504 on the organization PATCH", .armed([SandboxFault(method: "PATCH", path: orgPath, status: 504, count: 2)]), .completes, logged: (orgPath, 504), sends: ("PATCH", orgPath, 3)),
        FaultCase("502 on the TTL PATCH", .armed([SandboxFault(method: "PATCH", path: ttlPath, status: 502, count: 2)]), .completes, logged: (ttlPath, 502), sends: ("PATCH", ttlPath, 3)),
        FaultCase("503 on the TTL PATCH", .armed([SandboxFault(method: "PATCH", path: ttlPath, status: 503, count: 2)]), .completes, logged: (ttlPath, 503), sends: ("PATCH", ttlPath, 3)),
        FaultCase("504 on the TTL PATCH", .armed([SandboxFault(method: "PATCH", path: ttlPath, status: 504, count: 2)]), .completes, logged: (ttlPath, 504), sends: ("PATCH", ttlPath, 3)),
        FaultCase("502 on the organization PATCH after the server saved it",
                  .armed([SandboxFault(method: "PATCH", path: orgPath, status: 502, after: true)]),
                  .completes, logged: (orgPath, 502), sends: ("PATCH", orgPath, 1)),
        FaultCase("relay 504 on the SMTP PATCH", .armed([SandboxFault(method: "PATCH", path: smtpPath, status: 504)]),
                  .stepFails(step: "SMTP settings", message: "did not answer in time"), logged: (smtpPath, 504)),
        FaultCase("relay 401 on the SMTP PATCH", .armed([SandboxFault(method: "PATCH", path: smtpPath, status: 401)]),
                  .stepFails(step: "SMTP settings", message: "refused the SMTP username or password"), logged: (smtpPath, 401)),
        FaultCase("connection refused", .connectionRefused, .startUpFails("Check the address")),
        FaultCase("connection dropped mid-response on a GET", .armed([SandboxFault(method: "GET", path: orgPath, drop: .midBody)]),
                  .completes, logged: (orgPath, 0)),
        FaultCase("connection dropped mid-response on the SMTP PATCH (saved, answer lost)",
                  .armed([SandboxFault(method: "PATCH", path: smtpPath, status: 200, drop: .midBody, after: true)]),
                  .stepFails(step: "SMTP settings", message: "may or may not have been saved"), logged: (smtpPath, 0)),
        FaultCase("connection reset on a GET", .armed([SandboxFault(method: "GET", path: ttlPath, drop: .reset)]),
                  .completes, logged: (ttlPath, 0)),
        FaultCase("connection reset after the server saved the organization PATCH",
                  .armed([SandboxFault(method: "PATCH", path: orgPath, status: 200, drop: .reset, after: true)]),
                  .completes, logged: (orgPath, 0), sends: ("PATCH", orgPath, 1)),
        FaultCase("connection reset after the server saved the SMTP PATCH",
                  .armed([SandboxFault(method: "PATCH", path: smtpPath, status: 200, drop: .reset, after: true)]),
                  .stepFails(step: "SMTP settings", message: "Unknown whether it was saved"), logged: (smtpPath, 0), sends: ("PATCH", smtpPath, 1)),
        FaultCase("the TTL PATCH's answer lost after the server saved it",
                  .armed([SandboxFault(method: "PATCH", path: ttlPath, status: 200, drop: .beforeResponse, after: true)]),
                  .completes, logged: (ttlPath, 0), sends: ("PATCH", ttlPath, 1)),
        FaultCase("the organization PATCH lost before the server saved it",
                  .armed([SandboxFault(method: "PATCH", path: orgPath, status: 200, drop: .beforeResponse)]),
                  .completes, logged: (orgPath, 0), sends: ("PATCH", orgPath, 2)),
        FaultCase("an organization PATCH answered but not stored",
                  .armed([SandboxFault(method: "PATCH", path: orgPath, discard: true)]),
                  .stepFails(step: "Organization defaults", message: "not saved: the server ignored"), logged: (orgPath, 200), sends: ("PATCH", orgPath, 1)),
        FaultCase("a response slower than --timeout", .armed([SandboxFault(method: "GET", path: orgPath, status: 200, delayMs: 3_000)]),
                  .startUpFails("--timeout"), timeoutSeconds: 1),
        FaultCase("a malformed body (wrong types)",
                  .armed([SandboxFault(method: "GET", path: orgPath, status: 200, body: #"{"data":{"id":"my-org","type":"organizations","attributes":{"name":42}}}"#)]),
                  .startUpFails(notAPI), logged: (orgPath, 200)),
        FaultCase("a truncated body", .armed([SandboxFault(method: "GET", path: ttlPath, status: 200, body: #"{"data":[{"id":"ttl-1","type":"#)]),
                  .startUpFails(notAPI), logged: (ttlPath, 200)),
        FaultCase("a non-JSON body", .armed([SandboxFault(method: "GET", path: accountPath, status: 200, body: "<html><body>Bad Gateway</body></html>")]),
                  .startUpFails(notAPI), logged: (accountPath, 200)),
        FaultCase("a 5 MB body", .armed([SandboxFault(method: "GET", path: orgPath, status: 200, body: fiveMegabyteOrganization)]),
                  .completes, logged: (orgPath, 200)),
        FaultCase("a 422 with an unknown pointer",
                  .armed([SandboxFault(method: "PATCH", path: orgPath, status: 422,
                                       body: #"{"errors":[{"status":"422","title":"invalid","detail":"is not supported here","source":{"pointer":"/data/attributes/frobnicate"}}]}"#)]),
                  .stepFails(step: "Organization defaults", message: "/data/attributes/frobnicate: is not supported here"), logged: (orgPath, 422)),
        FaultCase("the sandbox killed mid-apply, restarted with --state", .killedMidApply,
                  .stepFails(step: "Token TTL policies", message: "Could not talk to the server")),
    ]

    /// The fault that holds the TTL PATCH while the sandbox is stopped (killedMidApply).
    public static let holdTTLPatch = SandboxFault(method: "PATCH", path: ttlPath, status: 200, delayMs: 30_000)
}

/// What the sandbox must hold once the seed scenario is fully applied.
public enum SeedTarget {
    /// The differences from what the seed scenario must leave on a server of this kind: what the
    /// server supports as intended, the rest untouched (empty when it matches).
    public static func differences(_ state: SandboxState, on profile: SandboxProfile) -> [String] {
        var out: [String] = []
        let s = state.smtp
        if profile.isHCP {
            if s.enabled || s.passwordSet { out.append("smtp was changed on HCP: \(s)") }
        } else if !(s.enabled && s.host == "smtp.example.com" && s.port == 587 && s.sender == "noreply@example.com" && s.auth == "login" && s.username == "smtp-bot" && s.passwordSet) {
            out.append("smtp: \(s)")
        }
        guard let org = state.organizations["my-org"] else { return out + ["my-org missing"] }
        let (mode, pool) = profile.hasAgents ? ("agent", "apool-abc123") : ("remote", nil as String?)
        if org.defaultExecutionMode != mode || org.defaultAgentPoolID != pool { out.append("execution: \(org.defaultExecutionMode) \(org.defaultAgentPoolID ?? "nil")") }
        if org.maxTTLEnabled != profile.reportsMaxTTLEnabled { out.append("max-ttl-enabled: \(org.maxTTLEnabled)") }
        let untouched = 63_113_904_000 as Int64
        let ttl: [String: Int64] = profile.hasTTLPolicies
            ? ["organization": 31_536_000_000, "team": 7_776_000_000, "user": 2_592_000_000, "audit_trails": 63_072_000_000]
            : ["organization": untouched, "team": untouched, "user": untouched, "audit_trails": untouched]
        if org.tokenTTLMs != ttl { out.append("ttl: \(org.tokenTTLMs)") }
        return out
    }

    /// The differences from the seed scenario's end state, for a person (empty when it matches).
    public static func differences(_ state: SandboxState) -> [String] {
        var out: [String] = []
        let s = state.smtp
        if !(s.enabled && s.host == "smtp.example.com" && s.port == 587 && s.sender == "noreply@example.com" && s.auth == "login" && s.username == "smtp-bot" && s.passwordSet) {
            out.append("smtp: \(s)")
        }
        guard let org = state.organizations["my-org"] else { return out + ["my-org missing"] }
        if org.defaultExecutionMode != "agent" || org.defaultAgentPoolID != "apool-abc123" || !org.maxTTLEnabled {
            out.append("organization: \(org.defaultExecutionMode) \(org.defaultAgentPoolID ?? "nil") \(org.maxTTLEnabled)")
        }
        let ttl: [String: Int64] = ["organization": 31_536_000_000, "team": 7_776_000_000, "user": 2_592_000_000, "audit_trails": 63_072_000_000]
        if org.tokenTTLMs != ttl { out.append("ttl: \(org.tokenTTLMs)") }
        return out
    }
}
