"""The pytest plugin that provides the ``gemini_emulator`` fixture.

Registered through the ``pytest11`` entry point, so installing genai-actors makes the fixture
available in any test suite. Importing this module is cheap: the emulator is imported inside the
fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from genai_actors.emulator import Emulator

__all__ = ["gemini_emulator"]


@pytest.fixture
def gemini_emulator() -> Iterator[Emulator]:
    """A started emulator on a free loopback port, serving from its own thread.

    Works from sync and async tests alike (``emu.url`` is the base URL to give a client);
    configure faults at run time with ``emu.faults`` and inspect ``emu.recorded``. Stopped when the
    test ends.
    """
    from genai_actors.emulator import Emulator

    with Emulator() as emulator:
        yield emulator
