"""Names → ids: SOAP named lists, programs and campaigns where REST addresses them by id (rest/README.md).

Each look-up is one REST query, made once per client and cached in the ``TranslationContext`` (thread-safe);
a name that finds nothing raises the SOAP fault the SOAP documentation gives for it (error-codes.md: 20111
List Not Found, 20113 Campaign Not Found) or the caller's, and is asked again next time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mktows.errors import NotFoundError, SoapFault, fault_for
from mktows.rest import iter_records
from mktows.rest.translate.context import TranslationContext

LIST_NOT_FOUND = 20111
CAMPAIGN_NOT_FOUND = 20113
BAD_PARAMETER = 20110
PARAMETER_REQUIRED = 20109
NO_DATA = 702
"""REST's "No data found" (error-codes.md), the answer of a by-name asset query that matches nothing."""


def fault(code: int, message: str, operation: str) -> SoapFault:
    """The SOAP fault ``code`` (error-codes.md) with ``message``, as a translation raises it."""
    return fault_for(code, f"{message} ({code})", operation=operation)


def _sendable(text: str | None) -> str | None:
    """A name as a REST filter value, or None (filter here instead) when it holds a comma: REST's ``name``
    and ``programName`` are comma-separated lists (swagger-mapi.json getListsUsingGET, getCampaignsUsingGET)."""
    text = (text or "").strip()
    return text if text and "," not in text else None


def _same(a: Any, b: str | None) -> bool:
    return isinstance(a, str) and b is not None and a.strip().casefold() == b.strip().casefold()


def list_id(ctx: TranslationContext, name: str, program: str | None, operation: str) -> int:
    """The id of the static list ``name`` (in ``program`` when given): Get Lists by ``name`` and
    ``programName`` (static-lists.md, "Query"), the lowest id when several lists share the name. 20111 List
    Not Found when none matches."""

    def look_up() -> int | None:
        params = {"name": _sendable(name), "programName": _sendable(program)}
        ids = [
            int(record["id"])
            for record in iter_records(ctx.rest, "/rest/v1/lists.json", params, operation=operation)
            if isinstance(record, Mapping)
            and _same(record.get("name"), name)
            and (program is None or _same(record.get("programName"), program))
        ]
        return min(ids) if ids else None

    key = ("list", name.strip().casefold(), (program or "").strip().casefold())
    found = ctx.cached(key, look_up)
    if found is None:
        where = f" in program {program!r}" if program else ""
        raise fault(LIST_NOT_FOUND, f"no static list {name!r}{where}", operation)
    return found


def program_id(ctx: TranslationContext, name: str, operation: str) -> int | None:
    """The id of the program ``name``: Get Program by Name (programs.md, "By Name"); None when REST answers
    702 No data found."""

    def look_up() -> int | None:
        try:
            answer = ctx.rest.get(
                "/rest/asset/v1/program/byName.json", {"name": name.strip()}, operation=operation
            )
        except NotFoundError as error:
            if error.protocol == "rest" and error.code == NO_DATA:
                return None
            raise
        records = [r for r in answer.result if isinstance(r, Mapping) and _same(r.get("name"), name)]
        return int(records[0]["id"]) if records else None

    return ctx.cached(("program", name.strip().casefold()), look_up)


@dataclass(frozen=True)
class CampaignRef:
    """A smart campaign as Get Campaigns describes it (swagger-mapi.json, Campaign)."""

    id: int
    name: str
    type: str
    description: str
    program: str

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> CampaignRef:
        return cls(
            id=int(record["id"]),
            name=str(record.get("name", "")),
            type=str(record.get("type", "")),
            description=str(record.get("description") or ""),
            program=str(record.get("programName") or ""),
        )


def campaigns(ctx: TranslationContext, params: Mapping[str, Any], operation: str) -> list[CampaignRef]:
    """Every campaign Get Campaigns (``GET /rest/v1/campaigns.json``, swagger-mapi.json
    getCampaignsUsingGET) answers for ``params``, all pages."""
    return [
        CampaignRef.of(record)
        for record in iter_records(ctx.rest, "/rest/v1/campaigns.json", params, operation=operation)
        if isinstance(record, Mapping)
    ]


def campaign(
    ctx: TranslationContext,
    operation: str,
    *,
    campaign_id: int | None = None,
    name: str | None = None,
    program: str | None = None,
    requestable: bool = False,
) -> CampaignRef:
    """The campaign of that id, or of that name in that program (Get Campaigns by ``id``, or by ``name`` and
    ``programName``); with ``requestable`` only one Request Campaign may run: ``isTriggerable=true`` ("active
    Campaigns which have a Campaign is Requested trigger and source is Web Service API", swagger-mapi.json).
    20113 Campaign Not Found when none matches, as requestCampaign and scheduleCampaign fault."""

    def look_up() -> CampaignRef | None:
        params: dict[str, Any] = {"isTriggerable": True} if requestable else {}
        if campaign_id is not None:
            params["id"] = campaign_id
        else:
            params.update(name=_sendable(name), programName=_sendable(program))
        found = [
            c
            for c in campaigns(ctx, params, operation)
            if (
                c.id == campaign_id
                if campaign_id is not None
                else _same(c.name, name) and _same(c.program, program)
            )
        ]
        return min(found, key=lambda c: c.id) if found else None

    which = str(campaign_id) if campaign_id is not None else f"{program}\x00{name}".casefold()
    found = ctx.cached(("campaign", which, "requestable" if requestable else ""), look_up)
    if found is None:
        described = f"id {campaign_id}" if campaign_id is not None else f"{name!r} in program {program!r}"
        kind = "requestable campaign" if requestable else "campaign"
        raise fault(CAMPAIGN_NOT_FOUND, f"no {kind} with {described}", operation)
    return found
