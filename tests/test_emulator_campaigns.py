"""Campaigns, lists, imports, tags and channels in the emulator: requestCampaign's parameter sets and its
100-key limit, scheduleCampaign (and its 10 clones a day), getCampaignsForSource, listOperation,
importToList with getImportToListStatus, getTags and getChannels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from mktows.emulator import Emulator
from mktows.errors import NotFoundError
from mktows.types import (
    ArrayOfAttrib,
    ArrayOfLeadKey,
    ArrayOfString,
    ArrayOfTag,
    Attrib,
    ImportToListModeEnum,
    LeadKey,
    LeadKeyRef,
    ListKey,
    ListKeyType,
    ListOperationType,
    ParamsGetCampaignsForSource,
    ParamsGetChannels,
    ParamsGetImportToListStatus,
    ParamsGetTags,
    ParamsImportToList,
    ParamsListOperation,
    ParamsRequestCampaign,
    ParamsScheduleCampaign,
    ReqCampSourceType,
    Tag,
)
from tests.emulator_support import call, fault_of, post, request_bytes, running


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    yield from running(limits={"rate_calls": None})


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.reset()
    return server


def leads(*emails: str) -> ArrayOfLeadKey:
    return ArrayOfLeadKey(lead_key=[LeadKey(key_type=LeadKeyRef.EMAIL, key_value=e) for e in emails])


def tokens(**values: str) -> ArrayOfAttrib:
    return ArrayOfAttrib(attrib=[Attrib(name=f"{{{{my.{k}}}}}", value=v) for k, v in values.items()])


# --- requestCampaign -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"campaign_id": 4496}, None),
        ({"campaign_name": "Send Welcome Email", "program_name": "Trav-Demo-Program"}, None),
        (
            {
                "campaign_name": "Send Welcome Email",
                "program_name": "Trav-Demo-Program",
                "program_token_list": ArrayOfAttrib(),
            },
            None,
        ),
        ({"campaign_id": 4496, "program_token_list": tokens(topic="x")}, None),
        ({"campaign_id": 4496, "campaign_name": "Send Welcome Email"}, 20110),
        ({"campaign_name": "Send Welcome Email"}, 20110),
        ({"program_name": "Trav-Demo-Program", "program_token_list": tokens(topic="x")}, 20110),
        ({}, 20109),
        ({"campaign_id": 1}, 20113),
        ({"campaign_id": 4501}, 20113),
        ({"campaign_name": "Send Welcome Email", "program_name": "Program01"}, 20113),
    ],
    ids=[
        "id-alone",
        "name-program",
        "name-program-empty-tokens",
        "id-with-tokens(blog)",
        "id-with-name",
        "name-without-program",
        "program-without-name",
        "nothing",
        "unknown-id",
        "batch-campaign",
        "wrong-program",
    ],
)
def test_request_campaign_parameter_sets(
    emulator: Emulator, options: dict[str, object], code: int | None
) -> None:
    params = ParamsRequestCampaign(
        source=ReqCampSourceType.MKTOWS, lead_list=leads("lead@company.com"), **options
    )  # type: ignore[arg-type]
    if code is None:
        assert call(emulator, "requestCampaign", params).success is True
        [run] = emulator.state.campaign_runs()
        assert (run["campaign_id"], run["lead_ids"]) == (4496, [4001])
        assert emulator.state.activities(4001)[-1]["type"] == "Request Campaign"
    else:
        assert fault_of(emulator, "requestCampaign", params).code == code
        assert emulator.state.campaign_runs() == []


def test_request_campaign_counts_100_keys_and_needs_a_lead(emulator: Emulator) -> None:
    many = ArrayOfLeadKey(
        lead_key=[LeadKey(key_type=LeadKeyRef.IDNUM, key_value="999999")] * 100
        + [LeadKey(key_type=LeadKeyRef.IDNUM, key_value="4001")]
    )
    params = ParamsRequestCampaign(source=ReqCampSourceType.MKTOWS, campaign_id=4496, lead_list=many)
    fault = fault_of(emulator, "requestCampaign", params)  # the 101st key, the only real lead, is ignored
    assert isinstance(fault, NotFoundError)
    assert fault.code == 20103
    sales = ParamsRequestCampaign(
        source=ReqCampSourceType.SALES, campaign_id=3374, lead_list=leads("lead@company.com")
    )
    assert fault_of(emulator, "requestCampaign", sales).code == 20113  # not requestable from Sales Insight


# --- scheduleCampaign and getCampaignsForSource ------------------------------------------------------------


def schedule(**options: object) -> ParamsScheduleCampaign:
    return ParamsScheduleCampaign(
        program_name="Trav-Demo-Program", campaign_name="Batch Campaign Example", **options
    )  # type: ignore[arg-type]


def test_schedule_campaign(emulator: Emulator) -> None:
    assert (
        call(emulator, "scheduleCampaign", schedule(program_token_list=tokens(message="hi"))).success is True
    )
    assert emulator.state.campaign_runs()[-1]["tokens"] == {"{{my.message}}": "hi"}
    assert (
        fault_of(
            emulator,
            "scheduleCampaign",
            ParamsScheduleCampaign(program_name="Trav-Demo-Program", campaign_name="Nope"),
        ).code
        == 20113
    )
    trigger = ParamsScheduleCampaign(program_name="Trav-Demo-Program", campaign_name="Send Welcome Email")
    assert fault_of(emulator, "scheduleCampaign", trigger).code == 20110
    assert (
        fault_of(
            emulator,
            "scheduleCampaign",
            schedule(program_token_list=ArrayOfAttrib(attrib=[Attrib(name="message", value="x")])),
        ).code
        == 20110
    )


def test_only_ten_clones_a_day(emulator: Emulator) -> None:
    plain = request_bytes(emulator, "scheduleCampaign", schedule())
    for n in range(11):
        data = plain.replace(
            b"</programName>", f"</programName><cloneToProgramName>Clone {n}</cloneToProgramName>".encode()
        )
        response = post(emulator, data)
        assert response.status_code == (200 if n < 10 else 500), n
    names = {p["attributes"]["Name"] for p in emulator.state.mobjects("Program")}
    assert {f"Clone {n}" for n in range(10)} <= names
    assert "Clone 10" not in names


def test_campaigns_for_source(emulator: Emulator) -> None:
    everything = call(
        emulator, "getCampaignsForSource", ParamsGetCampaignsForSource(source=ReqCampSourceType.MKTOWS)
    )
    names = [c.name for c in everything.campaign_record_list.campaign_record]
    assert names == sorted(names, key=str.casefold)
    assert everything.return_count == 14 and "Batch Campaign Example" not in names
    triggers = call(
        emulator,
        "getCampaignsForSource",
        ParamsGetCampaignsForSource(source=ReqCampSourceType.MKTOWS, name="trigger", exact_name=False),
    )
    assert triggers.return_count == 13
    exact = call(
        emulator,
        "getCampaignsForSource",
        ParamsGetCampaignsForSource(
            source=ReqCampSourceType.SALES, name="Send Welcome Email", exact_name=True
        ),
    )
    assert [c.id for c in exact.campaign_record_list.campaign_record] == [4496]


# --- listOperation -----------------------------------------------------------------------------------------------


def list_op(
    operation: str, *ids: str, strict: bool | None = None, name: str = "Trav-Test-List"
) -> ParamsListOperation:
    return ParamsListOperation(
        list_operation=ListOperationType(operation),
        list_key=ListKey(key_type=ListKeyType.MKTOLISTNAME, key_value=name),
        list_member_list=ArrayOfLeadKey(
            lead_key=[LeadKey(key_type=LeadKeyRef.IDNUM, key_value=i) for i in ids]
        ),
        strict=strict,
    )


def statuses(result: object) -> list[bool]:
    return [s.status for s in result.status_list.lead_status]  # type: ignore[attr-defined]


def test_list_operations(emulator: Emulator) -> None:
    added = call(emulator, "listOperation", list_op("ADDTOLIST", "87710", "424242"))
    assert (added.success, statuses(added)) == (False, [True, False])
    assert emulator.state.list_members("Trav-Test-List") == [87710, 1089946]
    member = call(emulator, "listOperation", list_op("ISMEMBEROFLIST", "87710", "2"))
    assert (member.success, statuses(member)) == (False, [True, False])
    removed = call(emulator, "listOperation", list_op("REMOVEFROMLIST", "87710"))
    assert (removed.success, statuses(removed)) == (True, [True])
    assert [a["type"] for a in emulator.state.activities(87710)][-2:] == ["Add to List", "Remove from List"]


def test_strict_list_operations_fail_whole(emulator: Emulator) -> None:
    assert (
        fault_of(emulator, "listOperation", list_op("ADDTOLIST", "87710", "424242", strict=True)).code
        == 20103
    )
    assert emulator.state.list_members("Trav-Test-List") == [1089946]  # nothing added


def test_list_operation_limits_and_unknown_lists(emulator: Emulator) -> None:
    assert (
        fault_of(emulator, "listOperation", list_op("ADDTOLIST", *[str(n) for n in range(1001)])).code
        == 20110
    )
    assert fault_of(emulator, "listOperation", list_op("ADDTOLIST", "2", name="Nope")).code == 20111


# --- importToList ----------------------------------------------------------------------------------------------


def importing(
    rows: list[str],
    mode: str = "UPSERTLEADS",
    header: str = "First Name,Last Name,Email Address",
    **options: object,
) -> ParamsImportToList:
    return ParamsImportToList(
        program_name="Trav-Demo-Program",
        list_name="Trav-Test-List",
        import_file_header=header,
        import_file_rows=ArrayOfString(string_item=rows),
        import_list_mode=ImportToListModeEnum(mode),
        clear_list=bool(options.pop("clear_list", False)),
        campaign_name=options.pop("campaign_name", None),  # type: ignore[arg-type]
    )


STATUS = ParamsGetImportToListStatus(program_name="Trav-Demo-Program", list_name="Trav-Test-List")


def test_import_is_processing_then_complete(server: Emulator) -> None:
    class Clock:
        moment = datetime.now(UTC)

        def __call__(self) -> datetime:
            return self.moment

    clock = Clock()
    with Emulator(clock=clock, settings={"import_duration": 60.0}) as emulator:
        rows = ["Jane,Doe,jdoe@janeconsulting.com", "Mem,Ber,member@company.com", "broken,row", "No,Mail,"]
        assert call(emulator, "importToList", importing(rows)).import_status.value == "PROCESSING"
        pending = call(emulator, "getImportToListStatus", STATUS)
        assert (pending.status.value, pending.estimated_rows) == ("PROCESSING", 4)
        clock.moment += timedelta(seconds=61)
        done = call(emulator, "getImportToListStatus", STATUS)
        assert (done.status.value, done.rows_imported, done.rows_failed, done.rows_ignored) == (
            "COMPLETE",
            1,
            2,
            1,
        )
        assert done.ended_time is not None
        members = emulator.state.list_members("Trav-Test-List")
        assert len(members) == 2 and 1089946 in members


def test_import_modes_columns_and_tokens(emulator: Emulator) -> None:
    call(
        emulator,
        "importToList",
        importing(
            ["Only,Existing,nobody@new.com", "Rufus,K,rufus@marketo.com"], mode="LISTONLY", clear_list=True
        ),
    )
    assert emulator.state.list_members("Trav-Test-List") == [1089965]
    call(emulator, "importToList", importing(["x,y"], header="First Name,Shoe Size"))
    failed = call(emulator, "getImportToListStatus", STATUS)
    assert failed.status.value == "FAILED" and "Shoe Size" in str(failed.import_summary)
    with_tokens = importing(["a@x.com,Fish"], header="Email Address,{{my.specialToken}}")
    assert fault_of(emulator, "importToList", with_tokens).code == 20109
    with_tokens.campaign_name = "Batch Campaign Example"
    assert call(emulator, "importToList", with_tokens).import_status.value == "PROCESSING"
    missing = ParamsGetImportToListStatus(program_name="Trav-Demo-Program", list_name="Nope")
    assert fault_of(emulator, "getImportToListStatus", missing).code == 20111


# --- tags and channels -------------------------------------------------------------------------------------------


def test_get_tags(emulator: Emulator) -> None:
    everything = call(emulator, "getTags", ParamsGetTags()).tag_list.tag
    assert len(everything) == len(emulator.config.tags)
    wanted = ArrayOfTag(
        tag=[
            Tag(type_value="Content Channel", values=ArrayOfString(string_item=["SEM", "Email"])),
            Tag(type_value="Nope"),
        ]
    )
    [tag] = call(emulator, "getTags", ParamsGetTags(tag_list=wanted)).tag_list.tag
    assert (tag.type_value, tag.values.string_item) == ("Content Channel", ["SEM", "Email"])


def test_get_channels(emulator: Emulator) -> None:
    everything = call(emulator, "getChannels", ParamsGetChannels()).tags.tag_status
    assert [c.tag_value for c in everything] == sorted(emulator.config.channels, key=str.casefold)
    some = call(
        emulator,
        "getChannels",
        ParamsGetChannels(tag=Tag(values=ArrayOfString(string_item=["Webinar", "Nope"]))),
    )
    [webinar] = some.tags.tag_status
    first = {
        a.name: a.value for a in webinar.status_list.progression_status_item[0].progression_status.attrib
    }
    assert first == {"Status": "Attended", "Step": "70", "Webinar Behavior": "Attended", "Success": "true"}
