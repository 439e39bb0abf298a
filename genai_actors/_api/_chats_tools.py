"""Running a chat turn's function calls: concurrently, under a ``TaskSupervisor``, with a timeout.

The calls of one model turn run at once, each as a supervised task of the client's
``chat-tools`` TaskSupervisor (a child of the ``sessions`` supervisor), each bounded by the
chat's ``tool_timeout``. Their responses keep the order of the calls. What a response holds:

- ``{"result": value}`` (converted to JSON values as for ``models``' automatic function calling);
- ``{"error": message}`` when the tool raised, its arguments did not fit its signature, it ran
  out of time, or the model called a function that was not offered (never a ``KeyError``);
- for a tool of an MCP session, what the session answered (``_mcp.call_mcp_tool``), within the
  same ``tool_timeout``.

With ``raise_errors`` a tool that raises (or times out) ends the turn with
:class:`~genai_actors.errors.FunctionInvocationError` instead, the tool's exception as its cause.

Each call is logged once, as ``chat.tool_call`` (function, call id, outcome, seconds), on the
``genai_actors.chats`` logger.
"""

from __future__ import annotations

import inspect
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import anyio.to_thread

from supervisors import CallTimeout, ChildSpec, Restart, TaskSupervisor

from .. import _log
from .._transformers import convert_function_args, convert_number_values
from .._transformers._mcp import McpTool
from ..errors import FunctionInvocationError
from ..types._content import FunctionCall, FunctionResponse, Part
from ._afc import jsonable
from ._mcp import call_mcp_tool

__all__ = ["run_tools", "tool_tasks"]

_log_tools = _log.get_logger("genai_actors.chats")

_TASKS: weakref.WeakKeyDictionary[Any, TaskSupervisor] = weakref.WeakKeyDictionary()


async def tool_tasks(tree: Any) -> TaskSupervisor:
    """The ``chat-tools`` TaskSupervisor of a client tree, started under ``sessions`` on first
    need (and again if the sessions supervisor restarted and took it down)."""
    tasks = _TASKS.get(tree)
    if tasks is not None and tasks.running:
        return tasks
    with anyio.CancelScope(shield=True):  # a start that completes is always recorded
        tasks = _TASKS.get(tree)
        if tasks is None or not tasks.running:
            fresh = TaskSupervisor(name="chat-tools")
            tasks = await tree.sessions.start_child(
                ChildSpec("chat-tools", lambda: fresh, restart=Restart.TEMPORARY, shutdown=5.0)
            )
            _TASKS[tree] = tasks
    assert tasks is not None
    return tasks


async def run_tools(
    calls: Sequence[FunctionCall],
    functions: dict[str, Callable[..., Any] | McpTool],
    tasks: TaskSupervisor,
    *,
    timeout: float | None,  # noqa: ASYNC109 (each tool's own limit, not the call's)
    raise_errors: bool,
) -> list[Part]:
    """Runs ``calls`` concurrently and returns their function-response parts, in call order.

    Calls without a name are skipped.

    Raises:
        FunctionInvocationError: With ``raise_errors``, the first failing tool (in call
            order), after every call has ended.

    Cancellation: cancelling the caller cancels every tool task (a sync tool already running
    in its worker thread finishes there; its result is dropped).
    """
    named = [call for call in calls if call.name]
    results: list[dict[str, Any]] = [{} for _ in named]
    errors: list[BaseException | None] = [None] * len(named)

    async def one(index: int, call: FunctionCall) -> None:
        name = call.name or ""
        fn = functions.get(name)
        if fn is None:
            _log_tools.warning("chat.unknown_function", function=name)
            offered = ", ".join(sorted(functions)) or "none"
            results[index] = {"error": f"function {name!r} is not defined (offered: {offered})"}
            return
        started = time.perf_counter()
        outcome = "ok"
        try:
            if isinstance(fn, McpTool):  # answered as the session answered (see _mcp)
                results[index], errors[index] = await tasks.run(
                    call_mcp_tool, fn, call.args, timeout=timeout
                )
                if errors[index] is not None:
                    outcome = type(errors[index]).__name__
                return
            value = await tasks.run(_invoke, fn, call.args or {}, timeout=timeout)
        except CallTimeout as exc:
            outcome = "timeout"
            message = f"function {name!r} did not finish within {timeout} s"
            error = TimeoutError(message)
            error.__cause__ = exc
            errors[index] = error
            results[index] = {"error": message}
        except Exception as exc:
            outcome = type(exc).__name__
            errors[index] = exc
            results[index] = {"error": str(exc)}
        else:
            results[index] = {"result": jsonable(value)}
        finally:  # one event per tool call: what ran, how it ended, how long it took
            _log_tools.info(
                "chat.tool_call",
                function=name,
                call_id=call.id,
                outcome=outcome,
                seconds=round(time.perf_counter() - started, 6),
            )

    if len(named) == 1:
        await one(0, named[0])
    elif named:
        async with anyio.create_task_group() as tg:
            for index, call in enumerate(named):
                tg.start_soon(one, index, call)
    if raise_errors:
        for call, error in zip(named, errors, strict=True):
            if error is not None:
                raise FunctionInvocationError(f"tool {call.name!r} failed: {error}") from error
    return [
        Part(function_response=FunctionResponse(id=call.id, name=call.name, response=result))
        for call, result in zip(named, results, strict=True)
    ]


async def _invoke(fn: Callable[..., Any], args: dict[str, Any]) -> Any:
    kwargs = convert_function_args(fn, convert_number_values(args))
    if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 (callable objects with an async __call__)
    ):
        return await fn(**kwargs)
    value = await anyio.to_thread.run_sync(_call, fn, kwargs, abandon_on_cancel=True)
    if inspect.isawaitable(value):
        value = await value
    return value


def _call(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    return fn(**kwargs)
