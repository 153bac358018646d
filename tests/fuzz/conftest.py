"""Hypothesis profiles for the fuzz tests.

``ci`` (the default) is bounded and derandomized so that ``make test`` is fast and
gives the same answer on every run; ``long`` searches much further for local runs:

    CINEBOOKER_FUZZ_PROFILE=long .venv/bin/python -m pytest tests/fuzz
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Fixtures (a served app, a migrated database) are deliberately shared by all the
# examples of one test; each example checks its own before/after state. too_slow
# depends on the machine's load, and big nested JSON may hit data_too_large: neither
# says anything about the code under test.
_SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
)
settings.register_profile(
    "long",
    max_examples=2000,
    derandomize=False,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
)
settings.load_profile(os.environ.get("CINEBOOKER_FUZZ_PROFILE", "ci"))
