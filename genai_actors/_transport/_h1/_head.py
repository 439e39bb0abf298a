"""The bytes of a request's head: request line, the caller's headers, ``Host``,
``Accept-Encoding``, ``Proxy-Authorization``, ``Content-Length``."""

from __future__ import annotations

from collections.abc import Mapping

from ._errors import RequestError

__all__ = ["build_head", "head_prefix", "header_block", "request_line"]

# Added unless the caller sets them; Content-Length is always ours (the body decides it).
_OURS = frozenset(("host", "accept-encoding", "content-length"))
_BODY_METHODS = frozenset(("POST", "PUT", "PATCH"))


def request_line(method: str, target: str) -> bytes:
    """The request line (``GET /path HTTP/1.1``) and its line break.

    Raises:
        RequestError: The method or target holds a line break.
    """
    line = f"{method} {target} HTTP/1.1"
    if "\n" in line or "\r" in line:
        raise RequestError("a request line or header holds a line break")
    return (line + "\r\n").encode("utf-8")


def header_block(
    method: str,
    authority: str,
    headers: Mapping[str, str] | None,
    has_body: bool,
    proxy_authorization: str | None = None,
) -> bytes:
    """The head of a request after its request line: the same for every path of one origin
    (see :func:`head_prefix`), so it may be cached.

    Raises:
        RequestError: A header name or value holds a line break.
    """
    lines = []
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
    if proxy_authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy_authorization}")
    text = "\r\n".join(lines)
    breaks = len(lines) - 1
    if text.count("\n") != breaks or text.count("\r") != breaks:
        raise RequestError("a request line or header holds a line break")
    if has_body:
        return (text + "\r\nContent-Length: ").encode("utf-8")
    if method in _BODY_METHODS:
        return (text + "\r\nContent-Length: 0\r\n\r\n").encode("utf-8")
    return (text + "\r\n\r\n").encode("utf-8")


def head_prefix(
    method: str,
    target: str,
    authority: str,
    headers: Mapping[str, str] | None,
    has_body: bool,
    proxy_authorization: str | None = None,
) -> bytes:
    """The head of a request for ``target`` (origin-form, or absolute-form through a proxy).

    With ``has_body``, the bytes end with ``Content-Length: `` (the caller appends the body's
    size and ``\\r\\n\\r\\n``); without, they are the whole head (``Content-Length: 0`` for a
    POST, PUT or PATCH). The result depends on its arguments alone, so it may be cached.

    Raises:
        RequestError: A header name or value holds a line break.
    """
    return request_line(method, target) + header_block(
        method, authority, headers, has_body, proxy_authorization
    )


def build_head(
    method: str,
    target: str,
    authority: str,
    headers: Mapping[str, str] | None,
    body_size: int | None,
    proxy_authorization: str | None = None,
) -> bytes:
    """The whole head of a request (see :func:`head_prefix`); ``Content-Length`` is
    ``body_size`` when it is not ``None``.

    Raises:
        RequestError: A header name or value holds a line break.
    """
    prefix = head_prefix(
        method, target, authority, headers, body_size is not None, proxy_authorization
    )
    return prefix if body_size is None else b"%s%d\r\n\r\n" % (prefix, body_size)
