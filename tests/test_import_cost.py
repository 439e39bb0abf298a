"""Import cost (user-needs row 27): what `import genai_actors` and a new client load, and when.

Each check runs in a fresh interpreter and looks at ``sys.modules``: that is deterministic,
unlike a timing, and it is what the timings in docs/performance.md follow from.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

import genai_actors
from genai_actors import _log

HEAVY = ("aiohttp", "yarl", "structlog", "msgspec", "supervisors", "anyio", "ssl")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys\n{code}\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} or m.startswith('genai_actors.'))))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(proc.stdout)
    return loaded


def test_import_genai_actors_loads_nothing_heavy() -> None:
    """`import genai_actors` loads no aiohttp, msgspec, anyio, supervisors or client module."""
    assert _loaded_after("import genai_actors") == []


@pytest.mark.parametrize("cls", ["AsyncClient", "Client"])
def test_constructing_a_client_opens_no_transport(cls: str) -> None:
    """A new client imports neither aiohttp nor yarl, nor any API module, until it is used."""
    loaded = _loaded_after(f"import genai_actors\nc = genai_actors.{cls}(api_key='k')")
    assert "aiohttp" not in loaded
    assert "yarl" not in loaded
    assert "genai_actors._api._models" not in loaded
    assert "genai_actors._api._files" not in loaded
    assert "genai_actors._client" in loaded  # the probe did build a client


# The actor runtime and the watcher tree: loaded by the first watch (or session), not before.
RUNTIME = (
    "supervisors._actor",
    "supervisors._core",
    "supervisors._dynamic",
    "supervisors._supervisor",
    "genai_actors._watch._tree",
    "genai_actors._watch._hub",
    "genai_actors._watch._actors",
)


@pytest.mark.parametrize("cls", ["AsyncClient", "Client"])
def test_constructing_a_client_loads_no_actor_runtime(cls: str) -> None:
    """A new client loads no supervisor, actor, watcher tree, nor the request builders."""
    loaded = _loaded_after(f"import genai_actors\nc = genai_actors.{cls}(api_key='k')")
    assert [m for m in RUNTIME if m in loaded] == []
    assert not [m for m in loaded if m.startswith("genai_actors._transformers")]
    assert "genai_actors._watch._host" in loaded  # the light host of the trees is there


def test_the_first_watch_loads_the_actor_runtime() -> None:
    """``api_client.watchers`` (what every ``wait``/``watch`` uses) brings the runtime in."""
    code = "import genai_actors\ngenai_actors.AsyncClient(api_key='k').api_client.watchers"
    loaded = _loaded_after(code)
    assert [m for m in RUNTIME if m not in loaded] == []


def test_first_use_of_models_imports_it_without_a_request() -> None:
    """`client.models` imports the models module; still no aiohttp before a request is sent."""
    loaded = _loaded_after("import genai_actors\ngenai_actors.AsyncClient(api_key='k').models")
    assert "genai_actors._api._models" in loaded
    assert "aiohttp" not in loaded


def test_lazy_public_names_resolve() -> None:
    """Every public name resolves, is cached, and an unknown one raises AttributeError."""
    from genai_actors._client import AsyncClient
    from genai_actors._sync import Client
    from genai_actors._transport import TransportConfig

    assert genai_actors.AsyncClient is AsyncClient
    assert genai_actors.Client is Client
    assert genai_actors.TransportConfig is TransportConfig
    assert genai_actors.errors.APIError.__name__ == "APIError"
    assert genai_actors.pagers.AsyncPager.__name__ == "AsyncPager"
    assert genai_actors.types.Part.__name__ == "Part"
    assert genai_actors.__version__ == "0.1.0"
    assert set(genai_actors.__all__) <= set(dir(genai_actors))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = genai_actors.Nope  # type: ignore[attr-defined]


def test_silent_logging_does_not_import_structlog() -> None:
    """A log call below the configured level never imports structlog."""
    code = (
        "from genai_actors import _log\n"
        "_log.get_logger('genai_actors.request').info('request.retry', attempt=1)"
    )
    assert "structlog" not in _loaded_after(code)


def test_emitted_records_mask_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """A record that passes its level is rendered key=value with secret keys masked."""
    logger = _log.get_logger("genai_actors.test_import_cost")
    with caplog.at_level(logging.DEBUG, logger="genai_actors.test_import_cost"):
        logger.warning("config.api_key_conflict", chosen="GOOGLE_API_KEY", api_key="SECRET-1")
        logger.debug("request.deadline", attempt=2)
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == ("event='config.api_key_conflict' chosen='GOOGLE_API_KEY' api_key='***'")
    assert messages[1] == "event='request.deadline' attempt=2"
    assert "SECRET-1" not in caplog.text
