import TFEClient
import SetupKit

/// The first-install flow's data (`Flow.firstInstall`): a server with no users yet, taken to its
/// first admin (whose token is stored as `terraform login` stores it) and first organization,
/// after which the wizard goes on to the settings screens with the new token.
package struct FirstInstall: Equatable, Sendable {
    /// Where the first install is.
    package enum Step: Equatable, Sendable {
        /// Waiting for the health check (the last answer, the seconds waited).
        case waiting(lastAnswer: String?, waited: Int)
        /// Fetching the IACT from `GET /admin/retrieve-iact`.
        case fetchingIACT
        /// The IACT could not be fetched: the admin types it (and the commands that print it).
        case askIACT
        /// The first admin's username, email and password (twice).
        case admin
        /// "Create the first admin … store its token in …": Enter sends it.
        case review
        case creatingAdmin
        /// The first organization's name and email (Esc skips: only the SMTP relay then).
        case organization
        case creatingOrganization
    }

    /// A field of the first install's screens.
    package enum Field: String, CaseIterable, Sendable {
        case iact, username, email, password, confirm, organizationName, organizationEmail

        package var label: String {
            switch self {
            case .iact: return "Admin creation token"
            case .username: return "Username"
            case .email: return "Email"
            case .password: return "Password"
            case .confirm: return "Password again"
            case .organizationName: return "Organization name"
            case .organizationEmail: return "Organization email"
            }
        }

        /// Hidden as typed (bullets on the full screen, echo off in plain mode).
        package var isSecret: Bool { self == .iact || self == .password || self == .confirm }

        /// The fields of a step, in order.
        static func of(_ step: Step) -> [Field] {
            switch step {
            case .askIACT: return [.iact]
            case .admin: return [.username, .email, .password, .confirm]
            case .organization: return [.organizationName, .organizationEmail]
            default: return []
            }
        }
    }

    /// Where the flow is; changed only by `go(to:focus:)`, which also enters the step's field.
    package private(set) var step: Step = .waiting(lastAnswer: nil, waited: 0)
    /// What is typed, per field. Secrets stay here only until they are sent.
    package private(set) var texts: [Field: String] = [:]
    /// The form engine's focus, cursor and selection (the same type the settings screens edit
    /// with): entering a filled field selects it, so typing replaces it.
    package private(set) var editing = FieldFocus<Field>(.username, text: "")
    /// The focused field.
    package var focus: Field { editing.field ?? .username }
    /// The IACT in use, and where it came from (for the review: "fetched from the server").
    package var iact: SecretString?
    package var iactFetched = false
    /// Why the IACT could not be fetched (shown above the field), or why the server refused it.
    package var iactProblem: String?
    /// A problem with a field, from its rule (on leaving it or on Enter) or from the server.
    package var errors: [Field: String] = [:]
    /// Done so far: the admin created (and where its token went), the organization created.
    package var admin: AdminCreated?
    /// The admin existed before this run (its token signed in; the server has no organization):
    /// only the organization step is left.
    package var adminExisted = false

    package init() {}

    /// Whether Ctrl-C asks first: something typed is not sent yet, or a request is on its way.
    package var asksBeforeQuitting: Bool {
        switch step {
        case .creatingAdmin, .creatingOrganization, .review: return true
        case .askIACT, .admin, .organization: return texts.values.contains { !$0.isEmpty }
        default: return false
        }
    }

    /// The typed text of a field.
    package func text(_ field: Field) -> String { texts[field] ?? "" }

    // MARK: - Changes (the only ones: each one that moves focus goes through `FieldFocus`)

    /// Goes to a step; on a step with fields, focus on `field` (else the current one if the step
    /// has it, else its first), its value selected.
    package mutating func go(to step: Step, focus field: Field? = nil) {
        self.step = step
        let fields = Field.of(step)
        guard !fields.isEmpty else { return }
        self.focus(on: field ?? (fields.contains(focus) ? focus : fields[0]))
    }

    /// Focus on a field, its value selected (typing replaces it; ← or → edits it).
    package mutating func focus(on field: Field) {
        editing = FieldFocus(field, text: text(field))
    }

    /// One key on the focused field's text; false when it is not a line-editing key.
    package mutating func edit(_ key: Key) -> Bool {
        guard let new = editing.edit(text(focus), key) else { return false }
        texts[focus] = new
        errors[focus] = nil
        return true
    }

    /// Sets a field's text (a plain-mode answer, a prefilled email); the focused one is entered again.
    package mutating func setText(_ field: Field, _ value: String?) {
        texts[field] = value
        if field == focus { focus(on: field) }
    }

    /// The rule a field's text breaks, or nil: the client core's rules (`FieldRules`), the same
    /// ones the answers file's bootstrap section and the requests check.
    package func problem(_ field: Field) -> String? {
        let value = text(field)
        switch field {
        case .iact:
            return FieldRules.cleanIACT(value) == nil
                ? "That is not an IACT: it is one word of printable characters (8 to 256), as tfectl admin token prints it." : nil
        case .username: return FieldRules.username(value)
        case .email: return FieldRules.emailAddress(value, label: "Email")
        case .password: return FieldRules.password(value)
        case .confirm: return value == text(.password) ? nil : "The two passwords differ; type the same password again."
        case .organizationName: return FieldRules.organizationName(value)
        case .organizationEmail: return FieldRules.emailAddress(value, label: "The organization's email")
        }
    }
}

/// The first admin the server created, as the flow reports it.
package struct AdminCreated: Equatable, Sendable {
    package var username: String
    package var email: String
    /// Where its token was stored, or nil with why not (`storeProblem`).
    package var credentialsPath: String?
    package var storeProblem: String?

    package init(username: String, email: String, credentialsPath: String?, storeProblem: String? = nil) {
        self.username = username
        self.email = email
        self.credentialsPath = credentialsPath
        self.storeProblem = storeProblem
    }
}
