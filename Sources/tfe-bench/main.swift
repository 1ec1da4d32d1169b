import CursesUI
import Foundation
import SetupKit
import SetupWizard
import TFEClient

/// `tfe-bench render OUT.json`: the rendering benchmark of scripts/bench. Runs in a real terminal
/// (scripts/bench starts it in a 200x60 tmux window) and times, per frame, the wizard's
/// `update` for one keystroke + `render` + the ncurses diff and draw, for ≥1,000 frames that
/// change one field and ≥1,000 full repaints. Writes the samples' median and p99 (µs) as JSON.
@MainActor
func renderBenchmark(output: String, frames: Int) {
    var (state, _) = Wizard.start(WizardConfig(address: "https://tfe.example.com", organization: "my-org"))
    let current = CurrentState(
        ping: PingInfo(appName: "Terraform Enterprise"), account: Account(id: "u", username: "admin", isSiteAdmin: true),
        organization: Organization(name: "my-org", canUpdate: true),
        agentPools: [AgentPool(id: "apool-abc123", name: "primary", agentCount: 3), AgentPool(id: "apool-def456", name: "gpu", agentCount: 1)],
        smtp: SMTPSettings(), tokenTTLPolicies: TokenType.known.map { TokenTTLPolicy(tokenType: $0, maxTTLMilliseconds: TTLDuration.twoYearsServer) })
    _ = Wizard.update(&state, .stateLoaded(.success(current), draft: nil))
    for key: Key in [.char(" "), .tab] { _ = Wizard.update(&state, .key(key)) }   // SMTP on, focus on Host

    let terminal = CursesTerminal(color: true)
    let clock = ContinuousClock()
    terminal.draw(Wizard.render(state, size: terminal.size))
    var keystroke: [Double] = [], repaint: [Double] = [], renderOnly: [Double] = [], drawOnly: [Double] = []
    for i in 0..<frames {
        // Typing into the host field and deleting again: one field changes per frame.
        let key: Key = i % 2 == 0 ? .char(Character(UnicodeScalar(UInt8(97 + i % 26)))) : .backspace
        let t0 = clock.now
        _ = Wizard.update(&state, .key(key))
        let frame = Wizard.render(state, size: terminal.size)
        let t1 = clock.now
        terminal.draw(frame)
        let t2 = clock.now
        keystroke.append(microseconds(t2 - t0))
        renderOnly.append(microseconds(t1 - t0))
        drawOnly.append(microseconds(t2 - t1))
    }
    for _ in 0..<frames {
        let t0 = clock.now
        terminal.invalidate()
        terminal.draw(Wizard.render(state, size: terminal.size))
        repaint.append(microseconds(clock.now - t0))
    }
    let size = terminal.size
    terminal.restore()
    let result: [String: Any] = [
        "width": size.width, "height": size.height, "frames": frames,
        "keystroke_median_us": percentile(keystroke, 0.5), "keystroke_p99_us": percentile(keystroke, 0.99),
        "repaint_median_us": percentile(repaint, 0.5), "repaint_p99_us": percentile(repaint, 0.99),
        "keystroke_update_render_median_us": percentile(renderOnly, 0.5), "keystroke_draw_median_us": percentile(drawOnly, 0.5),
    ]
    let data = try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    FileManager.default.createFile(atPath: output, contents: data)
}

func microseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }

func percentile(_ samples: [Double], _ p: Double) -> Double {
    let sorted = samples.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "render" else {
    FileHandle.standardError.write(Data("usage: tfe-bench render OUT.json [FRAMES]\n".utf8))
    exit(2)
}
MainActor.assumeIsolated { renderBenchmark(output: arguments[2], frames: arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000) }
