import Foundation

/// Runs a program with posix_spawn and waitpid (Foundation's Process can hang waiting for a
/// client that forks a daemon, as tmux does). Standard input is /dev/null.
public enum Subprocess {
    /// - Parameter captureOutput: read standard output until the program exits (never for daemons).
    /// - Returns: the exit status and what it printed.
    @discardableResult
    public static func run(_ arguments: [String], captureOutput: Bool = true) -> (status: Int32, output: String) {
        var pipeFDs: [Int32] = [-1, -1]
        // Close-on-exec, so a program spawned at the same time (a tmux server) does not inherit the
        // write end and keep this read from ever seeing end-of-file.
        if captureOutput {
            _ = pipe(&pipeFDs)
            _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        // A clean signal state for the program: the calling thread (a Swift concurrency or Foundation
        // thread) blocks most signals and the process ignores SIGPIPE, and posix_spawn passes both on.
        // A tmux server started with them blocked never handled kill-server or SIGTERM, and its
        // panes never got their hang-up: programs seemed to outlive their terminal.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        if captureOutput { close(pipeFDs[1]) }
        guard rc == 0 else {
            if captureOutput { close(pipeFDs[0]) }
            return (127, "")
        }
        var output = Data()
        if captureOutput {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(pipeFDs[0], &buffer, buffer.count)
                if n <= 0 { break }
                output.append(buffer, count: n)
            }
            close(pipeFDs[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, String(decoding: output, as: UTF8.self))
    }
}

extension Subprocess {
    /// `run` on a thread of its own, so waiting for the program never blocks Swift's cooperative
    /// threads (an in-process sandbox needs them to answer that very program).
    public static func runAsync(_ arguments: [String], captureOutput: Bool = true) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run(arguments, captureOutput: captureOutput)) }.start()
        }
    }
}

extension Process {
    /// Waits, polling with a deadline, until the process has ended; false when it has not.
    /// Not Foundation's `waitUntilExit`: on Linux it spins a run loop on the calling thread — a
    /// cooperative one in an async test, which starves every in-process sandbox — and, when the
    /// exit is missed, never returns.
    public func ended(within seconds: Double = 60) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while isRunning, Date() < end { try? await Task.sleep(for: .milliseconds(20)) }
        return !isRunning
    }

    /// Sends `signal` and waits, with a deadline, for the process to end: how many seconds that
    /// took, or nil when it has not ended.
    public func stopped(by signal: Int32, within seconds: Double = 60) async -> Double? {
        let sent = Date()
        kill(processIdentifier, signal)
        return await ended(within: seconds) ? Date().timeIntervalSince(sent) : nil
    }
}
