"""How activity type names are matched, by both the emulator and the REST translation.

SOAP names a type in two spellings: getLeadActivity's ``ActivityType`` enum (``VisitWebpage``,
``NewSFDCOpprtnty``) and the display names of responses and getLeadChanges' ``activityNameFilter`` (``Visit
Webpage``, activity-type-filters.md); REST's Get Activity Types answers display names with their ids.
"""

from __future__ import annotations

import re


def type_key(name: str) -> str:
    """A spelling-independent key of an activity type: ``VisitWebpage`` and ``Visit Webpage`` agree, as do
    the enum's abbreviations (``NewSFDCOpprtnty``) and the display names (``New SFDC Opportunity``)."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return key.replace("opprtnty", "opportunity")
