"""Wrong uses of ``client.ops`` that ``mypy --strict`` must reject, one per line marked ``# expect: <code>``."""

from __future__ import annotations

from mktows import Client
from mktows.types import LeadKey, LeadKeyRef, ParamsGetLead


def wrong(client: Client) -> str:
    params = ParamsGetLead(lead_key=LeadKey(key_type=LeadKeyRef.IDNUM, key_value="1"))
    client.ops.sync_custom_objects(params)  # expect: arg-type
    lead = client.ops.get_lead(params)
    client.ops.get_leads(params)  # expect: attr-defined
    client.sync_custom_objects("RoadShow", [], operation="UPSERTT")  # expect: arg-type
    return lead.count  # expect: return-value
