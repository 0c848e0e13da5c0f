"""``mktows gateway`` run as users run it (its own process) in front of the emulator's REST face: the SDK's
SOAP ``Client`` and zeep pointed at it get the same typed Results and leave the same state as against the SOAP
emulator directly (up to the differences listed in tests/test_rest_bridge_differential.py), and exactly what
``Client.over_rest`` gets for every translated operation; its SOAP front checks signatures, serves its WSDL
with its own address, answers what REST cannot serve with a fault, and never prints the client secret."""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsdata.models.datatype import XmlDateTime

from mktows import Client, Limits, RetryPolicy, codec, operations
from mktows import types as t
from mktows.emulator.soap import REASON_HEADER
from mktows.emulator.store import Store
from mktows.errors import AuthenticationError, InternalError, SoapFault
from mktows.gateway import Gateway
from mktows.operations import MKTOWS_NS
from mktows.pytest_plugin import EmulatorHandle
from mktows.rest.translate import NO_REST_SUCCESSOR, TRANSLATIONS
from tests.conftest import PREREQUISITES, fixture_bytes, requires_shared
from tests.emulator_support import auth_header, request_bytes
from tests.test_rest_bridge import over_rest
from tests.test_rest_bridge_activities import UNSUPPORTED_AS_LISTED
from tests.test_rest_bridge_differential import ROADSHOW, delete_calls, get_calls, outcome, sync_calls

BANNER_END = "Ctrl-C stops it."
START_TIMEOUT = 90.0  # seconds for a Python process to start under a loaded machine: a bound, not a goal
NO_LIMITS = Limits(calls=None, concurrency=None)


class GatewayProcess:
    """``python -m mktows.cli gateway ...`` with its output collected; stopped with SIGTERM."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mktows.cli", "gateway", "--port", "0", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def wait_started(self) -> str:
        """The SOAP endpoint from the banner, once the gateway has printed it."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(BANNER_END in line for line in self.stderr):
                match = re.search(r"serving (\S+)", "".join(self.stderr))
                assert match is not None, self.stderr
                return match[1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"the gateway did not start: {''.join(self.stderr)[-2000:]}")

    def stop(self) -> tuple[str, str]:
        """Stop it (SIGTERM, then kill past a bound) and return everything it wrote (stdout, stderr)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        for reader in self._readers:
            reader.join(timeout=10)
        return "".join(self.stdout), "".join(self.stderr)


def start_gateway(
    emulator: EmulatorHandle, tmp_path: Path, *args: str, secret: str | None = None
) -> GatewayProcess:
    """A gateway in front of the emulator's REST face, the client secret in $MKTOWS_CLIENT_SECRET."""
    home = tmp_path / "gateway-home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "MKTOWS_REST_ENDPOINT": emulator.rest_endpoint,
        "MKTOWS_CLIENT_ID": emulator.client_id,
        "MKTOWS_CLIENT_SECRET": secret or emulator.client_secret,
        "XDG_CACHE_HOME": str(home / "cache"),
        "HOME": str(home),
    }
    return GatewayProcess(["--identity-endpoint", emulator.identity_endpoint, *args], env, home)


class RunningGateway:
    def __init__(self, process: GatewayProcess, endpoint: str, secret: str) -> None:
        self.process = process
        self.endpoint = endpoint
        self.secret = secret


@pytest.fixture
def gateway(mktows_emulator: EmulatorHandle, tmp_path: Path) -> Iterator[RunningGateway]:
    process = start_gateway(mktows_emulator, tmp_path)
    running = RunningGateway(process, process.wait_started(), mktows_emulator.client_secret)
    yield running
    out, err = process.stop()
    assert running.secret not in out + err  # never printed, whatever the test did
    assert "mktows gateway: stopped" in err


def soap_client(emulator: EmulatorHandle, endpoint: str, **options: Any) -> Client:
    return Client(endpoint, emulator.user_id, emulator.encryption_key, limits=NO_LIMITS, **options)


# --- the same Results and state as the SOAP emulator (custom objects) ----------------------------------------


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calls=st.lists(st.one_of(sync_calls(), get_calls(), delete_calls()), min_size=1, max_size=5))
def test_sdk_through_the_gateway_agrees_with_the_soap_emulator(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway, calls: list[Any]
) -> None:
    runs = []
    for endpoint in (mktows_emulator.endpoint, gateway.endpoint):
        mktows_emulator.reset()
        with soap_client(mktows_emulator, endpoint) as client:
            outcomes = [outcome(client, params) for params in calls]
        runs.append((outcomes, mktows_emulator.state.custom_objects(ROADSHOW)))
    assert runs[1] == runs[0]


def zeep_call(zeep_client: Any, emulator: EmulatorHandle, name: str, params: dict[str, Any]) -> Any:
    signed = auth_header(emulator.user_id, emulator.encryption_key)
    header = zeep_client.get_element(f"{{{MKTOWS_NS}}}AuthenticationHeader")(
        mktowsUserId=signed.mktows_user_id,
        requestSignature=signed.request_signature,
        requestTimestamp=signed.request_timestamp,
    )
    return getattr(zeep_client.service, name)(_soapheaders=[header], **params)


def _pair(name: str, value: str) -> dict[str, str]:
    return {"attrName": name, "attrValue": value}


ZEEP_CALLS: list[tuple[str, dict[str, Any]]] = [
    (
        "syncCustomObjects",
        {
            "objTypeName": ROADSHOW,
            "operation": "INSERT",
            "customObjList": {
                "customObj": [
                    {
                        "customObjKeyList": {"attribute": [_pair("MKTOID", "4242"), _pair("rid", f"z{n}")]},
                        "customObjAttributeList": {"attribute": [_pair("city", f"c{n}")]},
                    }
                    for n in range(3)
                ]
            },
        },
    ),
    (
        "getCustomObjects",
        {
            "objTypeName": ROADSHOW,
            "batchSize": 10,
            "customObjKeyList": {"attribute": [_pair("MKTOID", "4242")]},
            "includeAttributes": {"stringItem": ["city"]},
        },
    ),
    (
        "deleteCustomObjects",
        {
            "objTypeName": ROADSHOW,
            "customObjKeyLists": {"keyList": [{"attribute": [_pair("MKTOID", "4242"), _pair("rid", "z1")]}]},
        },
    ),
]


def _without_positions(value: Any) -> Any:
    """zeep's reading as plain data, without newStreamPosition (opaque on both sides: DIFFERENCES)."""
    from zeep.helpers import serialize_object

    plain = serialize_object(value, dict)
    if isinstance(plain, dict):
        plain.pop("newStreamPosition", None)
    return plain


def test_zeep_through_the_gateway_agrees_with_the_soap_emulator(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway
) -> None:
    zeep = pytest.importorskip("zeep")
    runs = []
    for endpoint in (mktows_emulator.endpoint, gateway.endpoint):
        mktows_emulator.reset()
        client = zeep.Client(wsdl=endpoint + "?WSDL")  # the WSDL each serves, with its own address
        answers = [_without_positions(zeep_call(client, mktows_emulator, op, p)) for op, p in ZEEP_CALLS]
        runs.append((answers, mktows_emulator.state.custom_objects(ROADSHOW)))
    assert runs[1] == runs[0]
    assert runs[0][0][1]["returnCount"] == 3  # the get found what the sync created


# --- every translated operation: exactly what Client.over_rest gives ------------------------------------


def snapshot(emulator: EmulatorHandle) -> dict[str, Any]:
    """The emulator's state as compared: counts, leads, custom objects of every type, list members."""
    state = emulator.state
    config = emulator.emulator.config
    return {
        "counts": state.counts(),
        "leads": state.leads(),
        "custom objects": {co.name: state.custom_objects(co.name) for co in config.custom_object_types},
        "lists": {entry["name"]: state.list_members(entry["name"]) for entry in config.seed["lists"]},
    }


def _clock_free(result: Any) -> Any:
    """An import status with its times reduced to whether they are given: over REST they come from the clock of
    the translation that made the import (listed: "import status"), and the two runs read it at different
    seconds."""
    if not isinstance(result, t.ResultGetImportToListStatus):
        return result
    moment = XmlDateTime(2000, 1, 1, 0, 0, 0)  # any fixed value: only presence is compared
    return dataclasses.replace(
        result,
        started_time=moment if result.started_time is not None else None,
        ended_time=moment if result.ended_time is not None else None,
    )


def _result_or_error(client: Client, op: operations.Operation, params: Any) -> Any:
    try:
        return _clock_free(client.call(op, params).result)
    except SoapFault as error:
        return type(error).__name__, error.code, error.rest_code if error.protocol == "rest" else None


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(TRANSLATIONS))
def test_documented_requests_through_the_gateway_match_over_rest(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway, name: str
) -> None:
    requests_sent = [PREREQUISITES.get(f"fixtures/{name}/request.xml"), f"fixtures/{name}/request.xml"]
    calls = [(operations.get(Path(path).parent.name), path) for path in requests_sent if path is not None]
    runs = []
    for client in (over_rest(mktows_emulator), soap_client(mktows_emulator, gateway.endpoint)):
        mktows_emulator.reset()
        with client:
            answers = []
            for call_op, path in calls:
                params = call_op.params_of(codec.decode_request(call_op, fixture_bytes(path)))
                answers.append(_result_or_error(client, call_op, params))
        runs.append((answers, snapshot(mktows_emulator)))
    (rest_answers, rest_state), (gateway_answers, gateway_state) = runs
    documented = f"fixtures/{name}/request.xml"
    if (
        documented in UNSUPPORTED_AS_LISTED
    ):  # a listed difference: refused over REST, 20019 through the gateway
        assert rest_answers[-1] == ("UnsupportedOperationError", None, None)
        assert gateway_answers[-1] == ("UnsupportedOperationError", 20019, None)
    else:
        assert not isinstance(rest_answers[-1], tuple), rest_answers[-1]  # the documented request is served
    assert gateway_state == rest_state
    for (call_op, _), rest_answer, gateway_answer in zip(calls, rest_answers, gateway_answers, strict=True):
        if rest_answer == ("UnsupportedOperationError", None, None):  # raised before any REST call
            assert gateway_answer[:2] == ("UnsupportedOperationError", 20019)
        elif isinstance(rest_answer, tuple):  # a refusal over REST is the same SOAP fault through the gateway
            assert gateway_answer[:2] == rest_answer[:2]
        else:
            assert codec.encode(call_op.response(gateway_answer)) == codec.encode(
                call_op.response(rest_answer)
            )


# --- the SOAP front --------------------------------------------------------------------------------------


def test_a_bad_signature_is_20014_and_a_stale_timestamp_20016_before_any_rest_call(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway
) -> None:
    params = t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
    wrong = Client(
        gateway.endpoint, mktows_emulator.user_id, "not-the-key", retry=RetryPolicy(max_attempts=1)
    )
    with wrong, pytest.raises(AuthenticationError) as refused:
        wrong.ops.delete_custom_objects(params)
    assert refused.value.code == 20014
    request = "<ns1:paramsListMObjects/>"
    bad_key = _post(gateway.endpoint, _signed_envelope(mktows_emulator, request, key="not-the-key"))
    assert "<faultstring>20014 - Authentication failed</faultstring>" in bad_key.text
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    stale = _post(gateway.endpoint, _signed_envelope(mktows_emulator, request, moment=an_hour_ago))
    assert "<faultstring>20016 - Request Expired</faultstring>" in stale.text
    assert mktows_emulator.calls == []  # nothing reached REST


def test_the_wsdl_is_served_with_the_gateways_own_address(gateway: RunningGateway) -> None:
    answer = requests.get(gateway.endpoint + "?WSDL", timeout=30)
    assert answer.status_code == 200
    assert f'location="{gateway.endpoint}"' in answer.text
    assert "mktows/2_6" in answer.text


def _post(endpoint: str, body: bytes) -> requests.Response:
    return requests.post(endpoint, data=body, headers={"Content-Type": "text/xml; charset=UTF-8"}, timeout=60)


def _signed_envelope(
    emulator: EmulatorHandle, params_xml: str, moment: datetime | None = None, key: str | None = None
) -> bytes:
    signed = auth_header(emulator.user_id, key or emulator.encryption_key, moment)
    return (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:ns1="{MKTOWS_NS}"><SOAP-ENV:Header><ns1:AuthenticationHeader>'
        f"<mktowsUserId>{signed.mktows_user_id}</mktowsUserId>"
        f"<requestSignature>{signed.request_signature}</requestSignature>"
        f"<requestTimestamp>{signed.request_timestamp}</requestTimestamp>"
        f"</ns1:AuthenticationHeader></SOAP-ENV:Header><SOAP-ENV:Body>{params_xml}</SOAP-ENV:Body>"
        "</SOAP-ENV:Envelope>"
    ).encode()


def test_an_unknown_operation_is_20019(mktows_emulator: EmulatorHandle, gateway: RunningGateway) -> None:
    answer = _post(gateway.endpoint, _signed_envelope(mktows_emulator, "<ns1:paramsNoSuchCall/>"))
    assert answer.status_code == 500
    assert "<faultstring>20019 - Unsupported Operation</faultstring>" in answer.text


def _untranslated() -> list[str]:
    """The operations REST does not serve: those without a successor, and one not translated yet (if any)
    whose request needs no element, so that an empty params element reaches the translation."""
    left = [
        name
        for name, op in sorted(operations.OPERATIONS.items())
        if name not in TRANSLATIONS and name not in NO_REST_SUCCESSOR and _empty_params_decode(op)
    ]
    return sorted(NO_REST_SUCCESSOR) + left[:1]


def _empty_params_decode(op: operations.Operation) -> bool:
    try:
        op.params()
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("name", _untranslated())
def test_an_operation_rest_does_not_serve_is_a_20019_fault_with_the_reason(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway, name: str
) -> None:
    op = operations.get(name)
    with soap_client(mktows_emulator, gateway.endpoint) as client, pytest.raises(SoapFault) as refused:
        client.call(op, op.params())
    assert refused.value.code == 20019
    element = op.params_qname.split("}")[1]
    answer = _post(gateway.endpoint, _signed_envelope(mktows_emulator, f"<ns1:{element}/>"))
    assert "<faultstring>20019 - Unsupported Operation</faultstring>" in answer.text
    reason = answer.headers.get(REASON_HEADER, "")
    assert name in reason and "REST" in reason


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_rest_endpoint_that_is_down_is_a_20011_fault_not_a_hang(
    mktows_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    port = _closed_port()
    process = start_gateway(
        mktows_emulator,
        tmp_path,
        "--rest-endpoint",
        f"http://127.0.0.1:{port}/rest",
        "--identity-endpoint",
        f"http://127.0.0.1:{port}/identity",
    )
    endpoint = process.wait_started()
    try:
        # the client's read timeout bounds the wait: a gateway that hung would fail as a TransportError
        client = soap_client(
            mktows_emulator, endpoint, timeout=(10.0, 60.0), retry=RetryPolicy(max_attempts=1)
        )
        with client, pytest.raises(InternalError) as failed:
            client.ops.delete_custom_objects(
                t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
            )
        assert failed.value.code == 20011
    finally:
        out, err = process.stop()
    assert f"127.0.0.1:{port}/rest" in err  # it said where it forwards
    assert mktows_emulator.client_secret not in out + err


def test_the_banner_names_both_ends_and_never_the_secret(
    mktows_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    secret = "flag-given-s3cret-0123456789"
    process = start_gateway(mktows_emulator, tmp_path, "--client-secret", secret, secret="env-unused")
    endpoint = process.wait_started()
    try:
        # the identity service refuses this secret: the SOAP caller gets 20014, and no secret anywhere
        client = soap_client(mktows_emulator, endpoint, retry=RetryPolicy(max_attempts=1))
        with client, pytest.raises(AuthenticationError) as refused:
            client.ops.delete_custom_objects(
                t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
            )
        assert refused.value.code == 20014 and secret not in str(refused.value)
    finally:
        out, err = process.stop()
    assert f"serving {endpoint}" in err
    assert f"forwarding to REST {mktows_emulator.rest_endpoint}" in err
    assert secret not in out + err and "env-unused" not in out + err
    assert not list((tmp_path / "gateway-home").rglob("*.sqlite3"))  # the gateway keeps no database


def test_missing_rest_credentials_are_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKTOWS_")}
    result = subprocess.run(
        [sys.executable, "-m", "mktows.cli", "gateway", "--port", "0", "--client-id", "x"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "--rest-endpoint or $MKTOWS_REST_ENDPOINT is required" in result.stderr


def test_all_callers_share_one_rest_client(mktows_emulator: EmulatorHandle, gateway: RunningGateway) -> None:
    params = t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
    for _ in range(2):  # two SOAP callers: RoadShow is described once, for both (one translation context)
        with soap_client(mktows_emulator, gateway.endpoint) as client:
            client.ops.delete_custom_objects(params)
    assert [c.operation for c in mktows_emulator.calls].count("describeUsingGET_1") == 1


def test_the_gateway_opens_no_store(mktows_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_store(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the gateway opened an emulator store")

    monkeypatch.setattr(Store, "__init__", no_store)
    gateway = Gateway(
        mktows_emulator.rest_endpoint,
        mktows_emulator.client_id,
        mktows_emulator.client_secret,
        identity_endpoint=mktows_emulator.identity_endpoint,
    )
    with gateway, soap_client(mktows_emulator, gateway.endpoint) as client:
        assert "RoadShow" not in repr(gateway) and mktows_emulator.client_secret not in repr(gateway)
        found = client.ops.get_custom_objects(
            t.ParamsGetCustomObjects(
                obj_type_name=ROADSHOW,
                custom_obj_key_list=t.ArrayOfAttribute(
                    attribute=[t.Attribute(attr_name="rid", attr_value="rid1")]
                ),
                include_attributes=t.ArrayOfString(),
            )
        )
    assert found.return_count == 1


def test_the_gateway_accepts_the_users_of_its_config(mktows_emulator: EmulatorHandle, tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(
        '[[users]]\nuser_id = "legacy_app_1"\nencryption_key = "legacy-key-0001"\n', encoding="utf-8"
    )
    process = start_gateway(mktows_emulator, tmp_path, "--config", str(config))
    endpoint = process.wait_started()
    params = t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=t.ArrayOfKeyList())
    try:
        configured = Client(endpoint, "legacy_app_1", "legacy-key-0001", limits=NO_LIMITS)
        with configured:
            configured.ops.delete_custom_objects(params)
        demo = soap_client(mktows_emulator, endpoint, retry=RetryPolicy(max_attempts=1))
        with demo, pytest.raises(AuthenticationError):  # the demo user is not in this config
            demo.ops.delete_custom_objects(params)
    finally:
        out, err = process.stop()
    assert "legacy_app_1" in err and "legacy-key-0001" not in out + err


@pytest.mark.parametrize(
    ("rest_code", "soap_code"), [(603, 20013), (609, 20012), (610, 20019), (1003, 20110)]
)
def test_a_rest_refusal_is_answered_as_the_soap_fault_of_the_same_case(
    mktows_emulator: EmulatorHandle, gateway: RunningGateway, rest_code: int, soap_code: int
) -> None:
    mktows_emulator.inject("deleteCustomObjectsUsingPOST", "fault", code=rest_code, count=None)
    keys = t.ArrayOfKeyList(
        key_list=[t.ArrayOfAttribute(attribute=[t.Attribute(attr_name="rid", attr_value="a")])]
    )
    params = t.ParamsDeleteCustomObjects(obj_type_name=ROADSHOW, custom_obj_key_lists=keys)
    client = soap_client(mktows_emulator, gateway.endpoint, retry=RetryPolicy(max_attempts=1))
    with client, pytest.raises(SoapFault) as refused:
        client.ops.delete_custom_objects(params)
    assert refused.value.code == soap_code
    answer = _post(gateway.endpoint, request_bytes(mktows_emulator.emulator, "deleteCustomObjects", params))
    assert f"<faultstring>{soap_code} - " in answer.text
    assert f"(REST {rest_code})" in answer.headers.get(REASON_HEADER, "")  # the REST code, for the log


def test_the_foreign_id_field_reaches_the_translation(
    mktows_emulator: EmulatorHandle, tmp_path: Path
) -> None:
    """A syncLead keyed by foreignSysPersonId needs the custom lead field that holds it over REST
    (migration.md): refused with the reason without --foreign-sys-person-id-field, served with it."""
    record = t.LeadRecord(email="fsp-gateway@example.com", foreign_sys_person_id="ext-gw-1")
    params = t.ParamsSyncLead(lead_record=record, return_lead=False)
    for options in ((), ("--foreign-sys-person-id-field", "FSPID")):
        mktows_emulator.reset()
        process = start_gateway(mktows_emulator, tmp_path, *options)
        try:
            with soap_client(mktows_emulator, process.wait_started()) as client:
                if not options:
                    with pytest.raises(SoapFault) as refused:
                        client.ops.sync_lead(params)
                    assert refused.value.code == 20019
                    request = (
                        "<ns1:paramsSyncLead><leadRecord><Email>fsp-gateway@example.com</Email>"
                        "<ForeignSysPersonId>ext-gw-1</ForeignSysPersonId></leadRecord>"
                        "<returnLead>false</returnLead></ns1:paramsSyncLead>"
                    )
                    answer = _post(client.endpoint, _signed_envelope(mktows_emulator, request))
                    assert "foreign_sys_person_id_field" in answer.headers.get(REASON_HEADER, "")
                    continue
                synced = client.ops.sync_lead(params)
            assert synced.sync_status.status is t.LeadSyncStatus.CREATED
            stored = mktows_emulator.state.lead(synced.lead_id)
            assert stored is not None and stored["attributes"]["FSPID"] == "ext-gw-1"  # the field named
        finally:
            process.stop()
