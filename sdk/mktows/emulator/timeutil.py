"""Instants as the emulator stores them (integer microseconds since the epoch) and as the wire shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from xsdata.models.datatype import XmlDateTime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_us(us: int, offset_minutes: int = 0) -> datetime:
    """The instant ``us`` as an aware datetime in the given UTC offset."""
    zone = timezone(timedelta(minutes=offset_minutes))
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone)


def xml_datetime(us: int, offset_minutes: int = 0) -> XmlDateTime:
    """The instant ``us`` as an xs:dateTime with whole seconds, as Marketo's responses write them."""
    return XmlDateTime.from_datetime(from_us(us, offset_minutes).replace(microsecond=0))


def xml_to_us(value: XmlDateTime) -> int:
    """An xs:dateTime from a request as microseconds (no offset means UTC)."""
    return to_us(value.to_datetime())


def parse_us(text: str) -> int:
    """A W3C/ISO timestamp string (seed data, attribute values) as microseconds; ValueError if unreadable."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return to_us(datetime.fromisoformat(value))


QUOTA_ZONE = timezone(timedelta(hours=-6), "CST")
"""Marketo's daily quota "resets daily at 12:00AM CST" (soap-api.md)."""


def quota_day(moment: datetime) -> str:
    """The quota day (YYYY-MM-DD in CST) an instant counts against."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(QUOTA_ZONE).date().isoformat()
