"""Hypothesis profiles of the contract suite: "ci" (the default: fast enough for every CI run) and "long".

Select with ``pytest --hypothesis-profile=long``. Neither profile has a deadline: test machines are shared and
noisy, and speed is measured by the benchmarks, not by tests.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

CI = "ci"
LONG = "long"


def register_profiles() -> None:
    """Register both profiles (idempotent) and make "ci" current unless a profile was already chosen."""
    settings.register_profile(
        CI,
        max_examples=30,
        stateful_step_count=20,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.register_profile(
        LONG,
        max_examples=2000,
        stateful_step_count=60,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    if settings.get_current_profile_name() == "default":
        settings.load_profile(CI)
