"""SOAP lead keys → REST lead ids, for the operations that name leads by key but whose REST successor takes
lead ids (Request Campaign, Add to List: smart-campaigns.md, list-membership.md).

A key type is REST's Get Leads by Filter Type ``filterType`` of the same field (leads.md: "filterType accepts
any Custom Field and most commonly used fields"). Kept small and private to these translations: the lead
operations' own key mapping is the leads translation's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mktows import types as t
from mktows.marketo_limits import REST_MAX_RECORDS_PER_CALL
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.names import fault

LEAD_KEY_REQUIRED, LEAD_NOT_FOUND, LEAD_OWNER_NOT_FOUND = 20101, 20103, 20108
"""error-codes.md: Lead Key Required, Lead Not Found, Lead Owner Not Found."""

LEAD_FILTERS = {
    "IDNUM": "id",
    "COOKIE": "cookies",
    "EMAIL": "email",
    "SFDCLEADID": "sfdcLeadId",
    "SFDCCONTACTID": "sfdcContactId",
    "SFDCACCOUNTID": "sfdcAccountId",
    "SFDCOPPTYID": "sfdcOpptyId",
    "LEADOWNEREMAIL": "leadOwnerEmail",
    "SFDCLEADOWNERID": "sfdcLeadOwnerId",
}
"""A SOAP lead key type as REST's Get Leads by Filter Type ``filterType`` (leads.md: "any Custom Field and
most commonly used fields"; the REST API names of the SOAP key fields)."""

OWNER_KEYS = frozenset({"LEADOWNEREMAIL", "SFDCLEADOWNERID"})
"""Key types naming the lead's owner: no lead with that owner is 20108 Lead Owner Not Found (error-codes.md)."""

CASELESS = frozenset({"EMAIL", "LEADOWNEREMAIL"})


def _matches(record: Mapping[str, Any], field: str, key_type: str, value: str) -> bool:
    found = record.get(field)
    if found is None:
        return False
    if key_type == "IDNUM":
        return str(found).lstrip("-").isdigit() and int(found) == int(value)  # "007" is lead 7
    if key_type in CASELESS:
        return str(found).casefold() == value.casefold()
    return str(found) == value


def ids_by_value(
    ctx: TranslationContext, key_type: str, values: Sequence[str], operation: str
) -> dict[str, list[int]]:
    """Lead ids by key value for one key type: Get Leads by Filter Type (leads.md) with the key's field
    asked back to tell the values apart, up to 300 values a query; a cookie, which a lead record does not
    show, one value a query."""
    field = LEAD_FILTERS[key_type]
    wanted = list(dict.fromkeys(v for v in values if key_type != "IDNUM" or v.lstrip("-").isdigit()))
    size = 1 if key_type == "COOKIE" else REST_MAX_RECORDS_PER_CALL
    found: dict[str, list[int]] = {}
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        query = {"filterType": field, "filterValues": ",".join(chunk), "fields": f"id,{field}"}
        if key_type == "COOKIE":
            query["fields"] = "id"
        records = [r for r in ctx.rest.get("/rest/v1/leads.json", query, operation=operation).result]
        for value in chunk:
            found[value] = sorted(
                int(r["id"])
                for r in records
                if isinstance(r, Mapping) and (key_type == "COOKIE" or _matches(r, field, key_type, value))
            )
    return found


def lead_ids(ctx: TranslationContext, keys: Sequence[t.LeadKey], operation: str) -> list[int]:
    """The REST ids of the leads SOAP's lead keys name, in key order without repeats (each key's leads in id
    order). A key without a value is 20101; an owner key that names no lead owner is 20108, as the SOAP
    key look-up faults (error-codes.md)."""
    by_type: dict[str, list[str]] = {}
    for key in keys:
        text = (key.key_value or "").strip()
        if not text:
            raise fault(LEAD_KEY_REQUIRED, f"{key.key_type.value} key without a value", operation)
        by_type.setdefault(key.key_type.value, []).append(text)
    found = {kt: ids_by_value(ctx, kt, values, operation) for kt, values in by_type.items()}
    ids: list[int] = []
    for key in keys:
        matched = found[key.key_type.value].get(key.key_value.strip(), [])
        if not matched and key.key_type.value in OWNER_KEYS:
            raise fault(LEAD_OWNER_NOT_FOUND, f"no lead owner {key.key_value.strip()!r}", operation)
        ids.extend(i for i in matched if i not in ids)
    return ids
