import TFEClient

extension Reader {
    /// The variables a shared answers file may name for a first install's secrets.
    static let bootstrapVariablePrefixes = ["TFE_SETUP_"]

    /// `$.bootstrap`, with the admin's password and the IACT from the variables it names or the
    /// files named on the command line.
    mutating func bootstrap(_ value: JSONValue) -> Bootstrap? {
        let path = "$.bootstrap"
        guard let o = object(value, AnswersKeys.bootstrap) else { return nil }
        var result = Bootstrap(username: "", email: "")
        if o["iact"] != nil {
            problem("\(path).iact", "an IACT is not accepted inline, so the file can be kept and shared safely; name its variable in \"iact_env\" (TFE_SETUP_… or TFE_IACT_TOKEN), or pass \(files.iactOption) PATH")
        }
        if o["iact_file"] != nil {
            problem("\(path).iact_file", "an IACT file is named on the command line only, so a shared answers file cannot choose one of your files: pass \(files.iactOption) PATH")
        }
        if let admin = o["admin"] {
            if let a = object(admin, AnswersKeys.bootstrapAdmin) {
                result.username = string(a, "username", "\(path).admin") ?? ""
                result.email = string(a, "email", "\(path).admin") ?? ""
                if a["username"] == nil { problem("\(path).admin.username", "the first admin needs a username") }
                if a["email"] == nil { problem("\(path).admin.email", "the first admin needs an email address") }
                if let m = FieldRules.username(result.username), a["username"] != nil { problem("\(path).admin.username", m) }
                if let m = FieldRules.emailAddress(result.email, label: "The admin's email"), a["email"] != nil { problem("\(path).admin.email", m) }
                if a["password_file"] != nil {
                    problem("\(path).admin.password_file", "a password file is named on the command line only: pass \(files.adminPasswordOption) PATH")
                }
                let env = string(a, "password_env", "\(path).admin")
                (result.password, result.passwordSource) = secret(variable: env, file: files.adminPassword, option: files.adminPasswordOption,
                                                                  path: "\(path).admin.password_env", what: "the first admin's password", into: &result.missing)
                if env == nil, files.adminPassword == nil {
                    problem("\(path).admin.password_env", "the first admin needs a password: name its variable here (TFE_SETUP_…), or pass \(files.adminPasswordOption) PATH")
                }
                if let password = result.password, let m = FieldRules.password(password.exposedValue) { problem("\(path).admin.password_env", m) }
            }
        } else {
            problem("\(path).admin", "a first install needs the first admin: {\"username\", \"email\", \"password_env\"}")
        }
        let iactEnv = string(o, "iact_env", path)
        if iactEnv != nil || files.iact != nil {
            let (iact, source) = secret(variable: iactEnv, file: files.iact, option: files.iactOption, path: "\(path).iact_env",
                                        what: "the IACT", extraAllowed: ["TFE_IACT_TOKEN"], into: &result.missing)
            if let iact {
                if let clean = FieldRules.cleanIACT(iact.exposedValue) { result.iact = clean } else {
                    problem("\(path).iact_env", "\(source ?? "the IACT") does not hold an IACT (one word of printable characters); get a fresh one on the TFE host")
                }
            }
            result.iactSource = source
        }
        if let org = o["organization"], let g = object(org, AnswersKeys.bootstrapOrganization) {
            let name = string(g, "name", "\(path).organization") ?? ""
            let email = string(g, "email", "\(path).organization") ?? ""
            for issue in Validation.issues(forNewOrganization: name, email: email) {
                problem(issue.field == .organizationName ? "\(path).organization.name" : "\(path).organization.email", issue.message)
            }
            result.organization = .init(name: name, email: email)
        }
        return result
    }

    /// A secret from the variable the file names (only `TFE_SETUP_…` and `extraAllowed`) or the
    /// file named on the command line; never both. A named variable that is not set goes into
    /// `missing`: the plan still runs, apply stops before it would need it.
    mutating func secret(variable: String?, file: String?, option: String, path: String, what: String,
                         extraAllowed: [String] = [], into missing: inout [AnswersFile.Problem]) -> (SecretString?, String?) {
        if variable != nil, file != nil {
            problem(path, "give \(what) either by its variable or by \(option), not both")
            return (nil, nil)
        }
        if let variable {
            let allowed = Self.bootstrapVariablePrefixes.contains { variable.hasPrefix($0) && variable.count > $0.count } || extraAllowed.contains(variable)
            if !allowed || Self.isAPITokenVariable(variable) {
                problem(path, "\(SafeText.line(String(variable.prefix(80)))) is not a variable for \(what): a shared answers file may name only variables called TFE_SETUP_…\(extraAllowed.isEmpty ? "" : " or " + extraAllowed.joined(separator: ", ")), so it cannot send another secret of yours to the server")
                return (nil, nil)
            }
            guard let value = environment[variable], !value.isEmpty else {
                missing.append(.init(path: path, message: "the environment variable \(variable) is not set (or is empty): export it before applying"))
                return (nil, "$" + variable)
            }
            if Self.isAPIToken(value, environment: environment) {
                problem(path, "\(variable) holds an API token, not \(what)")
                return (nil, nil)
            }
            return (SecretString(value), "$" + variable)
        }
        if let file {
            switch Self.readPasswordFile(file) {
            case .success(let value): return (SecretString(value), option + " " + file)
            case .failure(let why): problem(option, why.message)
            }
        }
        return (nil, nil)
    }
}
