import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Terraform CLI's credentials file, `~/.terraform.d/credentials.tfrc.json`, written as
/// `terraform login` writes it (hashicorp/terraform `internal/command/cliconfig`):
/// `{"credentials": {"<host>": {"token": "…"}}}`, the host lowercased with `:port` only when the
/// address names one, 2-space indentation, through a temporary file renamed over the old one,
/// mode 0600. Every other host's entry and every other key are kept; a different token already
/// stored for the host is not replaced unless asked. Then `terraform`, the provider and this
/// tool find the token as they already do (`TokenLookup`).
public enum CredentialsFile {
    /// What storing did.
    public enum Outcome: Equatable, Sendable {
        /// The token was written (the file created or updated).
        case stored
        /// The same token was there already: nothing written.
        case unchanged
    }

    /// Why the token was not stored.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Another token is stored for the host (a different admin, or an older token).
        case differentToken(path: String, host: String)
        /// The file exists but is not a JSON object (or not a regular file): not overwritten.
        case unreadable(path: String, reason: String)
        /// The folder or the file could not be written.
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .differentToken(let path, let host):
                return "\(path) already holds a different token for \(host); it was not replaced. Remove that entry (or run terraform logout \(host)) to store the new one."
            case .unreadable(let path, let reason):
                return "\(path) cannot be updated: \(reason). It was left as it is; fix or move it, then run again."
            case .unwritable(let path, let reason):
                return "Cannot write \(path): \(reason)."
            }
        }
    }

    /// The file's path under a home directory.
    public static func path(home: String) -> String { home + "/.terraform.d/credentials.tfrc.json" }

    /// Why storing a token for `host` would fail now (the folder, the file, a different token
    /// stored), checked before anything is created whose token must be kept; nil when it would work.
    public static func problem(storing token: SecretString? = nil, host: String, home: String) -> Failure? {
        do {
            _ = try updated(token ?? SecretString(""), host: host.lowercased(), path: path(home: home), replacingDifferent: false, creatingFolder: false)
            return nil
        } catch {
            return error
        }
    }

    /// Stores `token` for `host` (as `TokenLookup.credentialsHost` names it).
    /// - Parameter replacingDifferent: replace a different token stored for the host.
    @discardableResult
    /// - Parameter lockWait: how long to wait for another run holding the file's lock.
    public static func store(_ token: SecretString, host: String, home: String, replacingDifferent: Bool = false,
                             lockWait: Double = 10) throws(Failure) -> Outcome {
        let path = path(home: home)
        // The whole read-modify-write under the file's lock: two runs sharing a home would
        // otherwise each write what they read, and the first one's host would be lost.
        try folder(of: path, creating: true)
        let lock: FileLock
        do { lock = try FileLock.acquire(path + ".lock", waitingUpTo: lockWait) } catch {
            throw .unwritable(path: path, reason: error.description)
        }
        defer { lock.release() }
        guard let root = try updated(token, host: host.lowercased(), path: path, replacingDifferent: replacingDifferent, creatingFolder: false) else {
            return .unchanged
        }
        do {
            try PrivateFile.write(Data(content(root)), to: path)
        } catch {
            throw .unwritable(path: path, reason: error.description)
        }
        return .stored
    }

    /// The file's bytes for a root object, as `terraform login` writes them.
    static func content(_ root: [String: JSONValue]) -> [UInt8] { Array((indented(.object(root)) + "\n").utf8) }

    /// The file's new content with the token for `host`, or nil when it holds that token already.
    /// - Parameter onlyReplacing: with it, a different token is replaced only when it is this one
    ///   (the token a renewal replaces): one stored meanwhile by another program is kept.
    static func updated(_ token: SecretString, host: String, path: String, replacingDifferent: Bool, onlyReplacing: SecretString? = nil,
                                creatingFolder: Bool) throws(Failure) -> [String: JSONValue]? {
        try folder(of: path, creating: creatingFolder)
        var info = stat()
        var root: [String: JSONValue] = [:]
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path, reason: "it is a symbolic link or not a regular file") }
            let data: Data
            switch BoundedFile.read(path, limit: 1_048_576) {
            case .success(let d): data = d
            case .failure(let why): throw .unreadable(path: path, reason: "\(why)")
            }
            if !data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
                guard let parsed = JSONValue.parse(data), case .object(let object) = parsed else {
                    throw .unreadable(path: path, reason: "it is not a JSON object")
                }
                root = object
            }
        }
        var credentials: [String: JSONValue] = [:]
        if let existing = root["credentials"] {
            guard case .object(let object) = existing else { throw .unreadable(path: path, reason: "its \"credentials\" is not an object") }
            credentials = object
        }
        var entry: [String: JSONValue] = [:]
        if let existing = credentials[host] {
            guard case .object(let object) = existing else { throw .unreadable(path: path, reason: "its entry for \(host) is not an object") }
            entry = object
        }
        if let stored = entry["token"]?.stringValue, !stored.isEmpty {
            if stored == token.exposedValue { return nil }
            if !replacingDifferent { throw .differentToken(path: path, host: host) }
            if let only = onlyReplacing, stored != only.exposedValue {
                throw .differentToken(path: path, host: host)
            }
        }
        entry["token"] = .string(token.exposedValue)
        credentials[host] = .object(entry)
        root["credentials"] = .object(credentials)
        return root
    }

    /// Checks the file's folder is a folder (not a link), creating it 0700 when asked.
    static func folder(of path: String, creating: Bool) throws(Failure) {
        let folder = PathText.deletingLastComponent(path)
        var info = stat()
        if lstat(folder, &info) != 0 {
            if creating {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw .unwritable(path: path, reason: "cannot create the folder \(folder)")
                }
            }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw .unwritable(path: path, reason: "\(folder) is not a folder (or is a symbolic link)")
        }
    }

    /// Whether the file at `path` has an entry for `host` (a token or not), as Terraform counts
    /// a host "in the primary file".
    static func holds(host: String, path: String) -> Bool {
        guard case .success(let data) = BoundedFile.read(path, limit: 1_048_576), let json = JSONValue.parse(data) else { return false }
        return json["credentials"]?[host] != nil
    }

    /// JSON with 2-space indentation and sorted keys, as Go's `json.MarshalIndent` writes it.
    static func indented(_ value: JSONValue, depth: Int = 0) -> String {
        let pad = String(repeating: "  ", count: depth + 1), end = String(repeating: "  ", count: depth)
        switch value {
        case .object(let o) where !o.isEmpty:
            let items = o.keys.sorted().map { "\(pad)\(JSONValue.string($0).jsonText): \(indented(o[$0]!, depth: depth + 1))" }
            return "{\n" + items.joined(separator: ",\n") + "\n\(end)}"
        case .array(let a) where !a.isEmpty:
            return "[\n" + a.map { pad + indented($0, depth: depth + 1) }.joined(separator: ",\n") + "\n\(end)]"
        default:
            return value.jsonText
        }
    }
}
