"""The bytes of a request's head: request line, ``Host``, ``Accept-Encoding``,
``Content-Length``, the caller's headers."""

from __future__ import annotations

from collections.abc import Mapping

from ._errors import RequestError

__all__ = ["build_head"]

# Added unless the caller sets them; Content-Length is always ours (the body decides it).
_OURS = frozenset(("host", "accept-encoding", "content-length"))
_BODY_METHODS = frozenset(("POST", "PUT", "PATCH"))


def build_head(
    method: str,
    target: str,
    authority: str,
    headers: Mapping[str, str] | None,
    body_size: int | None,
    proxy_authorization: str | None = None,
) -> bytes:
    """The head of a request for ``target`` (origin-form, or absolute-form through a proxy).

    ``Content-Length`` is sent for a body (``body_size``), and as 0 for a POST, PUT or PATCH
    without one.

    Raises:
        RequestError: A header name or value holds a line break.
    """
    lines = [f"{method} {target} HTTP/1.1"]
    host = encoding = False
    if headers:
        for name, value in headers.items():
            lower = name.lower()
            if lower in _OURS:
                if lower == "content-length":
                    continue
                if lower == "host":
                    host = True
                else:
                    encoding = True
            lines.append(f"{name}: {value}")
    if not host:
        lines.append(f"Host: {authority}")
    if not encoding:
        lines.append("Accept-Encoding: gzip, deflate")
    if body_size is not None:
        lines.append(f"Content-Length: {body_size}")
    elif method in _BODY_METHODS:
        lines.append("Content-Length: 0")
    if proxy_authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy_authorization}")
    text = "\r\n".join(lines)
    breaks = len(lines) - 1
    if text.count("\n") != breaks or text.count("\r") != breaks:
        raise RequestError("a request line or header holds a line break")
    return (text + "\r\n\r\n").encode("utf-8")
