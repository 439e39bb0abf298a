"""google-genai on Vertex AI as an oracle: the request it would send for a call.

A real ``google.genai.Client(vertexai=True, ...)`` with a static-token credentials object runs
the call; only its HTTP send is replaced (a mock is acceptable there: it is the oracle, not our
code), which records the built request and ends the call. Nothing touches the network.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from google import genai
from google.oauth2.credentials import Credentials

from genai_actors._transformers import Request

from ...conformance._compare import camel_keys as _camel_keys

PROJECT = "proj"
LOCATION = "us-central1"
PREFIX = f"projects/{PROJECT}/locations/{LOCATION}/"

# Values that are user data, not proto messages: their keys are never renamed.
_OPAQUE = frozenset(
    {
        "args",
        "response",
        "labels",
        "parametersJsonSchema",
        "responseJsonSchema",
        "default",
        "example",
        "userMetadata",
        "partMetadata",
        "structValue",
        "metadata",
        "customMetadata",
    }
)


@dataclass(frozen=True)
class Sent:
    """What is compared of one request: verb, full path (after the API version), query, body."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None


class _Captured(Exception):
    """Raised by the replaced send once the request is recorded."""


def camel_keys(value: Any) -> Any:
    """``value`` with every proto field name in lowerCamelCase (user data left alone; see
    tests/conformance/_compare.py). Not for ``:predict`` bodies, whose instances and
    parameters are free-form ``Value``s read with their literal keys."""
    return _camel_keys(value, opaque=_OPAQUE)


class Oracle:
    """One google-genai Vertex AI client whose HTTP send records instead of sending."""

    def __init__(self) -> None:
        self.client = genai.Client(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=Credentials(token="oracle-token"),  # type: ignore[no-untyped-call]
        )
        api = self.client._api_client
        self.base = api._http_options.base_url
        self.version = api._http_options.api_version
        self._sent: list[Sent] = []
        api._request = self._record  # type: ignore[method-assign]

    def _record(self, http_request: Any, http_options: Any = None, stream: bool = False) -> Any:
        url = urlsplit(http_request.url)
        path = url.path.lstrip("/")
        path = path.removeprefix(f"{self.version}/")
        data = http_request.data or None
        # As its transport encodes it (enum members become their values).
        data = json.loads(data if isinstance(data, bytes) else json.dumps(data))
        query: dict[str, Any] = {}
        for key, value in parse_qsl(url.query):
            if key in query:
                previous = query[key]
                query[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                query[key] = value
        self._sent.append(Sent(http_request.method.upper(), path, query, data))
        raise _Captured

    def sent(self, call: Callable[[genai.Client], Any]) -> Sent:
        """The request google-genai builds for ``call(client)`` (the first, if several)."""
        self._sent.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = call(self.client)
                if isinstance(result, Iterator):
                    next(result)
            except _Captured:
                pass
        assert self._sent, "google-genai sent nothing"
        return self._sent[0]

    def close(self) -> None:
        self.client.close()


def ours(request: Request) -> Sent:
    """Our request as sent on Vertex AI: the path completed as the Vertex backend completes
    it (``projects/{p}/locations/{l}/`` unless already there, or a GET of a publisher model)."""
    path = request.path
    if not path.startswith("projects/") and not (
        request.method == "GET" and path.startswith("publishers/")
    ):
        path = PREFIX + path
    body = json.loads(request.body) if request.body is not None else None
    return Sent(request.method, path, dict(request.query or {}), body)


def same(theirs: Sent, mine: Sent, *, camel: bool = True) -> None:
    """Assert two requests are the same (bodies compared with camelCase keys unless not
    ``camel``), with a readable message."""
    assert (mine.method, mine.path) == (theirs.method, theirs.path)
    assert mine.query == theirs.query
    if camel:
        assert camel_keys(mine.body) == camel_keys(theirs.body)
    else:
        assert mine.body == theirs.body
