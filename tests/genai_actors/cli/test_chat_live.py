"""``genai-actors chat`` and ``live`` with piped input (in-process; real processes run them in
test_docs.py, and tmux in a real terminal in test_terminal.py)."""

from __future__ import annotations

from genai_actors.emulator import Emulator, LiveFault

from .conftest import InProcess


def test_chat_keeps_the_history_and_ends_at_end_of_input(cli: InProcess) -> None:
    """Each line is a turn of one chat; /history counts them; end of input exits 0."""
    proc = cli("chat", stdin="Hello there\n\n/history\nWhat did I say?\n/nope\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith('Emulated reply to "Hello there"')
    assert lines[1] == "2 turns in the history (1 exchange)"
    assert lines[2].startswith('Emulated reply to "What did I say?"')
    assert lines[3] == "unknown command /nope: /help lists them"
    assert "you>" not in proc.stdout  # no prompt when the input is not a terminal


def test_chat_sends_the_history_and_stops_at_quit(
    cli: InProcess, gemini_emulator: Emulator
) -> None:
    """The second turn's request carries the first turn; nothing after /quit is sent."""
    proc = cli("chat", stdin="First\nSecond\n/quit\nNever sent\n", emulator=gemini_emulator)
    assert proc.returncode == 0, proc.stderr
    turns = [r.json for r in gemini_emulator.recorded if "GenerateContent" in r.path]
    assert len(turns) == 2
    texts = [c["parts"][0]["text"] for c in turns[1]["contents"]]
    assert texts == ["First", texts[1], "Second"]


def test_chat_unknown_model_and_turn_errors(cli: InProcess) -> None:
    """An unknown model exits 1 before any turn; a failed turn is reported and the chat goes on."""
    proc = cli("chat", "--model", "gemini-nope", stdin="hi\n")
    assert proc.returncode == 1
    assert "genai-actors chat: unknown model 'gemini-nope'" in proc.stderr
    # A model that exists but cannot chat: each turn fails alone and the chat goes on.
    proc = cli("chat", "--model", "gemini-embedding-001", stdin="one\ntwo\n/history\n")
    assert proc.returncode == 0
    errors = proc.stderr.splitlines()[1:]
    assert len(errors) == 2
    assert all(e.startswith("genai-actors chat: 4") for e in errors)
    assert proc.stdout == "0 turns in the history (0 exchanges)\n"


def test_live_answers_each_line_and_survives_go_away(
    cli: InProcess, gemini_emulator: Emulator
) -> None:
    """Each line is a Live turn; after a goAway the session resumes (said on stderr) and the
    next answer still comes."""
    gemini_emulator.live.add_fault(LiveFault(go_away_after=2, go_away_time_left=0.2))
    proc = cli(
        "live",
        stdin="My name is Ada.\nWhat is my name?\nAnd again?\n/events\n",
        emulator=gemini_emulator,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert 'reply to "My name is Ada."' in lines[0]
    assert 'reply to "What is my name?"' in lines[1]
    assert 'reply to "And again?"' in lines[2]
    assert lines[3] == "connection events: go_away, resumed"
    assert "genai-actors live: the server asked to reconnect (goAway)" in proc.stderr
    assert "genai-actors live: session resumed on a new connection" in proc.stderr


def test_live_refused_model_exits_1(cli: InProcess) -> None:
    """A model that cannot serve Live ends the command with the server's reason."""
    proc = cli("live", "--model", "gemini-2.5-flash", stdin="hi\n")
    assert proc.returncode == 1
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("genai-actors live: ")
    assert "1008" in last
    assert "not supported for bidiGenerateContent" in last


def test_help_lists_every_command(cli: InProcess) -> None:
    """--help names every sub-command, the emulator's and the tokenizer's included."""
    proc = cli("--help")
    assert proc.returncode == 0
    for name in ("emulator", "tokens", "generate", "chat", "live", "jobs"):
        assert name in proc.stdout
    assert cli("emulator", "--help").returncode == 0
    assert cli("tokens", "count", "--help").returncode == 0
