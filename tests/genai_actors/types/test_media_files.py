"""``Image`` and ``Video``: ``from_file``, ``save``, ``show`` and the video's repr, checked on
both SDKs (google-genai's types are the oracle)."""

from __future__ import annotations

import sys
import types as pytypes
from pathlib import Path
from typing import Any

import pytest
from google.genai import types as theirs

from genai_actors import types as ours

SDKS = pytest.mark.parametrize("t", [theirs, ours], ids=["google-genai", "genai_actors"])
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(30))


@SDKS
def test_image_from_local_file_reads_bytes_and_guesses_the_type(t: Any, tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    path.write_bytes(PNG)
    image = t.Image.from_file(location=str(path))
    assert (image.image_bytes, image.mime_type, image.gcs_uri) == (PNG, "image/png", None)
    given = t.Image.from_file(location=str(path), mime_type="image/x-mine")
    assert given.mime_type == "image/x-mine"
    unknown = tmp_path / "blob.unknownext"
    unknown.write_bytes(b"x")
    assert t.Image.from_file(location=str(unknown)).mime_type is None


@SDKS
@pytest.mark.parametrize(
    ("location", "uri"),
    [
        ("gs://bucket/a b.png", "gs://bucket/a b.png"),
        ("https://storage.googleapis.com/bucket/a%20b.png", "gs://bucket/a b.png"),
    ],
)
def test_image_from_cloud_storage_keeps_only_the_uri(t: Any, location: str, uri: str) -> None:
    image = t.Image.from_file(location=location)
    assert (image.gcs_uri, image.image_bytes, image.mime_type) == (uri, None, None)


@SDKS
def test_image_save_writes_its_bytes_and_refuses_without_them(t: Any, tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    t.Image(image_bytes=PNG, mime_type="image/png").save(str(target))
    assert target.read_bytes() == PNG
    with pytest.raises(ValueError, match="image bytes are not set"):
        t.Image(gcs_uri="gs://b/x.png").save(str(tmp_path / "none.png"))
    assert not (tmp_path / "none.png").exists()


@SDKS
def test_video_from_file_save_round_trip(t: Any, tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"
    source.write_bytes(MP4)
    video = t.Video.from_file(location=str(source))
    assert (video.video_bytes, video.mime_type, video.uri) == (MP4, "video/mp4", None)
    target = tmp_path / "copy.mp4"
    video.save(str(target))
    assert target.read_bytes() == MP4
    assert t.Video.from_file(location=str(source), mime_type="video/webm").mime_type == (
        "video/webm"
    )


@SDKS
def test_video_without_bytes_is_not_saved_or_shown(t: Any, tmp_path: Path) -> None:
    remote = t.Video(uri="https://example.invalid/v.mp4")
    with pytest.raises(NotImplementedError, match="Saving remote videos"):
        remote.save(str(tmp_path / "v.mp4"))
    with pytest.raises(ValueError, match="Showing remote videos"):
        remote.show()
    with pytest.raises(ValueError, match="Video has no bytes"):
        t.Video().show()


@SDKS
def test_video_repr_hides_the_bytes(t: Any) -> None:
    assert repr(t.Video(uri="u", video_bytes=MP4, mime_type="video/mp4")) == (
        "Video(uri=u, video_bytes=<video_bytes>, mime_type=video/mp4)"
    )
    assert repr(t.Video()) == "Video(uri=None, video_bytes=None, mime_type=None)"


class _Shown:
    """Stands in for Pillow and IPython, which are not installed in the test environment."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def modules(self) -> dict[str, pytypes.ModuleType]:
        pil = pytypes.ModuleType("PIL")
        pil_image = pytypes.ModuleType("PIL.Image")
        calls = self.calls

        class Picture:
            def __init__(self, data: bytes) -> None:
                self.data = data

            def show(self) -> None:
                calls.append(("viewer", self.data))

        pil_image.open = lambda stream: Picture(stream.read())  # type: ignore[attr-defined]
        pil.Image = pil_image  # type: ignore[attr-defined]
        ipython = pytypes.ModuleType("IPython")
        display = pytypes.ModuleType("IPython.display")
        display.display = lambda value: calls.append(("display", value))  # type: ignore[attr-defined]
        display.Video = lambda **kw: ("Video", kw)  # type: ignore[attr-defined]
        ipython.display = display  # type: ignore[attr-defined]
        return {"PIL": pil, "PIL.Image": pil_image, "IPython": ipython, "IPython.display": display}


def test_image_show_opens_the_bytes_with_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _Shown()
    for name, module in shown.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    ours.Image(image_bytes=PNG).show()
    assert shown.calls == [("viewer", PNG)]
    monkeypatch.setitem(sys.modules, "ipykernel", pytypes.ModuleType("ipykernel"))
    ours.Image(image_bytes=PNG).show()
    assert shown.calls[1][0] == "display"
    assert shown.calls[1][1].data == PNG
    with pytest.raises(ValueError, match="image bytes are not set"):
        ours.Image(gcs_uri="gs://b/x.png").show()


def test_image_show_without_pillow_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    for t in (theirs, ours):
        with pytest.raises(RuntimeError, match="pip install pillow"):
            t.Image(image_bytes=PNG).show()


def test_video_show_displays_inline_with_the_default_type(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _Shown()
    for name, module in shown.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    ours.Video(video_bytes=MP4).show()
    ours.Video(video_bytes=MP4, mime_type="video/webm").show()
    assert shown.calls == [
        ("display", ("Video", {"data": MP4, "mimetype": "video/mp4", "embed": True})),
        ("display", ("Video", {"data": MP4, "mimetype": "video/webm", "embed": True})),
    ]
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    ours.Video(video_bytes=MP4).show()  # nowhere to show it: nothing happens, as in google-genai
    assert len(shown.calls) == 2
