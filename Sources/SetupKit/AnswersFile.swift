import FoundationEssentials
import Glibc
import TFEClient

/// An answers file, read strictly: unknown keys and wrong types are errors, every problem is
/// reported at once with its JSON path, a syntax error with line and column, and no secret may
/// stand in the file itself. The SMTP password comes from a variable the file names, which must
/// be called `SMTP_…` or `TFE_SETUP_…`, or from a file named on the command line only
/// (`--smtp-password-file`): a shared file must not be able to pick any other secret of the admin's.
package struct AnswersFile: Sendable {
    package var address: String?
    package var organization: String?
    package var desired: DesiredSettings
    /// Where the SMTP password comes from, for the plan (`$SMTP_PASSWORD`, `--smtp-password-file /run/secrets/smtp`).
    package var passwordSource: String?
    /// `password_env` names a variable that is not set: the file is otherwise usable — `plan`
    /// shows everything else and reports this — but nothing may be applied without the password.
    package var missingPassword: Problem?
    /// `"organizations"`: names and globs (`["*"]`, `["prod-*", "team-a"]`) for a baseline on
    /// many organizations; nil for the single-`organization` form.
    package var organizations: [String]?
    /// `execution_defaults.agent_pool_name`: the pool by name (ids differ per organization).
    package var agentPoolName: String?
    /// `bootstrap`: a first install before the settings (see `Bootstrap`).
    package var bootstrap: Bootstrap?

    /// The secrets' files named on the command line (never in the file), with their options'
    /// names for the messages.
    package struct SecretFiles: Sendable {
        package var adminPassword: String?
        package var iact: String?
        package var adminPasswordOption = "the admin password file option"
        package var iactOption = "the IACT file option"
        package init(adminPassword: String? = nil, iact: String? = nil) {
            self.adminPassword = adminPassword
            self.iact = iact
        }
    }

    /// The password file's option when the front end does not name it.
    package static let neutralPasswordFileOption = "the SMTP password file option"

    /// One problem, with the JSON path it is about (`$.smtp.port`).
    package struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        package var path: String
        package var message: String
        /// The environment variable the problem is about, when it is one (an unset `password_env`).
        package var variable: String?
        package var description: String { "\(path): \(message)" }

        package init(path: String, message: String, variable: String? = nil) {
            self.path = path
            self.message = message
            self.variable = variable
        }
    }

    /// Reads and checks an answers file (every rule that needs no server).
    /// - Parameters:
    ///   - environment: for `password_env`.
    ///   - passwordFile: the SMTP password's file, named by the operator outside the answers file.
    ///   - passwordFileOption: how the front end names that file's option, for the messages.
    /// - Throws: `[Problem]` with everything wrong at once.
    package static func decode(_ data: Data, environment: [String: String], passwordFile: String? = nil,
                               passwordFileOption: String = neutralPasswordFileOption, secretFiles: SecretFiles = SecretFiles()) throws(AnswersProblems) -> AnswersFile {
        // Strict JSON first: the decoder alone accepts what RFC 8259 does not (trailing commas),
        // and a file other tools refuse must not plan here as if it were fine.
        guard JSONSyntax.firstError(in: data) == nil, let root = JSONValue.parse(data) else { throw AnswersProblems([syntaxProblem(data)]) }
        var reader = Reader(environment: environment, passwordFile: passwordFile, option: passwordFileOption, files: secretFiles)
        let file = reader.read(root)
        if !reader.problems.isEmpty { throw AnswersProblems(reader.problems) }
        return file
    }

    /// `line 3, column 12: …` from the parser's character offset.
    static func syntaxProblem(_ data: Data) -> Problem {
        var message = "not valid JSON"
        var offset: Int?
        if let error = JSONSyntax.firstError(in: data) {
            message = error.message
            offset = error.offset
        }
        // Valid to the grammar but refused by the decoder (invalid UTF-8, a number too large):
        // the problem is named without a place.
        if data.isEmpty { return Problem(path: "$", message: "the file is empty: it must hold one JSON object") }
        guard let offset else { return Problem(path: "$", message: "the file is not valid JSON (\(message))") }
        let prefix = String(decoding: data.prefix(offset), as: UTF8.self)
        let line = prefix.filter { $0 == "\n" }.count + 1
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
        return Problem(path: "$", message: "JSON syntax error at line \(line), column \(column): \(message)")
    }
}

/// Every problem of an answers file.
package struct AnswersProblems: Error, Equatable, Sendable, CustomStringConvertible {
    package var problems: [AnswersFile.Problem]
    package init(_ problems: [AnswersFile.Problem]) { self.problems = problems }
    package var description: String { lines.joined(separator: "\n") }

    /// The message as lines, one per problem: a value quoted in a problem stays inside its line.
    package var lines: [String] {
        ["The answers file has \(problems.count) problem\(problems.count == 1 ? "" : "s") (nothing was sent):"]
            + problems.map { "  - \($0)" }
    }
}

/// Walks the JSON, collecting problems instead of stopping at the first.
struct Reader {
    let environment: [String: String]
    /// The SMTP password's file, from the command line.
    var passwordFile: String?
    /// That file's option, as the front end names it (`--smtp-password-file`).
    let option: String
    /// The first install's secret files from the command line.
    let files: AnswersFile.SecretFiles
    var problems: [AnswersFile.Problem] = []
    var passwordSource: String?
    var missingPassword: AnswersFile.Problem?
    var agentPoolName: String?

    mutating func problem(_ path: String, _ message: String) { problems.append(.init(path: path, message: message)) }

    mutating func object(_ value: JSONValue, _ keys: AnswersKeys.Object) -> [String: JSONValue]? {
        let path = keys.path
        guard let o = value.objectValue else {
            problem(path, "must be an object ({…})")
            return nil
        }
        for key in o.keys.sorted() {
            if key == "password" {
                // A secret never stands in the file, wherever it is put.
                if path == AnswersKeys.bootstrapAdmin.path {
                    problem("\(path).password", "an inline password is not accepted, so the file can be kept and shared safely; name its variable in \"password_env\" (TFE_SETUP_…), or pass \(files.adminPasswordOption) PATH")
                } else {
                    problem("\(path).password", "inline passwords are not accepted, so the file can be kept and shared safely; use \"password_env\": \"SMTP_PASSWORD\" (a variable named SMTP_… or TFE_SETUP_…), or \(option) PATH on the command line")
                }
            } else if !keys.recognised.contains(key) {
                problem("\(path).\(key)", "unknown key; allowed here: \(keys.accepted.joined(separator: ", "))")
            }
        }
        return o
    }

    mutating func string(_ o: [String: JSONValue], _ key: String, _ path: String) -> String? {
        guard let v = o[key] else { return nil }
        guard let s = v.stringValue else { problem("\(path).\(key)", "must be a string"); return nil }
        return s
    }

    mutating func bool(_ o: [String: JSONValue], _ key: String, _ path: String) -> Bool? {
        guard let v = o[key] else { return nil }
        guard let b = v.boolValue else { problem("\(path).\(key)", "must be true or false"); return nil }
        return b
    }

    mutating func read(_ root: JSONValue) -> AnswersFile {
        var file = AnswersFile(address: nil, organization: nil, desired: DesiredSettings())
        guard let o = object(root, AnswersKeys.root) else { return file }
        if let list = o["organizations"] {
            let names = list.arrayValue?.compactMap(\.stringValue) ?? []
            if list.arrayValue == nil || names.count != list.arrayValue?.count || names.isEmpty {
                problem("$.organizations", "must be a list of organization names or patterns, e.g. [\"*\"] or [\"prod-*\", \"team-a\"]")
            } else if o["organization"] != nil {
                problem("$.organizations", "give either organization or organizations, not both")
            } else {
                file.organizations = names
            }
        }
        file.address = string(o, "address", "$")
        if let address = file.address {
            // A shared file's host ends up in the commands messages suggest: only a host name.
            var text = address.trimmingSpaces
            if !text.contains("://") { text = "https://" + text }
            if let url = URL(string: text) {
                if let why = HostName.problem(HostName.written(in: url)) { problem("$.address", "not a server address: \(why)") }
            } else {
                problem("$.address", "not a valid http(s) address")
            }
        }
        file.organization = string(o, "organization", "$")
        if let org = file.organization, let message = FieldRules.organizationName(org) { problem("$.organization", message) }
        if let s = o["smtp"] { file.desired.smtp = smtp(s) }
        if let e = o["execution_defaults"] {
            file.desired.executionDefaults = execution(e)
            if file.organizations != nil, file.desired.executionDefaults?.createAgentPool == true {
                problem("$.execution_defaults.create_agent_pool", "creates a pool in one organization; a baseline for many organizations names a pool each of them has: leave create_agent_pool out")
            }
        }
        if let t = o["token_ttl"] { file.desired.tokenTTL = ttl(t) }
        if let b = o["bootstrap"] {
            file.bootstrap = bootstrap(b)
            if file.organizations != nil { problem("$.bootstrap", "a first install sets up one organization: use \"organization\", not \"organizations\"") }
            if let made = file.bootstrap?.organization?.name, let named = file.organization, made != named {
                problem("$.organization", "names \(SafeText.line(named)) but bootstrap.organization creates \(SafeText.line(made)): give one name")
            }
        } else if files.adminPassword != nil || files.iact != nil {
            problem(files.adminPassword != nil ? files.adminPasswordOption : files.iactOption, "the answers file has no bootstrap section, so there is no first admin to create; leave the option out")
        }
        if let passwordFile, file.desired.smtp == nil {
            problem(option, "the answers file has no smtp section, so there is no relay to send \(passwordFile)'s password to; leave the option out")
        }
        file.passwordSource = passwordSource
        file.missingPassword = missingPassword
        file.agentPoolName = agentPoolName
        return file
    }

    mutating func smtp(_ value: JSONValue) -> SMTPSettingsUpdate? {
        let path = "$.smtp"
        guard let o = object(value, AnswersKeys.smtp) else { return nil }
        var u = SMTPSettingsUpdate()
        for setting in SMTPSetting.all { setting.read(&self, o, path, &u) }
        u.testEmailAddress = string(o, "test_email_address", path)
        let envName = string(o, "password_env", path)
        if string(o, "password_file", path) != nil {
            problem("\(path).password_file", "a password file is named on the command line only, so a shared answers file cannot choose one of your files: remove password_file and pass \(option) PATH, naming the relay's password file yourself")
        }
        if envName != nil, passwordFile != nil {
            problem("\(path).password_env", "give the password either by password_env or by \(option), not both")
        }
        if let envName {
            if let why = Self.refusedPasswordVariable(envName, environment: environment) {
                problem("\(path).password_env", why)
            } else if let secret = environment[envName], !secret.isEmpty {
                u.password = SecretString(secret)
                passwordSource = "$" + envName
            } else {
                missingPassword = .init(path: "\(path).password_env",
                                        message: "the environment variable \(envName) is not set (or is empty): export it before applying; this plan leaves the password out",
                                        variable: envName)
            }
        }
        if let file = passwordFile, envName == nil {
            switch Self.readPasswordFile(file) {
            case .success(let password):
                if Self.isAPIToken(password, environment: environment) {
                    problem(option, "\(file) holds an API token, not an SMTP password; it is never sent to a mail relay")
                } else {
                    u.password = SecretString(password)
                    passwordSource = option + " " + file
                }
            case .failure(let why):
                problem(option, why.message)
            }
        }
        for issue in Validation.issues(for: u, current: nil) { problem(jsonPath(issue.field), issue.message) }
        return u
    }

    mutating func execution(_ value: JSONValue) -> DesiredSettings.ExecutionDefaults? {
        let path = "$.execution_defaults"
        guard let o = object(value, AnswersKeys.executionDefaults) else { return nil }
        agentPoolName = string(o, "agent_pool_name", path)
        let create = bool(o, "create_agent_pool", path) ?? false
        if agentPoolName != nil, o["agent_pool_id"] != nil { problem("\(path).agent_pool_name", "give either agent_pool_id or agent_pool_name, not both") }
        if let name = agentPoolName, name.isEmpty, !create { problem("\(path).agent_pool_name", "must name a pool") }
        if create, agentPoolName == nil {
            problem("\(path).create_agent_pool", "needs agent_pool_name: the name of the pool to create (or to use, when the organization has one of that name)")
        }
        var e = DesiredSettings.ExecutionDefaults(agentPoolName: agentPoolName, createAgentPool: create)
        if let m = string(o, "mode", path) {
            if let mode = ExecutionMode(rawValue: m) { e.mode = mode } else { problem("\(path).mode", FieldRules.executionMode(m) ?? "") }
        }
        switch o["agent_pool_id"] {
        case nil: break
        case .null?:
            if e.mode == .agent { problem("\(path).agent_pool_id", "null (no pool) is not possible with mode agent: agent mode needs a pool") }
            e.agentPool = .clear
        case .string(let id)?:
            e.agentPool = .set(id)
        default:
            problem("\(path).agent_pool_id", "must be a pool id string (apool-…) or null")
        }
        for issue in Validation.issues(for: OrganizationDefaultsUpdate(mode: e.mode, agentPool: e.agentPool), current: nil)
        where !(e.mode == .agent && e.agentPool == .clear) {
            problem(jsonPath(issue.field), issue.message)
        }
        // A pool to create: the client core's rules for its name (and agent mode), as the wizard's.
        if create, let name = agentPoolName {
            for issue in Validation.issues(forNewAgentPool: name, mode: e.mode) { problem(jsonPath(issue.field), issue.message) }
        }
        return e
    }

    mutating func ttl(_ value: JSONValue) -> DesiredSettings.TokenTTL? {
        let path = "$.token_ttl"
        guard let o = object(value, AnswersKeys.tokenTTL) else { return nil }
        var t = DesiredSettings.TokenTTL(enabled: bool(o, "enabled", path))
        for type in TokenType.known {
            guard let v = o[type.rawValue] else { continue }
            let p = "\(path).\(type.rawValue)"
            switch v {
            case .integer(let ms):
                if let message = FieldRules.milliseconds(ms, label: type.label) { problem(p, message) } else { t.milliseconds[type] = ms }
            case .string(let text):
                do { t.milliseconds[type] = try TTLDuration.parse(text) } catch { problem(p, "\(type.label) \(error.description)") }
            default:
                problem(p, "must be a duration string with a unit (\"90d\") or a whole number of milliseconds")
            }
        }
        return t
    }

    func jsonPath(_ field: FieldKey) -> String { "$." + field.rawValue }

    // MARK: - Where the SMTP password may come from

    /// The prefixes a `password_env` variable's name must have.
    static let passwordVariablePrefixes = ["SMTP_", "TFE_SETUP_"]

    /// The password travels to a mail relay the file names, so a shared file must not be able to
    /// pick a secret of the admin's (`AWS_SECRET_ACCESS_KEY`, `VAULT_TOKEN`): only a variable
    /// named for this purpose, never an API token's variable, never a variable holding one. The
    /// same idea as Terraform's, whose configuration reads no variable but `TF_VAR_…`.
    static func refusedPasswordVariable(_ name: String, environment: [String: String]) -> String? {
        if !passwordVariablePrefixes.contains(where: { name.hasPrefix($0) && name.count > $0.count }) {
            return "\(SafeText.line(String(name.prefix(80)))) is not a variable for the SMTP password: a shared answers file may name only variables called SMTP_… or TFE_SETUP_… (e.g. SMTP_PASSWORD), so it cannot send another secret of yours to a mail relay. Export the relay's password as SMTP_PASSWORD and name that"
        }
        if let value = environment[name], !value.isEmpty, isAPIToken(value, environment: environment) {
            return "\(name) has the same value as an API token variable; it is never sent to a mail relay. Name the variable that holds the relay's password"
        }
        return nil
    }

    /// The variables Terraform and this tool read API tokens from.
    static func isAPITokenVariable(_ name: String) -> Bool {
        name == "TFE_TOKEN" || name == "ATLAS_TOKEN" || name.hasPrefix("TF_TOKEN_")
    }

    /// Whether a value equals an API token this process can see in its environment.
    static func isAPIToken(_ value: String, environment: [String: String]) -> Bool {
        environment.contains { isAPITokenVariable($0.key) && !$0.value.isEmpty && $0.value == value }
    }

    struct PasswordFileProblem: Error { var message: String }

    /// Reads `--smtp-password-file`: a regular file of the user's own, readable by nobody else (a
    /// file any user could write or read is no place for a password), holding one line. A private
    /// key or any other multi-line secret is refused, so a mistyped path cannot send
    /// `~/.ssh/id_ed25519` to a relay.
    static func readPasswordFile(_ file: String) -> Result<String, PasswordFileProblem> {
        var info = stat()
        guard lstat(file, &info) == 0 else {
            return .failure(.init(message: "cannot read a password from \(file): \(String(cString: strerror(errno))); check the path"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(.init(message: "\(file) is not a regular file (a link, a device or a folder); give the password file itself"))
        }
        guard info.st_uid == geteuid() else {
            return .failure(.init(message: "\(file) belongs to another user; a password file must be your own (chown it, or copy it)"))
        }
        guard info.st_mode & 0o077 == 0 else {
            return .failure(.init(message: "\(file) can be read or written by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(file)"))
        }
        switch BoundedFile.read(file, limit: 4096) {
        case .success(let data):
            guard let text = String(data: data, encoding: .utf8) else {
                return .failure(.init(message: "cannot read a password from \(file): it is not text"))
            }
            let password = text.trimming(\.isNewline)
            if password.isEmpty { return .failure(.init(message: "cannot read a password from \(file): it is empty")) }
            if password.contains(where: \.isNewline) {
                return .failure(.init(message: "\(file) has more than one line; a password file holds the SMTP password alone, on one line"))
            }
            return .success(password)
        case .failure(let reason):
            return .failure(.init(message: "cannot read a password from \(file): \(reason); check the path and its permissions"))
        }
    }
}
