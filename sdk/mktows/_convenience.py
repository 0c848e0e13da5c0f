"""The convenience layer of ``Client``: batching helpers that split input into documented call sizes, and
paging helpers that follow stream positions. Mixed into ``Client``; everything goes through ``self.ops``."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

from mktows import operations
from mktows import types as t
from mktows._operation_facts import batch_limit, page_spec
from mktows.batching import (
    BatchPlan,
    CustomObject,
    check_size,
    chunked,
    delete_custom_objects_plan,
    delete_mobjects_plan,
    run_batches,
    sync_custom_objects_plan,
    sync_mobjects_plan,
    sync_multiple_leads_plan,
)
from mktows.errors import BatchAborted, MktowsError
from mktows.marketo_limits import (
    DEFAULT_LEADS_PER_SYNC,
    MAX_CUSTOM_OBJECTS_PER_CALL,
    MAX_LEAD_KEYS_PER_CALL,
    MAX_MOBJECTS_PER_CALL,
)
from mktows.paging import Paginator
from mktows.reports import ObjectResult, ObjectStatus, SyncReport

SyncOperation = Literal["INSERT", "UPDATE", "UPSERT", "insert", "update", "upsert"]
"""The ``operation`` of a sync: the three values of ``SyncOperationEnum``, in upper or lower case (the CLI takes
the same). A ``SyncOperationEnum`` member is accepted too."""

SYNC_OPERATIONS = ("INSERT", "UPDATE", "UPSERT")


def sync_operation(operation: SyncOperation | t.SyncOperationEnum | str) -> str:
    """The canonical (upper-case) form of a sync ``operation``; ValueError for anything else."""
    value = operation.value if isinstance(operation, t.SyncOperationEnum) else operation
    canonical = value.upper() if isinstance(value, str) else None
    if canonical not in SYNC_OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(SYNC_OPERATIONS)}, got {operation!r}")
    return canonical


def _custom_objects(objects: Iterable[object]) -> Iterator[tuple[int, CustomObject | ObjectResult]]:
    """Number the inputs; one that is not a valid custom object becomes a FAILED result, not an exception."""
    for index, value in enumerate(objects):
        try:
            yield index, CustomObject.coerce(value)
        except ValueError as exc:
            keys = getattr(value, "keys", None)
            described = dict(keys) if isinstance(keys, Mapping) else {}
            yield index, ObjectResult(index, described, ObjectStatus.FAILED, f"invalid object: {exc}")


def _key_objects(keys: Iterable[object]) -> Iterator[tuple[int, CustomObject | ObjectResult]]:
    """Inputs of a delete: key mappings (``{"MKTOID": "1", "rid": "a"}``) or anything ``_custom_objects`` takes."""
    wrapped = (
        {"keys": value} if isinstance(value, Mapping) and "keys" not in value else value for value in keys
    )
    return _custom_objects(wrapped)


def _resume_position(resume_from: Any, old_name: str, old_value: Any) -> Any:
    """The position a paginator resumes from: ``resume_from``, the one keyword of all five paging helpers, or
    the keyword it replaced (``stream_position`` / ``start_position``), which still works with a warning."""
    if old_value is None:
        return resume_from
    if resume_from is not None:
        raise TypeError(f"pass resume_from or {old_name}, not both")
    warnings.warn(
        f"{old_name}= is deprecated; pass the saved position as resume_from=",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value


def _numbered(items: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    return enumerate(items)


class ConvenienceMethods:
    """Batching and paging helpers; requires ``self.ops`` (the typed operations of the client)."""

    ops: Any
    custom_objects_per_call: int = MAX_CUSTOM_OBJECTS_PER_CALL
    """The most custom objects one sync or delete call takes on this client's backend (SOAP 100, REST 300):
    the default and the limit of ``batch_size``."""

    def _call(self, operation: str, params: Any) -> Any:
        return getattr(self.ops, operations.get(operation).method)(params)

    def _batch_call(self, operation: str, params: Any) -> tuple[Any, bool]:
        """One call of a batch: its result, and whether it was repeated after an ambiguous failure (the client
        knows; this fallback for other ``ops`` providers cannot tell)."""
        return self._call(operation, params), False

    def _collect(
        self, plan: BatchPlan[Any], items: Iterable[Any], batch_size: int | None, max_workers: int
    ) -> SyncReport:
        """Run ``plan`` over ``items`` in calls of ``batch_size`` (the plan's limit when None) into a report."""
        report = SyncReport()
        size = plan.max_batch if batch_size is None else batch_size
        try:
            report.results.extend(run_batches(self._batch_call, plan, items, size, max_workers))
        except MktowsError as exc:
            raise BatchAborted(report, exc) from exc
        return report

    def _per_call(
        self,
        operation: str,
        items: Iterable[Any],
        batch_size: int,
        params: Callable[[list[Any]], Any],
    ) -> list[Any]:
        """One call of ``operation`` per ``batch_size`` items (at most its documented limit); one result per
        call."""
        check_size(operation, batch_size, batch_limit(operation))
        return [self._call(operation, params(chunk)) for chunk in chunked(items, batch_size)]

    # --- batching ------------------------------------------------------------------------------------

    def iter_sync_custom_objects(
        self,
        obj_type_name: str,
        objects: Iterable[CustomObject | t.CustomObj | Mapping[str, Any]],
        operation: SyncOperation | t.SyncOperationEnum = "UPSERT",
        batch_size: int | None = None,
        max_workers: int = 1,
    ) -> Iterator[ObjectResult]:
        """Like ``sync_custom_objects`` but streams: yields each object's result in input order as calls finish,
        holding only a few batches in memory (for inputs too large to keep a report of)."""
        plan = sync_custom_objects_plan(
            obj_type_name, sync_operation(operation), self.custom_objects_per_call
        )
        size = plan.max_batch if batch_size is None else batch_size
        return run_batches(self._batch_call, plan, _custom_objects(objects), size, max_workers)

    def sync_custom_objects(
        self,
        obj_type_name: str,
        objects: Iterable[CustomObject | t.CustomObj | Mapping[str, Any]],
        operation: SyncOperation | t.SyncOperationEnum = "UPSERT",
        batch_size: int | None = None,
        max_workers: int = 1,
    ) -> SyncReport:
        """Insert, update or upsert custom objects in calls of at most 100 (300 over REST), one result each.

        ``operation`` is INSERT, UPDATE or UPSERT in either case, or a ``SyncOperationEnum``. A partial failure
        is data (``report.failed``), not an exception; throttles are waited out by the client. An error that
        would fail every call (authentication, access, daily quota, a throttle outlasting the retry policy's
        bounds), 3 calls in a row failing the same way (``RepeatedFailureError``) or a response that does not
        account for its objects stops the run: ``BatchAborted`` is raised, its ``report`` holding the results
        obtained before it and its ``error`` (and ``__cause__``) the reason.
        """
        plan = sync_custom_objects_plan(
            obj_type_name, sync_operation(operation), self.custom_objects_per_call
        )
        return self._collect(plan, _custom_objects(objects), batch_size, max_workers)

    def delete_custom_objects(
        self,
        obj_type_name: str,
        keys: Iterable[Mapping[str, Any] | CustomObject | t.CustomObj],
        batch_size: int | None = None,
        max_workers: int = 1,
    ) -> SyncReport:
        """Delete custom objects by their dedupe keys, in calls of at most 100 (300 over REST); statuses
        DELETED, UNCHANGED, FAILED."""
        plan = delete_custom_objects_plan(obj_type_name, self.custom_objects_per_call)
        return self._collect(plan, _key_objects(keys), batch_size, max_workers)

    def sync_mobjects(
        self,
        mobjects: Iterable[t.MObject],
        operation: SyncOperation | t.SyncOperationEnum = "UPSERT",
        batch_size: int = MAX_MOBJECTS_PER_CALL,
        max_workers: int = 1,
    ) -> SyncReport:
        """Create or update MObjects (Opportunity, OpportunityPersonRole, Program) in calls of at most 100."""
        plan = sync_mobjects_plan(sync_operation(operation))
        return self._collect(plan, _numbered(mobjects), batch_size, max_workers)

    def delete_mobjects(
        self, mobjects: Iterable[t.MObject], batch_size: int = MAX_MOBJECTS_PER_CALL, max_workers: int = 1
    ) -> SyncReport:
        """Delete MObjects (type and id) in calls of at most 100."""
        return self._collect(delete_mobjects_plan(), _numbered(mobjects), batch_size, max_workers)

    def sync_multiple_leads(
        self,
        leads: Iterable[t.LeadRecord],
        dedup_enabled: bool | None = None,
        batch_size: int = DEFAULT_LEADS_PER_SYNC,
        max_workers: int = 1,
    ) -> SyncReport:
        """Create or update leads in calls of at most 300 (Marketo's recommended maximum), one result per lead."""
        plan = sync_multiple_leads_plan(dedup_enabled)
        return self._collect(plan, _numbered(leads), batch_size, max_workers)

    def request_campaign(
        self,
        lead_keys: Iterable[t.LeadKey],
        *,
        source: str = "MKTOWS",
        campaign_id: int | None = None,
        campaign_name: str | None = None,
        program_name: str | None = None,
        program_tokens: Mapping[str, str] | None = None,
        batch_size: int = MAX_LEAD_KEYS_PER_CALL,
    ) -> list[t.ResultRequestCampaign]:
        """Add leads to a campaign in calls of at most 100 lead keys (Marketo ignores keys past 100); one result
        per call."""
        tokens = (
            t.ArrayOfAttrib(attrib=[t.Attrib(name=k, value=v) for k, v in program_tokens.items()])
            if program_tokens is not None
            else None
        )

        def params(chunk: list[t.LeadKey]) -> t.ParamsRequestCampaign:
            return t.ParamsRequestCampaign(
                source=t.ReqCampSourceType(source),
                campaign_id=campaign_id,
                lead_list=t.ArrayOfLeadKey(lead_key=chunk),
                program_name=program_name,
                campaign_name=campaign_name,
                program_token_list=tokens,
            )

        return self._per_call("requestCampaign", lead_keys, batch_size, params)

    def list_operation(
        self,
        operation: str,
        list_key: t.ListKey,
        lead_keys: Iterable[t.LeadKey],
        *,
        strict: bool | None = None,
        batch_size: int = MAX_LEAD_KEYS_PER_CALL,
    ) -> list[t.ResultListOperation]:
        """ADDTOLIST, REMOVEFROMLIST or ISMEMBEROFLIST for many leads, in calls of ``batch_size`` lead keys
        (default 100; Marketo's documented maximum is 1000); one result per call."""

        def params(chunk: list[t.LeadKey]) -> t.ParamsListOperation:
            return t.ParamsListOperation(
                list_operation=t.ListOperationType(operation),
                list_key=list_key,
                list_member_list=t.ArrayOfLeadKey(lead_key=chunk),
                strict=strict,
            )

        return self._per_call("listOperation", lead_keys, batch_size, params)

    # --- paging --------------------------------------------------------------------------------------

    def _paginate(self, operation: str, params: Any, position: Any) -> Paginator[Any]:
        return Paginator(self._call, operation, page_spec(operation), params, position)

    def get_custom_objects(
        self,
        obj_type_name: str,
        *,
        keys: Mapping[str, Any] | None = None,
        include_attributes: Iterable[str] = (),
        batch_size: int | None = None,
        resume_from: str | None = None,
        stream_position: str | None = None,
    ) -> Paginator[t.CustomObj]:
        """Iterate custom objects of a type (optionally those matching ``keys``), page by page; resumable from
        ``resume_from`` (a ``Paginator.position`` saved earlier; ``stream_position`` is its deprecated name)."""
        if batch_size is not None:
            check_size("getCustomObjects", batch_size, MAX_CUSTOM_OBJECTS_PER_CALL)
        key_list = (
            t.ArrayOfAttribute(
                attribute=[t.Attribute(attr_name=k, attr_value=str(v)) for k, v in keys.items()]
            )
            if keys
            else None
        )
        params = t.ParamsGetCustomObjects(
            obj_type_name=obj_type_name,
            batch_size=batch_size,
            custom_obj_key_list=key_list,
            include_attributes=t.ArrayOfString(string_item=list(include_attributes)),
        )
        return self._paginate(
            "getCustomObjects", params, _resume_position(resume_from, "stream_position", stream_position)
        )

    def get_mobjects(
        self,
        params: t.ParamsGetMObjects,
        *,
        resume_from: str | None = None,
        stream_position: str | None = None,
    ) -> Paginator[t.MObject]:
        """Iterate the MObjects matching ``params``, following ``newStreamPosition`` while ``hasMore``; resumable
        from ``resume_from``."""
        return self._paginate(
            "getMObjects", params, _resume_position(resume_from, "stream_position", stream_position)
        )

    def get_multiple_leads(
        self,
        params: t.ParamsGetMultipleLeads,
        *,
        resume_from: str | None = None,
        stream_position: str | None = None,
    ) -> Paginator[t.LeadRecord]:
        """Iterate the leads selected by ``params`` (a LeadKeySelector, StaticListSelector or LastUpdateAtSelector);
        resumable from ``resume_from``."""
        return self._paginate(
            "getMultipleLeads", params, _resume_position(resume_from, "stream_position", stream_position)
        )

    def get_lead_activity(
        self,
        params: t.ParamsGetLeadActivity,
        *,
        resume_from: t.StreamPosition | None = None,
        start_position: t.StreamPosition | None = None,
    ) -> Paginator[t.ActivityRecord]:
        """Iterate a lead's activity records, following ``newStartPosition``; resumable from ``resume_from``."""
        resume = _resume_position(resume_from, "start_position", start_position)
        return self._paginate("getLeadActivity", params, resume or params.start_position)

    def get_lead_changes(
        self,
        params: t.ParamsGetLeadChanges,
        *,
        resume_from: t.StreamPosition | None = None,
        start_position: t.StreamPosition | None = None,
    ) -> Paginator[t.LeadChangeRecord]:
        """Iterate lead changes from ``params.start_position``, or from ``resume_from`` (a saved position)."""
        resume = _resume_position(resume_from, "start_position", start_position)
        return self._paginate("getLeadChanges", params, resume or params.start_position)
