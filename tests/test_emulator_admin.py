"""The emulator's admin path is safe by default: off unless asked for, then only for requests with this run's
token, no Origin, a loopback Host and a JSON body; and the emulator listens beyond loopback only when that is
safe (never with the admin path, not with the docs' demo credentials unless allowed)."""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mktows.emulator import Emulator, EmulatorConfig
from mktows.emulator.admin import check_bind, is_loopback
from mktows.pytest_plugin import EmulatorHandle
from tests.emulator_support import REPO, TIMEOUT, emulator_process, running

DROP = {"operation": "getLead", "kind": "drop"}
OWN_USERS = EmulatorConfig.from_mapping(
    {"users": [{"user_id": "ci_user_1", "encryption_key": "ci-key-0001"}]}
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    yield from running(settings={"admin": True})


def inject(emulator: Emulator, *, body: bytes | None = None, **headers: str) -> requests.Response:
    """POST /_admin/inject with a valid token and JSON body unless the test says otherwise."""
    sent = {"Authorization": f"Bearer {emulator.admin_token}", "Content-Type": "application/json", **headers}
    return requests.post(
        f"{emulator.base_url}/_admin/inject",
        data=json.dumps(DROP).encode() if body is None else body,
        headers={name: value for name, value in sent.items() if value},
        timeout=TIMEOUT,
    )


def pending(emulator: Emulator) -> int:
    count = len(emulator.app.injector.active())
    emulator.clear_injections()
    return count


def test_a_request_with_the_token_is_served(emulator: Emulator) -> None:
    assert emulator.admin_token and len(emulator.admin_token) >= 40
    response = inject(emulator)
    assert response.status_code == 200, response.text
    assert pending(emulator) == 1


REFUSED = {
    # no token, or not this run's
    "no-authorization": ({"Authorization": ""}, 401),
    "empty-bearer": ({"Authorization": "Bearer "}, 401),
    "wrong-token": ({"Authorization": "Bearer wrong-token"}, 401),
    "basic-auth": ({"Authorization": "Basic dXNlcjpwdw=="}, 401),
    # a browser's cross-origin request, even with the token
    "origin": ({"Origin": "https://evil.example"}, 403),
    "origin-null": ({"Origin": "null"}, 403),
    # what any web page can send without a preflight: text/plain, an Origin, no Authorization
    "simple-post": (
        {"Authorization": "", "Origin": "https://evil.example", "Content-Type": "text/plain"},
        403,
    ),
    # DNS rebinding: a page's own name pointed at 127.0.0.1 arrives with that name in Host
    "host-name": ({"Host": "evil.example"}, 403),
    "host-name-port": ({"Host": "evil.example:8710"}, 403),
    "host-private-ip": ({"Host": "10.0.0.1"}, 403),
    "host-lookalike": ({"Host": "127.0.0.1.evil.example"}, 403),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_request_is_refused_without_the_token_or_from_a_browser(emulator: Emulator, case: str) -> None:
    headers, status = REFUSED[case]
    response = inject(emulator, **headers)
    assert response.status_code == status
    assert pending(emulator) == 0


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]:80"])
def test_loopback_hosts_are_served(emulator: Emulator, host: str) -> None:
    assert inject(emulator, Host=host).status_code == 200
    assert pending(emulator) == 1


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", json.dumps(DROP).encode(), 415),
        ("application/x-www-form-urlencoded", b"operation=getLead&kind=drop", 415),
        ("application/json", b"operation=getLead&kind=drop", 400),
        ("application/json", b"", 400),
    ],
)
def test_a_body_that_is_not_json_is_refused(
    emulator: Emulator, content_type: str, body: bytes, status: int
) -> None:
    assert inject(emulator, body=body, **{"Content-Type": content_type}).status_code == status
    assert pending(emulator) == 0


def test_reset_needs_the_same_checks(emulator: Emulator) -> None:
    url = f"{emulator.base_url}/_admin/reset"
    assert requests.post(url, timeout=TIMEOUT).status_code == 401
    token = {"Authorization": f"Bearer {emulator.admin_token}"}
    assert requests.post(url, headers=token, timeout=TIMEOUT).status_code == 400  # no JSON body
    json_headers = {**token, "Content-Type": "application/json"}
    assert requests.post(url, data=b"{}", headers=json_headers, timeout=TIMEOUT).status_code == 200


def test_each_start_makes_a_new_token() -> None:
    with Emulator(settings={"admin": True}) as first:
        token = first.admin_token
    assert first.admin_token is None
    with Emulator(settings={"admin": True}) as second:
        assert second.admin_token and second.admin_token != token
        assert second.admin_token not in repr(second)


def test_the_pytest_fixture_turns_the_admin_path_on(mktows_emulator: EmulatorHandle) -> None:
    response = requests.post(
        mktows_emulator.admin_url + "inject",
        json={"operation": "getLead", "kind": "fault", "code": 20011},
        headers={"Authorization": f"Bearer {mktows_emulator.admin_token}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert response.json()["code"] == 20011


# --- where the emulator listens ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_non_loopback_host_with_the_demo_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="demo credentials"):
        Emulator(host="0.0.0.0").start()


def test_a_non_loopback_host_with_the_admin_path_is_refused_always() -> None:
    for config, allow in [(None, True), (OWN_USERS, False), (OWN_USERS, True)]:
        with pytest.raises(ValueError, match="admin path"):
            Emulator(config, host="0.0.0.0", settings={"admin": True}, allow_demo_credentials=allow).start()


def test_a_non_loopback_host_is_allowed_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Checked without binding: the tests listen on loopback only."""
    caplog.set_level(logging.WARNING, logger="mktows.emulator")
    check_bind("0.0.0.0", admin=False, users=OWN_USERS.users, allow_demo_credentials=False)
    check_bind("0.0.0.0", admin=False, users=EmulatorConfig.default().users, allow_demo_credentials=True)
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.WARNING]
    assert "0.0.0.0" in caplog.records[0].getMessage()
    caplog.clear()
    check_bind("127.0.0.1", admin=True, users=EmulatorConfig.default().users, allow_demo_credentials=False)
    assert not caplog.records


def test_the_command_line_prints_the_token_and_honours_it(tmp_path: Path) -> None:
    with emulator_process("--port", "0", "--db", str(tmp_path / "a.sqlite3"), "--admin") as process:
        assert process.stderr is not None
        lines = [process.stderr.readline().decode() for _ in range(4)]
        admin_line = next(line for line in lines if "admin path" in line)
        match = re.search(r"(http://\S+/_admin/) with 'Authorization: Bearer (\S+)'", admin_line)
        assert match, lines
        url, token = match.groups()
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.post(url + "inject", json=DROP, headers=headers, timeout=TIMEOUT).status_code == 200
        assert requests.post(url + "inject", json=DROP, timeout=TIMEOUT).status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(TIMEOUT) == 0


def test_the_command_line_refuses_a_public_address_with_the_demo_login(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mktows.emulator", "--host", "0.0.0.0", "--port", "0", "--db", ":memory:"],
        capture_output=True,
        timeout=TIMEOUT * 4,
        cwd=REPO,
    )
    assert done.returncode == 1
    assert b"--allow-demo-credentials" in done.stderr
