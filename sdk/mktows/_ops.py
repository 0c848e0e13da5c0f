"""``client.ops``: one typed method per mktows operation, 23 in all; each is one SOAP call, no batching.

Each method takes the generated ``Params…`` class and returns the generated ``Result…`` class, so an editor
completes the parameters and the result fields and ``mypy --strict`` checks both. The work is done by the
client's ``call(operation, params)``; this class only gives every operation its exact types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from mktows.types import (
    LeadActivityList,
    ParamsDeleteCustomObjects,
    ParamsDeleteMObjects,
    ParamsDescribeMObject,
    ParamsGetCampaignsForSource,
    ParamsGetChannels,
    ParamsGetCustomObjects,
    ParamsGetImportToListStatus,
    ParamsGetLead,
    ParamsGetLeadActivity,
    ParamsGetLeadChanges,
    ParamsGetMObjects,
    ParamsGetMultipleLeads,
    ParamsGetTags,
    ParamsImportToList,
    ParamsListMObjects,
    ParamsListOperation,
    ParamsMergeLeads,
    ParamsRequestCampaign,
    ParamsScheduleCampaign,
    ParamsSyncCustomObjects,
    ParamsSyncLead,
    ParamsSyncMObjects,
    ParamsSyncMultipleLeads,
    ResultDeleteCustomObjects,
    ResultDeleteMObjects,
    ResultDescribeMObject,
    ResultGetCampaignsForSource,
    ResultGetChannels,
    ResultGetCustomObjects,
    ResultGetImportToListStatus,
    ResultGetLead,
    ResultGetLeadChanges,
    ResultGetMObjects,
    ResultGetMultipleLeads,
    ResultGetTags,
    ResultImportToList,
    ResultListMObjects,
    ResultListOperation,
    ResultMergeLeads,
    ResultRequestCampaign,
    ResultScheduleCampaign,
    ResultSyncCustomObjects,
    ResultSyncLead,
    ResultSyncMObjects,
    ResultSyncMultipleLeads,
)

Caller = Callable[[str, Any], Any]
"""``(operation WSDL name, params) -> result object``: the client's single call path."""


class Operations:
    """The 23 operations as typed methods, named in snake_case (``sync_custom_objects``, ``get_mobjects``)."""

    __slots__ = ("_call",)

    def __init__(self, call: Caller) -> None:
        self._call = call

    def delete_custom_objects(self, params: ParamsDeleteCustomObjects) -> ResultDeleteCustomObjects:
        """deleteCustomObjects: Delete custom objects by their dedupe keys (one status per object)."""
        return cast(ResultDeleteCustomObjects, self._call("deleteCustomObjects", params))

    def delete_mobjects(self, params: ParamsDeleteMObjects) -> ResultDeleteMObjects:
        """deleteMObjects: Delete MObjects (Opportunity, OpportunityPersonRole) by type and id."""
        return cast(ResultDeleteMObjects, self._call("deleteMObjects", params))

    def describe_mobject(self, params: ParamsDescribeMObject) -> ResultDescribeMObject:
        """describeMObject: Describe the fields of an MObject type (ActivityRecord, LeadRecord, Opportunity, ...)."""
        return cast(ResultDescribeMObject, self._call("describeMObject", params))

    def get_campaigns_for_source(self, params: ParamsGetCampaignsForSource) -> ResultGetCampaignsForSource:
        """getCampaignsForSource: List the smart campaigns callable from a source (MKTOWS or SALES)."""
        return cast(ResultGetCampaignsForSource, self._call("getCampaignsForSource", params))

    def get_channels(self, params: ParamsGetChannels) -> ResultGetChannels:
        """getChannels: List program channels, optionally only those with the given tag values."""
        return cast(ResultGetChannels, self._call("getChannels", params))

    def get_custom_objects(self, params: ParamsGetCustomObjects) -> ResultGetCustomObjects:
        """getCustomObjects: One page of custom objects matching key attributes; follow ``newStreamPosition`` for more."""
        return cast(ResultGetCustomObjects, self._call("getCustomObjects", params))

    def get_import_to_list_status(self, params: ParamsGetImportToListStatus) -> ResultGetImportToListStatus:
        """getImportToListStatus: The status of an importToList job (poll at most once per minute)."""
        return cast(ResultGetImportToListStatus, self._call("getImportToListStatus", params))

    def get_lead(self, params: ParamsGetLead) -> ResultGetLead:
        """getLead: The lead(s) matching one lead key."""
        return cast(ResultGetLead, self._call("getLead", params))

    def get_lead_activity(self, params: ParamsGetLeadActivity) -> LeadActivityList:
        """getLeadActivity: One page of a lead's activity history; follow ``newStartPosition`` for more."""
        return cast(LeadActivityList, self._call("getLeadActivity", params))

    def get_lead_changes(self, params: ParamsGetLeadChanges) -> ResultGetLeadChanges:
        """getLeadChanges: One page of lead changes across leads; follow ``newStartPosition`` for more."""
        return cast(ResultGetLeadChanges, self._call("getLeadChanges", params))

    def get_mobjects(self, params: ParamsGetMObjects) -> ResultGetMObjects:
        """getMObjects: One page of MObjects (Opportunity, OpportunityPersonRole, Program) matching criteria."""
        return cast(ResultGetMObjects, self._call("getMObjects", params))

    def get_multiple_leads(self, params: ParamsGetMultipleLeads) -> ResultGetMultipleLeads:
        """getMultipleLeads: One page of leads chosen by a lead selector; follow ``newStreamPosition`` for more."""
        return cast(ResultGetMultipleLeads, self._call("getMultipleLeads", params))

    def get_tags(self, params: ParamsGetTags) -> ResultGetTags:
        """getTags: List tag types and their allowed values."""
        return cast(ResultGetTags, self._call("getTags", params))

    def import_to_list(self, params: ParamsImportToList) -> ResultImportToList:
        """importToList: Start an asynchronous import of lead rows into a static list."""
        return cast(ResultImportToList, self._call("importToList", params))

    def list_mobjects(self, params: ParamsListMObjects) -> ResultListMObjects:
        """listMObjects: The names of the MObject types describeMObject accepts."""
        return cast(ResultListMObjects, self._call("listMObjects", params))

    def list_operation(self, params: ParamsListOperation) -> ResultListOperation:
        """listOperation: Add leads to, remove them from, or test their membership of a static list."""
        return cast(ResultListOperation, self._call("listOperation", params))

    def merge_leads(self, params: ParamsMergeLeads) -> ResultMergeLeads:
        """mergeLeads: Merge losing leads into a winning lead."""
        return cast(ResultMergeLeads, self._call("mergeLeads", params))

    def request_campaign(self, params: ParamsRequestCampaign) -> ResultRequestCampaign:
        """requestCampaign: Run leads (at most 100 keys) through a smart campaign."""
        return cast(ResultRequestCampaign, self._call("requestCampaign", params))

    def schedule_campaign(self, params: ParamsScheduleCampaign) -> ResultScheduleCampaign:
        """scheduleCampaign: Schedule a batch smart campaign, optionally with program token values."""
        return cast(ResultScheduleCampaign, self._call("scheduleCampaign", params))

    def sync_custom_objects(self, params: ParamsSyncCustomObjects) -> ResultSyncCustomObjects:
        """syncCustomObjects: Insert, update or upsert at most 100 custom objects (one status per object)."""
        return cast(ResultSyncCustomObjects, self._call("syncCustomObjects", params))

    def sync_lead(self, params: ParamsSyncLead) -> ResultSyncLead:
        """syncLead: Create or update one lead (sends the MktowsContextHeader when the client has a target_workspace)."""
        return cast(ResultSyncLead, self._call("syncLead", params))

    def sync_mobjects(self, params: ParamsSyncMObjects) -> ResultSyncMObjects:
        """syncMObjects: Create or update at most 100 MObjects (one status per object)."""
        return cast(ResultSyncMObjects, self._call("syncMObjects", params))

    def sync_multiple_leads(self, params: ParamsSyncMultipleLeads) -> ResultSyncMultipleLeads:
        """syncMultipleLeads: Create or update several leads (Marketo recommends at most 300 per call)."""
        return cast(ResultSyncMultipleLeads, self._call("syncMultipleLeads", params))
