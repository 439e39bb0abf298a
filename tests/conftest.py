"""Shared test configuration."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Property tests must not depend on how fast or busy the machine is: no per-example deadline,
# no "input generation is slow" health check, and a fixed seed per test so a CI run is
# reproducible (HYPOTHESIS_PROFILE=explore searches with fresh random seeds instead).
settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    print_blob=True,
)
settings.register_profile(
    "explore",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=1000,
)


def pytest_configure() -> None:
    """Loads the Hypothesis profile named by ``HYPOTHESIS_PROFILE`` (``default`` otherwise)."""
    import os

    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
