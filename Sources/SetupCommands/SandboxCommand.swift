import ArgumentParser
import CursesUI
import FoundationEssentials
import Glibc
import TFEClient
import TFESandbox

/// `tfe-setup sandbox`: runs the strict TFE stand-in alone.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the built-in TFE sandbox on 127.0.0.1 (for trying the tool and for tests).",
        usage: "tfe-setup sandbox [--port <port>] [--profile <profile>] [<options>]",
        discussion: """
            A strict, stateful stand-in for the TFE API endpoints tfe-setup uses, on 127.0.0.1 only. When listening it prints one JSON line on stdout, then serves until SIGINT/SIGTERM; logs go to stderr:
              {"address":"http://127.0.0.1:PORT","organization":"my-org",
               "tokens":{"site-admin":"...","owner":"...","member":"..."}}

            Roles: site-admin (site admin, owner of my-org, member of other-org); owner (owner of my-org); member (member of my-org).

            Seed: my-org and other-org; pools apool-abc123 "primary" (3 agents), apool-def456 "gpu" (1), apool-empty9 "spare" (0); SMTP off; mode remote; all token TTLs 2 years.

            Mail relay: an SMTP change with a test-email-address "sends" a mail to the outbox, unless the host ends in .invalid (504, relay timed out) or the username is "reject" (401, relay refused); then nothing is stored.

            Control API (no auth; every request needs Content-Type: application/json and
            Host 127.0.0.1:<port>, so a web page cannot reach it):
              GET    /_sandbox/state     the whole state (what --seed takes)
              POST   /_sandbox/reset     back to the seed; clears requests, outbox,
                                         faults and the rate limiter
              GET    /_sandbox/requests  every API request: method, path, query,
                                         status, start_ms, end_ms, body (redacted)
              DELETE /_sandbox/requests  forget them
              GET    /_sandbox/outbox    test emails: to, from, relay, username, at_ms
              POST   /_sandbox/faults    arm a fault, e.g. {"method":"PATCH",
                                         "path":"/api/v2/admin/smtp-settings",
                                         "status":503,"count":1,"headers":{},
                                         "delay_ms":0,"drop":null,"body":null}
                                         drop: "before_response", "mid_body" or
                                         "reset" (a TCP RST instead of the answer);
                                         "discard":true answers as if saved and
                                         keeps nothing;
                                         body: raw text (null = a JSON:API error);
                                         "after":true handles the request first (the
                                         change is saved), then answers with the fault
              DELETE /_sandbox/faults    disarm all
              POST   /_sandbox/hostile   a hostile server: {"text":"..."} is appended to
                                         every string of every API answer (errors too);
                                         optional "keep":["auth","organizations.name"],
                                         "max_ttl_ms":N, "extra_token_type":"...",
                                         "duplicate_lists":true
              DELETE /_sandbox/hostile   a well-behaved server again
              POST   /_sandbox/revoke    {"role":"site-admin"}: that token now gets 401
                                         everywhere (undone by reset)
              GET    /_sandbox/first-install  --profile fresh: the first admin
                                         (username, email) once created, whether the
                                         IACT can be fetched or used
              POST   /_sandbox/first-install  {"retrievable":false}: retrieve-iact refuses
                                         (403, as from outside TFE_IACT_SUBNETS);
                                         {"expired":true}: the IACT creates no admin
              POST   /_sandbox/clock     {"skew_seconds":-3600}: the server's clock (its
                                         Date header, new tokens' times) an hour behind

            User tokens: POST /api/v2/users/:id/authentication-tokens makes one for the caller's own user (its secret only in that answer; "expired-at" must lie in the server's future), DELETE /api/v2/authentication-tokens/:id deletes one. With enforcement on, each token is judged by its own lifetime. The request log's "token_id" names the token each request came with.

            A fresh installation (--profile fresh) has no users and no organization: the three tokens open nothing, and the ready line ends with "iact":"..."; GET /admin/retrieve-iact answers it (for --iact-window seconds), POST /admin/initial-admin-user?token=IACT creates the first admin and answers its token, and that admin may create organizations. For --boot-delay seconds every request answers 502.

            Example:
              tfe-setup sandbox --port 0 --latency-ms 50 --state /tmp/sandbox.json
            """)

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0
    @Option(name: .customLong("latency-ms"), help: "Delay added to every API request, in milliseconds.")
    var latencyMs: Int = 0
    @Option(name: .customLong("latency-jitter-ms"), help: "Up to this much more delay, at random, per API request, part before the request is counted against the rate limit and part after it is answered (a network's jitter).")
    var latencyJitterMs: Int = 0
    @Option(name: .customLong("rate-limit"), help: "Requests per second per token before 429 (0 = off).")
    var rateLimit: Int = 30
    @Option(help: ArgumentHelp("The kind of server to play: \(SandboxProfile.allCases.map(\.rawValue).joined(separator: ", ")).",
                               discussion: SandboxProfile.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var profile: SandboxProfile = .tfe
    @Option(help: "Add this many generated organizations (fleet-001, fleet-002, ...): some already compliant, some without a pool named primary, some without agents, some the owner token is only a member of.")
    var organizations: Int = 0
    @Flag(help: "The same as --profile hcp (no admin API: SMTP settings answer 404).")
    var hcp = false
    @Option(name: .customLong("boot-delay"), help: ArgumentHelp("Seconds the server takes to come up, answering 502 until then, as a starting TFE does (default: 3 for --profile fresh, else 0).", valueName: "seconds"))
    var bootDelay: Double?
    @Option(name: .customLong("iact-window"), help: ArgumentHelp("--profile fresh: seconds after the start during which /admin/retrieve-iact answers (TFE_IACT_TIME_LIMIT; TFE's default is 60 minutes).", valueName: "seconds"))
    var iactWindow: Int = 3600
    @Option(help: "A JSON file shaped like GET /_sandbox/state to start from instead of the default seed (password_set is ignored).")
    var seed: String?
    @Option(help: "Persist the state to this file (mode 0600) after every write, and load it at start. Never holds a token or password: pass --tokens too when restarting.")
    var state: String?
    @Option(help: "A JSON file with the tokens to accept, under the keys site-admin, owner and member.")
    var tokens: String?
    @Option(name: .customLong("token-lifetimes"), help: ArgumentHelp(
        "How long the existing tokens live: real (the tokens in use live 2 years, so a tighter user-token policy with enforcement on rejects them, as on a real server) or short (one second, inside any cap).",
        valueName: "real|short"))
    var tokenLifetimes: SandboxTokenLifetimes = .real

    func validate() throws {
        if hcp && profile != .tfe && profile != .hcp { throw ValidationError("--hcp is --profile hcp; give one of them.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must be 0 or more.") }
        guard latencyJitterMs >= 0 else { throw ValidationError("--latency-jitter-ms must be 0 or more.") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 (off) or more.") }
        if let bootDelay, !(0...3600).contains(bootDelay) { throw ValidationError("--boot-delay must be from 0 to 3600 seconds.") }
        guard iactWindow >= 0 else { throw ValidationError("--iact-window must be 0 or more seconds.") }
    }

    func run() async throws {
        var seedState = try seed.map { try Self.load(SandboxState.self, from: $0, what: "seed") } ?? profile.seed
        seedState.smtp.passwordSet = false  // a seed cannot hold a password, so none is set
        let tokenSet = try tokens.map { try Self.load(SandboxTokens.self, from: $0, what: "tokens") } ?? .generate()
        var options = SandboxOptions(port: port, latencyMs: latencyMs, rateLimit: rateLimit, hcp: hcp, profile: profile, statePath: state)
        options.fleet = max(0, min(organizations, 10_000))
        options.latencyJitterMs = latencyJitterMs
        options.bootDelayMs = Int((bootDelay ?? (profile.isFresh ? 3 : 0)) * 1000)
        options.iactWindowSeconds = iactWindow
        options.tokenLifetimes = tokenLifetimes
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(options: options, seed: seedState, tokens: tokenSet)
        } catch let error as SandboxError {
            StandardStream.error("tfe-setup sandbox: \(error.description)\n")
            throw ExitCode.failure
        }
        StandardStream.out((server.readyLine + "\n"))
        StandardStream.error("tfe-setup sandbox: serving \(server.address) as \(options.profile.summary); stop with Ctrl-C\n")
        let signal = await SignalFlag(signals: [SIGINT, SIGTERM]).first()
        StandardStream.error("tfe-setup sandbox: stopping (signal \(signal))\n")
        await server.stop()
    }

    static func load<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read the \(what) file \(path).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ValidationError("The \(what) file \(path) is not in the expected shape: \(error)")
        }
    }
}

extension SandboxProfile: ExpressibleByArgument {}
extension SandboxTokenLifetimes: ExpressibleByArgument {}
