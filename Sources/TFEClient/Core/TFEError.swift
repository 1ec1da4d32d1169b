import FoundationEssentials

/// Every way a call of the client core can fail: the contract's error taxonomy as one type.
/// `description` is written for the admin reading it: what happened, what it means, what to do.
/// What to do is a `Remedy`, worded by the front end (`description(using:)`); the client core
/// names no command-line flag.
/// `@nonexhaustive`: code outside this package handles unknown cases (`@unknown default`), so a
/// new kind of failure is not a breaking change for callers of the library.
@nonexhaustive
public enum TFEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Local validation failed before any request; one issue per field.
    case validation([ValidationIssue])
    /// An update had nothing to send; raised before any request.
    case requiredFieldMissing(String)
    /// The configuration cannot work (bad address, no token, …); raised before any request.
    /// The message says what is wrong; the remedy, when there is one, what to change.
    case configuration(String, remedy: Remedy? = nil)
    /// 401 from the API: the token is missing, wrong or expired.
    case unauthorized(detail: String)
    /// 403: the token may not do this.
    case forbidden(detail: String)
    /// 404: missing, or not visible to this token (the server answers 404 for both).
    case notFound(path: String, message: String)
    /// 422: the server refused the values; carries the JSON:API errors and their field keys.
    case unprocessable([FieldError])
    /// 429 after the retries ran out.
    case rateLimited(retryAfter: Double?)
    /// A 5xx after retries (or a 5xx on a request that is never retried).
    case server(status: Int, detail: String)
    /// The SMTP PATCH's 401/500/504: about the mail relay, not the API token.
    case smtpRelay(status: Int, detail: String)
    /// DNS, connect, TLS or timeout: no (complete) answer arrived.
    case transport(TransportError)
    /// A body that is not the JSON:API document expected.
    case decoding(what: String, where: String)
    /// A first-install step failed (readiness, the IACT, the first admin).
    case firstInstall(FirstInstallProblem)

    /// A 422 error with the field it names (nil when the pointer is unknown to us).
    public struct FieldError: Equatable, Sendable {
        public var field: FieldKey?
        public var pointer: String?
        public var message: String
        public init(field: FieldKey?, pointer: String?, message: String) {
            self.field = field
            self.pointer = pointer
            self.message = message
        }
    }

    /// The message for `notFound` on `/admin/*`.
    public static let adminNotAvailable = "not available: HCP Terraform has no admin API, or the token is not a site admin"

    /// The message in the client core's own words.
    public var description: String { description(using: .neutral) }

    /// What a person can do about this failure, when it is something to change on this side.
    public var remedy: Remedy? {
        switch self {
        case .configuration(_, let remedy): return remedy
        case .transport(let error): return error.remedy
        default: return nil
        }
    }

    /// The message with the remedy in the front end's words, its lines joined by `\n`.
    public func description(using wording: RemedyWording) -> String {
        descriptionLines(using: wording).joined(separator: "\n")
    }

    /// The message as lines: the only line breaks are between them. A value that carries a line
    /// break of its own (a server's 422 detail or pointer) stays inside its line, where the
    /// printers (`SafeText.line`) show it as `\n`; it can never start a line of its own.
    public func descriptionLines(using wording: RemedyWording) -> [String] {
        switch self {
        case .validation(let issues):
            return ["Some values are not valid (nothing was sent):"] + issues.map { "  - \($0.field): \($0.message)" }
        case .unprocessable(let errors):
            return ["The server refused some values (422):"] + errors.map { e in
                "  - \(e.field.map { "\($0): " } ?? (e.pointer.map { "\($0): " } ?? ""))\(e.message)"
            }
        default:
            return [singleLineDescription(using: wording)]
        }
    }

    /// Every case but the two lists: one sentence or a few, on one line.
    private func singleLineDescription(using wording: RemedyWording) -> String {
        switch self {
        case .validation, .unprocessable:
            return descriptionLines(using: wording).joined(separator: " ")
        case .requiredFieldMissing(let what):
            return "Nothing to send: \(what). Set at least one value to change."
        case .configuration(let message, let remedy):
            return remedy.map { "\(message) \(wording.text($0))" } ?? message
        case .unauthorized(let detail):
            return "The server refused the API token (401: \(Self.clause(detail))). Check that the token is valid for this address and has not expired, and that it lives no longer than the organization's enforced token TTL policy allows (such tokens are rejected)."
        case .forbidden(let detail):
            return "This token is not allowed to do that (403: \(Self.clause(detail))). Use a token of the organization's owners team."
        case .notFound(let path, let message):
            return "\(message) (404 on \(path))."
        case .rateLimited(let retryAfter):
            let wait = retryAfter.map { " Wait about \(Int($0.rounded(.up))) s and try again." } ?? " Wait a moment and try again."
            return "The server's rate limit was still exceeded after several retries (429).\(wait)"
        case .server(let status, let detail):
            return "The server failed (\(status): \(Self.clause(detail))). Nothing suggests your values are wrong; try again later, and check the server's logs if it persists."
        case .smtpRelay(let status, let detail):
            let meaning: String
            switch status {
            case 401: meaning = "the mail relay refused the SMTP username or password"
            case 504: meaning = "the mail relay did not answer in time (check host and port, and that TFE can reach it)"
            default: meaning = "the mail relay reported an error"
            }
            return "SMTP settings not saved: \(meaning) (\(status): \(Self.clause(detail))). Your API token is fine. The request was not retried, so no second test email was sent."
        case .transport(let error) where error.kind == .cancelled:
            // Stopped on purpose: nothing is wrong with the network, so no remedy for it.
            let unsure = error.requestMayHaveArrived ? " " + wording.text(.rereadBeforeRetrying) : ""
            // The message already says it ("stopped before the answer arrived"): one sentence.
            let sentence = error.message.prefix(1).uppercased() + error.message.dropFirst()
            return "\(sentence).\(unsure)"
        case .transport(let error):
            let unsure = error.requestMayHaveArrived ? wording.text(.rereadBeforeRetrying) : ""
            // A write that may have arrived is not simply tried again: the reread advice is the remedy.
            let remedy = error.requestMayHaveArrived && error.kind == .dropped ? "" : wording.text(error.remedy)
            return "Could not talk to the server: \(error.message). " + [unsure, remedy].filter { !$0.isEmpty }.joined(separator: " ")
        case .firstInstall(let problem):
            return problem.description(using: wording)
        case .decoding(let what, let location):
            return "The server's answer was not what the API promises (\(what) at \(location)). Is the address really a Terraform Enterprise or HCP Terraform server?"
        }
    }

    /// A server's sentence inside our parentheses: without its closing full stop, so the text does
    /// not read `….).`
    public static func clause(_ text: String) -> String {
        var t = text.trimmingSpaces
        while t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// The field keys this error names, for "jump to the field" in the wizard.
    /// True when this error came back for a write whose request may have reached the server:
    /// sent and not answered (a reset, a drop, a timeout, a stop), or answered by a 5xx (a
    /// gateway's 502/504 does not prove the server behind it did nothing). Such a write is
    /// neither saved nor refused: its outcome is unknown until a read shows it.
    public var leavesWriteOutcomeUnknown: Bool {
        switch self {
        case .transport(let e): return e.requestMayHaveArrived
        case .server(let status, _): return (500..<600).contains(status)
        default: return false
        }
    }

    /// An answer that arrived but could not be read (a 2xx in a form this tool does not know).
    public var isDecoding: Bool { if case .decoding = self { return true } else { return false } }

    public var fieldKeys: [FieldKey] {
        switch self {
        case .validation(let issues): return issues.map(\.field)
        case .unprocessable(let errors): return errors.compactMap(\.field)
        default: return []
        }
    }
}
