"""``H1Response.header_dict`` against the per-header definition, on any header bytes."""

from __future__ import annotations

from hypothesis import given, strategies as st

from genai_actors._transport._h1._response import H1Response


def _reference(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in raw:
        name = raw_name.decode("utf-8", "surrogateescape").lower()
        value = raw_value.decode("utf-8", "surrogateescape")
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


_NAMES = st.one_of(
    st.sampled_from([b"Content-Type", b"content-type", b"X-Multi", b"x-MULTI", b"Vary"]),
    st.binary(max_size=8),  # NUL, non-UTF-8 and non-ASCII bytes too (the slow path's cases)
)


@given(st.lists(st.tuples(_NAMES, st.binary(max_size=12)), max_size=8))
def test_header_dict_matches_the_per_header_definition(raw: list[tuple[bytes, bytes]]) -> None:
    resp = H1Response(200, "OK", raw, None, None)
    got = resp.header_dict()
    assert got == _reference(raw)
    assert list(got) == list(_reference(raw))  # the order of first appearance too
    assert resp.header_dict() is got
