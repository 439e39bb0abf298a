"""``genai-actors generate``: one prompt, on good and bad input."""

from __future__ import annotations

from genai_actors.emulator import Emulator

from .conftest import EMBEDDED, InProcess


def test_answers_from_the_embedded_emulator_and_says_so_in_one_line(cli: InProcess) -> None:
    """Without a key: the answer on stdout, one stderr line naming the embedded emulator; an
    unknown model exits 1 with the API's reason and no traceback (real processes: test_docs)."""
    proc = cli("generate", "Why supervise tasks?")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('Emulated reply to "Why supervise tasks?"')
    assert proc.stdout.endswith("\n")
    lines = proc.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"genai-actors generate: {EMBEDDED} at http://127.0.0.1:")
    unknown = cli("generate", "--model", "gemini-nope", "hi")
    assert unknown.returncode == 1
    assert unknown.stdout == ""
    assert unknown.stderr.splitlines()[1].startswith(
        "genai-actors generate: 404 NOT_FOUND: models/gemini-nope is not found"
    )


def test_stream_prints_the_same_answer_and_stdin_is_a_prompt(cli: InProcess) -> None:
    """--stream prints the same (deterministic) answer; PROMPT '-' reads standard input."""
    whole = cli("generate", "-", stdin="Name three rivers.")
    streamed = cli("generate", "--stream", "Name three rivers.")
    assert whole.returncode == streamed.returncode == 0
    assert whole.stdout == streamed.stdout
    assert 'reply to "Name three rivers."' in whole.stdout


def test_with_a_key_it_calls_the_configured_api(cli: InProcess, gemini_emulator: Emulator) -> None:
    """With GEMINI_API_KEY the command calls the API it is pointed at, and says nothing."""
    result = cli(
        "generate",
        "Hello",
        "--model",
        "gemini-2.5-pro",
        "--system",
        "Be brief.",
        emulator=gemini_emulator,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [call] = [r for r in gemini_emulator.recorded if r.path.endswith(":generateContent")]
    assert "gemini-2.5-pro" in call.path
    assert call.json is not None
    assert call.json["systemInstruction"]["parts"][0]["text"] == "Be brief."


def test_bad_input_exits_non_zero_with_one_clear_line(cli: InProcess) -> None:
    """An empty prompt exits 1 with a reason; a bad flag value or no PROMPT exits 2."""
    empty = cli("generate", "   ")
    assert empty.returncode == 1
    assert empty.stderr.endswith("genai-actors generate: the prompt is empty\n")
    usage = cli("generate", "--model", "two words", "hi")
    assert usage.returncode == 2
    assert "expected a model name" in usage.stderr
    missing = cli("generate")
    assert missing.returncode == 2
    assert "PROMPT" in missing.stderr
