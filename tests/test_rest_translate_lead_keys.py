"""The one reading of SOAP lead keys over REST's Get Leads by Filter Type (mktows.rest.translate.lead_keys),
against a scripted REST client: the documented filter types, the query size, paging and SOAP's faults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from mktows import types as t
from mktows.errors import NotFoundError, ProtocolError, SoapFault, UnsupportedOperationError
from mktows.rest._envelope import RestResponse
from mktows.rest.translate import lead_keys
from mktows.rest.translate.context import TranslationContext

Answer = Callable[[Mapping[str, Any]], RestResponse]


class ScriptedRest:
    """A REST client whose GET answers come from ``answer(params)``; every query is kept."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.queries: list[dict[str, Any]] = []

    def get(self, path: str, params: Mapping[str, Any], *, operation: str) -> RestResponse:
        assert path == lead_keys.LEADS_PATH
        self.queries.append(dict(params))
        return self.answer(params)


def context(answer: Answer) -> tuple[TranslationContext, ScriptedRest]:
    rest = ScriptedRest(answer)
    return TranslationContext(rest), rest  # type: ignore[arg-type]


def page(*records: Mapping[str, Any], token: str | None = None) -> RestResponse:
    return RestResponse("r1", list(records), next_page_token=token, more_result=token is not None)


def by_email(params: Mapping[str, Any]) -> RestResponse:
    """One lead per value asked, its email the value in upper case, its id the value's length."""
    values = str(params["filterValues"]).split(",")
    return page(*({"id": len(v), "email": v.upper()} for v in values))


def test_the_filter_table_is_the_documented_one() -> None:
    documented = {"cookies", "email", "id", "sfdcAccountId", "sfdcContactId", "sfdcLeadId", "sfdcLeadOwnerId"}
    assert set(lead_keys.FILTER_TYPES.values()) == documented | {"sfdcOpptyId"}
    assert set(lead_keys.FILTER_TYPES) == set(t.LeadKeyRef) - {t.LeadKeyRef.LEADOWNEREMAIL}


def test_a_lead_owner_email_key_names_the_documented_filter_types() -> None:
    ctx, rest = context(by_email)
    with pytest.raises(UnsupportedOperationError) as refused:
        lead_keys.lead_ids(ctx, [t.LeadKey(key_type=t.LeadKeyRef.LEADOWNEREMAIL, key_value="o@x.com")], "op")
    assert "LEADOWNEREMAIL" in str(refused.value) and "sfdcLeadOwnerId" in str(refused.value)
    assert rest.queries == []


def test_values_go_300_a_query_and_each_value_gets_its_own_leads() -> None:
    ctx, rest = context(by_email)
    emails = [f"{'a' * n}@x.com" for n in range(1, 651)]
    found = lead_keys.ids_by_value(ctx, t.LeadKeyRef.EMAIL, [*emails, " a@x.com ", ""], "op")
    assert [len(str(q["filterValues"]).split(",")) for q in rest.queries] == [300, 300, 50]
    assert {q["fields"] for q in rest.queries} == {"id,email"}
    assert list(found) == emails
    assert found["a@x.com"] == [7] and found[emails[-1]] == [656]


def test_pages_are_followed_by_their_token_and_bounded() -> None:
    def two_pages(params: Mapping[str, Any]) -> RestResponse:
        if "nextPageToken" not in params:
            return page({"id": 9, "email": "a@x.com"}, token="T2")
        assert params["nextPageToken"] == "T2"
        return page({"id": 3, "email": "a@x.com"})

    ctx, _ = context(two_pages)
    found = lead_keys.key_leads(ctx, t.LeadKeyRef.EMAIL, "a@x.com", ["email"], "op")
    assert [r["id"] for r in found] == [3, 9]  # once each, in id order

    ctx, rest = context(lambda params: page({"id": 1}, token="again"))
    with pytest.raises(ProtocolError, match="pages"):
        lead_keys.key_leads(ctx, t.LeadKeyRef.EMAIL, "a@x.com", ["email"], "op")
    assert len(rest.queries) == lead_keys.MAX_PAGES_PER_QUERY


def test_more_results_without_a_token_and_a_lead_without_an_id_are_protocol_errors() -> None:
    no_token = RestResponse("r1", [{"id": 1}], more_result=True)
    ctx, _ = context(lambda params: no_token)
    with pytest.raises(ProtocolError, match="nextPageToken"):
        lead_keys.key_leads(ctx, t.LeadKeyRef.EMAIL, "a@x.com", [], "op")
    ctx, _ = context(lambda params: page({"email": "a@x.com"}))
    with pytest.raises(ProtocolError, match="integer id"):
        lead_keys.key_leads(ctx, t.LeadKeyRef.EMAIL, "a@x.com", [], "op")


def test_a_comma_in_a_value_cannot_be_sent() -> None:
    ctx, rest = context(by_email)
    with pytest.raises(UnsupportedOperationError, match="comma"):
        lead_keys.ids_by_value(ctx, t.LeadKeyRef.EMAIL, ["a,b@x.com"], "op")
    assert rest.queries == []


@pytest.mark.parametrize(
    ("key", "required", "code"),
    [
        (t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value=" "), False, 20101),
        (t.LeadKey(key_type=t.LeadKeyRef.SFDCLEADOWNERID, key_value="005X"), False, 20108),
        (t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value="a@x.com"), True, 20103),
        (t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="abc"), True, 20103),
    ],
)
def test_keys_keep_the_soap_faults(key: t.LeadKey, required: bool, code: int) -> None:
    ctx, rest = context(lambda params: page())
    with pytest.raises(SoapFault) as refused:
        lead_keys.key_leads(ctx, key.key_type, key.key_value, [], "op", required=required)
    assert refused.value.code == code
    if key.key_type is t.LeadKeyRef.IDNUM:
        assert rest.queries == []  # REST would refuse a non-number as an id


def test_lead_ids_follow_the_keys_without_repeats() -> None:
    def answer(params: Mapping[str, Any]) -> RestResponse:
        if params["filterType"] == "id":
            return page(*({"id": int(v)} for v in str(params["filterValues"]).split(",")))
        if params["filterType"] == "cookies":
            return page({"id": 40}, {"id": 41})
        return by_email(params)

    ctx, rest = context(answer)
    keys = [
        t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="7"),
        t.LeadKey(key_type=t.LeadKeyRef.EMAIL, key_value="bb@x.com"),  # lead 8
        t.LeadKey(key_type=t.LeadKeyRef.COOKIE, key_value="id:1&token:2"),
        t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="007"),
        t.LeadKey(key_type=t.LeadKeyRef.IDNUM, key_value="x"),
    ]
    assert lead_keys.lead_ids(ctx, keys, "op") == [7, 8, 40, 41]
    assert [(q["filterType"], q["filterValues"]) for q in rest.queries] == [
        ("id", "7,007"),
        ("email", "bb@x.com"),
        ("cookies", "id:1&token:2"),
    ]
    with pytest.raises(NotFoundError) as owner:
        lead_keys.lead_ids(ctx, [t.LeadKey(key_type=t.LeadKeyRef.SFDCLEADOWNERID, key_value="005")], "op")
    assert owner.value.code == 20108
