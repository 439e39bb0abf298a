"""Request building for ``models.generate_content``: CPU per build, no I/O.

Run it with ``python -m benchmarks.bench_builders``. Each case runs what
``client.models.generate_content`` does before it sends: build the request (the builder
coerces ``config`` into ``GenerateContentConfig`` and keeps it on ``Request.config``), encode its
body to bytes. ``--coerce-first`` coerces the config before calling the builder, as the models
surface used to. Cases:

- ``plain``: a string prompt and no config, through the general builder (the models surface
  short-cuts this case further, without the builder);
- ``typical (struct)``: a typical typed config: temperature, max_output_tokens,
  system_instruction, safety settings (enum values), response_mime_type + response_schema,
  and a tool with one function declaration;
- ``typical (dict)``: the same config as a plain dict with snake_case keys;
- ``client config (dict)``: the client benchmark's config (``benchmarks._clients.
  TYPICAL_CONFIG``: sampling settings, a system instruction, two safety settings, stop
  sequences).

A config reused from call to call is built once and its part of the body kept
(``genai_actors._transformers._prepared``); each config case runs twice: ``reused`` (the
same config object every call, as most callers do) and ``first`` (the kept configs cleared
before every build: the cost of a config seen for the first time).

``client.models`` builds a string prompt's request without the general builder: with no
config (``models: plain``) and with a kept config (``models: client config (dict)`` and
``models: typical (struct)``, the config's entry looked up and the prompt spliced in, as a
call does from the config's third use on).

Figures are the best of several ``timeit`` repeats of CPU time (``time.process_time``), in
microseconds per build.
"""

from __future__ import annotations

import argparse
import time
import timeit
from collections.abc import Callable
from typing import Any

__all__ = ["CASES", "main", "measure"]


def _typical_dict() -> dict[str, Any]:
    return {
        "temperature": 0.2,
        "max_output_tokens": 256,
        "system_instruction": "You are terse.",
        "safety_settings": [
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
            {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
        ],
        "response_mime_type": "application/json",
        "response_schema": {
            "type": "OBJECT",
            "properties": {"city": {"type": "STRING"}, "celsius": {"type": "NUMBER"}},
            "required": ["city", "celsius"],
        },
        "tools": [
            {
                "function_declarations": [
                    {
                        "name": "get_weather",
                        "description": "The weather in a city.",
                        "parameters": {
                            "type": "OBJECT",
                            "properties": {"city": {"type": "STRING"}},
                            "required": ["city"],
                        },
                    }
                ]
            }
        ],
    }


def _typical_struct() -> Any:
    from genai_actors import types

    return types.GenerateContentConfig(
        temperature=0.2,
        max_output_tokens=256,
        system_instruction="You are terse.",
        safety_settings=[
            types.SafetySetting(
                category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
            ),
            types.SafetySetting(
                category=types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
                threshold=types.HarmBlockThreshold.BLOCK_MEDIUM_AND_ABOVE,
            ),
        ],
        response_mime_type="application/json",
        response_schema=types.Schema(
            type=types.Type.OBJECT,
            properties={
                "city": types.Schema(type=types.Type.STRING),
                "celsius": types.Schema(type=types.Type.NUMBER),
            },
            required=["city", "celsius"],
        ),
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(
                        name="get_weather",
                        description="The weather in a city.",
                        parameters=types.Schema(
                            type=types.Type.OBJECT,
                            properties={"city": types.Schema(type=types.Type.STRING)},
                            required=["city"],
                        ),
                    )
                ]
            )
        ],
    )


def _client_config() -> dict[str, Any]:
    from ._clients import TYPICAL_CONFIG

    return dict(TYPICAL_CONFIG)


def _builder(config: Any, *, coerce_first: bool, first: bool) -> Callable[[], bytes | None]:
    from genai_actors._transformers import coerce_config, generate_content_request
    from genai_actors._transformers._generate import _PREPARED
    from genai_actors.types import GenerateContentConfig

    prompt = "What is the weather in Paris?"
    forget = _PREPARED.clear
    if coerce_first:  # as client.models called it once: coerce, then build from the struct

        def build() -> bytes | None:
            if first:
                forget()
            cfg = coerce_config(config, GenerateContentConfig)
            given = config if config is None else cfg
            return generate_content_request("gemini-2.5-flash", prompt, given).body

        return build

    if first:

        def build_first() -> bytes | None:  # a config never seen before
            forget()
            return generate_content_request("gemini-2.5-flash", prompt, config).body

        return build_first

    def build_once() -> bytes | None:  # one call: the request carries the coerced config
        request = generate_content_request("gemini-2.5-flash", prompt, config)
        return request.body

    return build_once


def _models_builder(config: Any) -> Callable[[], bytes | None]:
    """What ``client.models.generate_content`` builds before it sends (its fast paths)."""
    import genai_actors as ga
    from genai_actors._transformers import generate_content_request

    models = ga.AsyncClient(api_key="bench-key").models  # never opened: nothing to close
    prompt = "What is the weather in Paris?"
    model = "gemini-2.5-flash"
    if config is None:
        return lambda: models._text_request(model, prompt, stream=False).body
    for _ in range(2):  # a config is kept the second time it is built
        generate_content_request(model, prompt, config)

    def build() -> bytes | None:
        kept = models._kept_request(model, prompt, config, stream=False)
        assert kept is not None, "the config was not kept"
        return kept[0].body

    return build


CASES: dict[str, Callable[[], Any]] = {
    "plain": lambda: None,
    "typical (struct)": _typical_struct,
    "typical (dict)": _typical_dict,
    "client config (dict)": _client_config,
}


def measure(number: int, repeat: int, *, coerce_first: bool) -> dict[str, float]:
    """Microseconds per build, the best of ``repeat`` runs of ``number`` builds, per case
    (each config case ``reused`` and ``first``)."""
    results: dict[str, float] = {}
    for name, make in CASES.items():
        for first in (False, True) if name != "plain" else (False,):
            build = _builder(make(), coerce_first=coerce_first, first=first)
            build()  # warm the per-type caches
            # CPU time of this process: other processes on the machine do not count.
            runs = timeit.repeat(build, number=number, repeat=repeat, timer=time.process_time)
            label = name if name == "plain" else f"{name}, {'first' if first else 'reused'}"
            results[label] = min(runs) / number * 1e6
    for name in ("plain", "client config (dict)", "typical (struct)"):
        build = _models_builder(CASES[name]())
        build()
        runs = timeit.repeat(build, number=number, repeat=repeat, timer=time.process_time)
        results[f"models: {name}"] = min(runs) / number * 1e6
    return results


def main(argv: list[str] | None = None) -> int:
    """Prints µs per build for each case, and the typical cases relative to ``plain``."""
    parser = argparse.ArgumentParser(description="Time generate_content request building.")
    parser.add_argument("--number", type=int, default=2000, help="builds per timing run")
    parser.add_argument("--repeat", type=int, default=7, help="timing runs; the best is kept")
    parser.add_argument(
        "--coerce-first",
        action="store_true",
        help="coerce the config before building (as the models surface did before it read "
        "Request.config)",
    )
    args = parser.parse_args(argv)
    results = measure(args.number, args.repeat, coerce_first=args.coerce_first)
    plain = results["plain"]
    for name, micros in results.items():
        extra = "" if name == "plain" else f"  (+{micros - plain:.1f} µs over plain)"
        print(f"{name:<30} {micros:8.1f} µs per build{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
