import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A Terraform credentials helper (`credentials_helper "name"` in the CLI configuration), run
/// as Terraform runs it: `terraform-credentials-<name> [args…] get <host>` answers
/// `{"token": "…"}` (or `{}`) on stdout; `… store <host>` reads `{"token": "…"}` on stdin. The
/// token is never an argument (arguments are visible to every user in `ps`), the helper's output
/// is never shown (it may echo secrets), and it runs with a time limit.
///
/// The program is looked for only where Terraform looks (`GlobalPluginDirs`):
/// `~/.terraform.d/plugins` and `~/.terraform.d/plugins/<os>_<arch>`, named
/// `terraform-credentials-<name>` or `terraform-credentials-<name>_v<version>`.
public struct CredentialsHelper: Equatable, Sendable {
    public var name: String
    public var args: [String]
    /// The program found.
    public var executable: String
    /// Seconds a call may take before the helper is killed.
    public var timeout: Double = 10

    /// The folders searched, in order.
    public static func pluginFolders(home: String) -> [String] {
        #if arch(arm64)
        let machine = "linux_arm64"
        #else
        let machine = "linux_amd64"
        #endif
        return [home + "/.terraform.d/plugins", home + "/.terraform.d/plugins/" + machine]
    }

    /// The configured helper's program, or nil when none of the plugin folders has it.
    public static func find(_ helper: CLIConfig.Helper, home: String) -> CredentialsHelper? {
        let prefix = "terraform-credentials-\(helper.name)"
        var found: [String] = []
        for folder in pluginFolders(home: home) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.lowercased() == prefix.lowercased() || name.lowercased().hasPrefix(prefix.lowercased() + "_v") {
                let path = folder + "/" + name
                var info = stat()
                if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { found.append(path) }
            }
        }
        // The newest version wins, as Terraform picks it; an unversioned name counts as oldest.
        guard let best = found.max(by: { version($0).lexicographicallyPrecedes(version($1)) }) else { return nil }
        return CredentialsHelper(name: helper.name, args: helper.args, executable: best)
    }

    private static func version(_ path: String) -> [Int] {
        let parts = PathText.lastComponent(path).lowercased().split(separator: "_v", maxSplits: 1)
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }

    /// The token the helper holds for `host`, or nil when it has none.
    /// - Throws: `TFEError.configuration` when the helper fails, times out or answers junk.
    public func get(host: String) throws(TFEError) -> SecretString? {
        let output = try run("get", host: host, input: [])
        guard let json = JSONValue.parse(Data(output)), case .object(let object) = json else {
            throw .configuration("The credentials helper \(name) did not answer JSON for \(host).")
        }
        guard let token = object["token"]?.stringValue, !token.isEmpty else { return nil }
        return SecretString(token)
    }

    /// Hands `token` for `host` to the helper to keep.
    public func store(_ token: SecretString, host: String) throws(TFEError) {
        let input = JSONValue.object(["token": .string(token.exposedValue)]).jsonText
        _ = try run("store", host: host, input: Array(input.utf8))
    }

    private func failure(_ verb: String, _ why: String) -> TFEError {
        .configuration("The credentials helper \(name) (\(executable)) failed to \(verb) credentials: \(why).")
    }

    /// Runs the helper with `verb host`, `input` on its stdin; its stdout (at most 64 KiB).
    private func run(_ verb: String, host: String, input: [UInt8]) throws(TFEError) -> [UInt8] {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        // Close-on-exec for every end: the child gets only the two dup2'ed onto 0 and 1.
        // Its input is a socket pair, not a pipe, so a helper that exits without reading it
        // cannot kill this process with SIGPIPE (`send` with MSG_NOSIGNAL).
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &toChild) == 0 else { throw failure(verb, "no socket") }
        guard pipe(&fromChild) == 0 else { close(toChild[0]); close(toChild[1]); throw failure(verb, "no pipe") }
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [executable] + args + [verb, host]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &argv, environ)
        close(toChild[0])
        close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw failure(verb, String(cString: strerror(spawned)))
        }
        // A helper that never reads its input must not block this write: input is small (one
        // token), well under a pipe's buffer, so a single write either fits or fails.
        if !input.isEmpty {
            _ = input.withUnsafeBytes { send(toChild[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        close(toChild[1])
        let deadline = FileLock.monotonicSeconds() + timeout
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var timedOut = false
        while true {
            let left = deadline - FileLock.monotonicSeconds()
            if left <= 0 { timedOut = true; break }
            var poller = pollfd(fd: fromChild[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000) + 1)
            if ready < 0 { if errno == EINTR { continue }; break }
            if ready == 0 { continue }
            let n = read(fromChild[0], &buffer, buffer.count)
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            output += buffer[0..<n]
            if output.count > 65_536 { timedOut = false; kill(pid, SIGKILL); break }
        }
        close(fromChild[0])
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        // The output has ended (or the helper was killed): wait for its exit, still bounded.
        let reapDeadline = FileLock.monotonicSeconds() + max(1, timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if FileLock.monotonicSeconds() > reapDeadline { kill(pid, SIGKILL); timedOut = true }
            usleep(5_000)
        }
        if timedOut { throw failure(verb, "it did not finish within \(Int(timeout)) s") }
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw failure(verb, "it exited with status \(status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))")
        }
        guard output.count <= 65_536 else { throw failure(verb, "its answer is too long") }
        return output
    }
}
