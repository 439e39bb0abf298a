"""What refuses an MCP session without any server: the blocking client, and builders other than
generation."""

from __future__ import annotations

import pytest

import genai_actors as ga
from genai_actors._transformers import t_tools
from genai_actors.errors import InvalidRequestError, UnsupportedFunctionError

from ._servers import FakeSession
from .conftest import MODEL


def test_blocking_client_refuses_sessions() -> None:
    """The blocking client refuses a session before sending (it runs on its own loop)."""
    with ga.Client(api_key="k", http_options={"base_url": "http://127.0.0.1:9"}) as blocking:
        with pytest.raises(UnsupportedFunctionError, match="AsyncClient"):
            blocking.models.generate_content(
                model=MODEL, contents="Hi", config={"tools": [FakeSession()]}
            )
        chat = blocking.chats.create(model=MODEL, config={"tools": [FakeSession()]})
        with pytest.raises(UnsupportedFunctionError, match="AsyncClient"):
            chat.send_message("Hi")


def test_an_unlisted_session_is_refused_by_the_builders() -> None:
    """A session reaching a request builder unlisted (count_tokens, Live, ...) is named."""
    with pytest.raises(InvalidRequestError, match="MCP session"):
        t_tools([FakeSession()])
