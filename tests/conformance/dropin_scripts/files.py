"""Files: upload from a path and from a stream, get, list, delete, and use in a prompt.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from google import genai
from google.genai import errors, types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"
NOTES = b"Meeting notes.\nThe launch moves to Thursday.\n"


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.txt"
        path.write_bytes(NOTES)

        with step("files.upload_path") as s:
            uploaded = client.files.upload(file=path)
            s.result = {
                "name_prefix": uploaded.name.startswith("files/"),
                "mime_type": uploaded.mime_type,
                "size_bytes": uploaded.size_bytes,
                "state": uploaded.state,
                "source": uploaded.source,
                "has_uri": bool(uploaded.uri),
            }

        with step("files.state_is_enum_member") as s:
            s.result = {"name": uploaded.state.name, "value": uploaded.state.value}

        with step("files.upload_stream_with_config") as s:
            streamed = client.files.upload(
                file=io.BytesIO(b'{"a": 1}'),
                config=types.UploadFileConfig(
                    mime_type="application/json", display_name="settings"
                ),
            )
            s.result = {
                "display_name": streamed.display_name,
                "mime_type": streamed.mime_type,
                "size_bytes": streamed.size_bytes,
            }

        with step("files.upload_dict_config_and_name") as s:
            named = client.files.upload(
                file=str(path), config={"name": "my-notes", "mime_type": "text/plain"}
            )
            s.result = {"name": named.name, "mime_type": named.mime_type}

    with step("files.get") as s:
        got = client.files.get(name=uploaded.name)
        s.result = {
            "same_name": got.name == uploaded.name,
            "size_bytes": got.size_bytes,
            "state": got.state,
            "is_file": isinstance(got, types.File),
            "state_is_active": got.state == types.FileState.ACTIVE,
        }

    with step("files.list") as s:
        names = [f.name for f in client.files.list(config={"page_size": 2})]
        s.result = {"count": len(names), "has_uploaded": uploaded.name in names}

    with step("files.list_pager") as s:
        pager = client.files.list(config=types.ListFilesConfig(page_size=2))
        first = pager[0]
        s.result = {
            "first_page": len(pager.page),
            "len": len(pager),
            "page_size": pager.page_size,
            "name": pager.name,
            "indexing": first.name == pager.page[0].name,
            "all": len(list(pager)),
        }

    with step("generate.with_file") as s:
        response = client.models.generate_content(
            model=MODEL, contents=[uploaded, "Summarise these notes."]
        )
        s.result = response.text.split('"')[1]  # the rest depends on the file's random name

    with step("generate.with_file_uri_part") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents=[
                types.Part.from_uri(file_uri=uploaded.uri, mime_type=uploaded.mime_type),
                "Summarise these notes.",
            ],
        )
        s.result = response.text.split('"')[1]

    with step("files.delete") as s:
        client.files.delete(name=uploaded.name)
        client.files.delete(name=named.name)
        s.result = True

    with step("files.get_deleted_is_403") as s:
        try:
            client.files.get(name=uploaded.name)
        except errors.ClientError as exc:
            s.result = {
                "code": exc.code,
                "status": exc.status,
                "api_error": isinstance(exc, errors.APIError),
            }
        else:
            s.result = "no error"

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
