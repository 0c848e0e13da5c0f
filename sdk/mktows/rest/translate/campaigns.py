"""requestCampaign, scheduleCampaign and getCampaignsForSource served by REST's campaign endpoints.

The SOAP migration page (migration.md, "Campaigns") names the successors: Request Campaign
(``POST /rest/v1/campaigns/{id}/trigger.json``), Schedule Campaign (``.../schedule.json``) and the campaign
queries; smart-campaigns.md documents them. REST addresses campaigns and leads by id, so names and lead keys
are looked up first (``names``, and the lead key look-up below).
"""

from __future__ import annotations

from typing import Any

from mktows import types as t
from mktows.errors import UnsupportedOperationError
from mktows.rest.translate.context import TranslationContext
from mktows.rest.translate.lead_keys import LEAD_KEY_REQUIRED, LEAD_NOT_FOUND, lead_ids
from mktows.rest.translate.names import (
    BAD_PARAMETER,
    CAMPAIGN_NOT_FOUND,
    PARAMETER_REQUIRED,
    campaign,
    campaigns,
    fault,
    program_id,
)

WEB_SERVICE_API = "MKTOWS"
"""The SOAP source REST can serve: REST's Request Campaign runs campaigns whose "Campaign is Requested"
trigger has Web Service API as its source (smart-campaigns.md, Request); SALES (Sales Insight) has none."""

MAX_LEADS = 100
"""requestcampaign.md: "Limit of 100 leadKey values per call. Additional keys are ignored."; REST's Request
Campaign "accepts a maximum of 100 leads" per call (smart-campaigns.md)."""


def _unsupported_source(source: t.ReqCampSourceType, operation: str) -> UnsupportedOperationError:
    return UnsupportedOperationError(
        f"source {source.value} has no REST counterpart: REST requests and lists only campaigns whose "
        "'Campaign is Requested' trigger has Web Service API as its source (smart-campaigns.md, Request; "
        "swagger-mapi.json getCampaignsUsingGET isTriggerable); Sales Insight campaigns are not reachable",
        operation=operation,
    )


def _tokens(token_list: t.ArrayOfAttrib | None, operation: str) -> list[dict[str, str]]:
    """SOAP's programTokenList as REST's ``tokens``; a name not written in full (``{{my.message}}``) is a
    bad parameter (schedulecampaign.md: "Use the full token format"; smart-campaigns.md: "must be
    formatted as {{my.name}}")."""
    tokens: list[dict[str, str]] = []
    for attrib in token_list.attrib if token_list is not None else []:
        name = (attrib.name or "").strip()
        if not (name.startswith("{{") and name.endswith("}}")):
            raise fault(
                BAD_PARAMETER,
                f"program token {name!r} must be written in full, like {{{{my.message}}}}",
                operation,
            )
        tokens.append({"name": name, "value": attrib.value or ""})
    return tokens


def request_campaign(ctx: TranslationContext, params: t.ParamsRequestCampaign) -> t.ResultRequestCampaign:
    """Request Campaign (smart-campaigns.md, Request): the campaign by ``campaignId``, or by ``campaignName``
    in ``programName`` (requestcampaign.md's two parameter sets; any other combination is a bad parameter),
    looked up among the requestable campaigns (20113 when it is not one); the first 100 lead keys as lead
    ids; ``programTokenList`` as ``tokens``. More than 100 leads (keys that match several) go 100 a call."""
    op = "requestCampaign"
    if params.source.value != WEB_SERVICE_API:
        raise _unsupported_source(params.source, op)
    name = (params.campaign_name or "").strip()
    program = (params.program_name or "").strip()
    if params.campaign_id is not None and (name or program):
        raise fault(BAD_PARAMETER, "campaignId must be used alone, not with campaignName or programName", op)
    if params.campaign_id is None and not name and not program:
        raise fault(
            PARAMETER_REQUIRED, "requestCampaign needs campaignId, or campaignName with programName", op
        )
    if params.campaign_id is None and (not name or not program):
        raise fault(BAD_PARAMETER, "campaignName and programName go together", op)
    if params.campaign_id is not None:
        found = campaign(ctx, op, campaign_id=params.campaign_id, requestable=True)
    else:
        found = campaign(ctx, op, name=name, program=program, requestable=True)
    tokens = _tokens(params.program_token_list, op)
    keys = list(params.lead_list.lead_key) if params.lead_list is not None else []
    if not keys:
        raise fault(LEAD_KEY_REQUIRED, "leadList is empty", op)
    ids = lead_ids(ctx, keys[:MAX_LEADS], op)
    if not ids:
        raise fault(LEAD_NOT_FOUND, "no lead of leadList exists", op)
    for start in range(0, len(ids), MAX_LEADS):
        body: dict[str, Any] = {"leads": [{"id": i} for i in ids[start : start + MAX_LEADS]]}
        if tokens:
            body["tokens"] = tokens
        ctx.rest.post(f"/rest/v1/campaigns/{found.id}/trigger.json", {"input": body}, operation=op)
    return t.ResultRequestCampaign(success=True)


def schedule_campaign(ctx: TranslationContext, params: t.ParamsScheduleCampaign) -> t.ResultScheduleCampaign:
    """Schedule Campaign (smart-campaigns.md, Schedule): the batch campaign ``campaignName`` of program
    ``programName`` (20113 when either is unknown, a bad parameter when it is not a batch campaign),
    ``campaignRunAt`` as ``runAt`` and ``programTokenList`` as ``tokens``. Without ``campaignRunAt`` REST runs
    it five minutes later, not at once ("Campaigns scheduled via this API always wait a minimum of five
    minutes before running")."""
    op = "scheduleCampaign"
    program = (params.program_name or "").strip()
    name = (params.campaign_name or "").strip()
    if not program or not name:
        raise fault(PARAMETER_REQUIRED, "programName and campaignName are required", op)
    if program_id(ctx, program, op) is None:
        raise fault(CAMPAIGN_NOT_FOUND, f"no program {program!r}", op)
    found = campaign(ctx, op, name=name, program=program)
    if found.type != "batch":
        raise fault(BAD_PARAMETER, f"campaign {found.name!r} is not a batch campaign", op)
    body: dict[str, Any] = {}
    tokens = _tokens(params.program_token_list, op)
    if tokens:
        body["tokens"] = tokens
    if params.campaign_run_at is not None:
        body["runAt"] = params.campaign_run_at.to_datetime().isoformat()
    ctx.rest.post(f"/rest/v1/campaigns/{found.id}/schedule.json", {"input": body}, operation=op)
    return t.ResultScheduleCampaign(success=True)


def get_campaigns_for_source(
    ctx: TranslationContext, params: t.ParamsGetCampaignsForSource
) -> t.ResultGetCampaignsForSource:
    """The campaigns requestCampaign can run from Web Service API: Get Campaigns with ``isTriggerable=true``
    (swagger-mapi.json getCampaignsUsingGET: "active Campaigns which have a Campaign is Requested trigger and
    source is Web Service API"; migration.md names the campaign queries as the successor). ``name`` filters
    here, as a substring or with ``exactName`` the whole name (REST's ``name`` matches whole names only);
    sorted by name, then id, as getcampaignsforsource.md's sample answer is."""
    op = "getCampaignsForSource"
    if params.source.value != WEB_SERVICE_API:
        raise _unsupported_source(params.source, op)
    wanted = (params.name or "").strip().casefold()
    found = []
    for candidate in campaigns(ctx, {"isTriggerable": True}, op):
        text = candidate.name.casefold()
        if wanted and (text != wanted if params.exact_name else wanted not in text):
            continue
        found.append(candidate)
    found.sort(key=lambda c: (c.name.casefold(), c.id))
    records = [t.CampaignRecord(id=c.id, name=c.name, description=c.description) for c in found]
    return t.ResultGetCampaignsForSource(
        return_count=len(records),
        campaign_record_list=t.ArrayOfCampaignRecord(campaign_record=records) if records else None,
    )
