"""The same baseline as tfe-setup's fleet benchmark, written as an admin would with the seed SDK
(pytfe 1.5.0): a plain sequential loop over the organizations the token sees. For comparison
only (scripts/bench runs it in .build-venv/pytfe); it is not part of the product.

Per organization: the agent pools (to find `primary`), one organization PATCH (mode, pool,
max-ttl-enabled) and one TTL PATCH. The TTL PATCH goes through pytfe's own transport with the
API's body form: pytfe's `organization_token_ttl_policies.update` sends a JSON:API array, which
the official API (and our sandbox) refuse (docs/api-contract, disagreement 1). Organizations the
token cannot change, or without a pool named `primary`, are skipped, as a careful script would.

Usage: python pytfe-loop.py ADDRESS TOKEN_FILE   (prints: organizations changed, requests, seconds)
"""
import sys
import time

from pytfe import TFEClient, TFEConfig
from pytfe.errors import TFEError
from pytfe.models import OrganizationUpdateOptions


def main():
    address, token_file = sys.argv[1], sys.argv[2]
    with open(token_file) as f:
        token = f.read().strip()
    started = time.perf_counter()
    changed = 0
    with TFEClient(TFEConfig(address=address, token=token)) as tfe:
        for org in tfe.organizations.list():
            if not org.name.startswith("fleet-"):
                continue
            try:
                pools = [p for p in tfe.agent_pools.list(org.name) if p.name == "primary"]
            except TFEError:
                continue  # no agents entitlement, or not allowed
            if not pools:
                continue
            try:
                tfe.organizations.update(org.name, OrganizationUpdateOptions(
                    default_execution_mode="agent", default_agent_pool_id=pools[0].id, max_ttl_enabled=True))
                tfe._transport.request("PATCH", f"/api/v2/organizations/{org.name}/token-ttl-policies", json_body={
                    "data": {"type": "organization-token-ttl-policies",
                             "attributes": {"token-ttl-policies": [{"token-type": "user", "max-ttl-ms": 2_592_000_000}]}}})
                changed += 1
            except TFEError:
                continue  # only a member: cannot change it
    print(f"{changed} {time.perf_counter() - started:.2f}")


if __name__ == "__main__":
    main()
