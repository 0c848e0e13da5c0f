"""The REST face's access tokens expire after the configured lifetime (602), and a new one works."""

from __future__ import annotations

import time

import pytest

from mktows.emulator import EmulatorConfig
from tests.rest_support import Rest


@pytest.fixture
def mktows_emulator_config():
    return EmulatorConfig.from_mapping({"rest": {"token_lifetime": 1.0}})


def test_an_expired_token_is_602_and_a_new_one_works(mktows_emulator):
    rest = Rest(mktows_emulator)
    assert rest.json("GET", "/rest/v1/leads/describe.json")["success"] is True
    time.sleep(1.2)
    expired = rest.json("GET", "/rest/v1/leads/describe.json")
    assert expired["errors"][0]["code"] == "602"
    fresh = Rest(mktows_emulator)
    assert fresh.json("GET", "/rest/v1/leads/describe.json")["success"] is True


def test_the_banner_names_the_rest_client_and_never_its_secret(tmp_path):
    import json
    import re
    import signal

    import requests

    from tests.emulator_support import emulator_process

    config = tmp_path / "emulator.json"
    config.write_text(json.dumps({"rest": {"client_id": "ci-client", "client_secret": "ci-secret-value-42"}}))
    with emulator_process(
        "--port", "0", "--db", str(tmp_path / "a.sqlite3"), "--config", str(config)
    ) as process:
        assert process.stderr is not None
        lines = [process.stderr.readline().decode() for _ in range(4)]
        rest_line = next(line for line in lines if "REST:" in line)
        assert "client id: ci-client" in rest_line
        assert "ci-secret-value-42" not in "".join(lines)
        match = re.search(r"identity: (http://\S+/identity)\)", rest_line)
        assert match, rest_line
        answer = requests.get(
            f"{match[1]}/oauth/token",
            params={
                "grant_type": "client_credentials",
                "client_id": "ci-client",
                "client_secret": "ci-secret-value-42",
            },
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["token_type"] == "bearer"
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_the_client_secret_and_tokens_stay_out_of_reprs():
    from mktows.emulator.rest.tokens import Token, TokenStore

    config = EmulatorConfig.from_mapping({"rest": {"client_secret": "hidden-secret-7"}})
    assert "hidden-secret-7" not in repr(config) and "hidden-secret-7" not in repr(config.rest)
    token = TokenStore().issue(config.rest, config.rest.client_id, "hidden-secret-7", 0.0)
    assert isinstance(token, Token) and token.value not in repr(token)


def test_the_rest_section_of_the_config_is_checked():
    from mktows.emulator import ConfigError

    for bad in ({"token_lifetime": 0}, {"client_id": ""}, {"unknown": 1}):
        with pytest.raises(ConfigError):
            EmulatorConfig.from_mapping({"rest": bad})
