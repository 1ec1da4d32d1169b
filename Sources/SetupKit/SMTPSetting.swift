import TFEClient

/// One value of the SMTP relay that the server keeps and reports back, described once: its key
/// (whose 422 pointer and rule are the client core's, `FieldKey` and `FieldRules`), its label
/// (screens, Review lines and `plan` output), where
/// it lives in the server's settings and in an update, how the Review shows it, its key in the
/// answers file's `smtp` object (also the provider's argument), how the answers file is read
/// into it, and when the answers file and the export write it.
///
/// The planner, the applier's read-back, the state after a plan, the answers reader, its key
/// list and its encoder, and the Terraform export all walk `SMTPSetting.all`: a new value of the
/// relay is one entry here (and its place in the client's `SMTPSettings` and
/// `SMTPSettingsUpdate`). The write-only values (the password, the test email address) are not
/// here: no answer shows them, so nothing compares or reads them back.
package struct SMTPSetting: Sendable {
    package let key: FieldKey
    package let label: String
    /// The key in the answers file's `smtp` object, and the `tfe_admin_smtp_settings` argument.
    package let name: String
    /// The change a desired value makes to the current one (nil: none asked, or the same).
    let change: @Sendable (SMTPSettingsUpdate, SMTPSettings) -> Change?
    /// Copies the desired value into the update that is sent.
    let send: @Sendable (SMTPSettingsUpdate, inout SMTPSettingsUpdate) -> Void
    /// Whether an answer after the write shows something else than was sent.
    let notKept: @Sendable (SMTPSettingsUpdate, SMTPSettings) -> Bool
    /// The settings once the update is applied.
    let apply: @Sendable (SMTPSettingsUpdate, inout SMTPSettings) -> Void
    /// Reads the answers file's value into an update (a wrong type is a problem at its path).
    let read: @Sendable (inout Reader, [String: JSONValue], String, inout SMTPSettingsUpdate) -> Void
    /// The value in an answers file, when the file states it for these settings.
    let answers: @Sendable (SMTPSettings) -> OrderedJSON?
    /// Writes the value into the export's resource, when the export states it.
    let terraform: @Sendable (SMTPSettings, inout HCLWriter) -> Void

    /// Every value of the relay, in the order the screens, the Review and the files show them.
    package static let all: [SMTPSetting] = [
        make(.smtpEnabled, "Enabled", "enabled", \.enabled, \.enabled, .bool),
        make(.smtpHost, "Host", "host", \.host, \.host, .text, inAnswers: relayKept, inExport: { !$0.host.isEmpty }),
        make(.smtpPort, "Port", "port", \.port, \.port, .port, inAnswers: relayKept),
        make(.smtpSender, "Sender", "sender", \.sender, \.sender, .text, inAnswers: relayKept, inExport: { !$0.sender.isEmpty }),
        make(.smtpAuth, "Auth", "auth", \.auth, \.auth, .auth, inAnswers: relayKept),
        // The provider refuses an empty username (LengthAtLeast(1)): the export says to fill it in.
        make(.smtpUsername, "Username", "username", \.username, \.username, .text, inAnswers: { relayKept($0) && $0.auth != .none },
             inExport: { $0.auth != .none }, exportNote: { $0.username.isEmpty ? "The server has no username for this auth; fill it in." : nil }),
    ]

    /// The answers file states the relay's values when it is on, or when a host is kept while off.
    private static let relayKept: @Sendable (SMTPSettings) -> Bool = { $0.enabled || !$0.host.isEmpty }

    /// The keys of `all`, for the answers file's key list.
    package static var names: [String] { all.map(\.name) }

    /// An entry over a value at `model` in the settings and `update` in an update.
    static func make<T: Equatable & Sendable>(
        _ key: FieldKey, _ label: String, _ name: String,
        _ model: WritableKeyPath<SMTPSettings, T> & Sendable, _ update: WritableKeyPath<SMTPSettingsUpdate, T?> & Sendable,
        _ codec: Codec<T>,
        inAnswers: @escaping @Sendable (SMTPSettings) -> Bool = { _ in true },
        inExport: @escaping @Sendable (SMTPSettings) -> Bool = { _ in true },
        exportNote: @escaping @Sendable (SMTPSettings) -> String? = { _ in nil }
    ) -> SMTPSetting {
        SMTPSetting(
            key: key, label: label, name: name,
            change: { desired, current in
                guard let new = desired[keyPath: update], new != current[keyPath: model] else { return nil }
                return Change(field: key, current: codec.review(current[keyPath: model]), new: codec.review(new))
            },
            send: { desired, sent in sent[keyPath: update] = desired[keyPath: update] },
            notKept: { sent, answer in sent[keyPath: update].map { $0 != answer[keyPath: model] } ?? false },
            apply: { sent, settings in if let value = sent[keyPath: update] { settings[keyPath: model] = value } },
            read: { reader, object, path, desired in
                guard let value = object[name] else { return }
                switch codec.read(value) {
                case .success(let typed): desired[keyPath: update] = typed
                case .failure(let refusal): reader.problem("\(path).\(name)", refusal.message)
                }
            },
            answers: { settings in inAnswers(settings) ? codec.json(settings[keyPath: model]) : nil },
            terraform: { settings, writer in
                guard inExport(settings) else { return }
                if let note = exportNote(settings) { writer.comment(note) }
                codec.hcl(name, settings[keyPath: model], &writer)
            })
    }

    /// Why a value in the answers file is refused (under its path).
    struct Refusal: Error { let message: String }

    /// How one kind of value is shown in the Review, written to the answers file and the export,
    /// and read back from the answers file.
    struct Codec<T: Sendable>: Sendable {
        let review: @Sendable (T) -> SettingValue
        let json: @Sendable (T) -> OrderedJSON
        let hcl: @Sendable (String, T, inout HCLWriter) -> Void
        let read: @Sendable (JSONValue) -> Result<T, Refusal>

        static var text: Codec<String> {
            Codec<String>(review: { .text($0) }, json: { .string($0) }, hcl: { $2.attribute($0, $1) },
                          read: { $0.stringValue.map { .success($0) } ?? .failure(Refusal(message: "must be a string")) })
        }
        static var bool: Codec<Bool> {
            Codec<Bool>(review: { .bool($0) }, json: { .bool($0) }, hcl: { $2.attribute($0, $1) },
                        read: { $0.boolValue.map { .success($0) } ?? .failure(Refusal(message: "must be true or false")) })
        }
        /// A port: a whole number (its range is the client core's rule, checked with the plan).
        static var port: Codec<Int> {
            Codec<Int>(review: { .int($0) }, json: { .integer(Int64($0)) }, hcl: { $2.attribute($0, $1) },
                       read: { value in
                           guard let number = value.integerValue, let port = Int(exactly: number) else {
                               return .failure(Refusal(message: "must be a whole number from 1 to 65535"))
                           }
                           return .success(port)
                       })
        }
        static var auth: Codec<SMTPAuth> {
            Codec<SMTPAuth>(review: { .text($0.rawValue) }, json: { .string($0.rawValue) }, hcl: { $2.attribute($0, $1.rawValue) },
                            read: { value in
                                guard let text = value.stringValue else { return .failure(Refusal(message: "must be a string")) }
                                return SMTPAuth(rawValue: text).map { .success($0) } ?? .failure(Refusal(message: FieldRules.auth(text) ?? ""))
                            })
        }
    }
}
