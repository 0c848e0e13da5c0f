"""Signing: the published vector, the 18 documented signatures, per-attempt signing, skew and 20016."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from mktows import RetryPolicy, codec, signing
from mktows._auth import MAX_CLOCK_SKEW, Secret, Signer, server_time
from mktows.errors import RequestExpiredError
from mktows.operations import MKTOWS_NS
from tests.conftest import fixture_bytes, fixture_index, requires_shared
from tests.stub_server import (
    ENCRYPTION_KEY,
    GET_LEAD,
    GET_LEAD_OK,
    USER_ID,
    FakeClock,
    Reply,
    StubServer,
    client_for,
    fault,
    html,
    http_date,
    xml,
)

# Marketo's published example (authentication-signature.md, also in segmentio/marketo-python's test.py)
PUBLISHED_USER = "bigcorp1_461839624B16E06BA2D663"
PUBLISHED_KEY = "899756834129871744AAEE88DDCC77CDEEDEC1AAAD66"
PUBLISHED_TIMESTAMP = "2010-04-09T14:04:54-07:00"
PUBLISHED_SIGNATURE = "ffbff4d4bef354807481e66dc7540f7890523a87"

# The secret printed by the Java samples of synclead.md, syncmultipleleads.md and gettags.md
DOCUMENTED_USER = "demo17_1_809934544BFABAE58E5D27"
DOCUMENTED_KEY = "27272727aa"


def _documented_headers() -> list[dict[str, Any]]:
    """The AuthenticationHeader of every reference-page request example signed by the documented user."""
    found = []
    for entry in fixture_index():
        if entry["kind"] != "request" or not entry["well_formed"]:
            continue
        if not entry["source_path"].startswith("help/soap-api/"):
            continue
        root = codec.parse_xml(fixture_bytes(entry["file"]))
        header = root.find(f".//{{{MKTOWS_NS}}}AuthenticationHeader")
        if header is None:
            continue
        fields = {child.tag: (child.text or "").strip() for child in header}
        if fields.get("mktowsUserId") == DOCUMENTED_USER:
            found.append({"file": entry["file"], **fields})
    return found


DOCUMENTED = _documented_headers()


def test_published_vector() -> None:
    assert signing.signature(PUBLISHED_KEY, PUBLISHED_TIMESTAMP, PUBLISHED_USER) == PUBLISHED_SIGNATURE


def test_signer_reproduces_the_published_vector_from_an_injected_clock() -> None:
    pacific = timezone(timedelta(hours=-7))
    signer = Signer(
        PUBLISHED_USER, PUBLISHED_KEY, clock=lambda: datetime(2010, 4, 9, 14, 4, 54, tzinfo=pacific)
    )
    header = signer.header()
    assert header.request_timestamp == PUBLISHED_TIMESTAMP  # W3C, colon in the offset
    assert header.request_signature == PUBLISHED_SIGNATURE
    assert header.mktows_user_id == PUBLISHED_USER


def test_timestamp_keeps_the_clock_offset_with_a_colon() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    signer = Signer(
        USER_ID, ENCRYPTION_KEY, clock=lambda: datetime(2026, 1, 2, 3, 4, 5, 999_999, tzinfo=india)
    )
    assert signer.header().request_timestamp == "2026-01-02T03:04:05+05:30"


def test_naive_clock_is_refused() -> None:
    signer = Signer(USER_ID, ENCRYPTION_KEY, clock=lambda: datetime(2026, 1, 2, 3, 4, 5))
    with pytest.raises(ValueError, match="timezone-aware"):
        signer.header()


@requires_shared
def test_there_are_eighteen_documented_signatures() -> None:
    assert len(DOCUMENTED) == 18, [entry["file"] for entry in DOCUMENTED]


@requires_shared
@pytest.mark.parametrize("documented", DOCUMENTED, ids=[entry["file"] for entry in DOCUMENTED])
def test_documented_signature(documented: dict[str, str]) -> None:
    timestamp = documented["requestTimestamp"]
    assert signing.signature(DOCUMENTED_KEY, timestamp, DOCUMENTED_USER) == documented["requestSignature"]
    signer = Signer(DOCUMENTED_USER, DOCUMENTED_KEY, clock=lambda: signing.parse_timestamp(timestamp))
    header = signer.header()
    assert header.request_timestamp == timestamp
    assert header.request_signature == documented["requestSignature"]


def test_secret_hides_itself() -> None:
    secret = Secret(ENCRYPTION_KEY)
    assert ENCRYPTION_KEY not in repr(secret) and ENCRYPTION_KEY not in str(secret)
    assert secret.reveal() == ENCRYPTION_KEY
    assert ENCRYPTION_KEY not in repr(Signer(USER_ID, ENCRYPTION_KEY))


def test_server_time_reads_http_dates() -> None:
    assert server_time("Tue, 03 Mar 2026 10:00:00 GMT") == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert server_time("not a date") is None
    assert server_time(None) is None


def _verified(stub: StubServer) -> list[dict[str, str]]:
    """The auth headers the stub received, each checked to carry a valid signature."""
    headers = [post.auth_header() for post in stub.posts]
    for header in headers:
        assert header["mktowsUserId"] == USER_ID
        assert signing.verify(ENCRYPTION_KEY, header["requestTimestamp"], USER_ID, header["requestSignature"])
    return headers


def test_every_attempt_is_signed_afresh() -> None:
    clock = FakeClock(step=timedelta(seconds=1))
    with StubServer(fault(20023), fault(20024), xml(GET_LEAD_OK)) as stub:
        outcome = client_for(stub, clock=clock).call("getLead", GET_LEAD)
        headers = _verified(stub)
    assert outcome.attempts == 3
    assert len({h["requestTimestamp"] for h in headers}) == 3
    assert len({h["requestSignature"] for h in headers}) == 3


def test_skew_is_learned_from_the_date_header() -> None:
    clock = FakeClock()
    ahead = clock.now + timedelta(hours=1)
    date = {"Date": http_date(ahead)}
    with StubServer(xml(GET_LEAD_OK, headers=date), xml(GET_LEAD_OK, headers=date)) as stub:
        client = client_for(stub, clock=clock)
        client.ops.get_lead(GET_LEAD)
        assert client.clock_skew == timedelta(hours=1)
        client.ops.get_lead(GET_LEAD)
        first, second = _verified(stub)
    assert signing.parse_timestamp(first["requestTimestamp"]) == clock.now
    assert signing.parse_timestamp(second["requestTimestamp"]) == ahead


def test_a_second_of_difference_is_not_skew() -> None:
    clock = FakeClock()
    with StubServer(xml(GET_LEAD_OK, headers={"Date": http_date(clock.now - timedelta(seconds=1))})) as stub:
        client = client_for(stub, clock=clock)
        client.ops.get_lead(GET_LEAD)
    assert client.clock_skew == timedelta(0)


def test_request_expired_is_resigned_once_with_the_new_skew() -> None:
    clock = FakeClock()
    later = clock.now + timedelta(minutes=20)
    date = {"Date": http_date(later)}
    with StubServer(fault(20016, headers=date), xml(GET_LEAD_OK, headers=date)) as stub:
        outcome = client_for(stub, clock=clock, retry=RetryPolicy.never()).call("getLead", GET_LEAD)
        first, second = _verified(stub)
    assert outcome.attempts == 2
    assert outcome.skew == timedelta(minutes=20)
    assert signing.parse_timestamp(second["requestTimestamp"]) == later
    assert first["requestSignature"] != second["requestSignature"]


def _dated(reply: Reply, moment: datetime) -> Reply:
    return Reply(
        status=reply.status,
        body=reply.body,
        content_type=reply.content_type,
        headers={"Date": http_date(moment)},
    )


UNTRUSTED = {
    "fault-20023": fault(20023),
    "html-503": html(503, "Service Unavailable"),
    "html-500": html(500, "Internal Server Error"),
    "xml-without-fault-500": xml(b"<error>busy</error>", status=500),
    "garbled-200": xml(b"<SOAP-ENV:Envelope"),
}


@pytest.mark.parametrize("kind", list(UNTRUSTED))
def test_an_error_answer_teaches_no_skew(kind: str) -> None:
    """A page or fault from whoever sits on the path must not move the signed timestamps (to 2031, say)."""
    clock = FakeClock()
    future = datetime(2031, 7, 1, tzinfo=UTC)
    first = _dated(UNTRUSTED[kind], future)
    retry = RetryPolicy(max_attempts=2, sleep=lambda _: None)
    with StubServer(first, _dated(xml(GET_LEAD_OK), clock.now)) as stub:
        client = client_for(stub, clock=clock, retry=retry)
        client.ops.get_lead(GET_LEAD)
        headers = _verified(stub)
    assert client.clock_skew == timedelta(0)
    assert [signing.parse_timestamp(h["requestTimestamp"]) for h in headers] == [clock.now, clock.now]


def test_learned_skew_is_capped() -> None:
    clock = FakeClock()
    far = clock.now + timedelta(days=1671)
    with StubServer(_dated(xml(GET_LEAD_OK), far), _dated(xml(GET_LEAD_OK), far)) as stub:
        client = client_for(stub, clock=clock)
        client.ops.get_lead(GET_LEAD)
        assert client.clock_skew == MAX_CLOCK_SKEW
        client.ops.get_lead(GET_LEAD)
        _, second = _verified(stub)
    assert signing.parse_timestamp(second["requestTimestamp"]) == clock.now + MAX_CLOCK_SKEW


def test_learned_skew_is_capped_behind_too() -> None:
    clock = FakeClock()
    past = clock.now - timedelta(days=400)
    with StubServer(_dated(fault(20016), past), _dated(xml(GET_LEAD_OK), past)) as stub:
        outcome = client_for(stub, clock=clock, retry=RetryPolicy.never()).call("getLead", GET_LEAD)
        _, second = _verified(stub)
    assert outcome.skew == -MAX_CLOCK_SKEW
    assert signing.parse_timestamp(second["requestTimestamp"]) == clock.now - MAX_CLOCK_SKEW


def test_request_expired_twice_is_raised() -> None:
    with StubServer(fault(20016), fault(20016), xml(GET_LEAD_OK)) as stub:
        with pytest.raises(RequestExpiredError) as caught:
            client_for(stub, clock=FakeClock(step=timedelta(seconds=1))).call("getLead", GET_LEAD)
        assert len(stub.posts) == 2
    assert caught.value.code == 20016
