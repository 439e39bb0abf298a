"""Properties: google-genai's curated rule, stream merging, and turn integrity under random
interleavings of sends, streams and cancellations on several chats."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from google.genai import chats as google_chats, types as gtypes
from hypothesis import HealthCheck, given, settings, strategies as st

import genai_actors as ga
from genai_actors._api._chats_history import History, merge_contents
from genai_actors.emulator import Emulator
from genai_actors.types import Content, FunctionCall, Part

from .conftest import API_KEY, MODEL, reply_head, texts

pytestmark = pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)

_KINDS = {
    "text": [{"text": "x"}],
    "no-parts": [],
    "empty-part": [{}],
    "text-and-empty": [{"text": "y"}, {}],
}


@given(st.lists(st.tuples(st.sampled_from(["user", "model"]), st.sampled_from(list(_KINDS)))))
def test_curated_rule_is_google_genais(turns: list[tuple[str, str]]) -> None:
    """The curated history of any starting history is what google-genai 3.6.1 computes."""
    dicts = [{"role": role, "parts": _KINDS[kind]} for role, kind in turns]
    theirs = google_chats._extract_curated_history(
        [gtypes.Content.model_validate(d) for d in dicts]
    )
    ours = History([Content(role=d["role"], parts=[Part(**p) for p in d["parts"]]) for d in dicts])
    expected = [c.model_dump(mode="json", exclude_none=True) for c in theirs]
    got = [ga.types.Content.to_json_dict(c) for c in ours.contents(curated=True)]
    assert [(c["role"], len(c.get("parts", []))) for c in got] == [
        (c["role"], len(c.get("parts", []))) for c in expected
    ]
    assert len(ours.contents(curated=False)) == len(turns)


_PARTS = st.one_of(
    st.builds(lambda t: Part(text=t), st.text(max_size=5)),
    st.builds(lambda t: Part(text=t, thought=True), st.text(max_size=5)),
    st.builds(lambda t: Part(text=t, thought_signature=b"sig"), st.text(max_size=5)),
    st.builds(lambda n: Part(function_call=FunctionCall(name=n, args={})), st.sampled_from("fg")),
)


@given(st.lists(st.lists(_PARTS, max_size=3), max_size=6))
def test_merge_keeps_text_signatures_and_calls(chunks: list[list[Part]]) -> None:
    contents = [Content(role="model", parts=parts) for parts in chunks]
    merged = merge_contents(contents)
    if not contents:
        assert merged is None
        return
    assert merged is not None
    parts = [p for c in contents for p in c.parts or ()]
    out = merged.parts or []

    def text(ps: list[Part], thought: bool) -> str:
        return "".join(p.text or "" for p in ps if bool(p.thought) == thought)

    assert text(out, True) == text(parts, True)
    assert text(out, False) == text(parts, False)
    assert [p.thought_signature for p in out if p.thought_signature] == [
        p.thought_signature for p in parts if p.thought_signature
    ]
    assert [p.function_call for p in out if p.function_call] == [
        p.function_call for p in parts if p.function_call
    ]
    assert len(out) <= len(parts)


# An op on one of three chats: a plain send, a full stream, a stream closed after k chunks,
# or a send cancelled after a delay (which may or may not have finished by then).
_OPS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.one_of(
            st.just(("send",)),
            st.just(("stream",)),
            st.tuples(st.just("close"), st.integers(0, 2)),
            st.tuples(st.just("cancel"), st.sampled_from([0.0, 0.002, 0.02])),
        ),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_OPS)
def test_interleavings_keep_whole_turns(emu_thread: Emulator, ops: list[Any]) -> None:
    """Whatever the interleaving: every history is whole user/model turns in launch order,
    each answer follows its own question, and the curated history holds only full answers."""
    results: dict[int, str] = {}

    async def scenario() -> list[ga._api._chats.AsyncChat]:
        options = {"base_url": emu_thread.url, "retry_options": {"attempts": 1}}
        async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
            chats = [client.chats.create(model=MODEL) for _ in range(3)]

            async def run(index: int, chat: ga._api._chats.AsyncChat, op: tuple[Any, ...]) -> None:
                prompt = f"prompt {index}"
                if op[0] == "send":
                    response = await chat.send_message(prompt)
                    assert response.text is not None
                    results[index] = response.text
                elif op[0] == "stream":
                    stream = await chat.send_message_stream(prompt)
                    results[index] = "".join([c.text or "" async for c in stream])
                elif op[0] == "close":
                    async with chat.send_message_stream(prompt) as stream:
                        for _ in range(op[1]):
                            await stream.__anext__()
                else:
                    with anyio.move_on_after(op[1]):
                        response = await chat.send_message(prompt)
                        results[index] = response.text or ""

            async with anyio.create_task_group() as tg:
                for index, (which, op) in enumerate(ops):
                    tg.start_soon(run, index, chats[which], op)
            for chat in chats:  # a turn cancelled last is committed by the actor right after
                await chat.send_message("final")
            return chats

    chats = anyio.run(scenario)
    for which, chat in enumerate(chats):
        launched = [i for i, (w, _) in enumerate(ops) if w == which]
        history = texts(chat.get_history())[:-2]
        assert [role for role, _ in history] == ["user", "model"] * (len(history) // 2)
        indices = [int(text.removeprefix("prompt ")) for _, text in history[::2]]
        assert indices == [i for i in launched if i in indices]  # launch order
        for i in launched:  # every finished send or stream is there
            if i in results:
                assert i in indices
        curated = texts(chat.get_history(curated=True))[:-2]
        for (_, question), (_, answer) in zip(history[::2], history[1::2], strict=True):
            index = int(question.removeprefix("prompt "))
            head = reply_head(question)
            assert answer.startswith(head) or head.startswith(answer)
            if index in results:
                assert answer == results[index]
        for (_, question), (_, answer) in zip(curated[::2], curated[1::2], strict=True):
            index = int(question.removeprefix("prompt "))
            assert answer.startswith(reply_head(question))
            assert ops[index][1][0] in ("send", "stream", "cancel")


_STORE_OPS = st.lists(
    st.sampled_from(["send", "fail", "stream", "close-early", "close-before"]),
    min_size=1,
    max_size=8,
)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_STORE_OPS)
def test_store_holds_exactly_the_committed_turns(
    emu_thread: Emulator, tmp_path_factory: pytest.TempPathFactory, ops: list[str]
) -> None:
    """Whatever succeeds, fails or is cut short: a resumed chat has exactly the committed
    history (comprehensive and curated), and a failed turn is never stored."""
    from genai_actors import errors
    from genai_actors._api._chat_store import SQLiteChatStore

    path = tmp_path_factory.mktemp("store") / "chats.db"
    options = {"base_url": emu_thread.url, "retry_options": {"attempts": 1}}

    async def scenario() -> None:
        with SQLiteChatStore(path) as store:
            async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
                chat = client.chats.create(model=MODEL, store=store, chat_id="p")
                for i, op in enumerate(ops):
                    prompt = f"prompt {i} about the sea and the long coast"
                    if op == "send":
                        await chat.send_message(prompt)
                    elif op == "fail":
                        emu_thread.faults.fail_next(1, status=400)
                        with pytest.raises(errors.ClientError):
                            await chat.send_message(prompt)
                    elif op == "stream":
                        _ = [c async for c in chat.send_message_stream(prompt)]
                    else:
                        async with chat.send_message_stream(prompt) as stream:
                            if op == "close-early":
                                await stream.__anext__()
                comprehensive = chat.get_history()
                curated = chat.get_history(curated=True)
                chat.close()
                resumed = client.chats.resume("p", store=store)
                assert resumed.get_history() == comprehensive
                assert resumed.get_history(curated=True) == curated
                users = [t for r, t in texts(comprehensive) if r == "user"]
                assert users == [
                    f"prompt {i} about the sea and the long coast"
                    for i, op in enumerate(ops)
                    if op in ("send", "stream", "close-early")
                ]
                assert len(curated) == 2 * sum(op in ("send", "stream") for op in ops)

    anyio.run(scenario)


_OFFLINE = ga.AsyncClient(api_key="k")  # never opened: only builds requests


@settings(max_examples=50)
@given(st.text(min_size=1), st.booleans(), st.sampled_from(["gemini-2.5-flash", "models/x-1"]))
def test_plain_turn_body_is_the_builders(text: str, stream: bool, model: str) -> None:
    """The fast path of a plain text turn builds exactly what the general builder builds."""
    from genai_actors._transformers import generate_content_request
    from genai_actors.types import GenerateContentConfig

    chat = _OFFLINE.chats.create(model=model)
    fast = chat._prepare(text, None, stream=stream)
    general = chat._prepare(text, GenerateContentConfig(), stream=stream)  # a config: no fast path
    built = generate_content_request(model, [text], GenerateContentConfig(), stream=stream)
    for prepared in (fast, general):
        request = prepared.request([prepared.user])
        assert request.body == built.body
        assert (request.method, request.path, request.query) == (
            built.method,
            built.path,
            built.query,
        )
    assert fast.headers == general.headers
