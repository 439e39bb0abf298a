"""The google-genai Vertex AI oracle, built once per module (its client builds SSL contexts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("tests.genai_actors.vertex_builders.oracle")

from .oracle import Oracle  # noqa: E402


@pytest.fixture(scope="module")
def oracle() -> Iterator[Oracle]:
    made = Oracle()
    yield made
    made.close()
