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

/// Reads and writes the drafts file (`${XDG_STATE_HOME:-~/.local/state}/tfe-setup/draft.json`,
/// 0600): one draft per server and organization, so a wizard on another server (or another
/// organization) never replaces the first one's.
package struct DraftStore: Sendable {
    package let path: String

    package init(path: String) { self.path = path }

    /// The standard location for an environment.
    package static func standard(environment: [String: String], home: String) -> DraftStore {
        DraftStore(path: StateFolder.path(environment: environment, home: home) + "/draft.json")
    }

    /// The file's form: every kept draft, each keyed by its address and organization.
    struct Drafts: Codable {
        var drafts: [Draft]
    }

    /// Every draft in the file (an older file holding one draft is read as a list of one; an
    /// unreadable file as none).
    func all() -> [Draft] {
        guard case .success(let data) = BoundedFile.read(path, limit: 4 * 1_048_576) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let list = try? decoder.decode(Drafts.self, from: data) { return list.drafts }
        if let one = try? decoder.decode(Draft.self, from: data) { return [one] }
        return []
    }

    /// The draft for this address and organization, if one was saved.
    package func load(address: String, organization: String) -> Draft? {
        all().first { $0.address == address && $0.organization == organization }
    }

    /// Writes the draft with mode 0600 (the directory 0700, tightened if it was wider), replacing
    /// the old one of the same server and organization in one step and keeping the others; never
    /// through a symbolic link. Two wizards that save at once take turns (a lock beside it).
    package func save(_ draft: Draft) throws {
        try change { list in
            list.removeAll { $0.address == draft.address && $0.organization == draft.organization }
            list.append(draft)
        }
    }

    /// Removes this server's and organization's draft (the file when none is left).
    package func delete(address: String, organization: String) {
        try? change { list in list.removeAll { $0.address == address && $0.organization == organization } }
    }

    private func change(_ edit: (inout [Draft]) -> Void) throws {
        try PrivateFile.makePrivateDirectory(PathText.deletingLastComponent(path))
        let lock = try FileLock.acquire(path + ".lock", waitingUpTo: 5)
        defer { lock.release() }
        var list = all()
        edit(&list)
        if list.isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try PrivateFile.write(try encoder.encode(Drafts(drafts: list)), to: path)
    }
}
