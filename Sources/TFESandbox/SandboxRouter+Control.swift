import Foundation
import TFEClient

extension SandboxRouter {
    /// The control API for tests and demos (no auth; the server listens on loopback only).
    func control(_ request: SandboxHTTPRequest) async -> SandboxHTTPResponse {
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
                return .json(400, Data(#"{"error":"a fault needs at least \"path\"; see product.md for its fields"}"#.utf8))
            }
        case ("DELETE", "/_sandbox/faults"):
            await store.clearFaults()
            return .noContent
        default:
            return .json(404, Data(#"{"error":"unknown control endpoint"}"#.utf8))
        }
    }
}
