"""The hand-kept facts per operation are complete at import, and the documented limits have one home."""

from __future__ import annotations

import pytest

from mktows import _operation_facts, marketo_limits, operations
from mktows._limits import Limits
from mktows._retry import RetryPolicy
from mktows.batching import sync_custom_objects_plan, sync_multiple_leads_plan
from mktows.emulator.config import EmulatorConfig, ServiceLimits


def test_every_generated_operation_has_facts() -> None:
    assert set(_operation_facts.FACTS) == set(operations.OPERATIONS)
    for name, facts in _operation_facts.FACTS.items():
        assert facts.why, name


def test_a_missing_entry_is_an_import_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    partial = {k: v for k, v in _operation_facts.FACTS.items() if k != "mergeLeads"}
    monkeypatch.setattr(_operation_facts, "FACTS", partial)
    with pytest.raises(ImportError, match="mergeLeads"):
        _operation_facts._check_complete()


def test_an_entry_for_an_unknown_operation_is_an_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {**_operation_facts.FACTS, "frobnicate": _operation_facts.FACTS["getLead"]}
    monkeypatch.setattr(_operation_facts, "FACTS", extra)
    with pytest.raises(ImportError, match="frobnicate"):
        _operation_facts._check_complete()


def test_the_five_paged_operations_page() -> None:
    paged = {name for name, facts in _operation_facts.FACTS.items() if facts.paging is not None}
    assert paged == {
        "getCustomObjects",
        "getMObjects",
        "getMultipleLeads",
        "getLeadActivity",
        "getLeadChanges",
    }
    with pytest.raises(ValueError, match="getLead does not page"):
        _operation_facts.page_spec("getLead")


def test_retries_and_batching_read_the_facts() -> None:
    assert RetryPolicy().repeatable == _operation_facts.REPEATABLE_OPERATIONS
    assert sync_custom_objects_plan("T", "UPSERT").max_batch == marketo_limits.MAX_CUSTOM_OBJECTS_PER_CALL
    assert sync_multiple_leads_plan(None).max_batch == marketo_limits.DEFAULT_LEADS_PER_SYNC
    with pytest.raises(ValueError, match="getLead is not batched"):
        _operation_facts.batch_limit("getLead")


def test_client_and_emulator_default_to_the_documented_limits() -> None:
    client = Limits()
    assert (client.calls, client.period, client.concurrency) == (
        marketo_limits.CALLS_PER_WINDOW,
        marketo_limits.RATE_WINDOW,
        marketo_limits.MAX_CONCURRENT_CALLS,
    )
    service = EmulatorConfig.default().limits
    assert service == ServiceLimits()
    assert (service.rate_calls, service.rate_window, service.max_concurrent, service.daily_quota) == (
        marketo_limits.CALLS_PER_WINDOW,
        marketo_limits.RATE_WINDOW,
        marketo_limits.MAX_CONCURRENT_CALLS,
        marketo_limits.DAILY_QUOTA,
    )
    assert service.sync_multiple_leads == marketo_limits.DEFAULT_LEADS_PER_SYNC
    assert service.list_operation_leads == marketo_limits.MAX_LIST_MEMBERS_PER_CALL
