"""The pytest plugin that provides the ``gemini_emulator`` fixture.

Registered through the ``pytest11`` entry point, so installing genai-actors makes the fixture
available in any test suite. Importing this module is cheap: the emulator is imported inside the
fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from genai_actors.emulator import Emulator

__all__ = ["gemini_emulator", "gemini_service_account"]


def pytest_configure(config: pytest.Config) -> None:
    """Registers the ``gemini_emulator`` marker (keyword arguments for the emulator)."""
    config.addinivalue_line(
        "markers",
        "gemini_emulator(**options): Emulator keyword arguments for the gemini_emulator "
        "fixture, e.g. tls=True",
    )


@pytest.fixture
def gemini_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A started emulator on a free loopback port, serving from its own thread.

    Works from sync and async tests alike (``emu.url`` is the base URL to give a client);
    configure faults at run time with ``emu.faults`` (Live: ``emu.live``) and inspect
    ``emu.recorded``. ``@pytest.mark.gemini_emulator(tls=True, ...)`` passes keyword arguments
    to :class:`~genai_actors.emulator.Emulator` (for Vertex AI, e.g. ``bearer_tokens=["t"]``,
    ``vertex_projects=["p"]``, ``token_lifetime=60``). Stopped when the test ends.
    """
    from genai_actors.emulator import Emulator

    marker = request.node.get_closest_marker("gemini_emulator")
    options = dict(marker.kwargs) if marker is not None else {}
    with Emulator(**options) as emulator:
        yield emulator


@pytest.fixture
def gemini_service_account(gemini_emulator: Emulator, tmp_path: Path) -> Path:
    """A service-account key file (``tmp_path/service-account.json``, project
    ``emulator-project``) whose ``token_uri`` is ``gemini_emulator``'s OAuth endpoint, for
    ``GOOGLE_APPLICATION_CREDENTIALS`` or ``Credentials.from_service_account_file``; the
    emulator checks its JWTs' signatures. Needs ``cryptography``."""
    path = tmp_path / "service-account.json"
    gemini_emulator.service_account(path)
    return path
