"""Lead selection shared by getMultipleLeads and getLeadChanges: LeadKeySelector, StaticListSelector,
LastUpdateAtSelector, lead-key lists with their 100-key limit, and the 30-day time-range rule (20022)."""

from __future__ import annotations

from dataclasses import dataclass

from xsdata.models.datatype import XmlDateTime

from mktows.emulator.model import leads, lists
from mktows.emulator.operations.base import Context, ServiceFault, bad_parameter, parameter_required
from mktows.emulator.timeutil import xml_to_us
from mktows.types import LastUpdateAtSelector, LeadKeySelector, LeadSelector, StaticListSelector

US_PER_DAY = 86_400 * 1_000_000


@dataclass(frozen=True)
class TimeRange:
    """An updated-at or created-at window in microseconds; None bounds are open."""

    oldest_us: int | None
    latest_us: int | None


def time_range(ctx: Context, oldest: XmlDateTime | None, latest: XmlDateTime | None, what: str) -> TimeRange:
    """The window of two optional xs:dateTime bounds; 20022 when both are given more than 30 days apart,
    20110 when the oldest is after the latest."""
    oldest_us = None if oldest is None else xml_to_us(oldest)
    latest_us = None if latest is None else xml_to_us(latest)
    if oldest_us is not None and latest_us is not None:
        if oldest_us > latest_us:
            raise bad_parameter(f"{what}: the oldest bound is after the latest bound")
        days = ctx.config.limits.time_range_days
        if latest_us - oldest_us > days * US_PER_DAY:
            raise ServiceFault(20022, f"{what}: more than {days} days between the oldest and latest bounds")
    return TimeRange(oldest_us, latest_us)


def key_values(ctx: Context, selector: LeadKeySelector, overflow_is_fault: bool) -> list[str]:
    """The key values of a LeadKeySelector, at most 100: extra keys are ignored (getMultipleLeads) or a
    bad-parameter fault (getLeadChanges), as each page documents."""
    values = [v for v in (selector.key_values.string_item if selector.key_values is not None else [])]
    limit = ctx.config.limits.lead_keys
    if len(values) > limit:
        if overflow_is_fault:
            raise bad_parameter(f"{len(values)} lead keys in a LeadKeySelector; the limit is {limit}")
        values = values[:limit]
    if not values:
        raise ServiceFault(20101, "LeadKeySelector without keyValues")
    return values


def leads_by_keys(ctx: Context, key_type: str, values: list[str]) -> list[int]:
    """Ids of the leads matching any of the key values, in id order (keys that match nothing are skipped)."""
    found: set[int] = set()
    for value in values:
        found.update(lead.id for lead in leads.find(ctx.conn, key_type, value))
    return sorted(found)


def static_list(ctx: Context, selector: StaticListSelector) -> lists.StaticList:
    """The list a StaticListSelector names (by id or by name); 20111 when there is none."""
    if selector.static_list_id is None and not (selector.static_list_name or "").strip():
        raise parameter_required("StaticListSelector needs staticListName or staticListId")
    found = None
    if selector.static_list_id is not None:
        found = lists.by_id(ctx.conn, selector.static_list_id)
        if (
            found is not None
            and selector.static_list_name
            and (found.name.casefold() != selector.static_list_name.strip().casefold())
        ):
            raise bad_parameter("staticListId and staticListName name different lists")
    else:
        found = lists.by_name(ctx.conn, str(selector.static_list_name))
    if found is None:
        raise ServiceFault(20111, f"no static list {selector.static_list_name or selector.static_list_id!r}")
    return found


def require_known_selector(selector: LeadSelector) -> None:
    """20110 for a leadSelector without a (known) ``xsi:type``."""
    if not isinstance(selector, (LeadKeySelector, StaticListSelector, LastUpdateAtSelector)):
        raise bad_parameter(
            'leadSelector needs xsi:type="ns1:LeadKeySelector", "ns1:StaticListSelector" or "ns1:LastUpdateAtSelector"'
        )
