"""Paging with nextPageToken / moreResult, and batching at REST's 300 records and 1 MB per call."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktows.errors import ProtocolError
from mktows.rest import MAX_RECORDS_PER_CALL, batches, iter_pages, iter_records
from tests.rest_stub import RestStub, ok
from tests.test_rest_auth import rest_client

PATH = "/rest/v1/leads.json"


def _tokens_sent(stub: RestStub) -> list[str | None]:
    sent = []
    for call in stub.calls:
        query = parse_qs(urlsplit(call.path).query)
        sent.append(query.get("nextPageToken", [None])[0])
    return sent


def test_pages_follow_the_token_until_more_result_is_false() -> None:
    pages = [
        ok([{"id": 1}, {"id": 2}], moreResult=True, nextPageToken="P2"),
        ok([{"id": 3}], moreResult=True, nextPageToken="P3"),
        ok([{"id": 4}], nextPageToken="P4"),  # activity endpoints give a token on the last page too
    ]
    with RestStub(*pages) as stub:
        records = list(iter_records(rest_client(stub), PATH, {"filterType": "id", "filterValues": "1,2,3,4"}))
        assert _tokens_sent(stub) == [None, "P2", "P3"]
        assert all(parse_qs(urlsplit(c.path).query)["filterType"] == ["id"] for c in stub.calls)
    assert [r["id"] for r in records] == [1, 2, 3, 4]


def test_paging_resumes_from_a_saved_token() -> None:
    with RestStub(ok([{"id": 9}])) as stub:
        (page,) = iter_pages(rest_client(stub), "/rest/v1/activities.json", next_page_token="SAVED")
        assert _tokens_sent(stub) == ["SAVED"]
    assert page.result == [{"id": 9}] and not page.more_result


@pytest.mark.parametrize(
    "second", [ok([{"id": 2}], moreResult=True), ok([{"id": 2}], moreResult=True, nextPageToken="P2")]
)
def test_paging_stops_with_an_error_rather_than_looping(second: object) -> None:
    with RestStub(ok([{"id": 1}], moreResult=True, nextPageToken="P2"), second) as stub:  # type: ignore[arg-type]
        seen = []
        with pytest.raises(ProtocolError):
            for page in iter_pages(rest_client(stub), PATH, {"filterType": "id", "filterValues": "1"}):
                seen.extend(page.result)
        assert len(stub.calls) == 2
    assert seen == [{"id": 1}, {"id": 2}]  # every record received was handed out first


def test_compound_key_queries_page_with_method_get_and_a_json_body() -> None:
    query = {"filterType": "dedupeFields", "input": [{"mlsNum": "1962352", "houseOwnerId": "42645756"}]}
    with RestStub(ok([{"seq": 0}], moreResult=True, nextPageToken="T2"), ok([{"seq": 1}])) as stub:
        records = list(iter_records(rest_client(stub), "/rest/v1/customobjects/house_c.json", query=query))
        first, second = stub.calls
    assert records == [{"seq": 0}, {"seq": 1}]
    assert first.method == second.method == "POST" and first.path.endswith("?_method=GET")
    assert json.loads(first.body) == query
    assert json.loads(second.body) == {**query, "nextPageToken": "T2"}


def test_batches_hold_at_most_300_records_in_order() -> None:
    records = [{"vin": str(n)} for n in range(701)]
    split = list(batches(records))
    assert [len(b) for b in split] == [300, 300, 101]
    assert [r for b in split for r in b] == records
    assert [len(b) for b in batches(records, size=100)][:2] == [100, 100]
    for bad in (0, 301, 1.5):
        with pytest.raises(ValueError):
            list(batches(records, size=bad))  # type: ignore[arg-type]


def test_batches_keep_each_body_under_the_byte_limit() -> None:
    records = [{"note": "x" * 9_000, "n": n} for n in range(300)]  # about 2.7 MB in all
    split = list(batches(records))
    assert len(split) >= 3 and [r for b in split for r in b] == records
    for batch in split:
        assert len(json.dumps(batch, separators=(",", ":")).encode()) < 1_000_000
    (alone, *_rest) = list(batches([{"big": "y" * 2_000_000}, {"n": 1}]))
    assert len(alone) == 1  # too large on its own: travels alone, nothing lost


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=40), max_size=4), max_size=400),
    st.integers(1, MAX_RECORDS_PER_CALL),
    st.integers(50, 5_000),
)
def test_every_record_lands_in_exactly_one_batch(
    records: list[dict[str, str]], size: int, limit: int
) -> None:
    split = list(batches(records, size=size, max_bytes=limit))
    assert [r for b in split for r in b] == records
    for batch in split:
        assert 1 <= len(batch) <= size
        if len(batch) > 1:
            assert len(json.dumps(batch, ensure_ascii=False, separators=(",", ":")).encode()) <= limit
