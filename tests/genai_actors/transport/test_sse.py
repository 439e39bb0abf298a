"""The incremental SSE parser: framing rules and robustness to any split of the byte stream."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from genai_actors._transport import SseParser


def parse_all(chunks: list[bytes]) -> list[bytes]:
    parser = SseParser()
    out: list[bytes] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    out.extend(parser.close())
    return out


def test_basic_events_with_crlf() -> None:
    """Gemini's framing (data: <json> CRLF CRLF) yields one payload per event."""
    stream = b'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n'
    assert parse_all([stream]) == [b'{"a":1}', b'{"b":2}']


def test_line_endings_space_comments_and_multiline_data() -> None:
    """LF, CR and CRLF endings, data with or without a space, comments, multi-line data."""
    stream = (
        b": keep-alive\n"
        b"event: message\rid: 7\r\n"
        b'data:{"x":\r'
        b"data: 1}\n\n"
        b"retry: 100\n\r\n"
        b"data: second\r\r"
    )
    assert parse_all([stream]) == [b'{"x":\n1}', b"second"]


def test_final_event_without_blank_line_is_flushed() -> None:
    """An event cut off by EOF without its blank line is still delivered by close()."""
    assert parse_all([b"data: one\n\ndata: two"]) == [b"one", b"two"]
    assert parse_all([b"data: one\n\ndata: two\n"]) == [b"one", b"two"]


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    """A CR at the end of a chunk and LF at the start of the next make one line end."""
    assert parse_all([b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n"]) == [b"a", b"b"]


def test_plain_json_error_body_is_one_payload() -> None:
    """A multi-line JSON error body (no SSE framing) is yielded whole, braces in strings ignored."""
    body = (
        b'{\n  "error": {\n    "code": 400,\n'
        b'    "message": "bad } \\" {",\n    "status": "X"\n  }\n}\n'
    )
    assert parse_all([body]) == [body.rstrip(b"\n")]
    assert parse_all([b"[{\n", b'"error": {"code": 500}\n', b"}]"]) == [
        b'[{\n"error": {"code": 500}\n}]'
    ]


def test_event_without_data_is_dropped() -> None:
    """Blank lines and field-only events produce nothing."""
    assert parse_all([b"\n\n\r\nevent: x\n\n:comment\n\n"]) == []


_payload = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"),
    max_size=40,
).map(lambda s: s.encode())


@st.composite
def sse_streams(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    events = draw(st.lists(st.lists(_payload, min_size=1, max_size=3), max_size=6))
    endings = st.sampled_from([b"\n", b"\r\n", b"\r"])
    out = bytearray()

    def eol() -> bytes:
        # A lone CR followed by LF would be one CRLF line end, so never follow CR with LF.
        end = draw(endings)
        return b"\r" if out.endswith(b"\r") and end.startswith(b"\n") else end

    expected: list[bytes] = []
    for lines in events:
        if draw(st.booleans()):
            out += b": comment"
            out += eol()
        values = []
        for line in lines:
            spaced = draw(st.booleans())
            out += b"data:" + (b" " if spaced else b"") + line
            out += eol()
            # Per the SSE rules one space after the colon is dropped, whoever put it there.
            values.append(line[1:] if not spaced and line.startswith(b" ") else line)
        expected.append(b"\n".join(values))
        out += eol()
    return bytes(out), expected


@settings(max_examples=300, deadline=None)
@given(data=sse_streams(), cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_any_split_yields_the_same_events(data: tuple[bytes, list[bytes]], cuts: list[int]) -> None:
    """Any split of a valid SSE byte stream yields exactly the events of the unsplit stream."""
    stream, expected = data
    points = sorted({c % (len(stream) + 1) for c in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert parse_all([stream]) == expected
    assert parse_all(chunks) == expected
    assert parse_all([bytes([b]) for b in stream]) == expected
