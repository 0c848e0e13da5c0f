"""requestCampaign, scheduleCampaign and getCampaignsForSource (requestcampaign.md, schedulecampaign.md,
getcampaignsforsource.md).

requestCampaign takes one of the two documented parameter sets: ``campaignId`` alone, or ``campaignName`` +
``programName`` (+ ``programTokenList``, which may be empty); ``campaignId`` with ``campaignName`` is a bad
parameter. One deviation from the reference page, on the blog's evidence: ``campaignId`` with a
``programTokenList`` is accepted, because Marketo's blog ("Sending an Email with Dynamic Content") shows that
exact request answered with success. At most 100 lead keys count; additional keys are ignored.
"""

from __future__ import annotations

from mktows.emulator.model import campaigns, leads, mobjects
from mktows.emulator.model.campaigns import Campaign
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.timeutil import xml_to_us
from mktows.types import (
    ArrayOfAttrib,
    ArrayOfCampaignRecord,
    CampaignRecord,
    ParamsGetCampaignsForSource,
    ParamsRequestCampaign,
    ParamsScheduleCampaign,
    ResultGetCampaignsForSource,
    ResultRequestCampaign,
    ResultScheduleCampaign,
)


def _tokens(token_list: ArrayOfAttrib | None) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for attrib in token_list.attrib if token_list is not None else []:
        name = (attrib.name or "").strip()
        if not (name.startswith("{{") and name.endswith("}}")):
            raise bad_parameter(f"program token {name!r} must be written in full, like {{{{my.message}}}}")
        tokens[name] = attrib.value or ""
    return tokens


def _requested_campaign(ctx: Context, params: ParamsRequestCampaign) -> Campaign:
    has_id = params.campaign_id is not None
    name = (params.campaign_name or "").strip()
    program = (params.program_name or "").strip()
    if has_id and (name or program):
        raise bad_parameter("campaignId must be used alone, not with campaignName or programName")
    if has_id:
        found = campaigns.by_id(ctx.conn, int(params.campaign_id or 0))
        if found is None:
            raise ServiceFault(20113, f"no campaign with id {params.campaign_id}")
        return found
    if not name and not program:
        raise parameter_required("requestCampaign needs campaignId, or campaignName with programName")
    if not name or not program:
        raise bad_parameter("campaignName and programName go together")
    found = campaigns.by_name(ctx.conn, program, name)
    if found is None:
        raise ServiceFault(20113, f"no campaign {name!r} in program {program!r}")
    return found


def request_campaign(ctx: Context, params: ParamsRequestCampaign) -> ResultRequestCampaign:
    """Run leads through a smart campaign whose "Campaign is Requested" trigger accepts this source."""
    source = params.source.value
    campaign = _requested_campaign(ctx, params)
    if campaign.type != campaigns.TRIGGER or source not in campaign.sources:
        raise ServiceFault(
            20113, f"campaign {campaign.id} has no 'Campaign is Requested' trigger for {source}"
        )
    tokens = _tokens(params.program_token_list)
    keys = list(params.lead_list.lead_key) if params.lead_list is not None else []
    if not keys:
        raise ServiceFault(20101, "leadList is empty")
    keys = keys[: ctx.config.limits.lead_keys]  # "Additional keys are ignored."
    lead_ids: list[int] = []
    for key in keys:
        for lead in leads.find(ctx.conn, key.key_type.value, key.key_value):
            if lead.id not in lead_ids:
                lead_ids.append(lead.id)
    if not lead_ids:
        raise ServiceFault(20103, "no lead of leadList exists")
    campaigns.record_request(ctx.conn, campaign, lead_ids, tokens, ctx.now_us, source)
    return ResultRequestCampaign(success=True)


def schedule_campaign(ctx: Context, params: ParamsScheduleCampaign) -> ResultScheduleCampaign:
    """Schedule a batch campaign of a program now or at ``campaignRunAt``, optionally cloning its program
    first (``cloneToProgramName``: documented, absent from every WSDL, read from the raw request; at most 10
    such calls a day)."""
    program_name = (params.program_name or "").strip()
    campaign_name = (params.campaign_name or "").strip()
    if not program_name or not campaign_name:
        raise parameter_required("programName and campaignName are required")
    program = mobjects.program_by_name(ctx.conn, program_name)
    if program is None:
        raise ServiceFault(20113, f"no program {program_name!r}")
    campaign = campaigns.by_name(ctx.conn, program_name, campaign_name)
    if campaign is None:
        raise ServiceFault(20113, f"no campaign {campaign_name!r} in program {program_name!r}")
    if campaign.type != campaigns.BATCH:
        raise bad_parameter(f"campaign {campaign.name!r} is not a batch campaign")
    tokens = _tokens(params.program_token_list)
    run_at = ctx.now_us if params.campaign_run_at is None else xml_to_us(params.campaign_run_at)
    clone_name = ctx.raw_text("cloneToProgramName")
    if clone_name:
        limit = ctx.config.limits.clone_calls_per_day
        try:
            campaign = campaigns.clone_for_schedule(ctx.conn, program, campaign, clone_name, ctx.now, limit)
        except campaigns.CloneRefused as refused:
            if refused.quota:
                raise ServiceFault(
                    20015, f"only {limit} scheduleCampaign calls a day may use cloneToProgramName"
                ) from None
            raise bad_parameter(str(refused)) from None
    campaigns.record_run(ctx.conn, campaign, "schedule", [], tokens, run_at, ctx.now_us)
    return ResultScheduleCampaign(success=True)


def get_campaigns_for_source(
    ctx: Context, params: ParamsGetCampaignsForSource
) -> ResultGetCampaignsForSource:
    """The campaigns a requestCampaign with this source can run, optionally filtered by name (a substring,
    or the exact name with ``exactName``), sorted by name."""
    source = params.source.value
    name = (params.name or "").strip().casefold()
    exact = bool(params.exact_name)
    found = []
    for campaign in campaigns.all_campaigns(ctx.conn):
        if campaign.type != campaigns.TRIGGER or source not in campaign.sources:
            continue
        candidate = campaign.name.casefold()
        if name and (candidate != name if exact else name not in candidate):
            continue
        found.append(campaign)
    found.sort(key=lambda c: (c.name.casefold(), c.id))
    return ResultGetCampaignsForSource(
        return_count=len(found),
        campaign_record_list=ArrayOfCampaignRecord(
            campaign_record=[CampaignRecord(id=c.id, name=c.name, description=c.description) for c in found]
        )
        if found
        else None,
    )
