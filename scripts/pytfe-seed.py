"""The seed scenario's three steps as an admin would script them with the seed SDK (pytfe 1.5.0),
for the benchmark's side-by-side rows; not part of the product (scripts/bench runs it in
.build-venv/pytfe, made by scripts/pytfe-venv).

The steps, one after the other as such a script runs them: the SMTP relay (with its test
email), the organization's execution defaults with enforcement on, and the token TTL policies.
The TTL PATCH goes through pytfe's own transport with the API's body form: pytfe's
`organization_token_ttl_policies.update` sends a JSON:API array, which the official API (and our
sandbox) refuse (api-contract.md, disagreement 1). Nothing is read first: a script like this does
not check what the server has, nor whom the new caps reject.

Usage: python pytfe-seed.py ADDRESS TOKEN_FILE   (the SMTP password from $SMTP_PASSWORD)
"""
import os
import sys

from pytfe import TFEClient, TFEConfig
from pytfe.models import OrganizationUpdateOptions
from pytfe.models.admin_identity import AdminSMTPSettingsUpdateOptions, SMTPAuthType


def main():
    address, token_file = sys.argv[1], sys.argv[2]
    with open(token_file) as f:
        token = f.read().strip()
    with TFEClient(TFEConfig(address=address, token=token)) as tfe:
        tfe.admin.smtp_settings.update(AdminSMTPSettingsUpdateOptions(
            enabled=True, host="smtp.example.com", port=587, sender="noreply@example.com", auth=SMTPAuthType.LOGIN,
            username="smtp-bot", password=os.environ["SMTP_PASSWORD"], test_email_address="ops@example.com"))
        tfe.organizations.update("my-org", OrganizationUpdateOptions(
            default_execution_mode="agent", default_agent_pool_id="apool-abc123", max_ttl_enabled=True))
        tfe._transport.request("PATCH", "/api/v2/organizations/my-org/token-ttl-policies", json_body={
            "data": {"type": "organization-token-ttl-policies", "attributes": {"token-ttl-policies": [
                {"token-type": "organization", "max-ttl-ms": 31_536_000_000},
                {"token-type": "team", "max-ttl-ms": 7_776_000_000},
                {"token-type": "user", "max-ttl-ms": 2_592_000_000},
                {"token-type": "audit_trails", "max-ttl-ms": 63_072_000_000}]}}})


if __name__ == "__main__":
    main()
