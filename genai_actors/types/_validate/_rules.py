"""Enum-valued fields: the allowed values of each, case-folded, and the rule for the others.

A field declared ``Annotated[E, enum_of(E)]`` (not ``echoed``) takes a member of ``E`` or its
value in any letter case (google-genai looks members up by upper- and lower-case name), sent
canonical. Another value is either

- a near-miss of a known value (``BLOCK_ONLY_HIHG``: at most one edit from a value of up to 8
  characters, two from a longer one, a swap of neighbours counting as one edit; or the short
  form of one value only, ``LOW`` for ``MEDIA_RESOLUTION_LOW``): refused, naming the value
  meant; or
- a value the API may have added after this release: sent as it is, with an
  :class:`~genai_actors.types.UnknownEnumValueWarning` (google-genai sends such values too,
  with a ``UserWarning``). With warnings turned into errors, the warning is raised.

The strict twins (``_twins``) check enum fields with :attr:`EnumRule.twin`, an enum of the
known values whose ``_missing_`` applies the same rule in the one C pass: a value needing
repair (another letter case) or refusal (a near-miss) fails the pass, so the walker repairs
or explains it; an unknown value passes, with its warning.
"""

from __future__ import annotations

import contextvars
import difflib
import os
import sys
import warnings
from enum import Enum, StrEnum
from typing import Any

import msgspec.inspect as mi

from ...errors import InvalidRequestError
from .._enums import UnknownEnumValueWarning

__all__ = ["EnumRule", "enum_mark", "enum_rule", "warnings_issued"]

# Set while a dict is converted through a twin with its enum values left to a later check of
# the request's bytes (``coerce(..., check_enums=False)``): that check warns, once.
QUIET_UNKNOWN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "quiet_unknown_enums", default=False
)

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with swaps of neighbours (optimal string alignment), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, 1):
            cost = char != other
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _user_stacklevel() -> int:
    """The stack level of the first frame outside this package (for a warning's location)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


# How many unknown-value warnings were issued: a builder that caches what it built keeps
# nothing whose build warned (the next call must warn again).
_warnings_issued = 0


def warnings_issued() -> int:
    """How many unknown enum values have been warned about so far, in this process."""
    return _warnings_issued


class EnumRule:
    """The allowed values of one enum-valued field, with their case-folded spellings."""

    __slots__ = ("enum", "folded", "twin", "values")

    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self.values: frozenset[str] = frozenset(member.value for member in enum)
        self.folded: dict[str, str] = {}
        for member in enum:
            self.folded.setdefault(member.value.upper(), member.value)
            self.folded.setdefault(member.name.upper(), member.value)
        self.twin: type[StrEnum] = _twin_enum(self)

    def check(self, value: Any, path: str) -> Any:
        """Return ``value`` in its canonical form (``value`` itself when it already is, or
        when it is a value this release does not know, after warning).

        Raises:
            InvalidRequestError: ``value`` is not a string, or a near-miss of a known value.
            UnknownEnumValueWarning: ``value`` is unknown and warnings of that category are
                errors.
        """
        if not isinstance(value, str):
            raise InvalidRequestError(
                path,
                f"expected a {self.enum.__name__} value (a string), got {type(value).__name__}",
            )
        if value in self.values:
            return value
        text = value.value if isinstance(value, Enum) else value
        canonical = self.folded.get(text.upper())
        if canonical is not None:
            return canonical
        meant = self.typo_of(text)
        if meant is not None:
            raise InvalidRequestError(path, self.message(text, meant))
        self.warn(text, path)
        return value

    def accepts_unknown(self, value: str) -> bool:
        """Whether ``value``, not a known value in any letter case, is sent (after warning)."""
        return value.upper() not in self.folded and self.typo_of(value) is None

    def warn(self, value: str, path: str = "") -> None:
        """Warn that ``value`` is unknown here and sent as it is.

        Raises:
            UnknownEnumValueWarning: warnings of that category are errors.
        """
        global _warnings_issued
        _warnings_issued += 1
        where = f"{path}: " if path else ""
        warnings.warn(
            f"{where}{value!r} is not a {self.enum.__name__} value this release of "
            "genai_actors knows; it is sent as it is (the API may have added it)",
            UnknownEnumValueWarning,
            stacklevel=_user_stacklevel(),
        )

    def message(self, value: str, meant: str | None = None) -> str:
        """The error text for a refused ``value``: the value meant, then all of them."""
        text = f"{value!r} is not a valid {self.enum.__name__}"
        meant = meant if meant is not None else self.nearest(value)
        if meant is not None:
            text += f"; did you mean {meant!r}?"
        return f"{text} (allowed: {', '.join(sorted(self.values))})"

    def typo_of(self, value: str) -> str | None:
        """The known value ``value`` is a near-miss of (see the module doc), else ``None``."""
        upper = value.upper()
        candidates = sorted(v for v in self.values if not v.endswith("UNSPECIFIED"))
        # A short form of one value only (LOW for MEDIA_RESOLUTION_LOW).
        containing = [v for v in candidates if upper and f"_{upper}" in f"_{v.upper()}"]
        if len(containing) == 1:
            return containing[0]
        limit = 1 if len(upper) <= 8 else 2
        best: tuple[int, str] | None = None
        for candidate in candidates:
            distance = _distance(upper, candidate.upper(), limit)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, candidate)
        return best[1] if best is not None else None

    def nearest(self, value: str) -> str | None:
        """The allowed value ``value`` most likely meant, if one is close enough."""
        meant = self.typo_of(value)
        if meant is not None:
            return meant
        upper = value.upper()
        candidates = sorted(v for v in self.values if not v.endswith("UNSPECIFIED"))
        close = difflib.get_close_matches(upper, [v.upper() for v in candidates], 1, 0.4)
        return self.folded[close[0]] if close else None


class _TwinEnum(StrEnum):
    """Base of the check enums of the strict twins (see the module doc)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        rule = _TWIN_RULES.get(cls)
        if rule is None or not isinstance(value, str):
            return None
        text = value.value if isinstance(value, Enum) else value
        if not rule.accepts_unknown(text):
            return None  # another letter case (repaired) or a near-miss (refused)
        if not QUIET_UNKNOWN.get():
            rule.warn(text)
        member = str.__new__(cls, text)
        member._name_ = member._value_ = text
        return member


_TWIN_RULES: dict[type[StrEnum], EnumRule] = {}


def _twin_enum(rule: EnumRule) -> type[StrEnum]:
    # Member names are positional: a value need not be an identifier (or may be a _sunder_).
    members = {f"v{index}": value for index, value in enumerate(sorted(rule.values))}
    functional: Any = _TwinEnum  # the functional API: EnumType.__call__(name, members)
    twin: type[StrEnum] = functional(f"_{rule.enum.__name__}Check", members)
    _TWIN_RULES[twin] = rule
    return twin


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
