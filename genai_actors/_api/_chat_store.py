"""Durable chats: the ``ChatStore`` protocol and its SQLite implementation.

A store keeps, per chat id, the chat's *header* (model, config, the history it was created
with) and one *row per committed turn*. The chat's session actor writes a turn's row in the
commit step, before the turn enters the in-memory history: a turn whose write fails is not
committed at all, and a turn that failed is never written. Rows are opaque bytes to the store.

A chat id has at most one owner at a time. :meth:`ChatStore.claim` takes it (raising
:class:`ChatInUseError` if a live owner holds it), every append checks the claim (so a writer
that lost its claim cannot interleave rows), and :meth:`ChatStore.release` gives it back.
:class:`SQLiteChatStore` records the owner's process id and host: a claim left by a process
that died (SIGKILL included) is taken over by the next claimant on the same host.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import GenAIError

__all__ = [
    "ChatExistsError",
    "ChatInUseError",
    "ChatNotFoundError",
    "ChatStore",
    "SQLiteChatStore",
    "StoredChat",
]


class ChatInUseError(GenAIError, RuntimeError):
    """Another live owner (a chat in this or another process) holds the chat id."""


class ChatNotFoundError(GenAIError, LookupError):
    """No chat with that id in the store."""


class ChatExistsError(GenAIError, ValueError):
    """A chat with that id is already in the store (resume it instead)."""


class StoredChat:
    """What a store holds for one chat.

    Attributes:
        header: The chat's header bytes, as given when it was created.
        turns: The committed turns' rows, oldest first.
    """

    __slots__ = ("header", "turns")

    def __init__(self, header: bytes, turns: list[bytes]) -> None:
        self.header = header
        self.turns = turns


@runtime_checkable
class ChatStore(Protocol):
    """Where durable chats keep their committed turns.

    Methods are blocking and must be thread-safe; each should be quick (a chat calls
    :meth:`append` inside its commit step, on the event loop).
    """

    def claim(self, chat_id: str, header: bytes | None) -> StoredChat:
        """Takes ownership of ``chat_id`` for this store object and returns what it holds.

        Args:
            chat_id: The chat's id.
            header: For a new chat, its header (the chat is created); None to resume one.

        Raises:
            ChatInUseError: A live owner holds the chat.
            ChatExistsError: ``header`` was given but the chat exists.
            ChatNotFoundError: ``header`` is None and the chat does not exist.
        """
        ...

    def append(self, chat_id: str, seq: int, row: bytes) -> None:
        """Writes the row of committed turn number ``seq`` (0, 1, ...) durably.

        Raises:
            ChatInUseError: This store object no longer owns the chat, or the row exists.
        """
        ...

    def release(self, chat_id: str, *, force: bool = False) -> None:
        """Gives up ownership of ``chat_id`` (``force``: whoever holds it). Idempotent."""
        ...


class SQLiteChatStore:
    """A :class:`ChatStore` in one SQLite file (the standard library's ``sqlite3``).

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        synchronous: SQLite's ``synchronous`` setting. ``"NORMAL"`` (the default, with WAL)
            keeps every committed turn when the process is killed; ``"FULL"`` also when the
            machine loses power, at the cost of an fsync per turn.

    The database runs in WAL mode, with one row per committed turn. Several processes may
    share the file; each chat id has one owner at a time. Close it with :meth:`close` (or
    ``with``).

    Raises:
        sqlite3.Error: The file cannot be opened or is not a database.
    """

    def __init__(self, path: str | os.PathLike[str], *, synchronous: str = "NORMAL") -> None:
        if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous must be NORMAL, FULL, EXTRA or OFF, not {synchronous!r}")
        self.path = str(path) if str(path) == ":memory:" else str(Path(path))
        self._token = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS chats (
                chat_id TEXT PRIMARY KEY,
                header BLOB NOT NULL,
                owner TEXT,
                pid INTEGER,
                host TEXT
            );
            CREATE TABLE IF NOT EXISTS turns (
                chat_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (chat_id, seq)
            ) WITHOUT ROWID;
            """
        )
        self._closed = False

    def claim(self, chat_id: str, header: bytes | None) -> StoredChat:
        """See :meth:`ChatStore.claim`."""
        with self._lock:
            db = self._check()
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT header, owner, pid, host FROM chats WHERE chat_id = ?", (chat_id,)
                ).fetchone()
                if row is None:
                    if header is None:
                        raise ChatNotFoundError(f"no chat {chat_id!r} in {self.path}")
                    db.execute(
                        "INSERT INTO chats (chat_id, header, owner, pid, host) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (chat_id, header, self._token, os.getpid(), self._host),
                    )
                    db.execute("COMMIT")
                    return StoredChat(header, [])
                if header is not None:
                    raise ChatExistsError(
                        f"chat {chat_id!r} already exists in {self.path}: resume it"
                    )
                stored, owner, pid, host = row
                if owner is not None and owner != self._token and self._alive(pid, host):
                    raise ChatInUseError(
                        f"chat {chat_id!r} is in use by process {pid} on {host}; close that "
                        "chat first (or release it with force=True if that owner is gone)"
                    )
                db.execute(
                    "UPDATE chats SET owner = ?, pid = ?, host = ? WHERE chat_id = ?",
                    (self._token, os.getpid(), self._host, chat_id),
                )
                turns = [
                    bytes(data)
                    for (data,) in db.execute(
                        "SELECT data FROM turns WHERE chat_id = ? ORDER BY seq", (chat_id,)
                    )
                ]
                db.execute("COMMIT")
                return StoredChat(bytes(stored), turns)
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def append(self, chat_id: str, seq: int, row: bytes) -> None:
        """See :meth:`ChatStore.append`."""
        with self._lock:
            db = self._check()
            db.execute("BEGIN IMMEDIATE")
            try:
                owner = db.execute(
                    "SELECT owner FROM chats WHERE chat_id = ?", (chat_id,)
                ).fetchone()
                if owner is None or owner[0] != self._token:
                    raise ChatInUseError(f"this store no longer owns chat {chat_id!r}")
                try:
                    db.execute(
                        "INSERT INTO turns (chat_id, seq, data) VALUES (?, ?, ?)",
                        (chat_id, seq, row),
                    )
                except sqlite3.IntegrityError:
                    raise ChatInUseError(
                        f"turn {seq} of chat {chat_id!r} was written by another owner"
                    ) from None
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def release(self, chat_id: str, *, force: bool = False) -> None:
        """See :meth:`ChatStore.release`."""
        with self._lock:
            if self._closed:
                return
            if force:
                self._db.execute("UPDATE chats SET owner = NULL WHERE chat_id = ?", (chat_id,))
            else:
                self._db.execute(
                    "UPDATE chats SET owner = NULL WHERE chat_id = ? AND owner = ?",
                    (chat_id, self._token),
                )

    def chat_ids(self) -> list[str]:
        """Every chat id in the store, sorted."""
        with self._lock:
            db = self._check()
            return [cid for (cid,) in db.execute("SELECT chat_id FROM chats ORDER BY chat_id")]

    def delete(self, chat_id: str) -> None:
        """Removes a chat and its turns (whoever owns it). Idempotent."""
        with self._lock:
            db = self._check()
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM turns WHERE chat_id = ?", (chat_id,))
            db.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
            db.execute("COMMIT")

    def close(self) -> None:
        """Releases this store's claims and closes the database. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._db.execute("UPDATE chats SET owner = NULL WHERE owner = ?", (self._token,))
            finally:
                self._db.close()

    def __enter__(self) -> SQLiteChatStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteChatStore({self.path!r})"

    def _check(self) -> sqlite3.Connection:
        if self._closed:
            raise ValueError(f"{self!r} is closed")
        return self._db

    def _alive(self, pid: int | None, host: str | None) -> bool:
        """Whether the owner process may still be running (a dead one on this host is not)."""
        if pid is None or host != self._host:
            return True
        if pid == os.getpid():
            return True  # another store object (or chat) in this very process
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
