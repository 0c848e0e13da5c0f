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
