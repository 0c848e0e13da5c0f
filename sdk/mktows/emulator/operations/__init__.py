"""The 23 operation handlers, one module per family, registered by WSDL operation name in ``HANDLERS``."""

from __future__ import annotations

from mktows import operations
from mktows.emulator.operations import activities, campaigns, custom_objects, leads, lists, mobjects, tags
from mktows.emulator.operations.base import Context, Handler

HANDLERS: dict[str, Handler] = {
    "getLead": leads.get_lead,
    "getMultipleLeads": leads.get_multiple_leads,
    "syncLead": leads.sync_lead,
    "syncMultipleLeads": leads.sync_multiple_leads,
    "mergeLeads": leads.merge_leads,
    "syncCustomObjects": custom_objects.sync_custom_objects,
    "getCustomObjects": custom_objects.get_custom_objects,
    "deleteCustomObjects": custom_objects.delete_custom_objects,
    "syncMObjects": mobjects.sync_mobjects,
    "getMObjects": mobjects.get_mobjects,
    "deleteMObjects": mobjects.delete_mobjects,
    "describeMObject": mobjects.describe_mobject,
    "listMObjects": mobjects.list_mobjects,
    "getLeadActivity": activities.get_lead_activity,
    "getLeadChanges": activities.get_lead_changes,
    "requestCampaign": campaigns.request_campaign,
    "scheduleCampaign": campaigns.schedule_campaign,
    "getCampaignsForSource": campaigns.get_campaigns_for_source,
    "listOperation": lists.list_operation,
    "importToList": lists.import_to_list,
    "getImportToListStatus": lists.get_import_to_list_status,
    "getChannels": tags.get_channels,
    "getTags": tags.get_tags,
}

# Operations that never write run in a read transaction, side by side with every other call: Marketo names
# them get…, describe… and listMObjects (listOperation writes).
READ_ONLY: frozenset[str] = frozenset(
    name for name in HANDLERS if name.startswith(("get", "describe")) or name == "listMObjects"
)

_missing = sorted(set(operations.OPERATIONS) ^ set(HANDLERS))
if _missing:  # pragma: no cover - a WSDL change without a handler
    raise ImportError(f"emulator handlers and WSDL operations differ: {_missing}")

__all__ = ["HANDLERS", "READ_ONLY", "Context", "Handler"]
