"""The lead translations against the REST stub: what they send (page sizes, runs of lookup fields, merge
chunks) and how they treat answers the emulator does not give."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

from mktows import Client, Limits
from mktows import types as t
from mktows.errors import (
    InvalidRequestError,
    MktowsError,
    NotFoundError,
    ProtocolError,
    UnsupportedOperationError,
)
from tests.rest_stub import CLIENT_ID, CLIENT_SECRET, RestStub, error, ok
from tests.stub_server import Received, Reply

E = TypeVar("E", bound=MktowsError)

DESCRIBE = ok(
    [
        {"id": 1, "dataType": "email", "rest": {"name": "email"}, "soap": {"name": "Email"}},
        {"id": 2, "dataType": "string", "rest": {"name": "firstName"}, "soap": {"name": "FirstName"}},
        {"id": 3, "dataType": "string", "rest": {"name": "restOnly"}},
    ]
)


def bridged(stub: RestStub) -> Client:
    return Client.over_rest(
        stub.rest_endpoint, CLIENT_ID, CLIENT_SECRET, limits=Limits(calls=None, concurrency=None)
    )


def query(received: Received) -> dict[str, list[str]]:
    return parse_qs(urlsplit(received.path).query)


def body(received: Received) -> Any:
    return json.loads(received.body)


@pytest.mark.parametrize(("batch", "sent"), [(None, "300"), (1000, "300"), (2, "2")])
def test_a_get_multiple_leads_page_asks_for_at_most_300(batch: int | None, sent: str) -> None:
    params = t.ParamsGetMultipleLeads(
        lead_selector=t.LeadKeySelector(
            key_type=t.LeadKeyRef.EMAIL, key_values=t.ArrayOfString(string_item=["a@b.c"])
        ),
        batch_size=batch,
    )
    with RestStub(DESCRIBE, ok([{"id": 7, "email": "a@b.c", "firstName": "Al", "restOnly": "x"}])) as stub:
        client = bridged(stub)
        page = client.ops.get_multiple_leads(params)
        client.close()
        sent_query = query(stub.calls[1])
    assert sent_query["batchSize"] == [sent]
    assert sent_query["fields"] == ["id,email,firstName"]  # a field without a SOAP name is not asked for
    [lead] = page.lead_record_list.lead_record  # type: ignore[union-attr]
    assert (lead.id, lead.email) == (7, "a@b.c")
    assert [(a.attr_name, a.attr_value) for a in lead.lead_attribute_list.attribute] == [("FirstName", "Al")]  # type: ignore[union-attr]


def test_records_are_sent_in_runs_of_one_lookup_field_in_their_order() -> None:
    records = [
        t.LeadRecord(email="a@b.c"),
        t.LeadRecord(
            email="d@e.f",
            lead_attribute_list=t.ArrayOfAttribute(
                attribute=[t.Attribute(attr_name="FirstName", attr_value="Di")]
            ),
        ),
        t.LeadRecord(id=5, email="g@h.i"),
        t.LeadRecord(email="j@k.l"),
    ]
    replies = [
        DESCRIBE,
        ok([{"id": 1, "status": "created"}, {"id": 2, "status": "updated"}]),
        ok([{"status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]}]),
        ok([{"id": 3, "status": "created"}]),
    ]
    params = t.ParamsSyncMultipleLeads(lead_record_list=t.ArrayOfLeadRecord(lead_record=records))
    with RestStub(*replies) as stub:
        client = bridged(stub)
        result = client.ops.sync_multiple_leads(params)
        client.close()
        sent = [body(c) for c in stub.calls[1:]]
    assert [(b["action"], b["lookupField"], b["input"]) for b in sent] == [
        ("createOrUpdate", "email", [{"email": "a@b.c"}, {"email": "d@e.f", "firstName": "Di"}]),
        ("updateOnly", "id", [{"id": 5}]),  # syncMultipleLeads leaves Email alone when the Id keys the lead
        ("createOrUpdate", "email", [{"email": "j@k.l"}]),
    ]
    assert [(s.lead_id, s.status.value, s.error) for s in result.sync_status_list.sync_status] == [
        (1, "CREATED", None),
        (2, "UPDATED", None),
        (5, "FAILED", "Lead not found (1004)"),
        (3, "CREATED", None),
    ]


def test_more_than_300_records_are_refused_before_any_call() -> None:
    records = [t.LeadRecord(email=f"{n}@example.com") for n in range(301)]
    with RestStub() as stub:
        client = bridged(stub)
        with pytest.raises(InvalidRequestError) as refused:
            client.ops.sync_multiple_leads(
                t.ParamsSyncMultipleLeads(lead_record_list=t.ArrayOfLeadRecord(lead_record=records))
            )
        client.close()
        assert stub.calls == []
    assert refused.value.code == 20110


def test_a_sync_answer_without_a_result_per_record_is_a_protocol_error() -> None:
    params = t.ParamsSyncMultipleLeads(
        lead_record_list=t.ArrayOfLeadRecord(
            lead_record=[t.LeadRecord(email="a@b.c"), t.LeadRecord(email="d@e.f")]
        )
    )
    with RestStub(DESCRIBE, ok([{"id": 1, "status": "created"}])) as stub:
        client = bridged(stub)
        with pytest.raises(ProtocolError, match="1 results for 2 records"):
            client.ops.sync_multiple_leads(params)
        client.close()


def test_losers_are_merged_25_per_call() -> None:
    def keys(value: str) -> t.ArrayOfAttribute:
        return t.ArrayOfAttribute(attribute=[t.Attribute(attr_name="IDNUM", attr_value=value)])

    losers = [str(n) for n in range(100, 130)]
    params = t.ParamsMergeLeads(
        winning_lead_key_list=keys("1"),
        losing_lead_key_lists=t.ArrayOfKeyList(key_list=[keys(n) for n in losers]),
        merge_in_sales=True,
    )
    replies = [ok([{"id": 1}]), *[ok([{"id": int(n)}]) for n in losers], ok(), ok()]
    with RestStub(*replies) as stub:
        client = bridged(stub)
        status = client.ops.merge_leads(params).merge_status
        client.close()
        merges = [c for c in stub.calls if c.method == "POST"]
    assert [urlsplit(m.path).path for m in merges] == ["/rest/v1/leads/1/merge.json"] * 2
    assert [query(m)["leadIds"][0].split(",") for m in merges] == [losers[:25], losers[25:]]
    assert all(query(m)["mergeInCRM"] == ["true"] for m in merges)
    assert status.status is t.LeadMergeStatusEnum.MERGED
    assert status.losing_lead_id_list.integer_item == [int(n) for n in losers]  # type: ignore[union-attr]


def refusal(replies: list[Reply], call: Callable[[Client], Any], error: type[E]) -> E:
    """The error ``call`` raises on a bridged client whose stub gives ``replies``."""
    with RestStub(*replies) as stub:
        client = bridged(stub)
        with pytest.raises(error) as refused:
            call(client)
        client.close()
    return refused.value


def get_lead(key_type: t.LeadKeyRef, value: str) -> Callable[[Client], Any]:
    return lambda client: client.ops.get_lead(
        t.ParamsGetLead(lead_key=t.LeadKey(key_type=key_type, key_value=value))
    )


def test_a_key_value_with_a_comma_cannot_be_sent() -> None:
    refused = refusal([DESCRIBE], get_lead(t.LeadKeyRef.EMAIL, "a,b"), UnsupportedOperationError)
    assert "comma" in str(refused)


def test_a_list_name_is_looked_up_once_and_a_missing_list_is_20111() -> None:
    by_name = t.ParamsGetMultipleLeads(lead_selector=t.StaticListSelector(static_list_name="Trav-Test-List"))
    missing = t.ParamsGetMultipleLeads(lead_selector=t.StaticListSelector(static_list_name="Nope"))
    replies = [
        ok([{"id": 1001, "name": "Trav-Test-List"}]),
        DESCRIBE,
        ok([{"id": 7, "email": "a@b.c"}]),
        ok([{"id": 7, "email": "a@b.c"}]),
        ok([]),
    ]
    with RestStub(*replies) as stub:
        client = bridged(stub)
        for _ in range(2):
            assert client.ops.get_multiple_leads(by_name).return_count == 1
        with pytest.raises(NotFoundError) as refused:
            client.ops.get_multiple_leads(missing)
        client.close()
        paths = [urlsplit(c.path).path for c in stub.calls]
    assert refused.value.code == 20111
    assert paths == [
        "/rest/v1/lists.json",
        "/rest/v1/leads/describe.json",
        "/rest/v1/lists/1001/leads.json",
        "/rest/v1/lists/1001/leads.json",  # the name was not looked up again
        "/rest/v1/lists.json",
    ]


def test_a_describe_answer_without_names_is_a_protocol_error() -> None:
    broken = ok([{"id": 1, "rest": {"name": "email"}, "soap": {"name": "Email"}}])  # no dataType
    assert "describe" in str(refusal([broken], get_lead(t.LeadKeyRef.IDNUM, "7"), ProtocolError))


def test_a_whole_call_rest_error_of_sync_leads_keeps_its_code() -> None:
    params = t.ParamsSyncLead(lead_record=t.LeadRecord(email="a@b.c"), return_lead=False)
    replies = [DESCRIBE, error(1006, "Field 'fspid' not found")]
    refused = refusal(replies, lambda client: client.ops.sync_lead(params), InvalidRequestError)
    assert (refused.code, refused.rest_code) == (20110, 1006)  # the SOAP fault, REST's code kept
