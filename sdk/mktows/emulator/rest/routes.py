"""The REST face's route table: every endpoint it serves, by Swagger path template and operationId."""

from __future__ import annotations

from mktows.emulator.rest import (
    activities,
    assets,
    bulk,
    campaigns,
    custom_objects,
    leads,
    lists,
    opportunities,
)
from mktows.emulator.rest.routing import Route

CO = "/rest/v1/customobjects/{customObjectName}"
ASSET = "/rest/asset/v1"

ROUTES: list[Route] = [
    # custom objects (custom-objects.md)
    Route("GET", "/rest/v1/customobjects.json", "listCustomObjectsUsingGET", custom_objects.list_types),
    Route("GET", f"{CO}/describe.json", "describeUsingGET_1", custom_objects.describe),
    Route("GET", f"{CO}.json", "getCustomObjectsUsingGET", custom_objects.get),
    Route("POST", f"{CO}.json", "syncCustomObjectsUsingPOST", custom_objects.sync, writes=True),
    Route("POST", f"{CO}/delete.json", "deleteCustomObjectsUsingPOST", custom_objects.delete, writes=True),
    # leads (leads.md)
    Route("GET", "/rest/v1/lead/{leadId}.json", "getLeadByIdUsingGET", leads.get_by_id),
    Route("GET", "/rest/v1/leads.json", "getLeadsByFilterUsingGET", leads.get_by_filter),
    Route("POST", "/rest/v1/leads.json", "syncLeadUsingPOST", leads.sync, writes=True),
    Route("GET", "/rest/v1/leads/describe.json", "describeUsingGET_2", leads.describe),
    Route("POST", "/rest/v1/leads/{leadId}/merge.json", "mergeLeadsUsingPOST", leads.merge, writes=True),
    Route(
        "POST",
        "/rest/v1/leads/{leadId}/associate.json",
        "associateLeadUsingPOST",
        leads.associate,
        writes=True,
    ),
    # static lists (static-lists.md, list-membership.md)
    Route("GET", "/rest/v1/lists.json", "getListsUsingGET", lists.get_lists),
    Route("GET", "/rest/v1/lists/{listId}.json", "getListByIdUsingGET", lists.get_by_id),
    Route("GET", "/rest/v1/lists/{listId}/leads.json", "getLeadsByListIdUsingGET_1", lists.members),
    Route("POST", "/rest/v1/lists/{listId}/leads.json", "addLeadsToListUsingPOST", lists.add, writes=True),
    Route(
        "DELETE",
        "/rest/v1/lists/{listId}/leads.json",
        "removeLeadsFromListUsingDELETE",
        lists.remove,
        writes=True,
    ),
    Route(
        "GET", "/rest/v1/lists/{listId}/leads/ismember.json", "areLeadsMemberOfListUsingGET", lists.is_member
    ),
    # smart campaigns (smart-campaigns.md)
    Route("GET", "/rest/v1/campaigns.json", "getCampaignsUsingGET", campaigns.list_campaigns),
    Route("GET", "/rest/v1/campaigns/{campaignId}.json", "getCampaignByIdUsingGET", campaigns.get_by_id),
    Route(
        "POST",
        "/rest/v1/campaigns/{campaignId}/trigger.json",
        "triggerCampaignUsingPOST",
        campaigns.trigger,
        writes=True,
    ),
    Route(
        "POST",
        "/rest/v1/campaigns/{campaignId}/schedule.json",
        "scheduleCampaignUsingPOST",
        campaigns.schedule,
        writes=True,
    ),
    Route("GET", f"{ASSET}/smartCampaigns.json", "getAllSmartCampaignsGET", campaigns.smart_campaigns),
    Route(
        "GET",
        f"{ASSET}/smartCampaign/byName.json",
        "getSmartCampaignByNameUsingGET",
        campaigns.smart_campaign_by_name,
    ),
    Route(
        "GET",
        f"{ASSET}/smartCampaign/{{id}}.json",
        "getSmartCampaignByIdUsingGET",
        campaigns.smart_campaign_by_id,
    ),
    # activities (activities.md, paging-tokens.md)
    Route("GET", "/rest/v1/activities/types.json", "getAllActivityTypesUsingGET", activities.types),
    Route(
        "GET",
        "/rest/v1/activities/pagingtoken.json",
        "getActivitiesPagingTokenUsingGET",
        activities.paging_token,
    ),
    Route("GET", "/rest/v1/activities.json", "getLeadActivitiesUsingGET", activities.lead_activities),
    Route("GET", "/rest/v1/activities/leadchanges.json", "getLeadChangesUsingGET", activities.lead_changes),
    # opportunities and roles (opportunities.md, opportunity-roles.md)
    Route("GET", "/rest/v1/opportunities.json", "getOpportunitiesUsingGET", opportunities.get_opportunities),
    Route(
        "POST",
        "/rest/v1/opportunities.json",
        "syncOpportunitiesUsingPOST",
        opportunities.sync_opportunities,
        writes=True,
    ),
    Route(
        "POST",
        "/rest/v1/opportunities/delete.json",
        "deleteOpportunitiesUsingPOST",
        opportunities.delete_opportunities,
        writes=True,
    ),
    Route(
        "GET",
        "/rest/v1/opportunities/describe.json",
        "describeUsingGET_4",
        opportunities.describe_opportunities,
    ),
    Route("GET", "/rest/v1/opportunities/roles.json", "getOpportunityRolesUsingGET", opportunities.get_roles),
    Route(
        "POST",
        "/rest/v1/opportunities/roles.json",
        "syncOpportunityRolesUsingPOST",
        opportunities.sync_roles,
        writes=True,
    ),
    Route(
        "POST",
        "/rest/v1/opportunities/roles/delete.json",
        "deleteOpportunityRolesUsingPOST",
        opportunities.delete_roles,
        writes=True,
    ),
    Route(
        "GET",
        "/rest/v1/opportunities/roles/describe.json",
        "describeOpportunityRoleUsingGET",
        opportunities.describe_roles,
    ),
    # programs, channels, tag types (programs.md, channels.md, tags.md)
    Route("GET", f"{ASSET}/programs.json", "browseProgramsUsingGET", assets.browse_programs),
    Route("GET", f"{ASSET}/program/byName.json", "getProgramByNameUsingGET", assets.program_by_name),
    Route("GET", f"{ASSET}/program/{{id}}.json", "getProgramByIdUsingGET", assets.program_by_id),
    Route(
        "POST", f"{ASSET}/program/{{id}}.json", "updateProgramUsingPOST", assets.update_program, writes=True
    ),
    Route("GET", f"{ASSET}/channels.json", "getAllChannelsUsingGET", assets.channels),
    Route("GET", f"{ASSET}/channel/byName.json", "getChannelByNameUsingGET", assets.channel_by_name),
    Route("GET", f"{ASSET}/tagTypes.json", "getTagTypesUsingGET", assets.tag_types),
    Route("GET", f"{ASSET}/tagType/byName.json", "getTagByNameUsingGET", assets.tag_type_by_name),
    # bulk lead import (bulk-lead-import.md)
    Route("POST", "/bulk/v1/leads.json", "importLeadUsingPOST", bulk.create, writes=True),
    Route("GET", "/bulk/v1/leads/batch/{batchId}.json", "getImportLeadStatusUsingGET", bulk.status),
    Route(
        "GET", "/bulk/v1/leads/batch/{batchId}/failures.json", "getImportLeadFailuresUsingGET", bulk.failures
    ),
    Route(
        "GET", "/bulk/v1/leads/batch/{batchId}/warnings.json", "getImportLeadWarningsUsingGET", bulk.warnings
    ),
]

OPERATION_IDS: frozenset[str] = frozenset(route.operation_id for route in ROUTES)
