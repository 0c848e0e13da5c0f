"""The WSDL the emulator serves: derived from the generated types, equal to the pinned 2_6 WSDL by
``python -m codegen diff``, addressed to the emulator itself, served with ../shared out of reach, and usable
by a SOAP tool that follows it (zeep)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from mktows.emulator import Emulator, EmulatorApp, EmulatorConfig
from mktows.emulator.store import Store
from mktows.emulator.wsdl import SOAP_NS, WSDL_NS, derived_wsdl
from tests.conftest import SHARED_DIR, WSDL_DIR, requires_shared
from tests.emulator_support import TIMEOUT, auth_header, running

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield from running()


def _address(wsdl: bytes) -> str | None:
    address = etree.fromstring(wsdl).find(f"{{{WSDL_NS}}}service/{{{WSDL_NS}}}port/{{{SOAP_NS}}}address")
    assert address is not None
    return address.get("location")


def test_the_soap_address_is_the_emulators_own_url(emulator: Emulator) -> None:
    response = requests.get(emulator.endpoint + "?WSDL", timeout=TIMEOUT)
    assert response.status_code == 200
    assert _address(response.content) == emulator.endpoint
    assert b"mktoapi.com" not in response.content


def test_the_address_follows_the_host_the_request_names_and_stays_well_formed() -> None:
    app = EmulatorApp(EmulatorConfig.default(), Store())
    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/soap/mktows/2_6",
        "QUERY_STRING": "WSDL",
        "HTTP_HOST": 'proxy.example:8443"><evil/>',
        "wsgi.url_scheme": "https",
    }
    body = b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert _address(body) == 'https://proxy.example:8443"><evil/>/soap/mktows/2_6'
    assert b"<evil/>" not in body


@requires_shared
def test_codegen_diff_finds_the_served_wsdl_equal_to_the_pinned_one(
    emulator: Emulator, tmp_path: Path
) -> None:
    served = tmp_path / "served.wsdl"
    served.write_bytes(requests.get(emulator.endpoint + "?WSDL", timeout=TIMEOUT).content)
    for old, new in ((WSDL_DIR / "mktows-2_6.wsdl", served), (served, WSDL_DIR / "mktows-2_6.wsdl")):
        result = subprocess.run(
            [sys.executable, "-m", "codegen", "diff", "--format", "json", str(old), str(new)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["changes"] == []


@requires_shared
def test_the_diff_would_see_a_change(tmp_path: Path) -> None:
    """The comparison above can fail: drop one element from the derived WSDL and diff reports it."""
    altered = derived_wsdl("http://127.0.0.1:1/soap/mktows/2_6").replace(
        b' name="mergeInSales"', b' name="mergeInSalesX"', 1
    )
    assert altered != derived_wsdl("http://127.0.0.1:1/soap/mktows/2_6")
    path = tmp_path / "altered.wsdl"
    path.write_bytes(altered)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "codegen",
            "diff",
            "--format",
            "json",
            str(WSDL_DIR / "mktows-2_6.wsdl"),
            str(path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    paths = {change["path"] for change in json.loads(result.stdout)["changes"]}
    assert paths == {"ParamsMergeLeads/mergeInSales", "ParamsMergeLeads/mergeInSalesX"}


SERVE_WITHOUT_SHARED = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    hidden = [str(Path(p).resolve()) for p in sys.argv[1:]]

    def refuse(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if any(os.path.realpath(path).startswith(h) for h in hidden):
                raise PermissionError(f"test: {path} is out of reach")

    sys.addaudithook(refuse)
    import requests
    from mktows.emulator import Emulator
    with Emulator() as emulator:
        response = requests.get(emulator.endpoint + "?WSDL", timeout=10)
        assert response.status_code == 200, response.text
        assert f'location="{emulator.endpoint}"'.encode() in response.content
        assert b'name="paramsSyncCustomObjects"' in response.content
    print("served", len(response.content))
    """
)


def test_the_wsdl_is_served_with_the_shared_folder_out_of_reach(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MKTOWS_WSDL_DIR": str(tmp_path / "nowhere"),
        "MKTOWS_SHARED_DIR": str(tmp_path / "none"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_SHARED, str(SHARED_DIR), str(REPO.parent / "shared")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("served ")


def test_zeep_follows_the_served_wsdl_to_the_emulator(emulator: Emulator) -> None:
    zeep: Any = pytest.importorskip("zeep")
    client = zeep.Client(wsdl=emulator.endpoint + "?WSDL")
    signed = auth_header(emulator.user_id, emulator.encryption_key, datetime.now(UTC))
    header = client.get_element("{http://www.marketo.com/mktows/}AuthenticationHeader")(
        mktowsUserId=signed.mktows_user_id,
        requestSignature=signed.request_signature,
        requestTimestamp=signed.request_timestamp,
    )
    result = client.service.listMObjects(_soapheaders=[header])
    assert "Opportunity" in result  # zeep unwraps successListMObjects/result/objects
    assert emulator.calls[-1].operation == "listMObjects" and emulator.calls[-1].http_status == 200


@requires_shared
@pytest.mark.slow
def test_the_derivation_holds_for_another_version(tmp_path: Path) -> None:
    """Generated from 2_7-derived (xs:long ids the Python types cannot show), the package derives that WSDL."""
    generated = tmp_path / "generated"
    run = [sys.executable, "-m", "codegen", "generate", "--version", "2_7-derived", "--out", str(generated)]
    subprocess.run(run, cwd=REPO, capture_output=True, text=True, timeout=300, check=True)
    served = tmp_path / "served.wsdl"
    derive = (
        f"from mktows.emulator.wsdl import derived_wsdl; open({str(served)!r}, 'wb').write(derived_wsdl('x'))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(generated), str(REPO)])}
    subprocess.run([sys.executable, "-c", derive], cwd=tmp_path, env=env, timeout=120, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "diff", "--format", "json", "2_7-derived", str(served)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout)["changes"] == []
    assert b'name="id" type="xs:long"' in served.read_bytes()
