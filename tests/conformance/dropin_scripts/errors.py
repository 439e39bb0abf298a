"""Errors: what an application catches on a 404, a 400 and an unknown resource.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import os
import pickle
import warnings

import httpx2 as httpx  # the httpx fork installed with the SDK
from google import genai
from google.genai import errors, types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"


def describe(exc: errors.APIError) -> dict[str, object]:
    return {
        "code": exc.code,
        "status": exc.status,
        "client_error": isinstance(exc, errors.ClientError),
        "server_error": isinstance(exc, errors.ServerError),
        "api_error": isinstance(exc, errors.APIError),
        "has_message": bool(exc.message),
        "details_is_dict": isinstance(exc.details, dict),
    }


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("errors.unknown_model_404") as s:
        try:
            client.models.generate_content(model="no-such-model", contents="Hi")
        except errors.ClientError as exc:
            s.result = describe(exc)
        else:
            s.result = "no error"

    with step("errors.models_get_404") as s:
        try:
            client.models.get(model="gemini-0.0-nothing")
        except errors.APIError as exc:
            s.result = {"code": exc.code, "status": exc.status}
        else:
            s.result = "no error"

    with step("errors.bad_request_400") as s:
        try:
            client.models.generate_content(
                model=MODEL,
                contents="Hi",
                config=types.GenerateContentConfig(candidate_count=99),
            )
        except errors.ClientError as exc:
            s.result = describe(exc)
        else:
            s.result = "no error"

    with step("errors.bad_embedding_request_400") as s:
        try:
            client.models.embed_content(
                model="gemini-embedding-001",
                contents="x",
                config={"output_dimensionality": 100_000},
            )
        except errors.APIError as exc:
            s.result = {"code": exc.code, "status": exc.status}
        else:
            s.result = "no error"

    with step("errors.enum_value_newer_than_the_sdk_is_sent") as s:
        try:
            client.models.generate_content(
                model=MODEL,
                contents="Hi",
                config=types.GenerateContentConfig(
                    safety_settings=[
                        types.SafetySetting(
                            category="HARM_CATEGORY_HARASSMENT", threshold="BLOCK_FROM_2030"
                        )
                    ]
                ),
            )
        except errors.ClientError as exc:  # sent: the emulator does not know it either
            s.result = {"code": exc.code, "status": exc.status}
        else:
            s.result = "no error"

    with step("errors.unknown_file_403") as s:
        try:
            client.files.get(name="files/doesnotexist")
        except errors.ClientError as exc:
            s.result = {"code": exc.code, "status": exc.status}
        else:
            s.result = "no error"

    with step("errors.missing_api_key") as s:
        try:
            genai.Client(api_key="", http_options=types.HttpOptions(base_url=base_url))
        except ValueError as exc:
            s.result = {"refused": True, "names_key": "API key" in str(exc)}
        else:
            s.result = {"refused": False}

    with step("errors.catch_all_exception") as s:
        try:
            client.caches.get(name="cachedContents/nope")
        except Exception as exc:  # an application's last-resort handler
            s.result = {"is_api_error": isinstance(exc, errors.APIError), "code": exc.code}
        else:
            s.result = "no error"

    with step("errors.raise_error_helper") as s:
        body = {"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}
        try:
            errors.APIError.raise_error(404, body, None)
        except errors.ClientError as exc:
            s.result = {"code": exc.code, "status": exc.status, "message": exc.message}
        else:
            s.result = "no error"

    with step("errors.raise_for_httpx_response") as s:
        reply = httpx.Response(
            503,
            json={"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}},
            request=httpx.Request("POST", base_url),
        )
        try:
            errors.APIError.raise_for_response(reply)
        except errors.ServerError as exc:
            s.result = {"code": exc.code, "status": exc.status, "kept": exc.response is reply}
        else:
            s.result = "no error"

    with step("errors.constructed_in_tests") as s:
        exc = errors.ClientError(429, {"error": {"message": "slow down"}}, None)
        again = pickle.loads(pickle.dumps(exc))
        s.result = {
            "text": str(exc),
            "code": exc.code,
            "message": exc.message,
            "pickled": [again.code, again.message, str(again)],
        }

    with step("errors.warning_category") as s, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=errors.ExperimentalWarning)
        s.result = issubclass(errors.ExperimentalWarning, Warning)

    with step("errors.function_errors_are_value_errors") as s:
        s.result = [
            issubclass(errors.UnsupportedFunctionError, ValueError),
            issubclass(errors.FunctionInvocationError, ValueError),
            issubclass(errors.UnknownFunctionCallArgumentError, ValueError),
            issubclass(errors.UnknownApiResponseError, ValueError),
            issubclass(errors.ContinuationInterruptedError, Exception),
        ]

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
