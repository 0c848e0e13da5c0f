"""Each of Marketo's 27 documented fault codes (error-codes.md), provoked by one request against the emulator.

The table below is the test: the code, the request that provokes it and how the emulator has to be set up.
Where each code is raised, and the choices the docs leave open, is written in ``mktows.emulator.failures``.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mktows.emulator import Emulator, EmulatorConfig
from mktows.emulator.config import ConfigError
from mktows.emulator.failures import decode_fault
from mktows.emulator.operations import HANDLERS
from mktows.errors import (
    FAULT_CODES,
    EnumerationValueError,
    MissingElementError,
    ProtocolError,
    UnknownElementError,
    ValueTypeError,
)
from mktows.types import LeadKeyRef, ReqCampSourceType
from tests.emulator_support import assert_fault, post, running, signed

LEAD_KEY = "<leadKey><keyType>{}</keyType><keyValue>{}</keyValue></leadKey>"


def _params(operation: str, inner: str) -> bytes:
    tag = "params" + operation[0].upper() + operation[1:]
    return f"<ns1:{tag}>{inner}</ns1:{tag}>".encode()


@dataclass(frozen=True)
class Case:
    """One way to provoke a code: the params element sent (signed), or ``raw`` bytes sent as they are."""

    code: int
    why: str
    body: bytes = b""
    raw: bytes | None = None
    sign: dict[str, Any] = field(default_factory=dict)  # options of the signature (key, moment)
    emulator: dict[str, Any] = field(default_factory=dict)  # a dedicated emulator with these options
    handler_raises: type[Exception] | None = None  # listMObjects' handler fails with this


def _blocked_users() -> EmulatorConfig:
    config = EmulatorConfig.default()
    return dataclasses.replace(
        config, users=tuple(dataclasses.replace(u, blocked=True) for u in config.users)
    )


LIST_MOBJECTS = _params("listMObjects", "")

CASES = [
    Case(10001, "the storage fails", LIST_MOBJECTS, handler_raises=sqlite3.OperationalError),
    Case(20011, "an unexpected error inside the operation", LIST_MOBJECTS, handler_raises=ZeroDivisionError),
    Case(20012, "not well-formed XML", raw=b"<SOAP-ENV:Envelope"),
    Case(20013, "a user configured blocked", LIST_MOBJECTS, emulator={"config": _blocked_users()}),
    Case(20014, "a wrong signature", LIST_MOBJECTS, sign={"key": "not-the-key"}),
    Case(20015, "the daily quota is used up", LIST_MOBJECTS, emulator={"limits": {"daily_quota": 0}}),
    Case(20016, "a 20-minute-old timestamp", LIST_MOBJECTS, sign={"moment": "20 minutes ago"}),
    Case(20017, "getCampaignsForSource without source", _params("getCampaignsForSource", "")),
    Case(20019, "an operation no WSDL defines", b"<ns1:paramsDeleteLead><id>1</id></ns1:paramsDeleteLead>"),
    Case(
        20022,
        "a LastUpdateAtSelector window of 59 days",
        _params(
            "getMultipleLeads",
            '<leadSelector xsi:type="ns1:LastUpdateAtSelector"><latestUpdatedAt>2013-03-01T00:00:00Z'
            "</latestUpdatedAt><oldestUpdatedAt>2013-01-01T00:00:00Z</oldestUpdatedAt></leadSelector>",
        ),
    ),
    Case(20023, "more calls than the rate allows", LIST_MOBJECTS, emulator={"limits": {"rate_calls": 0}}),
    Case(
        20024, "more calls in flight than allowed", LIST_MOBJECTS, emulator={"limits": {"max_concurrent": 0}}
    ),
    Case(20101, "getLead without leadKey", _params("getLead", "")),
    Case(20101, "getLead with a blank keyValue", _params("getLead", LEAD_KEY.format("EMAIL", " "))),
    Case(
        20101,
        "getMultipleLeads' LeadKeySelector without keyValues",
        _params(
            "getMultipleLeads",
            '<leadSelector xsi:type="ns1:LeadKeySelector"><keyType>EMAIL</keyType></leadSelector>',
        ),
    ),
    Case(20102, "a keyType outside LeadKeyRef", _params("getLead", LEAD_KEY.format("NAME", "x"))),
    Case(
        20103, "an email no lead has", _params("getLead", LEAD_KEY.format("EMAIL", "nobody@example.invalid"))
    ),
    Case(20104, "syncLead without leadRecord", _params("syncLead", "<returnLead>false</returnLead>")),
    Case(
        20105,
        "a lead attribute that is no field",
        _params(
            "syncLead",
            "<leadRecord><Email>new@example.invalid</Email><leadAttributeList><attribute><attrName>NoSuchField"
            "</attrName><attrValue>x</attrValue></attribute></leadAttributeList></leadRecord>"
            "<returnLead>false</returnLead>",
        ),
    ),
    Case(
        20106,
        "a lead attribute of the wrong type",
        _params(
            "syncLead",
            "<leadRecord><Email>new@example.invalid</Email><leadAttributeList><attribute><attrName>LeadScore"
            "</attrName><attrValue>many</attrValue></attribute></leadAttributeList></leadRecord>"
            "<returnLead>false</returnLead>",
        ),
    ),
    Case(
        20107,
        "an activityFilter type outside ActivityType",
        _params(
            "getLeadActivity",
            LEAD_KEY.format("IDNUM", "1")
            + "<activityFilter><includeTypes><activityType>Nope</activityType></includeTypes></activityFilter>",
        ),
    ),
    Case(
        20107,
        "an unknown name in activityNameFilter",
        _params(
            "getLeadChanges",
            "<startPosition><oldestCreatedAt>2013-01-01T00:00:00Z</oldestCreatedAt></startPosition>"
            "<activityNameFilter><stringItem>Nope</stringItem></activityNameFilter>",
        ),
    ),
    Case(
        20108,
        "a lead owner that does not exist",
        _params("getLead", LEAD_KEY.format("LEADOWNEREMAIL", "nobody@example.invalid")),
    ),
    Case(
        20109,
        "a blank objTypeName",
        _params("getCustomObjects", "<objTypeName> </objTypeName><includeAttributes/>"),
    ),
    Case(
        20110, "a source outside ReqCampSourceType", _params("getCampaignsForSource", "<source>FAX</source>")
    ),
    Case(
        20110,
        "batchSize 0",
        _params(
            "getCustomObjects",
            "<objTypeName>RoadShow</objTypeName><batchSize>0</batchSize><includeAttributes/>",
        ),
    ),
    Case(
        20111,
        "a static list that does not exist",
        _params(
            "listOperation",
            "<listOperation>ADDTOLIST</listOperation><listKey><keyType>MKTOLISTNAME</keyType><keyValue>No such"
            " list</keyValue></listKey><listMemberList>"
            + LEAD_KEY.format("IDNUM", "1")
            + "</listMemberList>",
        ),
    ),
    Case(
        20113,
        "a campaign id that does not exist",
        _params(
            "requestCampaign",
            "<source>MKTOWS</source><campaignId>999999</campaignId><leadList>"
            + LEAD_KEY.format("IDNUM", "1")
            + "</leadList>",
        ),
    ),
    Case(
        20114,
        "batchSize that is no xs:int",
        _params(
            "getCustomObjects",
            "<objTypeName>RoadShow</objTypeName><batchSize>ten</batchSize><includeAttributes/>",
        ),
    ),
    Case(
        20114,
        "a date that is no xs:dateTime",
        _params(
            "getLeadChanges", "<startPosition><oldestCreatedAt>yesterday</oldestCreatedAt></startPosition>"
        ),
    ),
    Case(
        20122,
        "a stream position this service never gave",
        _params(
            "getCustomObjects",
            "<objTypeName>RoadShow</objTypeName><streamPosition>garbage</streamPosition><includeAttributes/>",
        ),
    ),
    Case(
        20123,
        "a stream position at the end of its stream",
        _params(
            "getMultipleLeads",
            '<leadSelector xsi:type="ns1:LeadKeySelector"><keyType>IDNUM</keyType><keyValues><stringItem>1'
            "</stringItem></keyValues></leadSelector><streamPosition>id:1:os:5:rc:0</streamPosition>",
        ),
    ),
]


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[Emulator]:
    yield from running()


def _send(emulator: Emulator, case: Case) -> Any:
    if case.raw is not None:
        return post(emulator, case.raw)
    options = dict(case.sign)
    if options.get("moment") == "20 minutes ago":
        options["moment"] = datetime.now(UTC) - timedelta(minutes=20)
    return post(emulator, signed(emulator, case.body, **options))


def test_the_table_covers_every_documented_code() -> None:
    assert {case.code for case in CASES} == set(FAULT_CODES)
    assert len(FAULT_CODES) == 27


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.why}" for c in CASES])
def test_each_documented_code_is_raised_where_the_table_says(
    case: Case, shared_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.handler_raises is not None:
        error = case.handler_raises

        def failing(ctx: Any, params: Any) -> Any:
            raise error("provoked by the test")

        monkeypatch.setitem(HANDLERS, "listMObjects", failing)
    if case.emulator:
        with Emulator(**case.emulator) as emulator:
            assert_fault(_send(emulator, case), case.code)
        return
    shared_emulator.reset()
    response = _send(shared_emulator, case)
    assert_fault(response, case.code)
    assert b"provoked by the test" not in response.content


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (MissingElementError("holds 'x', not a valid value", path="paramsGetTags/tagList"), 20017),
        (MissingElementError("is required", path="Envelope/Body/paramsSyncLead/leadRecord"), 20104),
        (EnumerationValueError("is required but missing", path="a/b", enumeration=ReqCampSourceType), 20110),
        (EnumerationValueError("is required but missing", path="a/keyType", enumeration=LeadKeyRef), 20102),
        (ValueTypeError("is required but missing", path="a/batchSize"), 20114),
        (UnknownElementError("not a valid value", path="a/foo"), 20012),
        (ProtocolError("missing, required, not a valid value, convert"), 20012),
    ],
)
def test_decode_errors_map_by_type_and_path_never_by_message(error: ProtocolError, code: int) -> None:
    assert decode_fault("someOperation", error).code == code


def test_blocked_is_read_from_the_config_and_must_be_a_boolean() -> None:
    user = {"user_id": "ci_user_1", "encryption_key": "ci-key-0001"}
    assert EmulatorConfig.from_mapping({"users": [{**user, "blocked": True}]}).users[0].blocked
    assert not EmulatorConfig.from_mapping({"users": [user]}).users[0].blocked
    with pytest.raises(ConfigError, match="blocked"):
        EmulatorConfig.from_mapping({"users": [{**user, "blocked": "yes"}]})
