"""What the WSDL does not say about each operation, in one hand-written table keyed by operation name.

Per operation: whether it may be sent again after an ambiguous failure (the service may already have acted)
and why, how it pages, and how the convenience layer batches it and its documented limit. (Its REST
translation is in ``mktows.rest.translate.TRANSLATIONS``, which loads only with the REST client.) The table
is checked against the generated operation table at import: an operation without an entry here (a new WSDL
version, say) is an ImportError naming it, not a KeyError at call time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mktows import marketo_limits as documented
from mktows.operations import OPERATIONS
from mktows.paging import PageSpec


@dataclass(frozen=True)
class Batching:
    """How the convenience layer splits a large input into calls of this operation.

    ``limit`` is the documented maximum of items per call (``unit``); ``per_item`` is True when the result
    carries one status per item (``run_batches`` and a report), False when it is one result per call.
    """

    limit: int
    unit: str
    per_item: bool


@dataclass(frozen=True)
class OperationFacts:
    """The hand-kept facts of one operation."""

    repeatable: bool
    why: str
    paging: PageSpec | None = None
    batching: Batching | None = None


_READ = "read only"


def _read(paging: PageSpec | None = None) -> OperationFacts:
    return OperationFacts(True, _READ, paging=paging)


def _pages(input_token: str, output_token: str, records: tuple[str, str], has_more: bool = False) -> PageSpec:
    more = (lambda result: bool(result.has_more)) if has_more else (lambda result: result.remaining_count > 0)
    return PageSpec(input_token, output_token, records, more)


_STREAM = ("stream_position", "new_stream_position")
_START = ("start_position", "new_start_position")

FACTS: Mapping[str, OperationFacts] = MappingProxyType(
    {
        "describeMObject": _read(),
        "getCampaignsForSource": _read(),
        "getChannels": _read(),
        "getCustomObjects": _read(_pages(*_STREAM, ("custom_obj_list", "custom_obj"))),
        "getImportToListStatus": _read(),
        "getLead": _read(),
        "getLeadActivity": _read(_pages(*_START, ("activity_record_list", "activity_record"))),
        "getLeadChanges": _read(_pages(*_START, ("lead_change_record_list", "lead_change_record"))),
        "getMObjects": _read(_pages(*_STREAM, ("m_object_list", "m_object"), has_more=True)),
        "getMultipleLeads": _read(_pages(*_STREAM, ("lead_record_list", "lead_record"))),
        "getTags": _read(),
        "listMObjects": _read(),
        "syncCustomObjects": OperationFacts(
            True,
            "keyed by the dedupe fields: a repeat updates (or skips) the same objects",
            batching=Batching(documented.MAX_CUSTOM_OBJECTS_PER_CALL, "custom objects", per_item=True),
        ),
        "deleteCustomObjects": OperationFacts(
            True,
            "keyed by the dedupe fields: a repeat deletes nothing more",
            batching=Batching(documented.MAX_CUSTOM_OBJECTS_PER_CALL, "custom objects", per_item=True),
        ),
        "syncMObjects": OperationFacts(
            False,
            "objects without an id would be created a second time",
            batching=Batching(documented.MAX_MOBJECTS_PER_CALL, "MObjects", per_item=True),
        ),
        "deleteMObjects": OperationFacts(
            True,
            "keyed by id: a repeat deletes nothing more",
            batching=Batching(documented.MAX_MOBJECTS_PER_CALL, "MObjects", per_item=True),
        ),
        "syncMultipleLeads": OperationFacts(
            False,
            "leads without a key the service dedupes on would be created a second time",
            batching=Batching(documented.DEFAULT_LEADS_PER_SYNC, "leads", per_item=True),
        ),
        "listOperation": OperationFacts(
            True,
            "list membership is a set: adding or removing twice ends the same",
            batching=Batching(documented.MAX_LIST_MEMBERS_PER_CALL, "lead keys", per_item=False),
        ),
        "requestCampaign": OperationFacts(
            False,
            "a second request would run the campaign's flow for the leads twice",
            batching=Batching(documented.MAX_LEAD_KEYS_PER_CALL, "lead keys", per_item=False),
        ),
        "scheduleCampaign": OperationFacts(False, "a second call would schedule a second run"),
        "syncLead": OperationFacts(False, "a lead without a matching key would be created a second time"),
        "mergeLeads": OperationFacts(False, "the losing leads are gone after the first merge"),
        "importToList": OperationFacts(False, "a second import would start a second import job"),
    }
)


def _check_complete() -> None:
    missing = sorted(set(OPERATIONS) - set(FACTS))
    unknown = sorted(set(FACTS) - set(OPERATIONS))
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"no facts for operations {', '.join(missing)}")
        if unknown:
            problems.append(f"facts for operations the WSDL does not define: {', '.join(unknown)}")
        raise ImportError(f"mktows._operation_facts: {'; '.join(problems)} (add them to FACTS)")


_check_complete()


def facts(operation: str) -> OperationFacts:
    """The facts of one operation by its WSDL name."""
    return FACTS[operation]


REPEATABLE_OPERATIONS: frozenset[str] = frozenset(name for name, f in FACTS.items() if f.repeatable)
"""Operations that are safe to send again after an ambiguous failure (``FACTS[name].why`` says why)."""


def page_spec(operation: str) -> PageSpec:
    """How ``operation`` pages; a ValueError for an operation that does not."""
    spec = FACTS[operation].paging
    if spec is None:
        raise ValueError(f"{operation} does not page")
    return spec


def batch_limit(operation: str) -> int:
    """The documented maximum of items per call of ``operation``; a ValueError for one that is not batched."""
    batching = FACTS[operation].batching
    if batching is None:
        raise ValueError(f"{operation} is not batched")
    return batching.limit
