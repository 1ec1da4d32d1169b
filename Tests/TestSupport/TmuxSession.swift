import Foundation

/// A program running in a real terminal: a tmux session of fixed size on a private server
/// socket, driven with send-keys and read with capture-pane.
public final class TmuxSession: @unchecked Sendable {
    public let socket: String
    public let name = "t"

    /// Starts `command` (run by /bin/sh) in a new session; the shell stays after it ends so its
    /// output and exit code can be read.
    public init(_ command: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        socket = "tfe-test-\(UUID().uuidString.prefix(8))"
        let exports = environment.map { "export \($0.key)=\(Self.quote($0.value)); " }.joined()
        // After the program: its exit code, then the terminal's modes (is the shell usable again?).
        let script = "\(exports)\(command); echo \"EXIT=$?\"; stty -a | tr ';' '\\n' | grep -E -o -- '(-)?(icanon|echo)( |$)' | tr '\\n' ' '; echo; sleep 600"
        // The tmux server starts here and would inherit a pipe for stdout and hold it open forever.
        try run(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "/bin/sh", "-c", script], capture: false)
    }

    /// The built `tfe-setup` binary beside the test bundle.
    public static var binary: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("tfe-setup").path
    }

    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func run(_ arguments: [String], capture: Bool = true) throws -> String {
        Subprocess.run(["tmux", "-L", socket] + arguments, captureOutput: capture).output
    }

    /// Sends tmux key names (`Tab`, `Enter`, `C-c`, `BTab`, `Left`, `Space`, `F1`, `Escape`).
    public func keys(_ keys: String...) { _ = try? run(["send-keys", "-t", name] + keys) }

    /// Types text literally.
    public func type(_ text: String) { _ = try? run(["send-keys", "-t", name, "-l", text]) }

    /// The screen as text (with `escapes`, the colors and attributes too).
    public func capture(escapes: Bool = false) -> String {
        (try? run(["capture-pane", "-p", "-t", name] + (escapes ? ["-e"] : []))) ?? ""
    }

    /// The screen with lines the terminal wrapped joined again (`capture-pane -J`): a line that
    /// starts on screen is then one the program started, not a wrap.
    public func captureUnwrapped() -> String {
        (try? run(["capture-pane", "-p", "-J", "-t", name])) ?? ""
    }

    /// Waits until the screen shows the text (polling, with a deadline).
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 20) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if capture().contains(text) { return true }
            usleep(20_000)
        }
        return capture().contains(text)
    }

    /// The shell's terminal modes after the program ended (`icanon`, `-echo`, …, from the
    /// `stty -a` the session runs then), waiting for them with a deadline.
    public func modesAfterExit(timeout: Double = 20) -> Set<String> {
        guard waitFor("icanon", timeout: timeout) else { return [] }
        let line = capture().split(separator: "\n").last { $0.contains("icanon") } ?? ""
        return Set(line.split(separator: " ").map(String.init))
    }

    public func resize(width: Int, height: Int) {
        _ = try? run(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// The pid of the program started in the pane (the shell's child).
    public func programPID(named: String = "tfe-setup") -> Int32? {
        guard let shell = Int32((try? run(["display-message", "-p", "-t", name, "#{pane_pid}"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        for pid in children.split(separator: " ").compactMap({ Int32($0) }) {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            if comm.hasPrefix(named) { return pid }
        }
        return nil
    }

    /// Ends the program in the pane with SIGTERM (it restores the terminal and exits), then the server.
    /// A program whose terminal simply vanished was seen to keep running; see the session note.
    public func kill() {
        if let pid = programPID() {
            Foundation.kill(pid, SIGTERM)
            let end = Date().addingTimeInterval(5)
            while Date() < end, Foundation.kill(pid, 0) == 0, !isZombie(pid) { usleep(10_000) }
            if Foundation.kill(pid, 0) == 0, !isZombie(pid) { Foundation.kill(pid, SIGKILL) }
        }
        _ = try? run(["kill-server"], capture: false)
    }

    /// Kills the tmux server only, as when the terminal window is closed: the program gets its
    /// hang-up from the terminal, not from the test.
    public func closeTerminal() {
        _ = try? run(["kill-server"], capture: false)
    }

    /// Whether a process has ended (gone, or a zombie nobody reaped).
    public static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    deinit { kill() }
}
