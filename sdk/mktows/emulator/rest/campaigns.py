"""Smart campaigns over REST (smart-campaigns.md): list (``/rest/v1/campaigns.json`` and the asset API's
``/rest/asset/v1/smartCampaigns.json``), trigger (Request Campaign) and schedule."""

from __future__ import annotations

from typing import Any

from mktows.emulator.model import campaigns, leads, mobjects
from mktows.emulator.model.campaigns import Campaign
from mktows.emulator.rest.context import RestContext
from mktows.emulator.rest.envelope import Answer, RestError
from mktows.emulator.rest.values import instant
from mktows.emulator.timeutil import parse_us

STAMP = instant(0)
WEB_SERVICE_API = "MKTOWS"  # the request source SOAP calls MKTOWS (SALES is Sales Insight)
# smart-campaigns.md:393: cloning "is limited to 20 calls per day"; swagger ScheduleCampaignData.runAt: "If
# unset, the campaign will be run five minutes after the call is made".
CLONE_CALLS_PER_DAY = 20
DEFAULT_DELAY_US = 5 * 60 * 1_000_000


def _program_id(ctx: RestContext, name: str | None) -> int | None:
    program = mobjects.program_by_name(ctx.conn, name) if name else None
    return None if program is None else program.id


def _requestable(campaign: Campaign) -> bool:
    """Whether Request Campaign may run it: a "Campaign is Requested" trigger whose source is Web Service API
    (smart-campaigns.md, Request; the isTriggerable filter of swagger-mapi.json getCampaignsUsingGET)."""
    return campaign.type == campaigns.TRIGGER and WEB_SERVICE_API in campaign.sources


def campaign_json(ctx: RestContext, campaign: Campaign) -> dict[str, Any]:
    """A Campaign record of the lead database API."""
    data: dict[str, Any] = {
        "id": campaign.id,
        "name": campaign.name,
        "description": campaign.description,
        "type": campaign.type,
        "active": campaign.type == campaigns.TRIGGER,
        "createdAt": STAMP,
        "updatedAt": STAMP,
        "workspaceName": "Default",
    }
    if campaign.program:
        data["programName"] = campaign.program
        program_id = _program_id(ctx, campaign.program)
        if program_id is not None:
            data["programId"] = program_id
    return data


def list_campaigns(ctx: RestContext) -> Answer:
    """GET /rest/v1/campaigns.json?id=..&name=..&programName=..&isTriggerable=.."""
    try:
        ids = {int(v) for v in ctx.request.values("id")}
    except ValueError:
        raise RestError(1001, "Invalid value for 'id'. Required of type 'Integer'") from None
    names = {n.casefold() for n in ctx.request.values("name")}
    programs = {p.casefold() for p in ctx.request.values("programName")}
    triggerable = (ctx.request.param("isTriggerable") or "").lower()
    found = []
    for campaign in campaigns.all_campaigns(ctx.conn):
        if (ids and campaign.id not in ids) or (names and campaign.name.casefold() not in names):
            continue
        if programs and (campaign.program or "").casefold() not in programs:
            continue
        if triggerable == "true" and not _requestable(campaign):
            continue
        found.append(campaign_json(ctx, campaign))
    return Answer(found)


def _campaign_of_path(ctx: RestContext, name: str = "campaignId") -> Campaign:
    return ctx.found(campaigns.by_id, name, 1013, "Object not found")


def get_by_id(ctx: RestContext) -> Answer:
    """GET /rest/v1/campaigns/{campaignId}.json."""
    return Answer([campaign_json(ctx, _campaign_of_path(ctx))])


def _tokens(data: Any) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, list) or not all(isinstance(t, dict) and "name" in t for t in data):
        raise RestError(1003, "Invalid data: tokens must be a list of {name, value}")
    return {str(t["name"]): str(t.get("value", "")) for t in data}


def trigger(ctx: RestContext) -> Answer:
    """POST /rest/v1/campaigns/{campaignId}/trigger.json: leads (up to 100) through a trigger campaign."""
    campaign = _campaign_of_path(ctx)
    if not _requestable(campaign):
        raise RestError(1003, "Invalid data: the campaign is not a requestable trigger campaign")
    data = ctx.request.json_object().get("input")
    if not isinstance(data, dict) or not isinstance(data.get("leads"), list) or not data["leads"]:
        raise RestError(1002, "Missing value for the required parameter 'input.leads'")
    if len(data["leads"]) > 100:
        raise RestError(1003, "Invalid data: at most 100 leads per call")
    lead_ids: list[int] = []
    for item in data["leads"]:
        try:
            lead_id = int(item["id"])
        except (TypeError, KeyError, ValueError):
            raise RestError(1003, "Invalid data: each lead is {id}") from None
        if leads.by_id(ctx.conn, lead_id) is not None and lead_id not in lead_ids:
            lead_ids.append(lead_id)
    if not lead_ids:
        raise RestError(1004, "Lead not found")
    campaigns.record_request(ctx.conn, campaign, lead_ids, _tokens(data.get("tokens")), ctx.now_us, "MKTOWS")
    return Answer([{"id": campaign.id}])


def schedule(ctx: RestContext) -> Answer:
    """POST /rest/v1/campaigns/{campaignId}/schedule.json: a batch campaign now or at ``runAt``."""
    campaign = _campaign_of_path(ctx)
    if campaign.type != campaigns.BATCH:
        raise RestError(1003, "Invalid data: only a batch campaign can be scheduled")
    data = ctx.request.json_object().get("input") or {}
    if not isinstance(data, dict):
        raise RestError(1003, "Invalid data: input must be an object")
    clone_name = str(data.get("cloneToProgramName") or data.get("cloneToProgram") or "").strip()
    if clone_name:
        program = mobjects.program_by_name(ctx.conn, campaign.program or "")
        if program is None:
            raise RestError(1003, "Invalid data: the campaign has no parent program to clone")
        try:
            campaign = campaigns.clone_for_schedule(
                ctx.conn, program, campaign, clone_name, ctx.now, CLONE_CALLS_PER_DAY
            )
        except campaigns.CloneRefused as refused:
            raise RestError(1003, f"Invalid data: {refused}") from None
    run_at = ctx.now_us + DEFAULT_DELAY_US
    if data.get("runAt"):
        try:
            run_at = parse_us(str(data["runAt"]))
        except ValueError:
            raise RestError(704, "Invalid date format") from None
    campaigns.record_run(ctx.conn, campaign, "schedule", [], _tokens(data.get("tokens")), run_at, ctx.now_us)
    return Answer([{"id": campaign.id}])


def smart_campaign_json(ctx: RestContext, campaign: Campaign) -> dict[str, Any]:
    """A SmartCampaignResponse of the asset API."""
    program_id = _program_id(ctx, campaign.program)
    return {
        "id": campaign.id,
        "name": campaign.name,
        "description": campaign.description,
        "type": campaign.type,
        "isSystem": False,
        "isActive": campaign.type == campaigns.TRIGGER,
        "isRequestable": _requestable(campaign),
        "recurrence": {"weekdayOnly": False},
        "qualificationRuleType": "once",
        "qualificationRuleInterval": 0,
        "qualificationRuleUnit": "day",
        "maxMembers": 0,
        "isCommunicationLimitEnabled": False,
        "smartListId": campaign.id,
        "flowId": campaign.id,
        "parentProgramId": program_id or 0,
        "folder": {"id": program_id or 1, "type": "Program" if program_id else "Folder"},
        "createdAt": STAMP,
        "updatedAt": STAMP,
        "workspace": "Default",
        "status": "Active" if campaign.type == campaigns.TRIGGER else "Inactive",
    }


def smart_campaigns(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/smartCampaigns.json (``maxReturn``, ``offset``; ``isActive``)."""
    offset, size = ctx.request.window()
    active = (ctx.request.param("isActive") or "").lower()
    found = [c for c in campaigns.all_campaigns(ctx.conn) if active != "true" or c.type == campaigns.TRIGGER]
    return Answer([smart_campaign_json(ctx, c) for c in found[offset : offset + size]])


def smart_campaign_by_id(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/smartCampaign/{id}.json."""
    return Answer([smart_campaign_json(ctx, _campaign_of_path(ctx, "id"))])


def smart_campaign_by_name(ctx: RestContext) -> Answer:
    """GET /rest/asset/v1/smartCampaign/byName.json?name=.."""
    name = (ctx.request.param("name") or "").strip().casefold()
    found = [c for c in campaigns.all_campaigns(ctx.conn) if c.name.casefold() == name]
    if not found:
        raise RestError(702, "No data found for a given search scenario")
    return Answer([smart_campaign_json(ctx, found[0])])
