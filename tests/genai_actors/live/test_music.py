"""Live Music against the emulator: play/pause/stop with the chunk cadence, filtered prompts,
checked configs, and google-genai's unmodified music client over WSS."""

from __future__ import annotations

import time
import warnings

import anyio
import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors import errors, types
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_music import MIME, RATE, synthesize

from .conftest import API_KEY

LYRIA = "models/lyria-realtime-exp"
CHUNK = 0.5  # seconds of music per chunk (the emulator's default)
SPEED = 10.0  # the emulator plays 10x faster than real time: a chunk every 50 ms


async def _chunks(session: object, count: int) -> list[tuple[float, types.LiveMusicServerMessage]]:
    out = []
    async for message in session:  # type: ignore[attr-defined]
        if message.server_content and message.server_content.audio_chunks:
            out.append((time.monotonic(), message))
            if len(out) == count:
                return out
    raise AssertionError("the session ended early")


async def _drain(session: object, seconds: float) -> int:
    count = 0
    with anyio.move_on_after(seconds):
        async for message in session:  # type: ignore[attr-defined]
            if message.server_content:
                count += 1
    return count


async def test_play_pause_stop_with_a_steady_cadence(client: ga.AsyncClient, emu: Emulator) -> None:
    emu.live.settings.music_speed = SPEED
    prompts = [types.WeightedPrompt(text="minimal techno", weight=1.0)]
    config = types.LiveMusicGenerationConfig(bpm=120, scale="D_MAJOR_B_MINOR", density=0.4)
    async with client.live.music.connect(model=LYRIA) as session:
        await session.set_weighted_prompts(prompts)
        await session.set_music_generation_config(config)
        await session.play()
        first = await _chunks(session, 6)
        await session.pause()
        late = await _drain(session, 0.1)  # chunks already buffered or on their way
        assert late <= 2
        assert await _drain(session, 0.2) == 0  # four chunk intervals: paused means silent
        await session.play()  # resumes where it was
        resumed = await _chunks(session, 1)
        await session.stop()
    # Real-time cadence (sped up): never faster than the music, and not much slower.
    times = [t for t, _ in first]
    interval = CHUNK / SPEED
    assert times[-1] - times[0] >= 5 * interval * 0.9
    assert times[-1] - times[0] <= 5 * interval * 4
    chunk = first[0][1].server_content.audio_chunks[0]  # type: ignore[union-attr,index]
    assert chunk.mime_type == MIME
    assert len(chunk.data or b"") == int(CHUNK * RATE) * 4  # stereo, 16-bit
    metadata = chunk.source_metadata
    assert metadata is not None
    assert metadata.music_generation_config is not None
    assert metadata.music_generation_config.bpm == 120
    wire_config = {"bpm": 120, "scale": "D_MAJOR_B_MINOR", "density": 0.4}
    wire_prompts = [{"text": "minimal techno", "weight": 1.0}]
    frames = int(CHUNK * RATE)
    # Deterministic: chunk n is the music from frame n * frames; pausing kept the position.
    for index, (_, message) in enumerate(first):
        data = message.server_content.audio_chunks[0].data  # type: ignore[union-attr,index]
        assert data == synthesize(wire_prompts, wire_config, index * frames, frames)
    position = (6 + late) * frames
    resumed_data = resumed[0][1].server_content.audio_chunks[0].data  # type: ignore[union-attr,index]
    assert resumed_data == synthesize(wire_prompts, wire_config, position, frames)


async def test_filtered_prompts_and_checked_configs(client: ga.AsyncClient, emu: Emulator) -> None:
    emu.live.settings.music_speed = SPEED
    async with client.live.music.connect(model=LYRIA) as session:
        with pytest.raises(errors.InvalidRequestError, match=r"config\.bpm"):
            await session.set_music_generation_config({"bpm": 300})
        with pytest.raises(errors.InvalidRequestError, match=r"prompts\[0\]\.weight"):
            await session.set_weighted_prompts([{"text": "jazz", "weight": 0}])
        await session.set_weighted_prompts(
            [{"text": "calm piano", "weight": 1.0}, {"text": "explicit lyrics", "weight": 0.5}]
        )
        async for message in session:
            if message.filtered_prompt is not None:
                assert message.filtered_prompt.text == "explicit lyrics"
                assert message.filtered_prompt.filtered_reason
                break
        await session.play()
        ((_, message),) = await _chunks(session, 1)
        metadata = message.server_content.audio_chunks[0].source_metadata  # type: ignore[union-attr,index]
        assert metadata is not None
        assert metadata.client_content is not None
        assert [p.text for p in metadata.client_content.weighted_prompts or []] == ["calm piano"]
    with pytest.raises(errors.SessionClosed, match="bidiGenerateMusic") as refused:
        async with client.live.music.connect(model="gemini-2.0-flash-live-001"):
            pass
    assert refused.value.code == 1008


async def test_play_before_prompts_closes_the_session(client: ga.AsyncClient) -> None:
    async with client.live.music.connect(model=LYRIA) as session:
        await session.play()
        with pytest.raises(errors.SessionClosed, match="weighted prompts before PLAY"):
            async for _ in session:
                pass
        with pytest.raises(errors.SessionClosed):
            await session.pause()


async def test_google_genai_music_client_unmodified(monkeypatch: pytest.MonkeyPatch) -> None:
    async with Emulator(api_key=API_KEY, tls=True) as emu:
        monkeypatch.setenv("SSL_CERT_FILE", str(emu.tls_ca_path))
        emu.live.settings.music_speed = SPEED
        client = genai.Client(
            api_key=API_KEY, http_options={"base_url": emu.url, "api_version": "v1alpha"}
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # google-genai's ExperimentalWarning for music
            async with client.aio.live.music.connect(model=LYRIA) as session:
                await session.set_weighted_prompts(
                    prompts=[gtypes.WeightedPrompt(text="ambient pads", weight=1.0)]
                )
                await session.set_music_generation_config(
                    config=gtypes.LiveMusicGenerationConfig(bpm=90, brightness=0.8)
                )
                await session.play()
                chunks = []
                async for message in session.receive():
                    if message.server_content and message.server_content.audio_chunks:
                        chunks.append(message.server_content.audio_chunks[0])
                        if len(chunks) == 2:
                            break
                await session.stop()
        await client.aio.aclose()
    assert [c.mime_type for c in chunks] == [MIME, MIME]
    wire_prompts = [{"text": "ambient pads", "weight": 1.0}]
    wire_config = {"bpm": 90, "brightness": 0.8}
    frames = int(CHUNK * RATE)
    assert chunks[1].data == synthesize(wire_prompts, wire_config, frames, frames)
