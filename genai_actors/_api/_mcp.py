"""MCP client sessions in ``config.tools``: listed, declared, and called in AFC rounds.

An MCP ``ClientSession`` (the ``mcp`` package, the ``genai-actors[mcp]`` extra) may stand in
``config.tools`` beside Python callables, declarations and other tools, in
``models.generate_content``, ``generate_content_stream`` and chats (async client only). What
happens, as in google-genai:

- Before the call's first request its sessions' tools are listed (``tools/list``, every
  page, the sessions at once), once per call: no cache, so a server's new tools are seen
  by the next call. Each tool becomes a function declaration (``_transformers._mcp``); the
  JSON Schema keywords a Schema cannot express are dropped and logged once per call as
  ``mcp.schema_dropped`` (logger ``genai_actors.mcp``). On Vertex AI the input schema is
  declared as it is (``parameters_json_schema``).
- A name defined twice (by two sessions, or by a session and a Python callable or a
  declaration) is refused before anything is sent, naming every such name.
- Automatic function calling calls the session (``call_tool``) for the model's calls to its
  tools, concurrently within a turn, within ``maximum_remote_calls``. The result is sent as
  ``{"result": <CallToolResult>}`` (its fields as pydantic dumps them), or ``{"error": ...}``
  when the server answers ``isError``; an exception (a dead server, a timeout) is sent as
  ``{"error": "<ExceptionType>: <message>"}``. Nothing is raised out of the call for a tool.
- Requests carry ``mcp_used/<mcp version>`` in ``x-goog-api-client``, where google-genai puts
  it (see :func:`mark_headers`).

Not with the blocking ``Client``: a session belongs to the event loop that opened it, and the
blocking client runs calls on its own loop thread. The blocking client refuses sessions with
:class:`~genai_actors.errors.UnsupportedFunctionError` (google-genai refuses them in its
synchronous methods too); use ``AsyncClient`` (or ``Client.aio``) on the session's loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio
import msgspec

from .. import _log
from .._transformers import convert_number_values, function_map
from .._transformers._mcp import McpTool, McpToolset, mcp_declaration
from .._transport._loop import in_blocking_client_thread
from ..errors import InvalidRequestError, UnsupportedFunctionError
from ..types._tools import FunctionDeclaration, Tool

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = [
    "MCP_EXTRA",
    "call_mcp_tool",
    "has_sessions",
    "is_session",
    "mark_headers",
    "mcp_headers",
    "resolve_sessions",
]

MCP_EXTRA = "genai-actors[mcp]"

_log_mcp = _log.get_logger("genai_actors.mcp")
_marker: str | None = None


def is_session(tool: Any) -> bool:
    """Whether a tools entry looks like an MCP client session (``list_tools`` and
    ``call_tool`` methods); decided without importing ``mcp``."""
    return (
        not isinstance(tool, type)
        and callable(getattr(tool, "list_tools", None))
        and callable(getattr(tool, "call_tool", None))
    )


def _tools_of(config: Any) -> Any:
    if type(config) is dict:
        return config.get("tools")
    if isinstance(config, msgspec.Struct):  # before Mapping: an ABC check costs ~0.5 us here
        return getattr(config, "tools", None)
    if isinstance(config, Mapping):
        return config.get("tools")
    return getattr(config, "tools", None)


def has_sessions(config: Any) -> bool:
    """Whether ``config`` (a struct, a dict or None) holds an MCP session among its tools."""
    if config is None:
        return False
    tools = config.get("tools") if type(config) is dict else _tools_of(config)
    if not tools or not isinstance(tools, list | tuple):
        return False
    return any(is_session(tool) for tool in tools)


def _has_toolset(tools: Any) -> bool:
    if not tools or not isinstance(tools, list | tuple):
        return False
    return any(type(tool) is McpToolset for tool in tools)


def _mcp_marker() -> str:
    """``mcp_used/<version>``, google-genai's marker; ImportError naming the extra without
    the ``mcp`` package."""
    global _marker
    if _marker is None:
        try:
            import mcp  # noqa: F401  (loaded already by whoever made the session)
        except ImportError as exc:
            raise ImportError(
                f"an MCP session in config.tools needs the mcp package: pip install '{MCP_EXTRA}'"
            ) from exc
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("mcp")
        except PackageNotFoundError:
            found = "0.0.0"
        _marker = f"mcp_used/{found}"
    return _marker


def mark_headers(headers: dict[str, str], tools: Any, *, front: bool = True) -> dict[str, str]:
    """``headers`` with the MCP marker in ``x-goog-api-client`` when ``tools`` hold an MCP
    toolset (a listed session); else ``headers`` itself.

    google-genai puts the marker in front of a feature-tagged header (``mcp_used/2.3.0
    google-genai-sdk/3.6.1+afc gl-python/3.11.7``) and after an untagged one (with AFC
    disabled: ``google-genai-sdk/3.6.1 gl-python/3.11.7 mcp_used/2.3.0``); ``front`` chooses.
    """
    if not _has_toolset(tools):
        return headers
    marked = dict(headers)
    value, marker = headers["x-goog-api-client"], _mcp_marker()
    marked["x-goog-api-client"] = f"{marker} {value}" if front else f"{value} {marker}"
    return marked


def mcp_headers(api: ApiClient, tools: Any, *tags: str) -> dict[str, str] | None:
    """The feature headers for ``tags`` marked for MCP (as google-genai places the marker)
    when ``tools`` hold a listed session; None otherwise (the usual headers then apply)."""
    if not tools or not _has_toolset(tools):
        return None
    return mark_headers(api.feature_headers(*tags), tools, front=bool(tags))


async def resolve_sessions(config: Any, *, vertex: bool = False) -> Any:
    """``config`` with each MCP session in its tools replaced by an :class:`McpToolset` of
    the session's tools, listed now; ``config`` itself when it holds no session.

    On Vertex AI (``vertex``) the tools' input schemas are declared as they are
    (``parameters_json_schema``), as google-genai declares them there.

    Raises:
        ImportError: The ``mcp`` package is missing (the message names the extra).
        UnsupportedFunctionError: Called on the blocking client's loop thread.
        InvalidRequestError: A tool name defined more than once (all such names listed).
        Exception: What a session's ``list_tools`` raised (nothing was sent).

    Cancellation: the listings in flight are cancelled.
    """
    tools = _tools_of(config)
    if not isinstance(tools, list | tuple):
        return config
    sessions = [t for t in tools if is_session(t)]
    if not sessions:
        return config
    _mcp_marker()
    if in_blocking_client_thread():
        raise UnsupportedFunctionError(
            "MCP sessions in config.tools are not supported by the blocking Client: a "
            "session belongs to the event loop that opened it. Use AsyncClient (or "
            "Client.aio) on that loop."
        )
    declarations: list[list[FunctionDeclaration]] = [[] for _ in sessions]

    async def list_one(index: int, session: Any) -> None:
        declarations[index] = await _declarations(session, vertex)

    if len(sessions) == 1:
        await list_one(0, sessions[0])
    else:
        async with anyio.create_task_group() as tg:
            for index, session in enumerate(sessions):
                tg.start_soon(list_one, index, session)
    toolsets = {id(s): McpToolset(s, d) for s, d in zip(sessions, declarations, strict=True)}
    replaced = [toolsets[id(t)] if is_session(t) else t for t in tools]
    _refuse_collisions(replaced)
    if isinstance(config, Mapping):
        return {**config, "tools": replaced}
    return msgspec.structs.replace(config, tools=replaced)


async def _declarations(session: Any, vertex: bool) -> list[FunctionDeclaration]:
    """Every tool the session lists (all pages), as declarations; dropped keywords logged."""
    listed: list[Any] = []
    result = await session.list_tools()
    listed.extend(result.tools)
    cursor = _next_cursor(result)
    while cursor:
        result = await _next_page(session, cursor)
        listed.extend(result.tools)
        cursor = _next_cursor(result)
    found: list[FunctionDeclaration] = []
    dropped: list[str] = []
    for tool in listed:
        declaration, lost = mcp_declaration(tool, json_schema=vertex)
        found.append(declaration)
        dropped.extend(lost)
    if dropped:
        _log_mcp.warning("mcp.schema_dropped", keywords=dropped)
    return found


def _next_cursor(result: Any) -> Any:
    cursor = getattr(result, "next_cursor", None)
    return cursor if cursor is not None else getattr(result, "nextCursor", None)


async def _next_page(session: Any, cursor: Any) -> Any:
    from mcp import types as mcp_types  # only for a paginated listing

    params = getattr(mcp_types, "PaginatedRequestParams", None)
    if params is not None:
        return await session.list_tools(params=params(cursor=cursor))
    return await session.list_tools(cursor=cursor)  # mcp 1.x


def _refuse_collisions(tools: Sequence[Any]) -> None:
    """Raises InvalidRequestError naming every function name defined more than once among
    the MCP toolsets, the Python callables and the declarations of ``tools``."""
    owners: dict[str, list[str]] = {}
    for name in function_map([t for t in tools if not isinstance(t, McpToolset)]):
        owners.setdefault(name, []).append("a Python callable")
    for index, tool in enumerate(tools):
        names: list[str] = []
        what = ""
        if isinstance(tool, McpToolset):
            names = [d.name for d in tool.declarations if d.name]
            what = f"the MCP session at config.tools[{index}]"
        elif isinstance(tool, Tool) and tool.function_declarations:
            names = [d.name for d in tool.function_declarations if d.name]
            what = f"a declaration at config.tools[{index}]"
        for name in names:
            owners.setdefault(name, []).append(what)
    clashes = {name: where for name, where in owners.items() if len(where) > 1}
    if clashes:
        listed = "; ".join(f"{name!r} ({', '.join(where)})" for name, where in clashes.items())
        raise InvalidRequestError(
            "config.tools", f"function names defined more than once: {listed}"
        )


async def call_mcp_tool(
    tool: McpTool, args: Mapping[str, Any] | None
) -> tuple[dict[str, Any], Exception | None]:
    """Calls ``tool`` through its session.

    Returns:
        The function response (``{"result": ...}`` or ``{"error": ...}``) and, for an error,
        the exception it stands for (the session's own, or a RuntimeError for ``isError``).

    Raises:
        Only what cancels the caller.
    """
    arguments = convert_number_values(dict(args or {}))
    try:
        result = await tool.session.call_tool(tool.name, arguments=arguments)
    except Exception as exc:
        _log_mcp.info("mcp.tool_failed", function=tool.name, error=type(exc).__name__)
        return {"error": f"{type(exc).__name__}: {exc}"}, exc
    payload = _dump(result)
    if getattr(result, "is_error", None) or getattr(result, "isError", None):
        _log_mcp.info("mcp.tool_error", function=tool.name)
        return {"error": payload}, RuntimeError(f"MCP tool {tool.name!r} answered isError")
    return {"result": payload}, None


def _dump(result: Any) -> Any:
    """A ``CallToolResult`` as google-genai sends it: pydantic's JSON dump without None."""
    dump = getattr(result, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    return msgspec.to_builtins(result)
