"""Import cost (user-needs row 27): what `import genai_actors` and a new client load, and when.

Each check runs in a fresh interpreter and looks at ``sys.modules``: that is deterministic,
unlike a timing, and it is what the timings in docs/performance.md follow from.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import genai_actors
from genai_actors import _log

if TYPE_CHECKING:
    from genai_actors.emulator import Emulator

HEAVY = ("aiohttp", "yarl", "structlog", "msgspec", "supervisors", "anyio", "ssl")


def _loaded_after(
    code: str, *, also: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> list[str]:
    """Modules loaded after ``code`` in a fresh interpreter: HEAVY ones, ours, and ``also``."""
    probe = (
        f"import sys\n{code}\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} or m.startswith('genai_actors.') or m in {also!r})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
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


# What a client needs of ``types`` to be built (HttpOptions and what it stands on).
CONSTRUCTION_TYPES = {
    "genai_actors.types",
    "genai_actors.types._base",
    "genai_actors.types._construct",
    "genai_actors.types._http",
}


@pytest.mark.parametrize("cls", ["AsyncClient", "Client"])
def test_constructing_a_client_loads_only_the_http_options_of_types(cls: str) -> None:
    """``types`` loads its modules on first use: a new client loads HttpOptions' module only."""
    loaded = _loaded_after(f"import genai_actors\nc = genai_actors.{cls}(api_key='k')")
    assert {m for m in loaded if m.startswith("genai_actors.types")} == CONSTRUCTION_TYPES


def test_types_index_matches_every_module() -> None:
    """The package's index of hand-written names is each module's ``__all__``, in order."""
    from genai_actors import types

    for module, names in types._HAND.items():
        declared = importlib.import_module(f"genai_actors.types.{module}").__all__
        assert names.split() == declared, module


def test_transformers_names_resolve_to_their_modules() -> None:
    """Every name ``_transformers`` offers resolves, from the module its index names."""
    from genai_actors import _transformers

    assert set(_transformers.__all__) <= set(_transformers._WHERE)
    for name, module in _transformers._WHERE.items():
        value = getattr(_transformers, name)
        owner = importlib.import_module(module, _transformers.__name__)
        assert getattr(owner, name) is value, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = _transformers.nope


# Loaded by the first generate_content: none of these (other services' builders and types).
NOT_FOR_GENERATE = (
    "genai_actors._transformers._batch_jobs",
    "genai_actors._transformers._tuning_jobs",
    "genai_actors._transformers._live",
    "genai_actors.types._batches",
    "genai_actors.types._tunings",
    "genai_actors.types._caches",
    "genai_actors.types._files",
    "genai_actors.types._file_search",
    "genai_actors.types._live",
    "genai_actors.types._auth_tokens",
    "genai_actors.types._generated_types",
    "genai_actors.types._generated_dicts",
)


# Not loaded by a first plain-prompt generate_content (the benchmark's cold start): the general
# request builder and its validation, AFC, MCP, streams, the other methods' decoders and types.
NOT_FOR_A_PLAIN_PROMPT = (
    *NOT_FOR_GENERATE,
    "genai_actors._transformers._generate",
    "genai_actors._transformers._gating",
    "genai_actors._transformers._schema",
    "genai_actors.types._validate",
    "genai_actors.types._generate",
    "genai_actors.types._media",
    "genai_actors.types._models",
    "genai_actors.types._operations",
    "genai_actors._api._afc",
    "genai_actors._api._mcp",
    "genai_actors._api._mcp_stream",
    "genai_actors._api._models_media",
    "genai_actors._api._models_stream",
    "genai_actors.pagers",
)


def _first_generate(url: str, *, config: str = "None", http_client: str = "") -> str:
    transport = (
        f"genai_actors.TransportConfig(http_client={http_client!r})" if http_client else None
    )
    return (
        "import asyncio, genai_actors\n"
        "async def main():\n"
        f"    opts = {{'base_url': {url!r}}}\n"
        "    async with genai_actors.AsyncClient(\n"
        f"        api_key='k', http_options=opts, transport={transport}\n"
        "    ) as c:\n"
        "        r = await c.models.generate_content(\n"
        f"            model='gemini-2.5-flash', contents='hi', config={config})\n"
        "        assert r.text\n"
        "asyncio.run(main())"
    )


# Standard-library modules the h1 path does without (bare aiohttp imports them all).
NOT_ON_H1 = ("urllib.request", "http.client", "email.parser")


@pytest.mark.parametrize("http_client", ["h1", "aiohttp"])
def test_a_first_plain_generate_content_loads_only_what_it_uses(
    gemini_emulator: Emulator, http_client: str
) -> None:
    """A first plain-prompt ``generate_content`` loads its response types, not the builders,
    nor the actor runtime; on h1 (the cold start's client) neither aiohttp nor anyio, nor
    urllib.request when no proxy variable is set."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    code = _first_generate(gemini_emulator.url, http_client=http_client)
    loaded = _loaded_after(code, also=NOT_ON_H1, env=env)
    assert "genai_actors.types._response" in loaded  # the probe did decode a response
    assert "genai_actors._transformers._names" in loaded  # and named the model
    assert [m for m in NOT_FOR_A_PLAIN_PROMPT if m in loaded] == []
    assert [m for m in RUNTIME if m in loaded] == []
    if http_client == "h1":
        assert "genai_actors._transport._h1" in loaded
        heavy = [m for m in loaded if m.split(".")[0] in ("aiohttp", "anyio")]
        assert heavy + [m for m in NOT_ON_H1 if m in loaded] == []
    else:
        assert "aiohttp" in loaded
        assert "urllib.request" in loaded  # aiohttp's own import: the check can see it


def test_the_first_generate_content_loads_only_its_builders(gemini_emulator: Emulator) -> None:
    """A first ``generate_content`` with a config loads its builder, not other services' ones."""
    loaded = _loaded_after(_first_generate(gemini_emulator.url, config="{'temperature': 0.5}"))
    assert "genai_actors._transformers._generate" in loaded  # the probe did build a request
    assert "genai_actors.types._response" in loaded
    assert [m for m in NOT_FOR_GENERATE if m in loaded] == []


def test_modules_on_first_use_resolve_and_rebind() -> None:
    """``client.models``' deferred modules are the real ones once used, and unknown names fail."""
    from genai_actors._api import _afc, _models
    from genai_actors._lazy import module_on_first_use

    namespace: dict[str, object] = {}
    stand_in = module_on_first_use(namespace, "afc", "genai_actors._api._afc")
    namespace["afc"] = stand_in
    assert stand_in.plan_afc is _afc.plan_afc
    assert namespace["afc"] is _afc  # rebound: later reads are plain global lookups
    with pytest.raises(AttributeError):
        _ = module_on_first_use({}, "x", "genai_actors._api._afc").nope
    for alias in (
        "pagers",
        "_media_types",
        "_model_types",
        "_operation_types",
        "_afc",
        "_mcp",
        "_mcp_stream",
        "_models_media",
        "_models_stream",
    ):
        getattr(vars(_models)[alias], "__name__")  # noqa: B009 - resolves each stand-in
        assert type(vars(_models)[alias]).__name__ == "module", alias


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


def test_bench_import_cold_start_runs_every_client() -> None:
    """``bench_import``'s cold-start table: each client (bare aiohttp, genai_actors over each
    transport) makes its first request in a fresh interpreter; figures are not judged."""
    from benchmarks.bench_import import COLD_CLIENTS, measure_cold, render_cold

    samples, errors = measure_cold(1)
    assert errors == {}
    assert {name: len(values) for name, values in samples.items()} == dict.fromkeys(COLD_CLIENTS, 1)
    assert all(cpu > 0 and wall > 0 for values in samples.values() for cpu, wall in values)
    assert "genai_actors (h1)" in render_cold(samples, errors)
