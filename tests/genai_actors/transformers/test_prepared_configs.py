"""Configs already built are reused by generate_content_request (_transformers._prepared):
the same bytes as a fresh build, a mutation after a call seen, errors and warnings on every
call, nothing kept that could be mistaken for another config."""

from __future__ import annotations

import collections
import copy
import decimal
import enum
import math
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers._generate import _PREPARED, generate_content_request, kept_tables
from genai_actors._transformers._names import VertexLocation
from genai_actors._transformers._prepared import MAX_ENTRIES, MAX_KEY_BYTES, find_kept
from genai_actors.errors import InvalidRequestError, UnsupportedByBackendError
from genai_actors.types import UnknownEnumValueWarning

VERTEX = VertexLocation("proj", "us-central1")

TYPICAL: dict[str, Any] = {
    "temperature": 0.2,
    "top_p": 0.9,
    "max_output_tokens": 256,
    "stop_sequences": ["THE END"],
    "system_instruction": "You are terse.",
    "safety_settings": [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
    ],
}


def _typed() -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        temperature=0.2,
        system_instruction=types.Content(parts=[types.Part(text="You are terse.")]),
        safety_settings=[
            types.SafetySetting(
                category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
            )
        ],
        response_mime_type="application/json",
        response_schema=types.Schema(
            type=types.Type.OBJECT, properties={"city": types.Schema(type=types.Type.STRING)}
        ),
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(
                        name="get_weather",
                        parameters=types.Schema(
                            type="object", properties={"city": types.Schema(type="string")}
                        ),
                    )
                ]
            )
        ],
    )


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    _PREPARED.clear()
    yield
    _PREPARED.clear()


def _outcome(contents: Any, config: Any, vertex: VertexLocation | None = None) -> Any:
    """The body built, or the error raised (type and message)."""
    try:
        return generate_content_request("gemini-2.5-flash", contents, config, vertex=vertex).body
    except (InvalidRequestError, UnsupportedByBackendError) as exc:
        return (type(exc), str(exc))


def _keep(config: Any, vertex: VertexLocation | None = None, *, stream: bool = False) -> Any:
    """Build with ``config`` twice (a config is kept the second time); the last request."""
    generate_content_request("m", "x", config, vertex=vertex, stream=stream)
    request = generate_content_request("m", "x", config, vertex=vertex, stream=stream)
    backend = None if vertex is None else (vertex.project, vertex.location)
    key = _PREPARED.key(config, backend)
    assert key is not None
    assert _PREPARED.get(key, config) is not None
    return request


def _fresh(contents: Any, config: Any, vertex: VertexLocation | None = None) -> Any:
    """The outcome with nothing kept before or after."""
    _PREPARED.clear()
    try:
        return _outcome(contents, config, vertex)
    finally:
        _PREPARED.clear()


@pytest.mark.parametrize("form", ["dict", "typed"])
@pytest.mark.parametrize("vertex", [None, VERTEX])
@pytest.mark.parametrize("stream", [False, True])
def test_a_kept_config_builds_the_same_request(
    form: str, vertex: VertexLocation | None, stream: bool
) -> None:
    """The second call with a config (another prompt, other contents) is served from the
    kept entry and builds byte for byte what a fresh build does."""
    config = copy.deepcopy(TYPICAL) if form == "dict" else _typed()
    for contents in ['Bonjour "là" \\ \n\u2603 \U0001f600', [{"text": "a"}, "b"]]:
        first = _keep(config, vertex, stream=stream)
        assert len(_PREPARED) == 1
        again = generate_content_request("m", contents, config, vertex=vertex, stream=stream)
        assert again.body == _fresh(contents, config, vertex)
        assert (again.path, again.query) == (first.path, first.query)
        if form == "typed":
            assert again.config is config  # the caller's own struct
        else:
            assert again.config is first.config  # the struct the entry holds: a hit
            assert isinstance(again.config, types.GenerateContentConfig)


def test_an_equal_struct_is_served_but_request_config_is_the_callers() -> None:
    """Two equal config structs share one entry; each request carries its caller's struct."""
    one, two, three = _typed(), _typed(), _typed()
    _keep(one)
    request = generate_content_request("m", "x", two)
    assert len(_PREPARED) == 1
    assert request.config is two
    assert generate_content_request("m", "x", three).config is three


def test_a_config_built_once_is_noted_not_kept() -> None:
    """A config is kept the second time it is built; the first time only its key is noted."""
    generate_content_request("m", "x", TYPICAL)
    assert len(_PREPARED) == 0
    generate_content_request("m", "y", TYPICAL)
    assert len(_PREPARED) == 1


@given(st.text(max_size=40))
@settings(max_examples=150, deadline=None)
def test_a_string_prompt_encodes_as_the_full_build_does(text: str) -> None:
    """The prompt's part of a kept config's body is what the full build encodes."""
    _keep(TYPICAL)
    assert _outcome(text, TYPICAL) == _fresh(text, TYPICAL)


def _mutations() -> list[tuple[str, Any]]:
    def top(c: dict[str, Any]) -> None:
        c["temperature"] = 0.7

    def nested(c: dict[str, Any]) -> None:
        c["safety_settings"][1]["threshold"] = "BLOCK_NONE"

    def append(c: dict[str, Any]) -> None:
        c["stop_sequences"].append("FIN")

    def remove(c: dict[str, Any]) -> None:
        del c["system_instruction"]

    def bad(c: dict[str, Any]) -> None:
        c["safety_settings"][0]["category"] = "HARM_CATEGORY_HARASMENT"  # a typo

    def int_to_bool(c: dict[str, Any]) -> None:
        c["max_output_tokens"] = True

    return [
        ("top", top),
        ("nested", nested),
        ("append", append),
        ("remove", remove),
        ("bad", bad),
        ("int_to_bool", int_to_bool),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations())
def test_a_dict_mutated_after_a_call_is_seen(name: str, mutate: Any) -> None:
    """Mutating a kept dict config (at any depth) changes the next request as a fresh build
    of the mutated dict would, errors included."""
    config = copy.deepcopy(TYPICAL)
    _keep(config)
    mutate(config)
    assert _outcome("x", config) == _fresh("x", config)
    assert _outcome("x", config) != _fresh("x", TYPICAL)


def test_a_struct_mutated_after_a_call_is_seen() -> None:
    """Mutating a kept struct config (an attribute, a nested struct, a nested list) changes
    the next request as a fresh build would."""
    config = _typed()
    _keep(config)
    config.temperature = 0.9
    assert _outcome("x", config) == _fresh("x", config)
    assert b'"temperature":0.9' in _outcome("x", config)
    _keep(config)
    config.safety_settings[0].threshold = types.HarmBlockThreshold.BLOCK_NONE  # type: ignore[index]
    assert b"BLOCK_NONE" in _outcome("x", config)
    _keep(config)
    config.response_schema.properties["n"] = types.Schema(type=types.Type.NUMBER)  # type: ignore[union-attr]
    assert b'"n":{"type":"NUMBER"}' in _outcome("x", config)
    _keep(config)
    config.max_output_tokens = "many"  # type: ignore[assignment]
    with pytest.raises(InvalidRequestError, match=r"config\.max_output_tokens"):
        generate_content_request("m", "x", config)


@pytest.mark.parametrize(
    ("kept", "other"),
    [
        ({"candidate_count": 1}, {"candidate_count": True}),
        ({"candidate_count": 1}, {"candidate_count": 1.0}),
        ({"temperature": 1.0}, {"temperature": True}),
        ({"temperature": None}, {"temperature": math.nan}),
        ({"stop_sequences": ["a"]}, {"stop_sequences": ("a",)}),
        ({"response_mime_type": "text/plain"}, {"response_mime_type": b"text/plain"}),
        (
            {"cached_content": "12345678-1234-5678-1234-567812345678"},
            {"cached_content": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        ),
    ],
)
def test_a_config_that_only_looks_equal_is_built_afresh(kept: Any, other: Any) -> None:
    """A config equal to a kept one by ``==`` or by its encoding but of other types gets
    its own outcome (here: an error or other bytes), not the kept one's."""
    _keep(kept)
    assert _outcome("x", other) == _fresh("x", other)


def test_each_backend_keeps_its_own_entry() -> None:
    """A config kept for Vertex AI is refused on the Gemini Developer API, and the other
    way round; Vertex AI's field names stay on Vertex AI."""
    vertex_only = {"audio_timestamp": True}
    _keep(vertex_only, VERTEX)
    with pytest.raises(UnsupportedByBackendError, match="Gemini Developer API"):
        generate_content_request("m", "x", vertex_only)
    mldev_only = {"enable_enhanced_civic_answers": True}
    _keep(mldev_only)
    with pytest.raises(UnsupportedByBackendError, match="Vertex AI"):
        generate_content_request("m", "x", mldev_only, vertex=VERTEX)
    renamed = {"model_selection_config": {"feature_selection_preference": "BALANCED"}}
    on_vertex = _keep(renamed, VERTEX).body
    assert b"modelConfig" in on_vertex
    assert generate_content_request("m", "x", renamed, vertex=VERTEX).body == on_vertex
    assert on_vertex == _fresh("x", renamed, VERTEX)
    other = VertexLocation("other", "europe-west4")
    cached = {"cached_content": "c1"}
    _keep(cached, VERTEX)
    assert b"projects/other/locations/europe-west4/cachedContents/c1" in (
        generate_content_request("m", "x", cached, vertex=other).body
    )


def test_contents_refused_with_a_kept_config_raise_as_in_a_fresh_build() -> None:
    """Contents the backend refuses (or that are invalid) raise with a kept config exactly as
    without one."""
    _keep(TYPICAL, VERTEX)
    contents = [{"part_metadata": {"a": 1}}]
    with pytest.raises(UnsupportedByBackendError) as info:
        generate_content_request("m", contents, TYPICAL, vertex=VERTEX)
    assert info.value.feature == "contents[0].parts[0].part_metadata"
    for bad in ([], None, [{"text": 3}], [object()]):
        assert _outcome(bad, TYPICAL) == _fresh(bad, TYPICAL)
        assert isinstance(_outcome(bad, TYPICAL), tuple)


def test_an_unknown_enum_value_warns_on_every_call() -> None:
    """A config whose build warned is never kept: every call warns again."""
    config = {"safety_settings": [{"category": "HARM_CATEGORY_NEW", "threshold": "BLOCK_NONE"}]}
    for _ in range(3):
        with pytest.warns(UnknownEnumValueWarning, match="HARM_CATEGORY_NEW"):
            generate_content_request("m", "x", config)
    assert len(_PREPARED) == 0


def test_an_invalid_config_raises_on_every_call() -> None:
    """A refused config is never kept."""
    for _ in range(2):
        with pytest.raises(InvalidRequestError, match="did you mean 'temperature'"):
            generate_content_request("m", "x", {"temprature": 0.2})
    assert len(_PREPARED) == 0


def test_configs_that_cannot_be_compared_are_not_kept() -> None:
    """Callables among the tools, a dict holding a struct or a tuple, and a config over the
    size limit are built every time (and built right)."""

    def get_weather(city: str) -> str:
        """The weather."""
        return city

    safety = types.SafetySetting(category="HARM_CATEGORY_HARASSMENT", threshold="BLOCK_NONE")
    configs: list[Any] = [
        {"tools": [get_weather]},
        types.GenerateContentConfig(tools=[get_weather]),
        {"safety_settings": [safety]},
        {"stop_sequences": ("a", "b")},
        {"system_instruction": "x" * (MAX_KEY_BYTES + 1)},
    ]
    for config in configs:
        first = generate_content_request("m", "x", config).body
        assert len(_PREPARED) == 0
        assert generate_content_request("m", "x", config).body == first


def test_the_cache_is_bounded() -> None:
    """At most MAX_ENTRIES configs are kept; the oldest goes first."""
    for n in range(MAX_ENTRIES + 10):
        _keep({"seed": n})
    assert len(_PREPARED) == MAX_ENTRIES
    assert b'"seed":5' in generate_content_request("m", "x", {"seed": 5}).body


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 300),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.sampled_from(["BLOCK_NONE", "block_none", "HARM_CATEGORY_HARASSMENT", "x"]),
)
_SAFETY = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(
                ["HARM_CATEGORY_HARASSMENT", "harm_category_hate_speech", "HARASSMENT", 3]
            ),
            "threshold": st.sampled_from(["BLOCK_NONE", "block_only_high", "BLOCK_NEVER"]),
        }
    ),
    max_size=2,
)
_CONFIGS = st.dictionaries(
    st.sampled_from(
        ["temperature", "top_k", "candidate_count", "seed", "response_mime_type", "topP"]
    ),
    _SCALARS,
    max_size=3,
) | st.fixed_dictionaries(
    {"safety_settings": _SAFETY},
    optional={
        "stop_sequences": st.lists(st.text(max_size=3), max_size=2)
        | st.tuples(st.text(max_size=3)),
        "system_instruction": st.text(max_size=5) | st.just({"parts": [{"text": "p"}]}),
    },
)


@given(st.lists(_CONFIGS, min_size=2, max_size=4))
@settings(max_examples=200, deadline=None)
def test_a_kept_config_never_changes_another_configs_outcome(configs: list[Any]) -> None:
    """After any sequence of configs is built, each gets the outcome of a fresh build."""
    _PREPARED.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownEnumValueWarning)
        fresh = [_fresh("x", config) for config in configs]
        seen = [_outcome("x", config) for config in configs]
        seen_again = [_outcome("x", config) for config in reversed(configs)]
        seen_last = [_outcome("x", config) for config in configs]
    assert seen == fresh
    assert seen_again == fresh[::-1]
    assert seen_last == fresh


async def test_models_generate_content_sends_what_a_fresh_build_makes() -> None:
    """client.models.generate_content with a reused config (kept from the second call on)
    sends each time the body a fresh build makes, with the same headers and the same
    response handling (the AFC history, ``parsed`` from the schema); a mutation between calls
    is sent."""
    import genai_actors as ga
    from genai_actors.emulator import Emulator

    schema_config = {
        "response_mime_type": "application/json",
        "response_schema": {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}},
    }
    async with (
        Emulator(api_key="k") as emu,
        ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client,
    ):
        for config in (copy.deepcopy(TYPICAL), _typed(), schema_config):
            mutated = copy.deepcopy(config)
            if isinstance(mutated, dict):
                mutated["temperature"] = 0.5
            else:
                mutated.temperature = 0.5
            expected = [_fresh(f"hi {n}", config) for n in range(3)] + [_fresh("hi 3", mutated)]
            sent = []
            for n in range(4):
                if n == 2:  # built twice: kept
                    key = _PREPARED.key(config, None)
                    assert key is not None
                    assert _PREPARED.get(key, config) is not None
                if n == 3:
                    if isinstance(config, dict):
                        config["temperature"] = 0.5
                    else:
                        config.temperature = 0.5
                response = await client.models.generate_content(
                    model="gemini-2.5-flash", contents=f"hi {n}", config=config
                )
                record = emu.recorded[-1]
                assert record.json == msgspec.json.decode(expected[n])
                # Declared functions: no AFC, and google-genai leaves the history unset.
                history = None if isinstance(config, types.GenerateContentConfig) else []
                assert response.automatic_function_calling_history == history
                if config is schema_config:
                    assert isinstance(response.parsed, dict)
                sent.append(record.headers["x-goog-api-client"])
            assert len(set(sent)) == 1


# -- the look-up of the models fast path (find_kept) -------------------------------------------


def _hit(config: Any, vertex: VertexLocation | None = None) -> Any:
    """The entry ``client.models`` would serve ``config`` from, or ``None``."""
    table = kept_tables(vertex).get(type(config))
    return None if table is None else find_kept(table, config)


class _Str(enum.StrEnum):
    HARASSMENT = "HARM_CATEGORY_HARASSMENT"
    NONE = "BLOCK_NONE"
    UUIDISH = "12345678-1234-5678-1234-567812345678"


_UUID = "12345678-1234-5678-1234-567812345678"


def _look_alikes(value: Any) -> list[Any]:
    """Values MessagePack may encode like ``value`` (or nearly), of other types."""
    out: list[Any] = []
    if type(value) is bool:
        out += [int(value), float(value)]
    elif type(value) is int:
        out += [float(value), value != 0, decimal.Decimal(value), _Int(value)]
    elif type(value) is float:
        if value.is_integer():
            out.append(int(value))
        out += [decimal.Decimal(str(value))]
    elif type(value) is str:
        out += [value.encode(), bytearray(value.encode()), _Plain(value)]
        out += [member for member in _Str if member.value == value]
        if value == _UUID:
            out.append(uuid.UUID(value))
    elif type(value) is list:
        out += [tuple(value)]
    elif type(value) is dict:
        out += [dict(reversed(value.items()))] if len(value) > 1 else []
        out += [collections.OrderedDict(value)]
    elif value is None:
        out += [math.nan, 0, ""]
    return out


class _Int(int):
    pass


class _Plain(str):
    pass


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes), itself first."""
    yield path
    if type(value) is dict:
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copied = copy.copy(value)
    copied[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copied


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


_LOOK_ALIKE_CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "temperature": st.sampled_from([0.0, 1.0, 0.25, 1, True, None]),
        "candidate_count": st.sampled_from([1, 2, 1.0, True]),
        "seed": st.integers(-2, 2),
        "stop_sequences": st.lists(st.sampled_from(["a", "THE END", ""]), max_size=2),
        "cached_content": st.sampled_from([_UUID, "c1"]),
        "response_mime_type": st.sampled_from(["text/plain", "application/json"]),
        "safety_settings": st.lists(
            st.fixed_dictionaries(
                {
                    "category": st.sampled_from(["HARM_CATEGORY_HARASSMENT", "HARASSMENT"]),
                    "threshold": st.sampled_from(["BLOCK_NONE", "BLOCK_ONLY_HIGH"]),
                }
            ),
            max_size=2,
        ),
        "system_instruction": st.sampled_from(["x", {"parts": [{"text": "p"}]}]),
    },
)


@given(_LOOK_ALIKE_CONFIGS, st.data())
@settings(max_examples=300, deadline=None)
def test_the_kept_look_up_serves_only_configs_that_build_the_same_bytes(
    config: dict[str, Any], data: st.DataObject
) -> None:
    """The law behind the models fast path: a config served from another config's entry
    builds byte for byte what that config builds (same outcome, no error), and a config
    whose build differs in anything (value types: ints, floats, bools, Decimals; strings vs
    bytes, enums, UUIDs, str subclasses; lists vs tuples; key order; OrderedDicts) is never
    served from it. An equal config (a deep copy) is served."""

    def fresh(config: Any) -> Any:  # any error: a str subclass leaks NotImplementedError
        _PREPARED.clear()
        try:
            return generate_content_request("m", "x", config).body
        except Exception as exc:
            return (type(exc), str(exc))
        finally:
            _PREPARED.clear()

    _PREPARED.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownEnumValueWarning)
        kept_outcome = fresh(config)
        _outcome("x", config)
        _outcome("x", config)
        if isinstance(kept_outcome, bytes) and len(_PREPARED) == 1:
            assert _hit(copy.deepcopy(config)) is not None  # equal configs reuse
        path = data.draw(st.sampled_from(list(_paths(config))))
        alikes = _look_alikes(_at(config, path))
        if not alikes:
            return
        other = _replaced(config, path, data.draw(st.sampled_from(alikes)))
        served = _hit(other)
        other_outcome = fresh(other)
    if served is not None:
        assert other_outcome == kept_outcome
        assert isinstance(other_outcome, bytes)
    if other_outcome != kept_outcome:
        assert served is None


def test_a_struct_mutated_in_place_into_a_look_alike_is_built_afresh() -> None:
    """A kept struct config mutated in place so that it encodes as before (a UUID where its
    string was, a tuple where its list was) is not served from its entry: the entry holds a
    copy, not the caller's struct."""
    config = types.GenerateContentConfig(cached_content=_UUID, stop_sequences=["a"])
    _keep(config)
    assert _hit(config) is not None
    config.cached_content = uuid.UUID(_UUID)  # type: ignore[assignment]
    assert _hit(config) is None
    with pytest.raises(InvalidRequestError, match=r"config\.cached_content"):
        generate_content_request("m", "x", config)
    config.cached_content = _UUID
    config.stop_sequences = ("a",)  # type: ignore[assignment]
    assert _hit(config) is None
    assert _outcome("x", config) == _fresh("x", config)


def test_a_struct_entry_serves_equal_structs_and_its_caller_keeps_its_own() -> None:
    """A struct entry serves another struct with equal content; its coerced struct is None
    (the request carries the caller's struct); the snapshot is a copy."""
    one, two = _typed(), _typed()
    _keep(one)
    entry = _hit(two)
    assert entry is not None
    assert entry.coerced is None
    assert entry.snapshot == one
    assert entry.snapshot is not one


def test_the_kept_look_up_forgets_on_clear_and_is_per_backend() -> None:
    """After clear() nothing is served, not even the last config found; a config kept for
    one backend is not served on another."""
    _keep(TYPICAL)
    assert _hit(TYPICAL) is not None
    assert _hit(TYPICAL, VERTEX) is None
    _PREPARED.clear()
    assert _hit(TYPICAL) is None
    _keep(TYPICAL, VERTEX)
    assert _hit(TYPICAL) is None
    assert _hit(TYPICAL, VERTEX) is not None


def test_the_kept_look_up_follows_mutations_of_the_last_config() -> None:
    """The last config found is matched by its bytes: mutating it (at any depth) misses,
    and mutating it back hits again; two configs used in turn are both served."""
    config = copy.deepcopy(TYPICAL)
    other = {"temperature": 0.5}
    _keep(config)
    _keep(other)
    for _ in range(2):
        assert _hit(config) is not None
        assert _hit(other) is not None
    config["safety_settings"][0]["threshold"] = "BLOCK_NONE"
    assert _hit(config) is None
    config["safety_settings"][0]["threshold"] = "BLOCK_ONLY_HIGH"
    assert _hit(config) is not None


def test_the_kept_look_up_never_raises() -> None:
    """A config MessagePack refuses, or whose == raises, finds nothing (the full build then
    reports what it reports)."""

    class Angry(dict[str, Any]):
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no")

        __hash__ = None  # type: ignore[assignment]

    _keep({"temperature": 0.5})
    table = kept_tables(None)[dict]
    assert find_kept(table, {"tools": [print]}) is None
    assert find_kept(table, {"temperature": object()}) is None
    assert find_kept(table, Angry(temperature=0.5)) is None


def test_the_entry_says_whether_the_call_needs_its_afc_mcp_and_schema_steps() -> None:
    """``simple`` is set only for a config without tools, AFC settings or schema."""
    _keep(TYPICAL)
    assert _hit(TYPICAL).simple
    for config in (
        {"tools": [{"function_declarations": [{"name": "f"}]}]},
        {"automatic_function_calling": {"disable": True}},
        {"response_mime_type": "application/json", "response_schema": {"type": "STRING"}},
        {"response_mime_type": "application/json", "response_json_schema": {"type": "string"}},
    ):
        _keep(config)
        assert not _hit(config).simple, config


def test_a_dict_config_holding_a_dict_or_list_subclass_is_not_kept() -> None:
    """The snapshot of a dict config copies its dicts and lists (and shares its immutable
    leaves): one holding a dict or list subclass, which the copy could not follow, is built
    every time; a kept one's nested containers are copies, so in-place mutations miss."""

    class Items(list[Any]):
        pass

    for config in (
        {
            "safety_settings": [
                collections.OrderedDict(category="HARM_CATEGORY_HARASSMENT", threshold="BLOCK_NONE")
            ]
        },
        {"stop_sequences": Items(["a"])},
    ):
        _PREPARED.clear()
        generate_content_request("m", "x", config)
        generate_content_request("m", "x", config)
        assert len(_PREPARED) == 0
        assert _outcome("x", config) == _fresh("x", config)
    config = copy.deepcopy(TYPICAL)
    _keep(config)
    entry = _hit(config)
    assert entry is not None
    assert entry.snapshot["safety_settings"] is not config["safety_settings"]
    assert entry.snapshot["system_instruction"] is config["system_instruction"]
    config["safety_settings"].append(
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}
    )
    assert _hit(config) is None
