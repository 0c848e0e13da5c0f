"""The differential proof for lists, list imports and campaigns: the same typed Params through ``Client``
against the SOAP emulator and through ``Client.over_rest`` against the emulator's REST face, from the same
starting state, give equal Results and leave equal state (list members, leads, activities, campaign runs),
except the differences listed in ``DIFFERENCES``, each tested as listed below."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsdata.models.datatype import XmlDateTime

from mktows import Client, codec, operations
from mktows import types as t
from mktows.emulator import EmulatorConfig
from mktows.emulator.defaults import DEFAULT_CONFIG
from mktows.errors import MktowsError, NotFoundError, SoapFault, UnsupportedOperationError
from mktows.pytest_plugin import EmulatorHandle
from tests import test_rest_bridge_differential
from tests.conftest import fixture_bytes, requires_shared

DIFFERENCES = {
    "no import history": "getImportToListStatus over REST reports only an import made through the same "
    "client (or gateway): REST finds an import by the batchId its request returned, not by program and list "
    "(bulk-lead-import.md, Import Status); any other raises UnsupportedOperationError",
    "ignored rows": "an UPSERTLEADS import counts a row whose lead was in the list already as imported, not "
    "ignored: REST's numOfLeadsProcessed counts every row written (bulk-lead-import.md)",
    "import status": "getImportToListStatus' times are the client's clock, estimatedTime is absent and "
    "importSummary is REST's message: REST's batch status carries counts and a message only "
    "(bulk-lead-import.md, Import Status)",
    "token columns": "importToList with My Token columns raises UnsupportedOperationError: Bulk Import Leads "
    "takes lead fields only (bulk-lead-import.md)",
    "clearList": "importToList's clearList removes the members through Remove from List, so each removal "
    "logs a Remove from List activity (migration.md, Static Lists: Remove From List is the successor)",
    "at once": "a LISTONLY import (Get Leads by Filter Type and Add to List) and an import refused for its "
    "header are COMPLETE or FAILED at once over REST, where SOAP reports PROCESSING until the job has run: "
    "those REST calls are synchronous (list-membership.md); an UPSERTLEADS import follows the bulk batch's "
    "Queued / Importing (bulk-lead-import.md)",
    "empty cells": "an empty cell of an UPSERTLEADS row leaves the lead's field as it was over REST, where the "
    "SOAP emulator blanks it: a CSV cell cannot ask for a blank, and the REST face's bulk import skips empty "
    "values as Sync Leads skips absent fields (neither bulk-lead-import.md nor importtolist.md says which; "
    "importtolist.md only warns that NULL values may log Change Data Value)",
    "schedule delay": "scheduleCampaign without campaignRunAt runs five minutes later, not at once: "
    "'Campaigns scheduled via this API always wait a minimum of five minutes before running' "
    "(smart-campaigns.md, Schedule)",
    "Sales Insight": "requestCampaign and getCampaignsForSource with source SALES raise "
    "UnsupportedOperationError: REST requests and lists only campaigns whose trigger has Web Service API "
    "as its source (smart-campaigns.md, Request; swagger-mapi.json getCampaignsUsingGET isTriggerable)",
    "owner email keys": "requestCampaign with a LEADOWNEREMAIL lead key raises UnsupportedOperationError, as "
    "getLead does: the lead owner's email is no filterType of Get Leads by Filter Type (swagger-mapi.json, "
    "getLeadsByFilterUsingGET); SFDCLEADOWNERID keys (sfdcLeadOwnerId) work as over SOAP",
    "owner-keyed lists": "listOperation with a MKTOSALESUSERID or SFDCLEADOWNERID list key raises "
    "UnsupportedOperationError: REST finds lists by id, name or program only (static-lists.md, Query)",
    "strict is check-then-change": "a strict listOperation asks Member of List first and changes nothing "
    "when a key would fail; a change made by someone else between the two calls is not excluded, as it "
    "was inside SOAP's one call (list-membership.md has no all-or-nothing mode)",
}
"""Every difference between the SOAP and the REST path for these operations that the documentation forces."""

clients = test_rest_bridge_differential.clients
"""The fixture of the (SOAP client, over_rest client) pair on one emulator."""

PROGRAM = "Trav-Demo-Program"
EXTRA_LISTS = [
    {"id": 2001, "name": "Newsletter", "members": [2, 15]},
    {"id": 2002, "name": "Webinar Invitees", "program": "Big Launch Webinar", "members": [16]},
    {"id": 2003, "name": "Sales Picks", "sales_user_id": "su-1", "members": [16]},
    {"id": 2004, "name": "Leads, VIP", "program": "Big Launch Webinar", "members": [2]},
]
LIST_NAMES = ["Trav-Test-List", "Newsletter", "Webinar Invitees", "Sales Picks", "Leads, VIP"]
SALES_ONLY = {"id": 5001, "name": "Sales Only", "description": "", "type": "trigger", "sources": ["SALES"]}
COMMA = {
    "id": 5002,
    "name": "Welcome, VIP",
    "description": "",
    "type": "trigger",
    "sources": ["MKTOWS"],
    "program": "Big Launch Webinar",
}
MAX_PAGES = 10


SEED = {
    "lists": [*DEFAULT_CONFIG["lists"], *EXTRA_LISTS],
    "campaigns": [*DEFAULT_CONFIG["campaigns"], SALES_ONLY, COMMA],
}
"""The documented seed with more lists (one in another program, one keyed by a sales user, one with a comma
in its name) and campaigns (one for Sales Insight only, one with a comma in its name)."""


@pytest.fixture
def mktows_emulator_config() -> EmulatorConfig:
    return EmulatorConfig.from_mapping(SEED)


# --- what is compared ----------------------------------------------------------------------------------


def _import_status(result: t.ResultGetImportToListStatus) -> tuple[Any, ...]:
    """A status as compared: rows written counted together, whether imported or ignored (DIFFERENCES:
    "ignored rows"); no times or summary text ("import status")."""
    return (
        result.status.value,
        result.estimated_rows,
        result.rows_failed,
        result.rows_imported + result.rows_ignored,
    )


REFUSED = "refused"


def operation_of(params: Any) -> operations.Operation[Any, Any, Any, Any]:
    return next(op for op in operations.OPERATIONS.values() if isinstance(params, op.params))


def result_of(client: Client, params: Any) -> Any:
    """One call's Result in comparable form, or its error class and code when refused."""
    try:
        if isinstance(params, t.ParamsListOperation):
            listed = client.ops.list_operation(params)
            return listed.success, [(s.lead_key.key_value, s.status) for s in listed.status_list.lead_status]
        if isinstance(params, t.ParamsGetImportToListStatus):
            return _import_status(client.ops.get_import_to_list_status(params))
        if isinstance(params, t.ParamsGetCampaignsForSource):
            found = client.ops.get_campaigns_for_source(params)
            records = found.campaign_record_list.campaign_record if found.campaign_record_list else []
            return found.return_count, [(c.id, c.name, c.description or "") for c in records]
        return client.call(operation_of(params), params).result
    except SoapFault as error:
        return REFUSED, type(error).__name__, error.code
    except MktowsError as error:
        return REFUSED, type(error).__name__


def state_of(emulator: EmulatorHandle) -> dict[str, Any]:
    """What the calls leave: list members, leads, activities, campaign runs (a schedule's run time only when
    campaignRunAt gave it: DIFFERENCES "schedule delay"; a request runs at the call's instant)."""
    runs = []
    for run in emulator.state.campaign_runs():
        explicit = abs(run["run_at"] - run["created_at"]) > 600_000_000  # a campaignRunAt, not "now"
        at = run["run_at"] if run["kind"] == "schedule" and explicit else None
        runs.append((run["campaign_id"], run["kind"], run["source"], run["lead_ids"], run["tokens"], at))
    return {
        "members": {name: emulator.state.list_members(name) for name in LIST_NAMES},
        "leads": [(lead["id"], lead["email"], lead["attributes"]) for lead in emulator.state.leads()],
        "activities": [
            (a["lead_id"], a["type"], a["asset"], a["attributes"], a["campaign"])
            for a in emulator.state.activities()
        ],
        "runs": runs,
    }


def run_both(
    emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> tuple[tuple[list[Any], dict[str, Any]], tuple[list[Any], dict[str, Any]]]:
    """The results and final state of ``calls`` via SOAP, then via REST, each from the seeded state."""
    runs = []
    for client in clients:
        emulator.reset()
        results = [result_of(client, params) for params in calls]
        runs.append((results, state_of(emulator)))
    return runs[0], runs[1]


def assert_same(emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]) -> list[Any]:
    (soap_results, soap_state), (rest_results, rest_state) = run_both(emulator, clients, calls)
    assert rest_results == soap_results
    assert rest_state == soap_state
    return soap_results


# --- building Params -----------------------------------------------------------------------------------


def lead_keys(*keys: str | tuple[str, str]) -> t.ArrayOfLeadKey:
    """Lead keys: a bare value is an IDNUM, a pair is (key type, value)."""
    pairs = [k if isinstance(k, tuple) else ("IDNUM", k) for k in keys]
    return t.ArrayOfLeadKey(lead_key=[t.LeadKey(key_type=t.LeadKeyRef(kt), key_value=v) for kt, v in pairs])


def list_op(
    operation: str,
    list_name: str,
    *keys: str | tuple[str, str],
    strict: bool = False,
    key_type: str = "MKTOLISTNAME",
) -> t.ParamsListOperation:
    return t.ParamsListOperation(
        list_operation=t.ListOperationType(operation),
        list_key=t.ListKey(key_type=t.ListKeyType(key_type), key_value=list_name),
        list_member_list=lead_keys(*keys),
        strict=strict,
    )


def import_rows(
    rows: list[str], *, mode: str = "UPSERTLEADS", header: str = "Email Address,First Name", clear: bool = False,
    list_name: str = "Trav-Test-List", program: str = PROGRAM, campaign: str | None = None,
) -> t.ParamsImportToList:  # fmt: skip
    return t.ParamsImportToList(
        program_name=program,
        list_name=list_name,
        import_file_header=header,
        import_file_rows=t.ArrayOfString(string_item=rows),
        import_list_mode=t.ImportToListModeEnum(mode),
        clear_list=clear,
        campaign_name=campaign,
    )


def import_status(list_name: str = "Trav-Test-List", program: str = PROGRAM) -> t.ParamsGetImportToListStatus:
    return t.ParamsGetImportToListStatus(program_name=program, list_name=list_name)


def request(
    *keys: str | tuple[str, str], campaign_id: int | None = 4496, name: str | None = None,
    program: str | None = None, source: str = "MKTOWS", tokens: dict[str, str] | None = None,
) -> t.ParamsRequestCampaign:  # fmt: skip
    return t.ParamsRequestCampaign(
        source=t.ReqCampSourceType(source),
        campaign_id=campaign_id,
        campaign_name=name,
        program_name=program,
        lead_list=lead_keys(*keys),
        program_token_list=t.ArrayOfAttrib(attrib=[t.Attrib(name=k, value=v) for k, v in tokens.items()])
        if tokens
        else None,
    )


# --- the documented requests ---------------------------------------------------------------------------

DOCUMENTED = {
    "listOperation": ["fixtures/listOperation/request.xml"],
    "importToList": ["fixtures/importToList/request.xml"],
    "getImportToListStatus": [
        "fixtures/importToList/request.xml",
        "fixtures/getImportToListStatus/request.xml",
    ],
    "requestCampaign": [
        "fixtures/requestCampaign/request.xml",
        *[f"fixtures/requestCampaign/request-blog-{n}.clean.xml" for n in (1, 2, 3, 4)],
    ],
    "scheduleCampaign": ["fixtures/scheduleCampaign/request.xml"],
    "getCampaignsForSource": ["fixtures/getCampaignsForSource/request.xml"],
}
"""Each operation's documented requests (getImportToListStatus after the documented import it reports on)."""


def documented(path: str) -> Any:
    name = path.split("/")[1]
    op = operations.get(name)
    return op.params_of(codec.decode_request(op, fixture_bytes(path)))


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_requests_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], name: str
) -> None:
    calls = [documented(path) for path in DOCUMENTED[name]]
    results = assert_same(mktows_emulator, clients, calls)
    assert not [r for r in results if isinstance(r, tuple) and r[0] == REFUSED]


# --- the listed differences, each as listed --------------------------------------------------------------


def test_import_status_is_found_only_for_imports_of_this_client(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    soap, rest = clients
    soap.ops.import_to_list(import_rows(["new1@example.com,Ann"]))
    assert _import_status(soap.ops.get_import_to_list_status(import_status()))[0] == "COMPLETE"
    with pytest.raises(UnsupportedOperationError, match="batchId"):
        rest.ops.get_import_to_list_status(import_status())
    rest.ops.import_to_list(import_rows(["new2@example.com,Bob"]))
    assert _import_status(rest.ops.get_import_to_list_status(import_status())) == ("COMPLETE", 1, 0, 1)


def test_upsert_rows_of_members_count_as_imported_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    rows = ["member@company.com,Mem", "fresh@example.com,Fay"]  # the first lead is in the list already
    counts = []
    for client in clients:
        mktows_emulator.reset()
        client.ops.import_to_list(import_rows(rows))
        found = client.ops.get_import_to_list_status(import_status())
        counts.append((found.rows_imported, found.rows_ignored))
    assert counts == [(1, 1), (2, 0)]


def test_import_status_carries_client_times_and_rest_message(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    _, rest = clients
    rest.ops.import_to_list(import_rows(["a@example.com,A", "bad row"]))
    found = rest.ops.get_import_to_list_status(import_status())
    assert found.status is t.ImportToListStatusEnum.COMPLETE
    assert found.started_time is not None and found.ended_time is not None and found.estimated_time is None
    assert (
        found.import_summary is not None
        and "row 2" in found.import_summary
        and "imported" in found.import_summary
    )
    assert (found.rows_imported, found.rows_failed) == (1, 1)


def test_token_columns_cannot_be_imported_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    soap, rest = clients
    params = import_rows(
        ["t@example.com,Fish"], header="Email Address,{{my.special}}", campaign="Batch Campaign Example"
    )
    assert soap.ops.import_to_list(params).import_status is t.ImportToListStatusEnum.PROCESSING
    mktows_emulator.reset()
    with pytest.raises(UnsupportedOperationError, match="Bulk Import Leads takes lead fields only"):
        rest.ops.import_to_list(params)
    assert mktows_emulator.state.list_members("Trav-Test-List") == [1089946]  # nothing sent


def test_clear_list_logs_remove_activities_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    removals = []
    for client in clients:
        mktows_emulator.reset()
        client.ops.import_to_list(import_rows(["fresh@example.com,Fay"], clear=True))
        assert len(mktows_emulator.state.list_members("Trav-Test-List")) == 1
        removals.append(
            [a["lead_id"] for a in mktows_emulator.state.activities() if a["type"] == "Remove from List"]
        )
    assert removals == [[], [1089946]]


SLOW_IMPORTS = EmulatorConfig.from_mapping({**SEED, "settings": {"import_duration": 600.0}})


@pytest.mark.parametrize("mktows_emulator_config", [SLOW_IMPORTS], ids=["10-minute imports"])
def test_list_only_imports_are_complete_at_once_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    calls = {
        "LISTONLY": import_rows(["t@t.com,x"], mode="LISTONLY"),
        "bad header": import_rows(["t@t.com,x"], header="Email Address,Shoe Size"),
        "UPSERTLEADS": import_rows(["t@t.com,x"]),
    }
    seen: dict[str, list[str]] = {}
    for client in clients:
        for name, params in calls.items():
            mktows_emulator.reset()
            client.ops.import_to_list(params)
            status = client.ops.get_import_to_list_status(import_status()).status.value
            seen.setdefault(name, []).append(status)
    assert seen == {
        "LISTONLY": ["PROCESSING", "COMPLETE"],
        "bad header": ["PROCESSING", "FAILED"],
        "UPSERTLEADS": ["PROCESSING", "PROCESSING"],
    }


def test_empty_cells_leave_fields_as_they_were_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    names = []
    for client in clients:
        mktows_emulator.reset()
        client.ops.import_to_list(import_rows(["t@t.com,"]))  # lead 1090240, First Name Tom
        names.append(mktows_emulator.state.lead(1090240)["attributes"].get("FirstName"))  # type: ignore[index]
    assert names == [None, "Tom"]


def test_schedule_without_run_at_runs_five_minutes_later_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    params = t.ParamsScheduleCampaign(program_name=PROGRAM, campaign_name="Batch Campaign Example")
    delays = []
    for client in clients:
        mktows_emulator.reset()
        assert client.ops.schedule_campaign(params).success is True
        [run] = [r for r in mktows_emulator.state.campaign_runs() if r["kind"] == "schedule"]
        delays.append((run["run_at"] - run["created_at"]) // 1_000_000)
    assert delays == [0, 300]


def test_sales_insight_source_is_unsupported_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    soap, rest = clients
    sales_request = request("4001", source="SALES")
    sales_campaigns = t.ParamsGetCampaignsForSource(source=t.ReqCampSourceType.SALES)
    assert soap.ops.request_campaign(sales_request).success is True
    assert soap.ops.get_campaigns_for_source(sales_campaigns).return_count >= 2
    for params in (sales_request, sales_campaigns):
        with pytest.raises(UnsupportedOperationError, match="Web Service API"):
            rest.call(operation_of(params), params)


def test_owner_keyed_lists_are_unsupported_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    soap, rest = clients
    params = list_op("ISMEMBEROFLIST", "su-1", "16", key_type="MKTOSALESUSERID")
    assert soap.ops.list_operation(params).success is True
    with pytest.raises(UnsupportedOperationError, match=r"static-lists\.md"):
        rest.ops.list_operation(params)


def test_owner_email_keys_are_unsupported_over_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    assert "owner email keys" in DIFFERENCES
    soap, rest = clients
    params = request(("LEADOWNEREMAIL", "nobody@example.com"))
    with pytest.raises(NotFoundError) as soap_refused:
        soap.ops.request_campaign(params)
    assert soap_refused.value.code == 20108
    before = len(mktows_emulator.calls)
    with pytest.raises(UnsupportedOperationError, match=r"LEADOWNEREMAIL.*swagger-mapi\.json"):
        rest.ops.request_campaign(params)
    assert "getLeadsByFilterUsingGET" not in [c.operation for c in mktows_emulator.calls[before:]]


def test_strict_asks_member_of_list_before_changing(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    _, rest = clients
    mktows_emulator.reset()
    before = len(mktows_emulator.calls)
    with pytest.raises(NotFoundError) as refused:
        rest.ops.list_operation(list_op("ADDTOLIST", "Newsletter", "87710", "424242", strict=True))
    assert refused.value.code == 20103
    asked = [c.operation for c in mktows_emulator.calls[before:]]
    assert "areLeadsMemberOfListUsingGET" in asked and "addLeadsToListUsingPOST" not in asked
    assert mktows_emulator.state.list_members("Newsletter") == [2, 15]


# --- more than the documented requests: faults and edges, each the same both ways ----------------------

EDGES = {
    "unknown list": [list_op("ADDTOLIST", "No Such List", "2")],
    "program.list name": [list_op("ISMEMBEROFLIST", "Big Launch Webinar.Webinar Invitees", "16", "2")],
    "empty member list": [list_op("ADDTOLIST", "Newsletter")],
    "strict non-IDNUM": [list_op("ADDTOLIST", "Newsletter", "2", ("EMAIL", "t@t.com"), strict=True)],
    "strict remove non-member": [list_op("REMOVEFROMLIST", "Newsletter", "2", "16", strict=True)],
    "strict remove twice": [list_op("REMOVEFROMLIST", "Newsletter", "2", "2", strict=True)],
    "leading zeros": [list_op("ADDTOLIST", "Newsletter", "0016", " 87710 ", "+2", "-5")],
    "remove twice": [list_op("REMOVEFROMLIST", "Newsletter", "2", "2", "x", "424242")],
    "names with commas": [
        list_op("ADDTOLIST", "Leads, VIP", "16", "2"),
        import_rows(["t@t.com,Tim"], list_name="Leads, VIP", program="Big Launch Webinar"),
        request("4001", campaign_id=None, name="Welcome, VIP", program="Big Launch Webinar"),
        t.ParamsGetCampaignsForSource(
            source=t.ReqCampSourceType.MKTOWS, name="Welcome, VIP", exact_name=True
        ),
    ],
    "300 a call": [list_op("ADDTOLIST", "Newsletter", *[str(i) for i in range(1, 651)], "87710", "4001")],
    "too many leads": [list_op("ISMEMBEROFLIST", "Newsletter", *[str(i) for i in range(1001)])],
    "unknown program": [import_rows(["a@example.com,A"], program="No Program")],
    "unknown program list": [import_rows(["a@example.com,A"], list_name="Newsletter")],
    "unknown campaign": [import_rows(["a@example.com,A"], campaign="No Campaign")],
    "bad email": [import_rows(["not-an-email,Ann"]), import_status()],
    "bad score": [import_rows(["a@example.com,abc"], header="Email Address,Lead Score"), import_status()],
    "quoted comma": [
        import_rows(['"b@example.com","Smith, Jr"'], header="Email Address,Last Name"),
        import_status(),
    ],
    "update by import": [import_rows(["t@t.com,Tommy"]), import_status()],
    "SOAP names in header": [import_rows(["t@t.com,Tommy"], header="Email,FirstName"), import_status()],
    "no rows": [import_rows([]), import_status()],
    "unknown column": [import_rows(["a@example.com,A"], header="Email Address,Shoe Size"), import_status()],
    "no email column": [import_rows(["A"], header="First Name"), import_status()],
    "list only": [
        import_rows(
            ["t@t.com,x", "nobody@example.com,y", "member@company.com,z", "T@T.com,w"], mode="LISTONLY"
        ),
        import_status(),
    ],
    "request by name with tokens": [
        request(
            "4001",
            ("EMAIL", "t@t.com"),
            campaign_id=None,
            name="Send Welcome Email",
            program=PROGRAM,
            tokens={"{{my.message}}": "Hi"},
        ),
    ],
    "request id with name": [request("4001", name="Send Welcome Email")],
    "request name only": [request("4001", campaign_id=None, name="Send Welcome Email")],
    "request nothing": [request("4001", campaign_id=None)],
    "request bad token": [request("4001", tokens={"my.message": "Hi"})],
    "request batch campaign": [request("4001", campaign_id=4501)],
    "request sales-only campaign": [request("4001", campaign_id=5001)],
    "request leading zeros": [request("0004001", ("IDNUM", " 4002 "), ("IDNUM", "+2"))],
    "request no such lead": [request("424242", ("EMAIL", "nobody@example.com"))],
    "request empty key": [request(("EMAIL", " "))],
    "request unknown owner id": [request("4001", ("SFDCLEADOWNERID", "005NOBODY"))],
    "request by owner id": [
        t.ParamsSyncLead(
            lead_record=t.LeadRecord(
                email="owned@example.com",
                lead_attribute_list=t.ArrayOfAttribute(
                    attribute=[t.Attribute(attr_name="SFDCLeadOwnerId", attr_value="005OWNER")]
                ),
            ),
            return_lead=False,
        ),
        request(("SFDCLEADOWNERID", "005OWNER"), "4001"),
    ],
    "schedule at times": [
        t.ParamsScheduleCampaign(
            program_name=PROGRAM,
            campaign_name="Batch Campaign Example",
            campaign_run_at=XmlDateTime.from_string(at),
        )
        for at in ("2030-01-01T10:00:00", "2030-01-01T10:00:00.250Z", "2030-06-30T23:59:59+05:30")
    ],
    "schedule unknown program": [t.ParamsScheduleCampaign(program_name="No Program", campaign_name="X")],
    "schedule trigger campaign": [
        t.ParamsScheduleCampaign(program_name=PROGRAM, campaign_name="Send Welcome Email")
    ],
    "campaigns exact name": [
        t.ParamsGetCampaignsForSource(
            source=t.ReqCampSourceType.MKTOWS, name="send welcome email", exact_name=True
        )
    ],
    "campaigns all": [t.ParamsGetCampaignsForSource(source=t.ReqCampSourceType.MKTOWS)],
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edges_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], name: str
) -> None:
    assert_same(mktows_emulator, clients, EDGES[name])


# --- drawn sequences of list calls ---------------------------------------------------------------------

LEAD_IDS = st.sampled_from(["2", "15", "16", "87710", "1089946", "4001", "424242", "abc"])
EMAILS = st.sampled_from(
    ["t@t.com", "winner@company.com", "member@company.com", "new@example.com", "NEW@example.com"]
)


@st.composite
def list_calls(draw: Callable[[Any], Any]) -> t.ParamsListOperation:
    keys = draw(
        st.lists(
            st.one_of(LEAD_IDS, LEAD_IDS, LEAD_IDS, st.tuples(st.just("EMAIL"), EMAILS)),
            min_size=0,
            max_size=5,
        )
    )
    return list_op(
        draw(st.sampled_from(["ADDTOLIST", "REMOVEFROMLIST", "ISMEMBEROFLIST"])),
        draw(st.sampled_from(["Trav-Test-List", "Newsletter", "newsletter", "Webinar Invitees", "Nope"])),
        *keys,
        strict=draw(st.booleans()),
    )


@st.composite
def import_calls(draw: Callable[[Any], Any]) -> t.ParamsImportToList:
    rows = [f"{draw(EMAILS)},{draw(st.sampled_from(['Ann', 'Bo']))}" for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        rows.append("short")
    return import_rows(rows, mode=draw(st.sampled_from(["UPSERTLEADS", "LISTONLY"])))


@st.composite
def campaign_calls(draw: Callable[[Any], Any]) -> t.ParamsRequestCampaign:
    keys = draw(st.lists(st.one_of(LEAD_IDS, st.tuples(st.just("EMAIL"), EMAILS)), min_size=1, max_size=3))
    tokens = draw(st.sampled_from([None, {"{{my.message}}": "Hi"}]))
    if draw(st.booleans()):
        return request(*keys, campaign_id=draw(st.sampled_from([4496, 3374, 4501])), tokens=tokens)
    name = draw(st.sampled_from(["Send Welcome Email", "send welcome email", "Batch Campaign Example"]))
    return request(*keys, campaign_id=None, name=name, program=PROGRAM, tokens=tokens)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    calls=st.lists(
        st.one_of(
            list_calls(),
            list_calls(),
            list_calls(),
            import_calls(),
            st.just(import_status()),
            campaign_calls(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_drawn_list_calls_agree_over_soap_and_rest(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client], calls: list[Any]
) -> None:
    soap, rest = clients
    if not any(isinstance(c, t.ParamsImportToList) for c in calls):
        calls = [c for c in calls if not isinstance(c, t.ParamsGetImportToListStatus)]
    else:  # a status is asked only after an import of the list (DIFFERENCES: "no import history")
        first = next(i for i, c in enumerate(calls) if isinstance(c, t.ParamsImportToList))
        calls = [
            c for i, c in enumerate(calls) if i > first or not isinstance(c, t.ParamsGetImportToListStatus)
        ]
    if calls:
        assert_same(mktows_emulator, (soap, rest), calls)


# --- names → ids ---------------------------------------------------------------------------------------


def test_names_are_looked_up_once_per_client_and_unknown_names_each_time(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    _, rest = clients

    def lookups() -> list[str | None]:
        wanted = ("getListsUsingGET", "getCampaignsUsingGET")
        return [c.operation for c in mktows_emulator.calls if c.operation in wanted]

    for _ in range(3):
        rest.ops.list_operation(list_op("ISMEMBEROFLIST", "newsletter", "2"))
        rest.ops.request_campaign(
            request("4001", campaign_id=None, name="Send Welcome Email", program=PROGRAM)
        )
    assert lookups() == ["getListsUsingGET", "getCampaignsUsingGET"]
    for _ in range(2):
        with pytest.raises(NotFoundError) as refused:
            rest.ops.list_operation(list_op("ISMEMBEROFLIST", "Later List", "2"))
        assert refused.value.code == 20111 and "Later List" in str(refused.value)
    assert lookups().count("getListsUsingGET") == 3


def test_concurrent_calls_share_one_cache(
    mktows_emulator: EmulatorHandle, clients: tuple[Client, Client]
) -> None:
    _, rest = clients
    params = list_op("ISMEMBEROFLIST", "Newsletter", "2", "16")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: rest.ops.list_operation(params), range(8)))
    assert {tuple(s.status for s in a.status_list.lead_status) for a in answers} == {(True, False)}
    again = len([c for c in mktows_emulator.calls if c.operation == "getListsUsingGET"])
    rest.ops.list_operation(params)
    assert len([c for c in mktows_emulator.calls if c.operation == "getListsUsingGET"]) == again <= 8
