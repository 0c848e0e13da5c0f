"""Contract suite setup: the hypothesis profiles (see profiles.py)."""

from __future__ import annotations

from tests.contract.profiles import register_profiles

register_profiles()
