"""Hypothesis settings for the property tests (tests/test_properties_*.py), imported by each.

Two profiles; HYPOTHESIS_PROFILE picks one, "ci" when it is unset:

- ``ci``: few examples, derandomized (the same examples every run, so CI is reproducible), no
  deadline (the first call into spaCy is slow) and no example database left in the work tree.
- ``bench``: many examples, still derandomized; for a long hunt, not for CI
  (``HYPOTHESIS_PROFILE=bench .venv/bin/python -m pytest tests/test_properties_*.py``;
  bench/README.md has the numbers).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

COMMON = dict(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

settings.register_profile("ci", max_examples=40, **COMMON)
settings.register_profile("bench", max_examples=1000, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def scaled(share: float, *, least: int = 3) -> settings:
    """The loaded profile with `share` of its examples (at least `least`): for properties whose
    single example costs seconds (a 100k-character report), so that ci stays quick and bench
    still runs many."""
    return settings(max_examples=max(least, int(settings.default.max_examples * share)))
