"""File search: a store, a direct upload and an imported file, documents, grounded answers.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import io
import os
import time

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"
HANDBOOK = b"Holidays. Every employee has 25 days of paid holiday a year.\n" * 20
POLICY = b"Expenses. Receipts are required for every expense above 20 euros.\n" * 20


def finish(client: genai.Client, operation):  # type: ignore[no-untyped-def]
    for _ in range(50):
        if operation.done:
            break
        time.sleep(0.01)
        operation = client.operations.get(operation)
    return operation


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("file_search_stores.create") as s:
        store = client.file_search_stores.create(
            config=types.CreateFileSearchStoreConfig(display_name="company docs")
        )
        s.result = {
            "name_prefix": store.name.startswith("fileSearchStores/"),
            "display_name": store.display_name,
        }

    with step("file_search_stores.upload") as s:
        operation = client.file_search_stores.upload_to_file_search_store(
            file=io.BytesIO(HANDBOOK),
            file_search_store_name=store.name,
            config={
                "mime_type": "text/plain",
                "display_name": "handbook",
                "custom_metadata": [{"key": "team", "string_value": "hr"}],
            },
        )
        operation = finish(client, operation)
        s.result = {
            "done": operation.done,
            "document_prefix": operation.response.document_name.startswith(store.name),
        }

    with step("file_search_stores.import_file") as s:
        uploaded = client.files.upload(
            file=io.BytesIO(POLICY), config={"mime_type": "text/plain", "display_name": "policy"}
        )
        operation = client.file_search_stores.import_file(
            file_search_store_name=store.name,
            file_name=uploaded.name,
            config=types.ImportFileConfig(
                chunking_config=types.ChunkingConfig(
                    white_space_config=types.WhiteSpaceConfig(
                        max_tokens_per_chunk=64, max_overlap_tokens=8
                    )
                )
            ),
        )
        operation = finish(client, operation)
        s.result = {"done": operation.done, "has_document": bool(operation.response.document_name)}

    with step("file_search_stores.get") as s:
        got = client.file_search_stores.get(name=store.name)
        s.result = {
            "display_name": got.display_name,
            "active_documents": got.active_documents_count,
        }

    with step("documents.list_and_get") as s:
        documents = list(client.file_search_stores.documents.list(parent=store.name))
        first = client.file_search_stores.documents.get(name=documents[0].name)
        s.result = {
            "count": len(documents),
            "display_names": sorted(d.display_name for d in documents),
            "states": sorted(d.state for d in documents),
            "first_same": first.name == documents[0].name,
        }

    with step("generate.file_search_tool") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="How many holiday days do I get?",
            config=types.GenerateContentConfig(
                tools=[
                    types.Tool(file_search=types.FileSearch(file_search_store_names=[store.name]))
                ]
            ),
        )
        grounding = response.candidates[0].grounding_metadata
        s.result = {
            "has_text": bool(response.text),
            "grounded": grounding is not None and bool(grounding.grounding_chunks),
        }

    with step("file_search_stores.list") as s:
        names = [st.name for st in client.file_search_stores.list(config={"page_size": 5})]
        s.result = store.name in names

    with step("documents.delete_and_store_delete") as s:
        client.file_search_stores.documents.delete(name=documents[0].name, config={"force": True})
        remaining = list(client.file_search_stores.documents.list(parent=store.name))
        client.file_search_stores.delete(name=store.name, config={"force": True})
        s.result = len(remaining)

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
