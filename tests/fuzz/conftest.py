"""Hypothesis settings for the fuzz tests: few examples and no deadline, so the suite stays fast
on a loaded two-core machine (`GUAZHI_HYPOTHESIS_PROFILE=thorough` runs more)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("GUAZHI_HYPOTHESIS_PROFILE", "ci"))
