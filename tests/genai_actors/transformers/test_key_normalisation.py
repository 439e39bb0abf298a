"""snake_case and camelCase config dicts build identical requests; structs too."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers._generate import generate_content_request
from genai_actors._transformers._schema import t_schema
from genai_actors.types._base import to_builtins


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _camelize(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _camelize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camelize(v) for v in value]
    return value


configs = st.fixed_dictionaries(
    {},
    optional={
        "temperature": st.floats(0, 2),
        "top_k": st.integers(1, 64),
        "max_output_tokens": st.integers(1, 8192),
        "stop_sequences": st.lists(st.text(max_size=4), max_size=2),
        "response_mime_type": st.sampled_from(["text/plain", "application/json"]),
        "thinking_config": st.fixed_dictionaries(
            {},
            optional={"thinking_budget": st.integers(0, 2048), "include_thoughts": st.booleans()},
        ),
        "safety_settings": st.lists(
            st.fixed_dictionaries(
                {
                    "category": st.sampled_from(list(types.HarmCategory)),
                    "threshold": st.sampled_from(list(types.HarmBlockThreshold)),
                }
            ),
            max_size=2,
        ),
        "tool_config": st.fixed_dictionaries(
            {
                "function_calling_config": st.fixed_dictionaries(
                    {"mode": st.sampled_from(list(types.FunctionCallingConfigMode))},
                    optional={
                        "allowed_function_names": st.lists(
                            st.text(min_size=1, max_size=3), max_size=2
                        )
                    },
                )
            }
        ),
        "image_config": st.fixed_dictionaries({"aspect_ratio": st.sampled_from(["1:1", "16:9"])}),
    },
)


@settings(max_examples=150, deadline=None)
@given(configs)
def test_snake_camel_and_struct_configs_agree(config: dict[str, Any]) -> None:
    """The same config as snake_case dict, camelCase dict or struct gives one body."""
    snake = json.loads(generate_content_request("m", "hi", config).body or b"")
    camel = json.loads(generate_content_request("m", "hi", _camelize(config)).body or b"")
    struct = types.GenerateContentConfig(
        **{
            k: v
            for k, v in config.items()
            if k not in ("thinking_config", "safety_settings", "tool_config", "image_config")
        },
        thinking_config=types.ThinkingConfig(**config["thinking_config"])
        if "thinking_config" in config
        else None,
        safety_settings=[types.SafetySetting(**s) for s in config["safety_settings"]]
        if "safety_settings" in config
        else None,
        image_config=types.ImageConfig(**config["image_config"])
        if "image_config" in config
        else None,
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(
                **config["tool_config"]["function_calling_config"]
            )
        )
        if "tool_config" in config
        else None,
    )
    typed = json.loads(generate_content_request("m", "hi", struct).body or b"")
    assert snake == camel == typed


def test_schema_struct_is_processed() -> None:
    """A types.Schema gets the same processing (upper-case types, property ordering)."""
    schema = types.Schema(
        type="object",
        properties={
            "b": types.Schema(type="string"),
            "a": types.Schema(type="integer", nullable=True),
        },
    )
    processed = t_schema(schema)
    assert processed is not None
    assert to_builtins(processed) == {
        "type": "OBJECT",
        "properties": {"b": {"type": "STRING"}, "a": {"type": "INTEGER", "nullable": True}},
        "propertyOrdering": ["b", "a"],
    }
