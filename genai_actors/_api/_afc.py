"""Automatic function calling (AFC): running the Python tools the model asks for.

When ``config.tools`` holds Python callables (or MCP sessions), ``models.generate_content`` (and
the stream) loops: send the request, run the function calls of the first candidate, append the
model's turn and a user turn of function responses to the contents, and send again, until the
model stops calling functions or ``automatic_function_calling.maximum_remote_calls`` requests
were sent (default 10).

The rules are google-genai's, with three deliberate differences:

- Parallel calls of one turn run concurrently (an anyio task group); their responses keep the
  order of the calls.
- A call to a function that is not among the tools is answered with an ``{"error": ...}``
  response (google-genai raises ``KeyError``).
- A call's ``id`` is copied into its function response, so models that pair calls and
  responses by id can do so.

The tools of an MCP session in ``config.tools`` (listed by ``_mcp.resolve_sessions`` before
the request is built) are called through the session, by the same rules; what their responses
hold is described in ``_mcp``.

Sync tools run in a worker thread, coroutine functions on the event loop. A tool that raises is
answered with ``{"error": str(exc)}``; a result is sent as ``{"result": value}`` after
conversion to JSON-compatible values (msgspec structs, dataclasses, pydantic models, enums and
dates are converted; anything else becomes its ``str``).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anyio
import anyio.to_thread
import msgspec

from .. import _log
from .._transformers import convert_function_args, convert_number_values, function_map
from .._transformers._mcp import McpTool
from ..types._base import enc_hook
from ..types._content import Content, FunctionCall, FunctionResponse, Part
from ..types._generate import GenerateContentConfig
from ..types._tools import Tool
from ._mcp import call_mcp_tool

__all__ = [
    "DEFAULT_MAXIMUM_REMOTE_CALLS",
    "AfcPlan",
    "budget_exhausted",
    "function_calls_of",
    "plan_afc",
    "run_function_calls",
]

DEFAULT_MAXIMUM_REMOTE_CALLS = 10

_log_afc = _log.get_logger("genai_actors.afc")


class AfcPlan:
    """How one ``generate_content`` call runs its tools.

    Attributes:
        functions: Function name to the Python callable (or the MCP session's tool).
        maximum_remote_calls: The most requests the loop sends (>= 1).
        keep_history: Whether to set ``automatic_function_calling_history`` on responses.
    """

    __slots__ = ("functions", "keep_history", "maximum_remote_calls")

    def __init__(
        self,
        functions: dict[str, Callable[..., Any] | McpTool],
        maximum_remote_calls: int,
        keep_history: bool,
    ) -> None:
        self.functions = functions
        self.maximum_remote_calls = maximum_remote_calls
        self.keep_history = keep_history


def _has_declarations(tool: Any) -> bool:
    """A tools entry that is not a callable but declares functions (or MCP servers)."""
    if isinstance(tool, Tool):
        return bool(tool.function_declarations) or bool(getattr(tool, "mcp_servers", None))
    if isinstance(tool, dict):
        for key in ("function_declarations", "functionDeclarations", "mcp_servers", "mcpServers"):
            if tool.get(key):
                return True
    return False


def plan_afc(config: GenerateContentConfig, *, stream: bool = False) -> AfcPlan | None:
    """Decides whether AFC runs for ``config``, and how.

    AFC is off when the tools hold no Python callable, when any tool carries raw function
    declarations (or MCP servers), when ``automatic_function_calling.disable`` is true, or
    when ``maximum_remote_calls`` is 0 or less.

    Raises:
        ValueError: For a stream, ``tool_config.function_calling_config.
            stream_function_call_arguments`` is set while AFC is on (google-genai's rule).
    """
    tools = config.tools
    if not tools or not isinstance(tools, list | tuple):
        return None
    functions = function_map(tools)
    if not functions:
        return None
    if any(_has_declarations(tool) for tool in tools):
        _log_afc.warning(
            "afc.disabled",
            reason="tools mix Python callables with function declarations or MCP servers",
        )
        return None
    settings = config.automatic_function_calling
    maximum = DEFAULT_MAXIMUM_REMOTE_CALLS
    keep_history = True
    if settings is not None:
        remote_calls = _setting(settings, "maximum_remote_calls", "maximumRemoteCalls")
        if remote_calls is not None:
            maximum = int(remote_calls)
            if maximum <= 0:
                _log_afc.warning("afc.disabled", reason="maximum_remote_calls <= 0")
                return None
        if _setting(settings, "disable", "disable"):
            return None
        keep_history = not _setting(settings, "ignore_call_history", "ignoreCallHistory")
    if stream:
        tool_config = config.tool_config
        calling = (
            _setting(tool_config, "function_calling_config", "functionCallingConfig")
            if tool_config is not None
            else None
        )
        if calling is not None and _setting(
            calling, "stream_function_call_arguments", "streamFunctionCallArguments"
        ):
            raise ValueError(
                "stream_function_call_arguments cannot be used with automatic function "
                "calling: set config.automatic_function_calling.disable=True, or unset "
                "tool_config.function_calling_config.stream_function_call_arguments"
            )
    return AfcPlan(functions, maximum, keep_history)


def afc_enabled(config: GenerateContentConfig) -> bool:
    """Whether google-genai takes its AFC path for ``config`` (and tags requests ``+afc``):
    yes, unless AFC is disabled (``disable``, or ``maximum_remote_calls`` <= 0) or a tool
    declares functions or MCP servers; Python callables among the tools do not matter."""
    settings = config.automatic_function_calling
    if settings is not None:
        remote_calls = _setting(settings, "maximum_remote_calls", "maximumRemoteCalls")
        if remote_calls is not None and int(remote_calls) <= 0:
            return False
        if _setting(settings, "disable", "disable"):
            return False
    tools = config.tools
    return not (isinstance(tools, list | tuple) and any(_has_declarations(t) for t in tools))


def keeps_empty_history(config: GenerateContentConfig) -> bool:
    """Whether a response that ran no function still gets an empty
    ``automatic_function_calling_history`` (google-genai's rule): when AFC is enabled
    (:func:`afc_enabled`) and not told to ``ignore_call_history``."""
    if not afc_enabled(config):
        return False
    settings = config.automatic_function_calling
    return settings is None or not _setting(settings, "ignore_call_history", "ignoreCallHistory")


def _setting(value: Any, name: str, wire_name: str) -> Any:
    """A field of a config part given as a struct or as a dict (snake_case or camelCase keys):
    the config reaches AFC as the caller gave it."""
    if isinstance(value, Mapping):
        found = value.get(name)
        return value.get(wire_name) if found is None else found
    return getattr(value, name, None)


def budget_exhausted(plan: AfcPlan, calls: Sequence[FunctionCall]) -> None:
    """Logs that the loop stopped with calls left unanswered (they are on the response)."""
    _log_afc.warning(
        "afc.budget_exhausted",
        maximum_remote_calls=plan.maximum_remote_calls,
        unanswered=[call.name for call in calls],
    )


def function_calls_of(content: Content | None) -> list[FunctionCall]:
    """The function calls among a content's parts, in order."""
    if content is None or not content.parts:
        return []
    return [p.function_call for p in content.parts if p.function_call is not None]


async def run_function_calls(
    calls: Sequence[FunctionCall], functions: dict[str, Callable[..., Any] | McpTool]
) -> list[Part]:
    """Runs the calls concurrently and returns their function-response parts in call order.

    Calls without a name are skipped. Each response is ``{"result": value}``, or
    ``{"error": message}`` when the function raised, its arguments did not fit its
    signature, or no tool has that name.

    Raises:
        Only what cancels the caller; tool exceptions become error responses.

    Cancellation: cancelling the caller cancels the coroutine tools; a sync tool already
    running in its worker thread finishes there, and its result is dropped.
    """
    named = [call for call in calls if call.name]
    results: list[dict[str, Any]] = [{} for _ in named]
    if len(named) == 1:
        results[0] = await _invoke(named[0], functions)
    elif named:

        async def run(index: int, call: FunctionCall) -> None:
            results[index] = await _invoke(call, functions)

        async with anyio.create_task_group() as tg:
            for index, call in enumerate(named):
                tg.start_soon(run, index, call)
    return [
        Part(function_response=FunctionResponse(id=call.id, name=call.name, response=result))
        for call, result in zip(named, results, strict=True)
    ]


async def _invoke(
    call: FunctionCall, functions: dict[str, Callable[..., Any] | McpTool]
) -> dict[str, Any]:
    name = call.name or ""
    fn = functions.get(name)
    if fn is None:
        _log_afc.warning("afc.unknown_function", function=name)
        known = ", ".join(sorted(functions)) or "none"
        return {"error": f"function {name!r} is not defined (available: {known})"}
    if isinstance(fn, McpTool):
        response, _ = await call_mcp_tool(fn, call.args)
        return response
    try:
        kwargs = convert_function_args(fn, convert_number_values(call.args or {}))
        if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
            getattr(fn, "__call__", None)  # noqa: B004 (callable objects with async __call__)
        ):
            value = await fn(**kwargs)
        else:
            value = await anyio.to_thread.run_sync(_call_sync, fn, kwargs, abandon_on_cancel=True)
            if inspect.isawaitable(value):
                value = await value
    except Exception as exc:
        _log_afc.info("afc.function_failed", function=name, error=type(exc).__name__)
        return {"error": str(exc)}
    return {"result": jsonable(value)}


def _call_sync(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    return fn(**kwargs)


def jsonable(value: Any) -> Any:
    """``value`` as JSON-compatible builtins, for a function response."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, msgspec.Struct):
        try:
            return jsonable(dump(mode="json", exclude_none=True))
        except TypeError:
            return jsonable(dump())
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    try:
        return msgspec.to_builtins(value, enc_hook=enc_hook)
    except (TypeError, NotImplementedError):
        return str(value)
