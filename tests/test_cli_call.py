"""``mktows call OPERATION --params FILE``: the JSON and XML forms of the example files, and what a params file
with the wrong namespaces is told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mktows import operations
from mktows.cli import UsageError, _load_params, main
from mktows.pytest_plugin import EmulatorHandle
from tests.conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "params"
EXAMPLE_OPERATIONS = sorted({path.stem for path in EXAMPLES.glob("*.*")})


def test_every_example_comes_in_both_forms_that_mean_the_same_params() -> None:
    assert EXAMPLE_OPERATIONS == ["getCustomObjects", "getLead"]
    for name in EXAMPLE_OPERATIONS:
        op = operations.get(name)
        from_xml = _load_params(op, str(EXAMPLES / f"{name}.xml"))
        assert isinstance(from_xml, op.params)
        assert _load_params(op, str(EXAMPLES / f"{name}.json")) == from_xml


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("suffix", [".xml", ".json"])
def test_the_examples_run_against_the_emulator(suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "getLead", "--params", str(EXAMPLES / f"getLead{suffix}"), "--json"]) == 0
    lead = json.loads(capsys.readouterr().out)["result"]["leadRecordList"]["leadRecord"][0]
    assert lead["Email"] == "rufus@marketo.com"
    assert main(["call", "getCustomObjects", "--params", str(EXAMPLES / f"getCustomObjects{suffix}")]) == 0
    out = capsys.readouterr().out
    assert "successGetCustomObjects" in out and out.count("<customObj>") == 3


def _problem(tmp_path: Path, text: str, operation: str = "getLead") -> str:
    path = tmp_path / "params.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        _load_params(operations.get(operation), str(path))
    return str(caught.value)


LEAD_KEY = "<leadKey><keyType>EMAIL</keyType><keyValue>rufus@marketo.com</keyValue></leadKey>"


def test_an_unnamespaced_params_element_is_told_what_is_missing(tmp_path: Path) -> None:
    message = _problem(tmp_path, f"<paramsGetLead>{LEAD_KEY}</paramsGetLead>")
    assert "params.xml: <paramsGetLead> is in no namespace" in message
    assert "http://www.marketo.com/mktows/" in message
    assert '<ns1:paramsGetLead xmlns:ns1="http://www.marketo.com/mktows/">' in message


def test_an_unnamespaced_params_element_inside_an_envelope_is_told_too(tmp_path: Path) -> None:
    envelope = (
        '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
        f"<paramsGetLead>{LEAD_KEY}</paramsGetLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    assert "<paramsGetLead> is in no namespace" in _problem(tmp_path, envelope)


def test_a_default_namespace_that_also_qualifies_the_children_is_explained(tmp_path: Path) -> None:
    text = f'<paramsGetLead xmlns="http://www.marketo.com/mktows/">{LEAD_KEY}</paramsGetLead>'
    message = _problem(tmp_path, text)
    assert "<leadKey> inside <paramsGetLead> has a namespace" in message
    assert "not as the default xmlns" in message


def test_a_wrong_namespace_is_named(tmp_path: Path) -> None:
    message = _problem(tmp_path, f'<p:paramsGetLead xmlns:p="urn:other">{LEAD_KEY}</p:paramsGetLead>')
    assert "<paramsGetLead> is in namespace urn:other" in message


def test_params_of_another_operation_are_refused_by_name(tmp_path: Path) -> None:
    text = f'<ns1:paramsGetLead xmlns:ns1="http://www.marketo.com/mktows/">{LEAD_KEY}</ns1:paramsGetLead>'
    message = _problem(tmp_path, text, operation="getMultipleLeads")
    assert (
        "<paramsGetLead> is not the params of getMultipleLeads, which takes <ns1:paramsGetMultipleLeads"
        in message
    )


@pytest.mark.usefixtures("env")
def test_the_command_reports_the_problem_and_exits_1(
    mktows_emulator: EmulatorHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "params.xml"
    path.write_text(f"<paramsGetLead>{LEAD_KEY}</paramsGetLead>", encoding="utf-8")
    assert main(["call", "getLead", "--params", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mktows: {path}: <paramsGetLead> is in no namespace")
    assert not mktows_emulator.calls  # nothing was sent
