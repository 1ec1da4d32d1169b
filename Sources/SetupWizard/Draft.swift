import FoundationEssentials
import SetupKit
import TFEClient

/// What the admin typed, saved as they go so nothing is lost (never the password).
package struct Draft: Codable, Equatable, Sendable {
    package var address: String
    package var organization: String
    package var savedAt: Date?
    /// Field key → typed text (`smtp.port` → `587`); booleans as `true`/`false`.
    package var values: [String: String]
    package var touchedTTL: [String]

    enum CodingKeys: String, CodingKey { case address, organization, values, savedAt = "saved_at", touchedTTL = "touched_ttl" }

    package init(address: String, organization: String, form: WizardForm, savedAt: Date? = nil) {
        self.address = address
        self.organization = organization
        self.savedAt = savedAt
        var v: [String: String] = [:]
        for spec in FieldSpec.all { if let value = spec.saveDraft(form) { v[spec.draftKey] = value } }
        self.values = v
        self.touchedTTL = form.ttlTouched.map(\.rawValue).sorted()
    }

    /// The form with the draft's values over it (the password stays as it is: never saved).
    package func applied(to base: WizardForm) -> WizardForm {
        var f = base
        for spec in FieldSpec.all { if let value = values[spec.draftKey] { spec.loadDraft(&f, value) } }
        f.ttlTouched = Set(touchedTTL.map(TokenType.init(rawValue:)))
        return f
    }
}

/// Reads and writes the draft file (`${XDG_STATE_HOME:-~/.local/state}/tfe-setup/draft.json`, 0600).
package struct DraftStore: Sendable {
    package let path: String

    package init(path: String) { self.path = path }

    /// The standard location for an environment.
    package static func standard(environment: [String: String], home: String) -> DraftStore {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/state"
        return DraftStore(path: base + "/tfe-setup/draft.json")
    }

    /// The draft for this address and organization, if one was saved.
    package func load(address: String, organization: String) -> Draft? {
        guard case .success(let data) = BoundedFile.read(path, limit: 1_048_576) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let draft = try? decoder.decode(Draft.self, from: data), draft.address == address, draft.organization == organization else { return nil }
        return draft
    }

    /// Writes the draft with mode 0600 (the directory 0700, tightened if it was wider), replacing
    /// the old one in one step; never through a symbolic link.
    package func save(_ draft: Draft) throws {
        try PrivateFile.makePrivateDirectory(PathText.deletingLastComponent(path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try PrivateFile.write(try encoder.encode(draft), to: path)
    }

    package func delete() { try? FileManager.default.removeItem(atPath: path) }
}
