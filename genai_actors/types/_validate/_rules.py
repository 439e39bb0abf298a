"""Enum-valued fields: the allowed values of each, case-folded, and the nearest to a typo.

A field declared ``Annotated[str, enum_of(E)]`` (not ``echoed``) takes a member of ``E`` or its
value in any letter case (google-genai looks members up by upper- and lower-case name).
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Any

import msgspec.inspect as mi

from ...errors import InvalidRequestError

__all__ = ["EnumRule", "enum_mark", "enum_rule"]


class EnumRule:
    """The allowed values of one enum-valued field, with their case-folded spellings."""

    __slots__ = ("enum", "folded", "values")

    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self.values: frozenset[str] = frozenset(member.value for member in enum)
        self.folded: dict[str, str] = {}
        for member in enum:
            self.folded.setdefault(member.value.upper(), member.value)
            self.folded.setdefault(member.name.upper(), member.value)

    def check(self, value: Any, path: str) -> Any:
        """Return ``value`` in its canonical form (``value`` itself when it already is).

        Raises:
            InvalidRequestError: ``value`` is not a string, or not one of the enum's values.
        """
        if not isinstance(value, str):
            raise InvalidRequestError(
                path,
                f"expected a {self.enum.__name__} value (a string), got {type(value).__name__}",
            )
        if value in self.values:
            return value
        canonical = self.folded.get(value.upper())
        if canonical is not None:
            return canonical
        raise InvalidRequestError(path, self.message(value))

    def message(self, value: str) -> str:
        """The error text for an unknown ``value``: the nearest value, then all of them."""
        text = f"{value!r} is not a valid {self.enum.__name__}"
        nearest = self.nearest(value)
        if nearest is not None:
            text += f"; did you mean {nearest!r}?"
        return f"{text} (allowed: {', '.join(sorted(self.values))})"

    def nearest(self, value: str) -> str | None:
        """The allowed value ``value`` most likely meant, if one is close enough."""
        upper = value.upper()
        candidates = sorted(v for v in self.values if not v.endswith("UNSPECIFIED"))
        # A short form of one value only (LOW for MEDIA_RESOLUTION_LOW).
        containing = [v for v in candidates if upper and f"_{upper}" in f"_{v.upper()}"]
        if len(containing) == 1:
            return containing[0]
        close = difflib.get_close_matches(upper, [v.upper() for v in candidates], 1, 0.4)
        return self.folded[close[0]] if close else None


_RULES: dict[type[StrEnum], EnumRule] = {}


def _mark(extra: Any) -> tuple[type[StrEnum], bool] | None:
    if not extra or extra.get("enum") is None:
        return None
    return extra["enum"], bool(extra.get("echoed", False))


def enum_mark(info: mi.Type) -> tuple[type[StrEnum], bool] | None:
    """``(enum, echoed)`` of a field type marked with ``enum_of`` (optionally ``| None``)."""
    if isinstance(info, mi.Metadata):
        return _mark(info.extra)
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if isinstance(member, mi.Metadata):
                found = _mark(member.extra)
                if found is not None:
                    return found
    return None


def enum_rule(info: mi.Type) -> EnumRule | None:
    """The rule of a field type marked with ``enum_of`` and not echoed, else ``None``."""
    mark = enum_mark(info)
    if mark is None or mark[1]:
        return None
    rule = _RULES.get(mark[0])
    if rule is None:
        rule = _RULES[mark[0]] = EnumRule(mark[0])
    return rule
