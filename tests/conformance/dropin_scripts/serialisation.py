"""Types as data: model_dump / model_dump_json / model_validate round trips, copies, equality.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import json
import os

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))
    config = types.GenerateContentConfig(
        temperature=0.3,
        candidate_count=1,
        stop_sequences=["END"],
        thinking_config=types.ThinkingConfig(thinking_budget=128, include_thoughts=True),
        safety_settings=[
            types.SafetySetting(
                category=types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
                threshold=types.HarmBlockThreshold.BLOCK_LOW_AND_ABOVE,
            )
        ],
    )

    with step("config.model_dump_exclude_none") as s:
        s.result = config.model_dump(exclude_none=True, mode="json")

    with step("config.model_dump_by_alias") as s:
        s.result = config.model_dump(exclude_none=True, by_alias=True, mode="json")

    with step("config.model_dump_json") as s:
        s.result = json.loads(config.model_dump_json(exclude_none=True))

    with step("config.to_json_dict") as s:
        s.result = config.to_json_dict()

    with step("config.model_validate_round_trip") as s:
        again = types.GenerateContentConfig.model_validate(config.model_dump())
        s.result = {
            "equal": again == config,
            "budget": again.thinking_config.thinking_budget,
            "threshold": again.safety_settings[0].threshold,
        }

    with step("config.model_validate_json_round_trip") as s:
        again = types.GenerateContentConfig.model_validate_json(config.model_dump_json())
        s.result = again == config

    with step("config.model_validate_camel_case") as s:
        again = types.GenerateContentConfig.model_validate(
            {"maxOutputTokens": 64, "thinkingConfig": {"thinkingBudget": 0}}
        )
        s.result = {
            "max": again.max_output_tokens,
            "budget": again.thinking_config.thinking_budget,
        }

    with step("config.model_copy_update") as s:
        copy = config.model_copy(update={"temperature": 0.9})
        s.result = {
            "copy": copy.temperature,
            "original": config.temperature,
            "shares_rest": copy.stop_sequences == config.stop_sequences,
        }

    with step("content.equality") as s:
        a = types.Content(role="user", parts=[types.Part(text="hi")])
        b = types.Content(role="user", parts=[types.Part.from_text(text="hi")])
        c = types.Content(role="user", parts=[types.Part(text="bye")])
        s.result = {"same": a == b, "different": a != c}

    with step("content.user_and_model_helpers") as s:
        history = [
            types.UserContent(parts="What is 2+2?"),
            types.ModelContent(parts=[types.Part(text="4")]),
            types.UserContent(parts=[types.Part.from_text(text="And 3+3?")]),
        ]
        response = client.models.generate_content(model=MODEL, contents=history)
        s.result = {
            "roles": [c.role for c in history],
            "texts": [c.parts[0].text for c in history],
            "are_contents": all(isinstance(c, types.Content) for c in history),
            "reply": response.text,
        }

    with step("response.round_trip") as s:
        response = client.models.generate_content(
            model=MODEL, contents="Say something.", config=config
        )
        dumped = response.model_dump_json(exclude_none=True)
        again = types.GenerateContentResponse.model_validate_json(dumped)
        s.result = {
            "text": again.text,
            "same_text": again.text == response.text,
            "finish_reason": again.candidates[0].finish_reason,
            "prompt_tokens": again.usage_metadata.prompt_token_count,
        }

    with step("response.model_dump_keys") as s:
        dumped = response.model_dump(exclude_none=True, mode="json")
        s.result = {
            "top": sorted(k for k in dumped if k != "sdk_http_response"),
            "candidate": sorted(dumped["candidates"][0]),
            "finish_reason": dumped["candidates"][0]["finish_reason"],
        }

    with step("response.validate_python_dict") as s:
        again = types.GenerateContentResponse.model_validate(
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "hello"}]}}]}
        )
        s.result = again.text

    with step("contents.from_dumped_history") as s:
        history = [
            types.Content(role="user", parts=[types.Part(text="Hello")]),
            response.candidates[0].content,
        ]
        stored = json.dumps([c.model_dump(mode="json", exclude_none=True) for c in history])
        restored = [types.Content.model_validate(c) for c in json.loads(stored)]
        follow_up = client.models.generate_content(
            model=MODEL,
            contents=[*restored, types.Content(role="user", parts=[types.Part(text="More?")])],
        )
        s.result = {"restored_equal": restored == history, "text": follow_up.text}

    with step("usage.model_dump") as s:
        s.result = response.usage_metadata.model_dump(exclude_none=True, mode="json")

    with step("config.flexible_dicts_typed") as s:
        flexible = types.GenerateContentConfig(
            system_instruction={"parts": [{"text": "Be brief."}]},
            tools=[
                {
                    "function_declarations": [
                        {
                            "name": "get_time",
                            "description": "The time in a city.",
                            "parameters": {
                                "type": "OBJECT",
                                "properties": {"city": {"type": "STRING"}},
                            },
                        }
                    ]
                },
                {"google_search": {}},
            ],
            speech_config={"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}},
        )
        declaration = flexible.tools[0].function_declarations[0]
        s.result = {
            "types": [
                type(flexible.system_instruction).__name__,
                [type(t).__name__ for t in flexible.tools],
                type(flexible.speech_config).__name__,
                type(declaration.parameters).__name__,
            ],
            "instruction": flexible.system_instruction.parts[0].text,
            "city_type": declaration.parameters.properties["city"].type,
            "dump": flexible.model_dump(mode="json", exclude_none=True),
        }

    with step("config.flexible_part_dict_typed") as s:
        as_part = types.GenerateContentConfig(system_instruction={"text": "Be kind."})
        as_list = types.GenerateContentConfig(system_instruction=["Be kind.", {"text": "Briefly."}])
        s.result = [
            type(as_part.system_instruction).__name__,
            [type(p).__name__ for p in as_list.system_instruction],
        ]

    with step("http_options.timeout_and_retries") as s:
        configured = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                base_url=base_url,
                timeout=30_000,
                retry_options=types.HttpRetryOptions(attempts=3, initial_delay=0.1),
            ),
        )
        per_call = types.HttpOptions(timeout=20_000, headers={"x-app": "demo"})
        text = configured.models.generate_content(
            model=MODEL, contents="Hi", config=types.GenerateContentConfig(http_options=per_call)
        ).text
        configured.close()
        s.result = {"timeout": per_call.timeout, "text": text}

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
