"""Vertex AI (in progress)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._router import Router

__all__ = ["register"]


def register(router: Router) -> None:
    """Add the routes."""
