/// Why a step of a first install (readiness, the IACT, the first admin) failed, in the words of
/// HashiCorp's TFE docs: what the admin sees and what to do. The server's own text, when it sent
/// some, is already made one safe line.
public enum FirstInstallProblem: Equatable, Sendable {
    /// The server did not answer its health check with 200 before the deadline.
    case notReady(waitedSeconds: Int, lastAnswer: String)
    /// `GET /admin/retrieve-iact` did not give a token (outside `TFE_IACT_SUBNETS`, past
    /// `TFE_IACT_TIME_LIMIT`, a proxy in front, or the users exist already).
    case iactNotRetrievable(lastAnswer: String)
    /// `POST /admin/initial-admin-user` answered 404: the IACT is wrong, expired or used, or the
    /// server already has users (it creates only the first admin).
    case iactRefused(detail: String)
    /// The server refused the admin's values (422).
    case adminRefused(detail: String)

    /// The message, with the remedy in the front end's words.
    func description(using wording: RemedyWording) -> String {
        switch self {
        case .notReady(let waited, let last):
            return "The server did not come up: GET /_health_check did not answer 200 within \(waited) s (last answer: \(last)). \(wording.text(.waitLonger))"
        case .iactNotRetrievable(let last):
            return "The initial admin creation token (IACT) could not be fetched from the server (\(last)): TFE gives it only to the addresses in TFE_IACT_SUBNETS (by default only from the host itself) and only within TFE_IACT_TIME_LIMIT minutes of its start (60 by default), and it creates an admin only while the server has no users. If users exist: \(wording.text(.signInExistingServer)) Otherwise: \(wording.text(.giveIACT))"
        case .iactRefused(let detail):
            return "The server refused the initial admin creation token (404: \(TFEError.clause(detail))): it is wrong or expired, or this server already has users (the IACT creates only the first admin). If users exist: \(wording.text(.signInExistingServer)) Otherwise: \(wording.text(.giveIACT))"
        case .adminRefused(let detail):
            return "The server refused the first admin's values (422: \(TFEError.clause(detail))). Nothing was created; change them and run again."
        }
    }
}
