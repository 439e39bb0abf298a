"""Image and speech output, Imagen, and ephemeral tokens.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import datetime
import os

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

PNG = b"\x89PNG\r\n\x1a\n"


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("images.refused_on_developer_api") as s:
        # Imagen's predict is served on Vertex AI only: both SDKs refuse before sending.
        try:
            client.models.generate_images(
                model="imagen-4.0-generate-001",
                prompt="A red bicycle against a white wall.",
                config=types.GenerateImagesConfig(number_of_images=1),
            )
        except ValueError:
            s.result = "refused"
        else:
            s.result = "sent"

    with step("generate.image_output") as s:
        response = client.models.generate_content(
            model="gemini-2.5-flash-image",
            contents="Draw a small square.",
            config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"]),
        )
        parts = response.candidates[0].content.parts
        inline = [p.inline_data for p in parts if p.inline_data is not None]
        s.result = {
            "images": [i.mime_type for i in inline],
            "png": all(i.data.startswith(PNG) for i in inline),
        }

    with step("generate.speech") as s:
        response = client.models.generate_content(
            model="gemini-2.5-flash-preview-tts",
            contents="Say cheerfully: have a wonderful day!",
            config=types.GenerateContentConfig(
                response_modalities=["AUDIO"],
                speech_config=types.SpeechConfig(
                    voice_config=types.VoiceConfig(
                        prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Kore")
                    )
                ),
            ),
        )
        audio = response.candidates[0].content.parts[0].inline_data
        s.result = {"mime_type": audio.mime_type, "has_audio": len(audio.data) > 0}

    with step("auth_tokens.create") as s:
        token_client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(base_url=base_url, api_version="v1alpha"),
        )
        now = datetime.datetime.now(tz=datetime.UTC)
        token = token_client.auth_tokens.create(
            config=types.CreateAuthTokenConfig(
                uses=1,
                expire_time=now + datetime.timedelta(minutes=30),
                new_session_expire_time=now + datetime.timedelta(minutes=1),
            )
        )
        token_client.close()
        s.result = token.name.startswith("auth_tokens/")

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
