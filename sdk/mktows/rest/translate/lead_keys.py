"""SOAP lead keys (a ``LeadKeyRef`` and a value) read over REST's Get Leads by Filter Type (leads.md, Query),
for every translation that names leads by key: getLead, mergeLeads, getLeadActivity, getLeadChanges,
requestCampaign and importToList.

A key type becomes the ``filterType`` of the same field (swagger-mapi.json, getLeadsByFilterUsingGET); the
key look-up keeps SOAP's faults (error-codes.md): 20101 Lead Key Required, 20103 Lead Not Found where the
operation needs a lead, 20108 Lead Owner Not Found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mktows import types as t
from mktows.errors import ProtocolError, UnsupportedOperationError, fault_for
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.rest.translate import positions
from mktows.rest.translate.context import TranslationContext

LEADS_PATH = "/rest/v1/leads.json"

LEAD_KEY_REQUIRED, LEAD_NOT_FOUND, LEAD_OWNER_NOT_FOUND = 20101, 20103, 20108
"""error-codes.md: Lead Key Required, Lead Not Found, Lead Owner Not Found."""

FILTER_TYPES = {
    t.LeadKeyRef.IDNUM: "id",
    t.LeadKeyRef.COOKIE: "cookies",
    t.LeadKeyRef.EMAIL: "email",
    t.LeadKeyRef.SFDCACCOUNTID: "sfdcAccountId",
    t.LeadKeyRef.SFDCCONTACTID: "sfdcContactId",
    t.LeadKeyRef.SFDCLEADID: "sfdcLeadId",
    t.LeadKeyRef.SFDCLEADOWNERID: "sfdcLeadOwnerId",
    t.LeadKeyRef.SFDCOPPTYID: "sfdcOpptyId",
}
"""SOAP's lead key types (getlead.md) as REST's ``filterType`` (swagger-mapi.json, getLeadsByFilterUsingGET:
cookies, email, id, sfdcAccountId, sfdcContactId, sfdcLeadId, sfdcLeadOwnerId, sfdcOpptyId and custom fields).
LEADOWNEREMAIL, the lead owner's email, has none."""

OWNER_KEYS = frozenset({t.LeadKeyRef.SFDCLEADOWNERID})
"""Key types naming the lead's owner: matching no lead is SOAP's 20108 Lead Owner Not Found."""

CASELESS_KEYS = frozenset({t.LeadKeyRef.EMAIL})
"""Key types whose values REST matches regardless of case."""

MAX_PAGES_PER_QUERY = 10
"""Pages read for one query: REST refuses a filter matching over 1,000 leads (1003, leads.md "Query")."""


def filter_type(key_type: t.LeadKeyRef, operation: str) -> str:
    """REST's ``filterType`` for a SOAP key type; UnsupportedOperationError naming the documented ones for a
    key type without one."""
    found = FILTER_TYPES.get(key_type)
    if found is None:
        what = " (the lead owner's email)" if key_type is t.LeadKeyRef.LEADOWNEREMAIL else ""
        raise UnsupportedOperationError(
            f"REST's Get Leads by Filter Type cannot filter by lead key type {key_type.value}{what}: its filterType is one of {', '.join(sorted(set(FILTER_TYPES.values())))} or a custom "
            "field (swagger-mapi.json, getLeadsByFilterUsingGET)",
            operation=operation,
        )
    return found


def filter_values(values: Sequence[str], operation: str) -> str:
    """REST's comma-separated ``filterValues``; a value holding a comma cannot be sent."""
    if any("," in value for value in values):
        raise UnsupportedOperationError(
            "a key value with a comma cannot be sent in REST's comma-separated filterValues (leads.md, Query)",
            operation=operation,
        )
    return ",".join(values)


def _lead_id(record: Mapping[str, Any], operation: str) -> int:
    lead_id = record.get("id")
    if isinstance(lead_id, bool) or not isinstance(lead_id, int):
        raise ProtocolError("a REST lead record has no integer id", operation=operation)
    return lead_id


def read_leads(
    ctx: TranslationContext,
    field: str,
    values: Sequence[str],
    fields: Sequence[str],
    operation: str,
    *,
    per_query: int = REST_MAX_RECORDS_PER_CALL,
) -> list[Mapping[str, Any]]:
    """Every lead Get Leads by Filter Type finds with ``field`` (a ``filterType``) among ``values``, once each
    in id order: up to ``per_query`` (at most 300, leads.md) values a query, each query read page by page
    (bounded: REST refuses a filter matching over 1,000 leads)."""
    wanted = list(dict.fromkeys(values))
    asked = ",".join(dict.fromkeys(["id", *fields]))
    found: dict[int, Mapping[str, Any]] = {}
    for start in range(0, len(wanted), per_query):
        query: dict[str, Any] = {
            "filterType": field,
            "filterValues": filter_values(wanted[start : start + per_query], operation),
            "fields": asked,
        }
        for _ in range(MAX_PAGES_PER_QUERY):
            page = ctx.rest.get(LEADS_PATH, query, operation=operation)
            for record in page.result:
                if isinstance(record, Mapping):
                    found.setdefault(_lead_id(record, operation), record)
            token = positions.next_token(page, operation)
            if token is None:
                break
            query["nextPageToken"] = token
        else:
            raise ProtocolError(
                f"more than {MAX_PAGES_PER_QUERY} pages match one filter", operation=operation
            )
    return [found[lead_id] for lead_id in sorted(found)]


def _key_text(key_type: t.LeadKeyRef, value: str | None, operation: str) -> str:
    text = (value or "").strip()
    if not text:
        raise fault_for(LEAD_KEY_REQUIRED, f"{key_type.value} key without a value", operation=operation)
    return text


def is_lead_id(text: str) -> bool:
    """Whether an IDNUM value can name a lead: a number ("007" is lead 7); REST refuses anything else."""
    return text.lstrip("-").isdigit()


def key_leads(
    ctx: TranslationContext,
    key_type: t.LeadKeyRef,
    value: str | None,
    fields: Sequence[str],
    operation: str,
    *,
    required: bool = False,
) -> list[Mapping[str, Any]]:
    """Every lead one SOAP lead key names, in id order, with ``fields``. An empty value is 20101, an owner
    key matching nothing 20108, and, when the operation needs a lead (``required``), no match 20103."""
    text = _key_text(key_type, value, operation)
    field = filter_type(key_type, operation)
    named = key_type is not t.LeadKeyRef.IDNUM or is_lead_id(text)  # REST would refuse a non-number as an id
    found = read_leads(ctx, field, [text], fields, operation) if named else []
    if not found and key_type in OWNER_KEYS:
        raise fault_for(LEAD_OWNER_NOT_FOUND, f"no lead owner {text!r}", operation=operation)
    if not found and required:
        raise fault_for(LEAD_NOT_FOUND, f"no lead with {key_type.value} {value!r}", operation=operation)
    return found


def _matches(record: Mapping[str, Any], field: str, key_type: t.LeadKeyRef, value: str) -> bool:
    found = record.get(field)
    if found is None:
        return False
    if key_type is t.LeadKeyRef.IDNUM:
        return is_lead_id(str(found)) and int(found) == int(value)
    if key_type in CASELESS_KEYS:
        return str(found).casefold() == value.casefold()
    return str(found) == value


def ids_by_value(
    ctx: TranslationContext, key_type: t.LeadKeyRef, values: Sequence[str], operation: str
) -> dict[str, list[int]]:
    """The lead ids (in id order) each value of one key type names, values stripped and empty ones skipped;
    an owner value naming no lead is 20108. The key's field is asked back to tell the values apart; a cookie,
    which a lead record does not show, goes one value a query."""
    field = filter_type(key_type, operation)
    wanted = [v for v in dict.fromkeys(v.strip() for v in values) if v]
    if key_type is t.LeadKeyRef.IDNUM:
        wanted = [v for v in wanted if is_lead_id(v)]
    if key_type is t.LeadKeyRef.COOKIE:
        found = {
            v: [_lead_id(r, operation) for r in read_leads(ctx, field, [v], [], operation)] for v in wanted
        }
    else:
        records = read_leads(ctx, field, wanted, [field], operation)
        found = {
            v: [_lead_id(r, operation) for r in records if _matches(r, field, key_type, v)] for v in wanted
        }
    for value, ids in found.items():
        if not ids and key_type in OWNER_KEYS:
            raise fault_for(LEAD_OWNER_NOT_FOUND, f"no lead owner {value!r}", operation=operation)
    return found


def lead_ids(ctx: TranslationContext, keys: Sequence[t.LeadKey], operation: str) -> list[int]:
    """The REST ids of the leads SOAP's lead keys name, in key order without repeats (each key's leads in id
    order), one look-up per key type. A key without a value is 20101, an owner key naming no lead 20108."""
    by_type: dict[t.LeadKeyRef, list[str]] = {}
    for key in keys:
        by_type.setdefault(key.key_type, []).append(_key_text(key.key_type, key.key_value, operation))
    found = {kt: ids_by_value(ctx, kt, values, operation) for kt, values in by_type.items()}
    ids: list[int] = []
    for key in keys:
        ids.extend(i for i in found[key.key_type].get(key.key_value.strip(), []) if i not in ids)
    return ids
