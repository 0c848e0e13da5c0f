"""Splitting large inputs into calls within Marketo's documented limits, and mapping each answer back.

One generic engine (``run_batches``) and, per operation, a ``BatchPlan`` saying how to build a call's params
from a chunk of items and how to read one status per item from its result. Every item handed in ends up in
exactly one ``ObjectResult``; a response that does not account for every item of its call raises
``ProtocolError``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from mktows import types as t
from mktows._operation_facts import batch_limit
from mktows.errors import MktowsError, ProtocolError, RepeatedFailureError, classify
from mktows.reports import ObjectResult, ObjectStatus

Item = TypeVar("Item")


@dataclass(frozen=True)
class CustomObject:
    """One custom object record: its dedupe key fields and its other fields, all as strings on the wire."""

    keys: Mapping[str, str]
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def coerce(cls, value: object) -> CustomObject:
        """Accept a ``CustomObject``, the generated ``CustomObj`` or a ``{"keys": ..., "attributes": ...}`` mapping."""
        if isinstance(value, CustomObject):
            return cls(
                keys=_string_map(value.keys, "keys"), attributes=_string_map(value.attributes, "attributes")
            )
        if isinstance(value, t.CustomObj):
            keys = _attributes_to_map(value.custom_obj_key_list)
            attributes = _attributes_to_map(value.custom_obj_attribute_list)
            return cls(keys=_string_map(keys, "keys"), attributes=_string_map(attributes, "attributes"))
        if isinstance(value, Mapping):
            unknown = set(value) - {"keys", "attributes"}
            if unknown:
                raise ValueError(f"unexpected entries {sorted(unknown)}: expected 'keys' and 'attributes'")
            if "keys" not in value:
                raise ValueError("missing 'keys'")
            return cls(
                keys=_string_map(value["keys"], "keys"),
                attributes=_string_map(value.get("attributes") or {}, "attributes"),
            )
        raise ValueError(f"expected CustomObject, CustomObj or a mapping, got {type(value).__name__}")

    def to_wsdl(self) -> t.CustomObj:
        return t.CustomObj(
            custom_obj_key_list=_map_to_attributes(self.keys),
            custom_obj_attribute_list=_map_to_attributes(self.attributes) if self.attributes else None,
        )


def _string_map(value: object, what: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a mapping of field name to value, got {type(value).__name__}")
    out: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"{what}: field names must be non-empty strings, got {name!r}")
        if item is None:
            raise ValueError(f"{what}: field {name!r} has no value")
        out[name] = item if isinstance(item, str) else str(item)
    if what == "keys" and not out:
        raise ValueError("keys must name at least one dedupe field")
    return out


def _attributes_to_map(array: t.ArrayOfAttribute | None) -> dict[str, str]:
    if array is None:
        return {}
    return {attribute.attr_name: attribute.attr_value for attribute in array.attribute}


def _map_to_attributes(values: Mapping[str, str]) -> t.ArrayOfAttribute:
    return t.ArrayOfAttribute(attribute=[t.Attribute(attr_name=k, attr_value=v) for k, v in values.items()])


@dataclass(frozen=True)
class BatchPlan(Generic[Item]):
    """How one operation is batched: the limit, the params of a call, and one status per item of its result."""

    operation: str
    max_batch: int
    build_params: Callable[[Sequence[Item]], Any]
    read_statuses: Callable[[Any], Sequence[Any]]
    to_result: Callable[[int, Item, Any], ObjectResult]
    describe: Callable[[Item], Mapping[str, str]]


def check_size(operation: str, batch_size: int, limit: int) -> None:
    """A clear ValueError for a batch size outside 1..limit (the documented maximum of that operation)."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 1 <= batch_size <= limit:
        raise ValueError(f"batch_size for {operation} must be between 1 and {limit}, got {batch_size!r}")


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


BatchCall = Callable[[str, Any], tuple[Any, bool]]
"""Sends one call: (operation, params) -> (its result, whether it was repeated after an ambiguous failure)."""

STOP_AFTER_REPEATED_FAILURES = 3
"""A batch run stops when this many consecutive batches fail the same way (``RepeatedFailureError``)."""


@dataclass(frozen=True)
class _Outcome:
    """The results of one chunk; ``error`` is set when the whole call failed."""

    results: list[ObjectResult]
    error: MktowsError | None = None
    sent: bool = True  # False for objects refused locally, which no call carried


def _failure_kind(error: MktowsError) -> tuple[str, object, object]:
    """What makes two batch failures 'the same way' (messages differ in details such as addresses)."""
    return type(error).__name__, getattr(error, "code", None), getattr(error, "status_code", None)


def _run_one_batch(call: BatchCall, plan: BatchPlan[Item], chunk: list[tuple[int, Item]]) -> _Outcome:
    items = [item for _, item in chunk]
    try:
        result, repeated = call(plan.operation, plan.build_params(items))
    except MktowsError as exc:
        if classify(exc).stops_batch_run:  # every later call would fail too
            raise
        error = f"{type(exc).__name__}: {exc}"  # this batch failed after the client's retries
        failed = [
            ObjectResult(index, plan.describe(item), ObjectStatus.FAILED, error) for index, item in chunk
        ]
        return _Outcome(failed, exc)
    statuses = list(plan.read_statuses(result))
    if len(statuses) != len(chunk):
        raise ProtocolError(
            f"{plan.operation}: the response has {len(statuses)} statuses for {len(chunk)} objects sent",
            operation=plan.operation,
        )
    results = [
        plan.to_result(index, item, status) for (index, item), status in zip(chunk, statuses, strict=True)
    ]
    if repeated:
        results = [replace(r, repeated=True) for r in results]
    return _Outcome(results)


def _stop_on_repeated_failures(
    outcomes: Iterable[_Outcome], stop_after: int | None
) -> Iterator[ObjectResult]:
    """Yield the outcomes' results in order, holding back failed batches while they fail the same way; when
    ``stop_after`` of them have, raise ``RepeatedFailureError`` without reporting the held objects: sending the
    rest could only fail too, so the run is better stopped, fixed and resumed. A run too short for that many
    batches stops the same way when every call it made failed the same way (a dead endpoint met at once)."""
    held: list[_Outcome] = []  # the current streak of failures, and unsent results that came in between
    streak = 0
    kind: tuple[str, object, object] | None = None
    last_error: MktowsError | None = None
    calls = 0  # calls made; a streak as long as this is every call of the run
    for outcome in outcomes:
        error = outcome.error
        if error is not None:
            if held and _failure_kind(error) != kind:
                yield from (result for earlier in held for result in earlier.results)
                held.clear()
                streak = 0
            kind = _failure_kind(error)
            last_error = error
            held.append(outcome)
            streak += 1
            calls += 1
            if stop_after is not None and streak >= stop_after:
                raise RepeatedFailureError(error, streak)
        elif held and not outcome.sent:  # locally refused objects keep their place behind the streak
            held.append(outcome)
        else:
            calls += outcome.sent
            yield from (result for earlier in held for result in earlier.results)
            held.clear()
            streak = 0
            yield from outcome.results
    if stop_after is not None and last_error is not None and 0 < streak == calls:
        raise RepeatedFailureError(last_error, streak)
    yield from (result for earlier in held for result in earlier.results)


def run_batches(
    call: BatchCall,
    plan: BatchPlan[Item],
    items: Iterable[tuple[int, Item | ObjectResult]],
    batch_size: int,
    max_workers: int = 1,
    stop_after: int | None = STOP_AFTER_REPEATED_FAILURES,
) -> Iterator[ObjectResult]:
    """Send ``items`` in calls of ``batch_size`` and yield one result per item, in input order.

    ``items`` are ``(index, item)`` pairs; a pair whose item is already an ``ObjectResult`` (an input that
    failed local validation) is passed through in its place without being sent. With ``max_workers`` > 1,
    up to that many calls run at once (the client's limits still apply); memory stays bounded by a read-ahead
    of ``2 * max_workers`` batches. A failed call marks its objects FAILED, unless ``stop_after`` calls in a
    row fail the same way: then ``RepeatedFailureError`` is raised and those calls' objects are not yielded.
    """
    check_size(plan.operation, batch_size, plan.max_batch)
    if max_workers < 1:
        raise ValueError(f"max_workers must be at least 1, got {max_workers!r}")
    if stop_after is not None and stop_after < 1:
        raise ValueError(f"stop_after must be at least 1 or None, got {stop_after!r}")

    def sendable(pairs: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
        """Group pairs into chunks of sendable items; locally failed ones travel in their own 'chunk'."""
        pending: list[tuple[int, Any]] = []
        for index, item in pairs:
            if isinstance(item, ObjectResult):
                if pending:
                    yield pending
                    pending = []
                yield [(index, item)]
                continue
            pending.append((index, item))
            if len(pending) == batch_size:
                yield pending
                pending = []
        if pending:
            yield pending

    def handle(chunk: list[tuple[int, Any]]) -> _Outcome:
        if len(chunk) == 1 and isinstance(chunk[0][1], ObjectResult):
            return _Outcome([chunk[0][1]], sent=False)
        return _run_one_batch(call, plan, chunk)

    def outcomes() -> Generator[_Outcome, None, None]:
        chunks = sendable(items)
        if max_workers == 1:
            yield from map(handle, chunks)
            return
        with ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix=f"mktows-{plan.operation}"
        ) as pool:
            in_flight: deque[Future[_Outcome]] = deque()
            try:
                for chunk in chunks:
                    in_flight.append(pool.submit(handle, chunk))
                    while len(in_flight) >= 2 * max_workers:
                        yield in_flight.popleft().result()
                while in_flight:
                    yield in_flight.popleft().result()
            finally:
                for future in in_flight:
                    future.cancel()

    ordered = outcomes()
    try:
        yield from _stop_on_repeated_failures(ordered, stop_after)
    finally:
        ordered.close()


# --- plans -----------------------------------------------------------------------------------------------


def _status(value: Any) -> ObjectStatus:
    raw = getattr(value, "value", value)
    try:
        return ObjectStatus(str(raw))
    except ValueError:
        raise ProtocolError(f"unknown object status {raw!r}") from None


def _custom_object_result(operation: str) -> Callable[[int, CustomObject, Any], ObjectResult]:
    def to_result(index: int, item: CustomObject, status: Any) -> ObjectResult:
        echoed = _attributes_to_map(status.custom_obj_key_list)
        if echoed and echoed != dict(item.keys):
            raise ProtocolError(
                f"{operation}: status {index} is for keys {sorted(echoed)} values that differ from the object sent",
                operation=operation,
            )
        return ObjectResult(index, dict(item.keys), _status(status.status), status.error or None)

    return to_result


def sync_custom_objects_plan(
    obj_type_name: str, operation: str, max_batch: int | None = None
) -> BatchPlan[CustomObject]:
    return BatchPlan(
        operation="syncCustomObjects",
        max_batch=max_batch if max_batch is not None else batch_limit("syncCustomObjects"),
        build_params=lambda items: t.ParamsSyncCustomObjects(
            obj_type_name=obj_type_name,
            custom_obj_list=t.ArrayOfCustomObj(custom_obj=[item.to_wsdl() for item in items]),
            operation=t.SyncOperationEnum(operation),
        ),
        read_statuses=lambda result: result.sync_custom_obj_status_list.sync_custom_obj_status,
        to_result=_custom_object_result("syncCustomObjects"),
        describe=lambda item: dict(item.keys),
    )


def delete_custom_objects_plan(obj_type_name: str, max_batch: int | None = None) -> BatchPlan[CustomObject]:
    return BatchPlan(
        operation="deleteCustomObjects",
        max_batch=max_batch if max_batch is not None else batch_limit("deleteCustomObjects"),
        build_params=lambda items: t.ParamsDeleteCustomObjects(
            obj_type_name=obj_type_name,
            custom_obj_key_lists=t.ArrayOfKeyList(key_list=[_map_to_attributes(item.keys) for item in items]),
        ),
        read_statuses=lambda result: result.delete_custom_obj_status_list.sync_custom_obj_status,
        to_result=_custom_object_result("deleteCustomObjects"),
        describe=lambda item: dict(item.keys),
    )


def _describe_mobject(item: t.MObject) -> dict[str, str]:
    described = {"type": item.type_value}
    if item.id is not None:
        described["id"] = str(item.id)
    if item.external_key is not None:
        described[item.external_key.name] = item.external_key.value
    return described


def _mobject_result(operation: str) -> Callable[[int, t.MObject, Any], ObjectResult]:
    def to_result(index: int, item: t.MObject, status: Any) -> ObjectResult:
        if item.id is not None and status.id is not None and status.id != item.id:
            raise ProtocolError(
                f"{operation}: status {index} is for MObject id {status.id}, sent id {item.id}",
                operation=operation,
            )
        keys = _describe_mobject(item)
        if status.id is not None:
            keys["id"] = str(status.id)
        return ObjectResult(index, keys, _status(status.status), status.error or None)

    return to_result


def sync_mobjects_plan(operation: str) -> BatchPlan[t.MObject]:
    return BatchPlan(
        operation="syncMObjects",
        max_batch=batch_limit("syncMObjects"),
        build_params=lambda items: t.ParamsSyncMObjects(
            m_object_list=t.ArrayOfMObject(m_object=list(items)), operation=t.SyncOperationEnum(operation)
        ),
        read_statuses=lambda result: result.m_obj_status_list.m_obj_status,
        to_result=_mobject_result("syncMObjects"),
        describe=_describe_mobject,
    )


def delete_mobjects_plan() -> BatchPlan[t.MObject]:
    return BatchPlan(
        operation="deleteMObjects",
        max_batch=batch_limit("deleteMObjects"),
        build_params=lambda items: t.ParamsDeleteMObjects(
            m_object_list=t.ArrayOfMObject(m_object=list(items))
        ),
        read_statuses=lambda result: result.m_obj_status_list.m_obj_status,
        to_result=_mobject_result("deleteMObjects"),
        describe=_describe_mobject,
    )


def _describe_lead(item: t.LeadRecord) -> dict[str, str]:
    described: dict[str, str] = {}
    if item.id is not None:
        described["Id"] = str(item.id)
    if item.email is not None:
        described["Email"] = item.email
    if item.foreign_sys_person_id is not None:
        described["ForeignSysPersonId"] = item.foreign_sys_person_id
    return described


def _lead_result(index: int, item: t.LeadRecord, status: Any) -> ObjectResult:
    keys = _describe_lead(item)
    keys["Id"] = str(status.lead_id)
    return ObjectResult(index, keys, _status(status.status), status.error or None)


def sync_multiple_leads_plan(dedup_enabled: bool | None) -> BatchPlan[t.LeadRecord]:
    return BatchPlan(
        operation="syncMultipleLeads",
        max_batch=batch_limit("syncMultipleLeads"),
        build_params=lambda items: t.ParamsSyncMultipleLeads(
            lead_record_list=t.ArrayOfLeadRecord(lead_record=list(items)), dedup_enabled=dedup_enabled
        ),
        read_statuses=lambda result: result.sync_status_list.sync_status,
        to_result=_lead_result,
        describe=_describe_lead,
    )
