"""Generation with typed and dict configs, pydantic schemas, streaming, embeddings, tokens.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
Run on its own: ``GOOGLE_GEMINI_BASE_URL=... GEMINI_API_KEY=... python -m
tests.conformance.dropin_scripts.generate`` prints one JSON line per step.
"""

from __future__ import annotations

import enum
import os

import pydantic
from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"


class Recipe(pydantic.BaseModel):
    name: str
    minutes: int
    vegetarian: bool
    ingredients: list[str]


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


def get_weather(city: str) -> str:
    """Returns today's weather in a city."""
    return f"Sunny and 21 C in {city}"


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("generate.plain") as s:
        response = client.models.generate_content(model=MODEL, contents="Why is the sky blue?")
        candidate = response.candidates[0]
        s.result = {
            "text": response.text,
            "finish_reason": candidate.finish_reason,
            "role": candidate.content.role,
            "prompt_tokens": response.usage_metadata.prompt_token_count,
            "has_total": response.usage_metadata.total_token_count > 0,
        }

    with step("response.sdk_http_response") as s:
        headers = response.sdk_http_response.headers
        s.result = {"names": sorted(headers), "content_type": headers["content-type"]}

    with step("generate.typed_config") as s:
        config = types.GenerateContentConfig(
            system_instruction="You are terse.",
            temperature=0.2,
            top_p=0.9,
            max_output_tokens=256,
            stop_sequences=["###"],
            safety_settings=[
                types.SafetySetting(
                    category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                    threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
                )
            ],
            thinking_config=types.ThinkingConfig(thinking_budget=0),
        )
        response = client.models.generate_content(
            model=MODEL,
            contents=[types.Content(role="user", parts=[types.Part(text="Name a colour.")])],
            config=config,
        )
        s.result = {"text": response.text, "model_version": response.model_version}

    with step("generate.dict_config") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents=[{"role": "user", "parts": [{"text": "Name a colour."}]}],
            config={
                "system_instruction": "You are terse.",
                "temperature": 0.2,
                "max_output_tokens": 256,
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
                ],
                "thinking_config": {"thinking_budget": 0},
            },
        )
        s.result = response.text

    with step("config.nested_dicts_read_back") as s:
        config = types.GenerateContentConfig(
            thinking_config={"thinking_budget": 0, "include_thoughts": False},
            safety_settings=[
                {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
            ],
        )
        s.result = {
            "budget": config.thinking_config.thinking_budget,
            "threshold": config.safety_settings[0].threshold,
        }

    with step("generate.nested_dicts_in_typed_config") as s:
        response = client.models.generate_content(model=MODEL, contents="Hi", config=config)
        s.result = response.text

    with step("config.wrong_value_refused") as s:
        try:
            types.GenerateContentConfig(temperature="hot")
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            s.result = {"refused": True, "names_field": "temperature" in str(exc)}
        else:
            s.result = {"refused": False}

    with step("generate.schema_model") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="A quick vegetarian recipe.",
            config=types.GenerateContentConfig(
                response_mime_type="application/json", response_schema=Recipe
            ),
        )
        recipe = response.parsed
        s.result = {
            "is_model": isinstance(recipe, Recipe),
            "parsed": recipe.model_dump(),
            "text_is_json_of_it": Recipe.model_validate_json(response.text) == recipe,
        }

    with step("generate.schema_list_of_models") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="Three recipes.",
            config={"response_mime_type": "application/json", "response_schema": list[Recipe]},
        )
        recipes = response.parsed
        s.result = {
            "is_list": isinstance(recipes, list),
            "all_models": all(isinstance(r, Recipe) for r in recipes),
            "parsed": [r.model_dump() for r in recipes],
        }

    with step("generate.schema_enum") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="Pick a colour.",
            config=types.GenerateContentConfig(
                response_mime_type="text/x.enum", response_schema=Colour
            ),
        )
        s.result = {"is_member": isinstance(response.parsed, Colour), "text": response.text}

    with step("generate.schema_dict") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="A city.",
            config=types.GenerateContentConfig(
                response_mime_type="application/json",
                response_schema={
                    "type": "OBJECT",
                    "properties": {"city": {"type": "STRING"}, "people": {"type": "INTEGER"}},
                    "required": ["city", "people"],
                },
            ),
        )
        s.result = response.parsed

    with step("generate.json_schema") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="A city.",
            config=types.GenerateContentConfig(
                response_mime_type="application/json",
                response_json_schema=Recipe.model_json_schema(),
            ),
        )
        s.result = {
            "parsed": response.parsed,
            "text_keys": sorted(Recipe.model_validate_json(response.text).model_dump()),
        }

    with step("generate.stream") as s:
        chunks = list(
            client.models.generate_content_stream(
                model=MODEL,
                contents="Tell me a story about a lighthouse.",
                config=types.GenerateContentConfig(temperature=0.0),
            )
        )
        s.result = {
            "headers": chunks[0].sdk_http_response.headers["content-type"],
            "text": "".join(chunk.text or "" for chunk in chunks),
            "several": len(chunks) > 1,
            "last_finish": chunks[-1].candidates[0].finish_reason,
        }

    with step("generate.stream_schema") as s:
        text = ""
        for chunk in client.models.generate_content_stream(
            model=MODEL,
            contents="A recipe.",
            config={"response_mime_type": "application/json", "response_schema": Recipe},
        ):
            text += chunk.text or ""
        s.result = Recipe.model_validate_json(text).model_dump()

    with step("generate.automatic_function_calling") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="What is the weather in Paris?",
            config=types.GenerateContentConfig(
                tools=[get_weather],
                tool_config=types.ToolConfig(
                    function_calling_config=types.FunctionCallingConfig(mode="ANY")
                ),
                automatic_function_calling=types.AutomaticFunctionCallingConfig(
                    maximum_remote_calls=3
                ),
            ),
        )
        history = response.automatic_function_calling_history
        s.result = {
            "text": response.text,
            "turns": [c.role for c in history],
            "called": [p.function_call.name for c in history for p in c.parts if p.function_call],
            "answered": [
                p.function_response.response
                for c in history
                for p in c.parts
                if p.function_response
            ],
        }

    with step("generate.function_declarations") as s:
        declaration = types.FunctionDeclaration(
            name="get_weather",
            description="Returns today's weather in a city.",
            parameters=types.Schema(
                type=types.Type.OBJECT,
                properties={"city": types.Schema(type=types.Type.STRING)},
                required=["city"],
            ),
        )
        response = client.models.generate_content(
            model=MODEL,
            contents="What is the weather in Paris?",
            config={
                "tools": [types.Tool(function_declarations=[declaration])],
                "tool_config": {"function_calling_config": {"mode": "ANY"}},
            },
        )
        calls = response.function_calls
        s.result = {
            "calls": [(c.name, c.args) for c in calls],
            "history": response.automatic_function_calling_history,
        }

    with step("embed") as s:
        response = client.models.embed_content(
            model="gemini-embedding-001",
            contents=["first text", "second text"],
            config=types.EmbedContentConfig(
                output_dimensionality=8, task_type="RETRIEVAL_DOCUMENT"
            ),
        )
        s.result = {
            "count": len(response.embeddings),
            "dims": [len(e.values) for e in response.embeddings],
            "values": [[round(v, 6) for v in e.values] for e in response.embeddings],
        }

    with step("count_tokens") as s:
        response = client.models.count_tokens(
            model=MODEL, contents="How many tokens are in this sentence?"
        )
        s.result = response.total_tokens

    with step("count_tokens.contents") as s:
        response = client.models.count_tokens(
            model=MODEL,
            contents=[
                types.Content(role="user", parts=[types.Part.from_text(text="Hello there")]),
                {"role": "model", "parts": [{"text": "General Kenobi"}]},
            ],
        )
        s.result = response.total_tokens

    with step("models.get") as s:
        model = client.models.get(model=MODEL)
        s.result = {
            "name": model.name,
            "input_limit": model.input_token_limit,
            "actions": sorted(model.supported_actions or []),
        }

    with step("models.list") as s:
        names = [m.name for m in client.models.list(config={"page_size": 5})]
        s.result = {"has_flash": f"models/{MODEL}" in names, "many": len(names) > 5}

    with step("parts.helpers") as s:
        part = types.Part.from_bytes(data=b"\x89PNG\r\n", mime_type="image/png")
        uri = types.Part.from_uri(file_uri="https://example.com/a.pdf", mime_type="application/pdf")
        call = types.Part.from_function_call(name="lookup", args={"q": "x"})
        s.result = {
            "inline": part.inline_data.mime_type,
            "uri": uri.file_data.file_uri,
            "call": call.function_call.name,
        }

    with step("generate.image_part") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents=[
                types.Part.from_bytes(data=b"\x89PNG\r\n\x1a\n" + bytes(32), mime_type="image/png"),
                "What is in this image?",
            ],
        )
        s.result = response.text

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
