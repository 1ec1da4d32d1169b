import FoundationEssentials
import TFEClient

extension SandboxRouter {
    /// The control API for tests and demos (no auth; the server listens on loopback only).
    ///
    /// Only for programs on this machine that mean it: the `Host` must be the loopback address
    /// and port the sandbox listens on (a web page reaching 127.0.0.1 through a rebound DNS name
    /// sends its own name) and the request must say `Content-Type: application/json` (a page's
    /// form or simple request cannot, without a CORS preflight the sandbox never grants). So a
    /// web page cannot arm hostile answers into someone's `demo`.
    func control(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
        if let refusal = controlRefusal(request) { return refusal }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch (request.method, request.path) {
        case ("GET", "/_sandbox/state"):
            return .json(200, await store.state.jsonData())
        case ("POST", "/_sandbox/reset"):
            await store.reset()
            return .noContent
        case ("GET", "/_sandbox/requests"):
            let requests = await store.requests
            return .json(200, (try? encoder.encode(["requests": requests])) ?? Data())
        case ("DELETE", "/_sandbox/requests"):
            await store.clearRequests()
            return .noContent
        case ("GET", "/_sandbox/outbox"):
            let emails = await store.outbox
            return .json(200, (try? encoder.encode(["emails": emails])) ?? Data())
        case ("POST", "/_sandbox/faults"):
            do {
                let fault = try JSONDecoder().decode(SandboxFault.self, from: request.body)
                await store.arm(fault)
                return .json(201, (try? encoder.encode(fault)) ?? Data())
            } catch {
                return .json(400, Data(#"{"error":"a fault needs at least \"path\"; see tfe-setup sandbox --help for its fields"}"#.utf8))
            }
        case ("POST", "/_sandbox/hostile"):
            guard let hostile = try? JSONDecoder().decode(SandboxHostile.self, from: request.body) else {
                return .json(400, Data(#"{"error":"hostile needs at least \"text\"; optional keep, max_ttl_ms, extra_token_type, duplicate_lists"}"#.utf8))
            }
            await store.setHostile(hostile)
            return .noContent
        case ("POST", "/_sandbox/revoke"):
            guard let name = JSONValue.parse(request.body)?["role"]?.stringValue, let role = SandboxRole(rawValue: name) else {
                return .json(400, Data(#"{"error":"revoke needs {\"role\":\"site-admin\"|\"owner\"|\"member\"}"}"#.utf8))
            }
            await store.revoke(role)
            return .noContent
        case ("GET", "/_sandbox/first-install"):
            guard let first = await store.firstInstall else { return .json(404, Data(#"{"error":"not a fresh installation (--profile fresh)"}"#.utf8)) }
            return .json(200, Data(first.report.jsonText.utf8))
        case ("POST", "/_sandbox/first-install"):
            // {"retrievable": false}: /admin/retrieve-iact refuses (outside TFE_IACT_SUBNETS, or
            // past TFE_IACT_TIME_LIMIT); {"expired": true}: the IACT no longer creates an admin.
            let body = JSONValue.parse(request.body)
            let changed: Bool? = await store.changeFirstInstall { first -> Bool in
                guard let body, case .object = body else { return false }
                if let r = body["retrievable"]?.boolValue { first.retrievable = r }
                if let e = body["expired"]?.boolValue { first.expired = e }
                return true
            }
            guard changed == true else {
                return .json(400, Data(#"{"error":"first-install takes {"retrievable": bool, "expired": bool} on a fresh installation"}"#.utf8))
            }
            return .noContent
        case ("POST", "/_sandbox/clock"):
            // {"skew_seconds": -3600}: the server's clock an hour behind this machine's.
            guard let skew = JSONValue.parse(request.body)?["skew_seconds"], let seconds = skew.integerValue.map(Double.init),
                  abs(seconds) <= 10 * 365 * 86_400 else {
                return .json(400, Data(#"{"error":"clock takes {\"skew_seconds\": N} (the server's clock minus this machine's)"}"#.utf8))
            }
            await store.skewClock(seconds: seconds)
            return .noContent
        case ("DELETE", "/_sandbox/hostile"):
            await store.setHostile(nil)
            return .noContent
        case ("DELETE", "/_sandbox/faults"):
            await store.clearFaults()
            return .noContent
        default:
            return .json(404, Data(#"{"error":"unknown control endpoint"}"#.utf8))
        }
    }

    /// Why a control request is refused (403 / 415), or nil.
    func controlRefusal(_ request: SandboxHTTPRequest) -> SandboxHTTPResponse? {
        func header(_ name: String) -> String? { request.headers.first { $0.0.lowercased() == name }?.1 }
        let host = (header("host") ?? "").lowercased()
        let allowedHosts = ["127.0.0.1", "localhost", "[::1]"]
        let hostOK: Bool
        if let port {
            hostOK = allowedHosts.contains { host == "\($0):\(port)" }
        } else {
            hostOK = allowedHosts.contains { host == $0 || host.hasPrefix($0 + ":") }
        }
        guard hostOK else {
            return .json(403, Data(#"{"error":"the control API answers only requests to its own loopback address (Host 127.0.0.1:<port>)"}"#.utf8))
        }
        let type = (header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingSpaces.lowercased() }
        guard type == "application/json" else {
            return .json(415, Data(#"{"error":"the control API takes only requests with Content-Type: application/json"}"#.utf8))
        }
        return nil
    }
}
