"""The emulator as a server: state kept across restarts, a clean stop, the command line, config files."""

from __future__ import annotations

import argparse
import re
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from mktows.emulator import ConfigError, Emulator, EmulatorConfig, add_arguments, load_config, run
from mktows.types import (
    ArrayOfAttribute,
    ArrayOfCustomObj,
    ArrayOfKeyList,
    ArrayOfString,
    Attribute,
    CustomObj,
    ParamsDeleteCustomObjects,
    ParamsGetCustomObjects,
    ParamsListMObjects,
    ParamsSyncCustomObjects,
    SyncOperationEnum,
)
from tests.emulator_support import TIMEOUT, call, emulator_process, post, request_bytes

REPO = Path(__file__).resolve().parent.parent


def pairs(**values: str) -> ArrayOfAttribute:
    return ArrayOfAttribute(attribute=[Attribute(attr_name=k, attr_value=v) for k, v in values.items()])


def sync(
    emulator: Emulator, type_name: str, objects: list[tuple[dict[str, str], dict[str, str]]]
) -> list[str]:
    params = ParamsSyncCustomObjects(
        obj_type_name=type_name,
        custom_obj_list=ArrayOfCustomObj(
            custom_obj=[
                CustomObj(custom_obj_key_list=pairs(**keys), custom_obj_attribute_list=pairs(**attributes))
                for keys, attributes in objects
            ]
        ),
        operation=SyncOperationEnum.UPSERT,
    )
    result = call(emulator, "syncCustomObjects", params)
    return [s.status.value for s in result.sync_custom_obj_status_list.sync_custom_obj_status]


def test_a_restart_keeps_the_state_and_does_not_reseed(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    with Emulator(db_path=db) as emulator:
        assert (
            sync(emulator, "RoadShow", [({"MKTOID": "5", "rid": f"r{n}"}, {"city": "x"}) for n in range(5)])
            == ["CREATED"] * 5
        )
        deleted = ParamsDeleteCustomObjects(
            obj_type_name="RoadShow",
            custom_obj_key_lists=ArrayOfKeyList(key_list=[pairs(MKTOID="1090177", rid="rid0")]),
        )
        call(emulator, "deleteCustomObjects", deleted)
        page = call(
            emulator,
            "getCustomObjects",
            ParamsGetCustomObjects(
                obj_type_name="RoadShow",
                batch_size=2,
                custom_obj_key_list=pairs(MKTOID="5"),
                include_attributes=ArrayOfString(),
            ),
        )
    with Emulator(db_path=db) as emulator:
        assert sync(emulator, "RoadShow", [({"MKTOID": "5", "rid": "r0"}, {"city": "x"})]) == ["UNCHANGED"]
        assert (
            emulator.state.custom_object("RoadShow", MKTOID="1090177", rid="rid0") is None
        )  # not seeded again
        rest = call(
            emulator,
            "getCustomObjects",
            ParamsGetCustomObjects(
                obj_type_name="RoadShow",
                stream_position=page.new_stream_position,
                custom_obj_key_list=pairs(MKTOID="5"),
                include_attributes=ArrayOfString(),
            ),
        )
        assert [o.custom_obj_key_list.attribute[1].attr_value for o in rest.custom_obj_list.custom_obj] == [
            "r2",
            "r3",
            "r4",
        ]


def test_stop_lets_a_call_in_flight_finish_then_refuses_connections() -> None:
    emulator = Emulator().start()
    emulator.inject("listMObjects", "delay", seconds=0.5)
    answers: list[int] = []
    caller = threading.Thread(
        target=lambda: answers.append(
            post(emulator, request_bytes(emulator, "listMObjects", ParamsListMObjects())).status_code
        )
    )
    caller.start()
    deadline = threading.Event()
    while emulator.app.limiter.in_flight == 0 and not deadline.wait(0.01):
        pass
    emulator.stop()
    caller.join(TIMEOUT)
    assert answers == [200]
    assert not emulator.running
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.endpoint + "?WSDL", timeout=TIMEOUT)
    emulator.stop()  # idempotent


def test_the_port_is_free_again_after_stop() -> None:
    first = Emulator().start()
    port = first.port
    first.stop()
    with Emulator(port=port) as second:
        assert second.port == port
        assert call(second, "listMObjects", ParamsListMObjects()).objects


def test_the_repr_shows_no_secret() -> None:
    with Emulator() as emulator:
        assert emulator.encryption_key not in repr(emulator)
        assert emulator.encryption_key not in repr(emulator.config)


# --- command line ----------------------------------------------------------------------------------------


def test_python_m_mktows_emulator_serves_until_sigterm(tmp_path: Path) -> None:
    with emulator_process(
        "--port", "0", "--db", str(tmp_path / "cli.sqlite3"), "--no-freshness-check"
    ) as process:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(r"serving (http://\S+/soap/mktows/2_6)", line)
        assert match, line
        emulator = Emulator()  # only for its credentials and the request helpers
        emulator.port = int(match.group(1).split(":")[2].split("/")[0])
        old = datetime(2013, 8, 20, 17, 26, 7, tzinfo=UTC)
        response = requests.post(
            match.group(1),
            data=request_bytes(emulator, "listMObjects", ParamsListMObjects(), moment=old),
            timeout=TIMEOUT,
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(TIMEOUT) == 0
        output = line + process.stderr.read().decode()
        assert "stopped" in output
        assert emulator.encryption_key not in output


def test_run_reports_a_bad_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nrate_calls = 'many'\n")
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--config", str(bad), "--port", "0", "--db", ":memory:"])) == 1
    assert "rate_calls" in capsys.readouterr().err


def test_the_options_parse() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.db, args.config, args.no_freshness_check) == (
        "127.0.0.1",
        8710,
        None,
        None,
        False,
    )


# --- config files ----------------------------------------------------------------------------------------

CONFIG_TOML = """
[[users]]
user_id = "ci_user_1"
encryption_key = "ci-key-0001"

[[custom_object_types]]
name = "Car"
dedupe_fields = ["vin"]
fields = { vin = "string", km = "integer", sold = "boolean" }

[custom_objects]
Car = [{ keys = { vin = "V1" }, attributes = { km = "10" } }]

[settings]
freshness_window = 60.0

[limits]
rate_calls = 50
"""


def test_a_config_file_sets_users_types_seed_and_limits(tmp_path: Path) -> None:
    path = tmp_path / "emulator.toml"
    path.write_text(CONFIG_TOML)
    config = load_config(path)
    assert [u.user_id for u in config.users] == ["ci_user_1"]
    assert config.limits.rate_calls == 50
    assert config.limits.max_concurrent == 10  # merged with the defaults
    assert config.settings.freshness_window == 60.0
    with Emulator(config) as emulator:
        assert emulator.user_id == "ci_user_1"
        assert sync(emulator, "Car", [({"vin": "V1"}, {"km": "10"}), ({"vin": "V2"}, {"sold": "maybe"})]) == [
            "UNCHANGED",
            "FAILED",
        ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[nonsense]\na = 1\n", "unknown config section"),
        ("users = []\n", "users"),
        ('[[custom_object_types]]\nname = "X"\ndedupe_fields = ["k"]\nfields = { a = "string" }\n', "dedupe"),
        (
            '[[custom_object_types]]\nname = "X"\ndedupe_fields = ["k"]\nfields = { k = "colour" }\n',
            "unknown type",
        ),
        ("[limits]\nunknown_limit = 3\n", "unknown_limit"),
        ("not toml at all [", "TOML"),
    ],
)
def test_bad_config_files_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_a_json_config_and_python_overrides() -> None:
    config = EmulatorConfig.from_mapping({"workspaces": ["Default", "EMEA"]}).with_limits(rate_calls=7)
    assert config.workspace("emea") == "EMEA"
    assert config.limits.rate_calls == 7
    with pytest.raises(ConfigError):
        config.with_settings(no_such_setting=True)


def test_bad_seed_data_is_refused_at_start() -> None:
    config = EmulatorConfig.from_mapping({"custom_objects": {"RoadShow": [{"keys": {"MKTOID": "1"}}]}})
    with pytest.raises(ConfigError, match="keys must be exactly"):
        Emulator(config).start()
