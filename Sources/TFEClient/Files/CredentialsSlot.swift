import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A place made in the credentials file for a token that does not exist yet: the first admin's,
/// which the server shows once, after the IACT is spent. Reading the file first is not enough
/// (a full disk, a root-owned `~/.terraform.d`, an unwritable folder all read fine), so
/// `prepare` makes the real write's room — a temporary file beside `credentials.tfrc.json`
/// holding as many bytes as the new file will need with a 256-byte token, written and fsynced
/// (creating an empty file succeeds even on a full disk) — and `store` fills it and renames it
/// over the file, under the file's lock, re-reading the file there so another host's token
/// stored meanwhile is kept.
///
/// `store` never drops the token: when the final write still fails, it writes the token to a
/// new 0600 file in the tool's state folder (`${XDG_STATE_HOME:-~/.local/state}/tfe-setup`)
/// and names that file; only when that fails too is the token lost, and it says so.
public final class CredentialsSlot: @unchecked Sendable {
    /// Where the token went.
    public enum Placement: Equatable, Sendable {
        /// In the credentials file (written, or the same token was there already).
        case stored(path: String)
        /// The credentials file could not take it (`reason`); the token is in `path` instead.
        case rescued(path: String, reason: String)
        /// Nowhere: the credentials file and the state folder both failed.
        case lost(reason: String)
        /// Handed to the configured credentials helper.
        case helper(name: String)

        /// The file that holds the token, if any.
        public var path: String? {
            switch self {
            case .stored(let path), .rescued(let path, _): return path
            case .lost, .helper: return nil
            }
        }
    }

    /// The host's key (`TokenLookup.credentialsHost`), lowercased.
    public let host: String
    /// The credentials file.
    public let path: String
    private let rescueFolder: String
    private let files: FileOperations
    private let lockWait: Double
    private var temporary: String?
    private var descriptor: Int32 = -1

    /// How long a token, at most, the room is made for (TFE's are about 90 characters).
    public static let tokenRoom = 256

    private init(host: String, path: String, rescueFolder: String, files: FileOperations, lockWait: Double) {
        self.host = host
        self.path = path
        self.rescueFolder = rescueFolder
        self.files = files
        self.lockWait = lockWait
    }

    deinit { discard() }

    /// The tool's state folder, where a token the credentials file could not take is kept.
    public static func rescueFolder(environment: [String: String], home: String) -> String {
        StateFolder.path(environment: environment, home: home)
    }

    /// Makes room for a token for `host` in `home`'s credentials file, or says why there is none
    /// (nothing is created then whose token would need it).
    /// - Throws: `CredentialsFile.Failure`: the folder or file cannot be written (with the
    ///   system's reason: "No space left on device", "Permission denied"), the file is not one
    ///   this tool may rewrite, or it holds a different token for the host.
    /// - Parameter rescueFolder: where a token the file cannot take goes (default: the state
    ///   folder `environment` names, as the wizard's draft).
    /// - Parameter replacing: the token renewed: the host's entry may hold another token, which
    ///   the new one replaces (a first admin's slot never replaces one); a store that fails then
    ///   writes no copy to the rescue folder.
    public static func prepare(host: String, home: String, environment: [String: String], rescueFolder: String? = nil,
                               replacing: SecretString? = nil,
                               files: FileOperations = .system, lockWait: Double = 10) throws(CredentialsFile.Failure) -> CredentialsSlot {
        let slot = CredentialsSlot(host: host.lowercased(), path: CredentialsFile.path(home: home),
                                   rescueFolder: rescueFolder ?? Self.rescueFolder(environment: environment, home: home), files: files, lockWait: lockWait)
        slot.replacing = replacing
        // Where Terraform would store it: a host already in the file stays there; a host set in
        // a `credentials` block of the CLI configuration cannot be written; otherwise a
        // configured credentials helper takes it; otherwise the file.
        let cli: CLIConfig
        do { cli = try CLIConfig.load(environment: environment, home: home) } catch {
            throw .unwritable(path: CredentialsFile.path(home: home), reason: error.description)
        }
        let inFile = CredentialsFile.holds(host: slot.host, path: slot.path)
        if !inFile, cli.credentials.keys.contains(slot.host) {
            throw .unwritable(path: cli.path ?? "", reason: "the credentials for \(slot.host) are set in a credentials block there, which this tool does not rewrite; remove that block (or store the token there yourself)")
        }
        if !inFile, let configured = cli.helper {
            guard let helper = CredentialsHelper.find(configured, home: home) else {
                throw .unwritable(path: cli.path ?? "", reason: "its credentials helper \(configured.name) is not in \(CredentialsHelper.pluginFolders(home: home).joined(separator: " or "))")
            }
            slot.helper = helper
            return slot
        }
        try slot.reserve()
        return slot
    }

    /// The credentials helper that takes the token instead of the file, if one does.
    public private(set) var helper: CredentialsHelper?
    /// Whether the token may replace another one of the host (a renewal).
    /// The token a renewal replaces (only it: another one stored meanwhile is kept).
    private var replacing: SecretString?

    private func reserve() throws(CredentialsFile.Failure) {
        let placeholder = SecretString(String(repeating: "x", count: Self.tokenRoom))
        guard let root = try CredentialsFile.updated(placeholder, host: host, path: path, replacingDifferent: replacing != nil, onlyReplacing: replacing, creatingFolder: true) else {
            return
        }
        let size = CredentialsFile.content(root).count
        let folder = PathText.deletingLastComponent(path)
        // The lock file is made now too: a folder that takes the temporary file takes it, but
        // one that exists already may be a link or a folder.
        do { try FileLock.tryAcquire(path + ".lock").release() } catch {
            if case .unusable(_, let reason) = error { throw .unwritable(path: path, reason: "its lock file \(path).lock: \(reason)") }
        }
        let name = folder + "/.\(PathText.lastComponent(path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = files.open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, reason: "cannot create a file in \(folder): \(FileOperations.reason(-fd))") }
        _ = fchmod(fd, 0o600)
        // Spaces, not a copy of the file: a temporary file left by a crash holds no one's token.
        var code = files.write(name, fd, [UInt8](repeating: 0x20, count: size), 0)
        if code == 0 { code = files.fsync(name, fd) }
        guard code == 0 else {
            close(fd)
            unlink(name)
            throw .unwritable(path: path, reason: "no room for the new token in \(folder): \(FileOperations.reason(code))")
        }
        (temporary, descriptor) = (name, fd)
    }

    /// Puts `token` in the credentials file (under its lock, with every other host's entry as
    /// the file holds them now), or, failing that, in a new file of the state folder.
    public func store(_ token: SecretString) -> Placement {
        if let helper {
            do { try helper.store(token, host: host) } catch { return rescue(token, reason: error.description) }
            return .helper(name: helper.name)
        }
        let lock: FileLock
        do { lock = try FileLock.acquire(path + ".lock", waitingUpTo: lockWait) } catch {
            return rescue(token, reason: error.description)
        }
        defer { lock.release() }
        let root: [String: JSONValue]?
        do {
            root = try CredentialsFile.updated(token, host: host, path: path, replacingDifferent: replacing != nil, onlyReplacing: replacing, creatingFolder: false)
        } catch {
            discard()   // the room holds spaces only: nothing of the token is left in it
            return rescue(token, reason: error.description)
        }
        guard let root else {
            discard()
            return .stored(path: path)
        }
        guard let temporary, descriptor >= 0 else {
            // `prepare` found the token there already and made no room; it was changed since.
            do { try PrivateFile.write(Data(CredentialsFile.content(root)), to: path) } catch {
                return rescue(token, reason: "cannot write \(path): \(error.description)")
            }
            return .stored(path: path)
        }
        let bytes = CredentialsFile.content(root)
        var code = files.write(temporary, descriptor, bytes, 0)
        if code == 0 { code = files.truncate(temporary, descriptor, bytes.count) }
        if code == 0 { code = files.fsync(temporary, descriptor) }
        close(descriptor)
        descriptor = -1
        guard code == 0 else {
            unlink(temporary)
            self.temporary = nil
            return rescue(token, reason: "cannot write \(path): \(FileOperations.reason(code))")
        }
        code = files.rename(temporary, path)
        guard code == 0 else {
            let reason = "cannot write \(path): \(FileOperations.reason(code))"
            let placed = rescue(token, reason: reason)
            if case .lost = placed {
                // The temporary file is complete and fsynced: the last copy of the token. Keep it.
                self.temporary = nil
                return .rescued(path: temporary, reason: reason)
            }
            unlink(temporary)
            self.temporary = nil
            return placed
        }
        self.temporary = nil
        syncFolder(PathText.deletingLastComponent(path))
        return .stored(path: path)
    }

    /// Gives the room back (the token was never made). Calling it again does nothing.
    public func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if let temporary { unlink(temporary) }
        temporary = nil
    }

    /// The token in a new file of the state folder, as a credentials file of one host (so it can
    /// be merged or moved as it is), created 0600 and never over anything.
    private func rescue(_ token: SecretString, reason: String) -> Placement {
        // A renewal keeps no copy elsewhere: its new token is deleted when it cannot be stored
        // (the old one still works), so nothing is written that would need cleaning up.
        if replacing != nil { return .lost(reason: reason) }
        do { try PrivateFile.makePrivateDirectory(rescueFolder) } catch {
            return .lost(reason: "\(reason); and \(error.description)")
        }
        let safeHost = String(host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        let stamp = DateText.iso8601(Date()).filter { $0.isNumber || $0 == "T" }
        let name = rescueFolder + "/token-\(safeHost)-\(stamp)-\(getpid())-\(UInt16.random(in: 0...UInt16.max)).tfrc.json"
        let fd = files.open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .lost(reason: "\(reason); and cannot create \(name): \(FileOperations.reason(-fd))") }
        _ = fchmod(fd, 0o600)
        let bytes = CredentialsFile.content(["credentials": .object([host: .object(["token": .string(token.exposedValue)])])])
        var code = files.write(name, fd, bytes, 0)
        if code == 0 { code = files.fsync(name, fd) }
        close(fd)
        guard code == 0 else {
            unlink(name)
            return .lost(reason: "\(reason); and cannot write \(name): \(FileOperations.reason(code))")
        }
        syncFolder(rescueFolder)
        return .rescued(path: name, reason: reason)
    }

    /// The rename is durable only once the folder is synced (best effort: some file systems refuse).
    private func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = Glibc.fsync(fd)
        close(fd)
    }
}
