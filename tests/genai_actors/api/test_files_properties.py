"""Property tests for the upload engine and the name and MIME parsers (hypothesis)."""

from __future__ import annotations

import hashlib
import io
import string

from hypothesis import HealthCheck, given, settings, strategies as st

import genai_actors as ga
from genai_actors._api._upload import _upload_target, guess_mime_type, open_source, resumable_upload
from genai_actors._transformers import t_file_name as file_id
from genai_actors.emulator import Emulator
from supervisors import VirtualClock, use_clock

IDS = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?", fullmatch=True)


@given(IDS)
def test_every_name_shape_reduces_to_the_id(ident: str) -> None:
    """'id', 'files/id', a File, and https/http URIs (with suffixes) all give back the id."""
    shapes = [
        ident,
        f"files/{ident}",
        ga.types.File(name=f"files/{ident}"),
        f"https://generativelanguage.googleapis.com/v1beta/files/{ident}",
        f"http://127.0.0.1:9/v1/files/{ident}:download?alt=media",
    ]
    assert {file_id(s) for s in shapes} == {ident}


@given(st.text(alphabet=string.ascii_letters + string.digits + "._-/ ", max_size=40))
def test_guess_mime_type_always_answers_a_type(name: str) -> None:
    """Any file name gets a 'type/subtype' answer, never an exception."""
    mime = guess_mime_type(name)
    assert "/" in mime


@given(
    st.sampled_from(["", "/proxy", "/a/b"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=30),
)
def test_upload_target_keeps_path_and_query(prefix: str, upload_id: str) -> None:
    """The upload URL's path (under the base URL's path) and query survive the host rewrite."""
    url = f"https://upload.example{prefix}/upload/v1/files?upload_id={upload_id}&x=1"
    path, query = _upload_target(url, f"http://127.0.0.1:8080{prefix}/")
    assert path == "upload/v1/files"
    assert query == {"upload_id": upload_id, "x": "1"}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.binary(min_size=0, max_size=5000), cut=st.integers(0, 5000), chunk=st.integers(1, 1500)
)
async def test_upload_survives_a_drop_anywhere(data: bytes, cut: int, chunk: int) -> None:
    """Whatever the size, chunk size and drop point, the stored bytes equal the source."""
    with use_clock(VirtualClock(autojump=True)):
        async with Emulator() as emu:
            emu.state.uploads.drop_connection(chunk=None, after_bytes=min(cut, len(data)))
            async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client:
                source = await open_source(io.BytesIO(data))
                meta = {"file": {"mimeType": "application/octet-stream", "sizeBytes": len(data)}}
                final = await resumable_upload(
                    client.api_client,
                    start_path="upload/{api_version}/files",
                    metadata=meta,
                    source=source,
                    mime_type="application/octet-stream",
                    chunk_size=chunk,
                )
            stored = emu.files.get(final["file"]["name"].removeprefix("files/"))
            assert stored.sha256 == hashlib.sha256(data).hexdigest()
            assert stored.size == len(data)
