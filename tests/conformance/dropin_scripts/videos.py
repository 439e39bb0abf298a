"""Video generation: a long-running operation polled with operations.get, then downloaded.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
google-genai 3.6.1 refuses ``models.generate_videos`` on the Gemini Developer API before sending
anything (the API itself serves it), so the script also follows an operation started elsewhere
(here by a plain REST call, as another service would): it resumes it from its name with
``types.GenerateVideosOperation(name=...)``, which google-genai supports.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.request
from pathlib import Path

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

VEO = "veo-3.0-generate-001"


def start_elsewhere(base_url: str, api_key: str, prompt: str) -> str:
    """Starts a video generation over REST; returns the operation's name."""
    request = urllib.request.Request(
        f"{base_url}/v1beta/models/{VEO}:predictLongRunning",
        data=json.dumps({"instances": [{"prompt": prompt}]}).encode(),
        headers={"x-goog-api-key": api_key, "content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as reply:
        return str(json.load(reply)["name"])


def poll(client: genai.Client, operation: types.GenerateVideosOperation):  # type: ignore[no-untyped-def]
    for _ in range(50):
        if operation.done:
            break
        time.sleep(0.01)
        operation = client.operations.get(operation)
    return operation


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("videos.generate") as s:
        started = client.models.generate_videos(
            model=VEO,
            source=types.GenerateVideosSource(prompt="A lighthouse at dawn, slow pan."),
            config=types.GenerateVideosConfig(
                number_of_videos=1, duration_seconds=8, aspect_ratio="16:9"
            ),
        )
        started = poll(client, started)
        s.result = {
            "name_prefix": started.name.startswith(f"models/{VEO}/operations/"),
            "done": started.done,
            "count": len(started.response.generated_videos),
        }

    with step("videos.resume_by_name") as s:
        name = start_elsewhere(base_url, api_key, "A lighthouse at dusk, slow pan.")
        operation = types.GenerateVideosOperation(name=name)
        s.result = {"done": bool(operation.done), "name_kept": operation.name == name}

    with step("videos.poll") as s:
        operation = poll(client, operation)
        s.result = {
            "done": operation.done,
            "is_video_operation": isinstance(operation, types.GenerateVideosOperation),
            "count": len(operation.response.generated_videos),
            "result_is_response": operation.result == operation.response,
        }

    with step("videos.download_bytes") as s:
        video = operation.response.generated_videos[0].video
        data = client.files.download(file=video)
        s.result = {
            "mp4": data[4:8] == b"ftyp",
            "kept_on_video": data == video.video_bytes,
            "mime_type": video.mime_type,
        }

    with step("videos.download_generated_video") as s:
        generated = operation.response.generated_videos[0]
        s.result = client.files.download(file=generated) == data

    with step("videos.save") as s, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clip.mp4"
        video.save(str(target))
        s.result = target.read_bytes() == data

    with step("videos.from_file") as s, tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "clip.mp4"
        source.write_bytes(data)
        loaded = types.Video.from_file(location=str(source))
        copy = Path(folder) / "copy.mp4"
        loaded.save(str(copy))
        s.result = {
            "mime_type": loaded.mime_type,
            "same_bytes": copy.read_bytes() == data,
            "repr": repr(types.Video(uri="u", video_bytes=b"x", mime_type="video/mp4")),
        }

    with step("images.from_file") as s, tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "frame.png"
        source.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
        image = types.Image.from_file(location=str(source))
        image.save(str(Path(folder) / "copy.png"))
        remote = types.Image.from_file(location="gs://bucket/frame.png")
        s.result = {
            "mime_type": image.mime_type,
            "same_bytes": (Path(folder) / "copy.png").read_bytes() == source.read_bytes(),
            "remote": [remote.gcs_uri, remote.image_bytes],
        }

    with step("operations.get_dump") as s:
        dumped = operation.model_dump(mode="json", exclude_none=True)
        s.result = sorted(k for k in dumped if k != "sdk_http_response")

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
