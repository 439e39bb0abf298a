"""The base of every wire struct, base64 bytes, and the cached JSON codecs.

Wire structs use snake_case attributes and camelCase JSON names, omit unset (``None``)
fields when encoded, and are keyword-only. Decoding ignores unknown fields.
An enum-valued field is declared ``Annotated[SomeEnum, enum_of(SomeEnum)]`` (inside
``list[...]`` for repeated values). Responses decode it to a member of ``SomeEnum`` (a ``str``
equal to its value), and a value this release does not know to a cached pseudo-member (see
``_enums``), never a decode failure. Requests are checked against ``SomeEnum`` before they are
sent: another letter case is sent canonical, a near-miss of a known value raises
:class:`~genai_actors.errors.InvalidRequestError` naming the field and the value meant, and
any other value is sent with an :class:`~genai_actors.types.UnknownEnumValueWarning`.

Bytes travel as base64: encoded with the URL-safe alphabet (as google-genai does), decoded
from either the standard or the URL-safe alphabet, with or without padding.
"""

from __future__ import annotations

import binascii
import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import msgspec

from ._construct import WireMeta, construct_unchecked, flexible, use_base64

# Public: the struct and the input unions. The codec helpers and ``enum_of`` are used by the
# package's own modules (imported from ``genai_actors.types._base``), not re-exported.
__all__ = [
    "HttpResponse",
    "Base64Bytes",
    "ContentListUnion",
    "ContentUnion",
    "PartUnion",
    "SchemaUnion",
    "SpeechConfigUnion",
    "ToolUnion",
]

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from enum import StrEnum
    from typing import Self

    from ._content import Content, Part
    from ._generate import SpeechConfig
    from ._tools import Schema, Tool

    Base64Bytes: TypeAlias = bytes
    PartUnion: TypeAlias = Part | str | dict[str, Any]
    ContentUnion: TypeAlias = Content | Part | str | list[PartUnion] | dict[str, Any]
    ContentListUnion: TypeAlias = ContentUnion | list[ContentUnion]
    SchemaUnion: TypeAlias = Schema | dict[str, Any] | type[Any] | object
    SpeechConfigUnion: TypeAlias = SpeechConfig | str | dict[str, Any]
    ToolUnion: TypeAlias = Tool | Callable[..., Any] | dict[str, Any]
else:

    class Base64Bytes(bytes):
        """Bytes that encode as URL-safe base64 on the wire."""

        __slots__ = ()

    # Flexible config fields are validated by the transformers, not by msgspec; construction
    # types their dicts as google-genai does (``_construct.flexible``).
    PartUnion = Any
    ContentUnion = Annotated[Any, flexible("content")]
    ContentListUnion = Annotated[Any, flexible("contents")]
    SchemaUnion = Any
    SpeechConfigUnion = Annotated[Any, flexible("speech_config")]
    ToolUnion = Annotated[Any, flexible("tool")]

_T = TypeVar("_T")

# Standard and URL-safe alphabets decode alike once '-' and '_' are mapped to '+' and '/'.
_TO_STANDARD = str.maketrans("-_", "+/")


def as_base64_bytes(value: bytes) -> bytes:
    """Return ``value`` as :class:`Base64Bytes` so it encodes with the URL-safe alphabet."""
    if type(value) is bytes:
        return Base64Bytes(value)
    return value


def decode_base64(text: str) -> bytes:
    """Decode standard or URL-safe base64, padded or not.

    Raises:
        ValueError: ``text`` is not base64.
    """
    text = text.translate(_TO_STANDARD)
    missing = -len(text) % 4
    if missing:
        text += "=" * missing
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error as exc:
        raise ValueError(f"invalid base64: {exc}") from None


use_base64(Base64Bytes, decode_base64)  # construction converts bytes and base64 text with them


def enc_hook(obj: Any) -> Any:
    """msgspec encode hook: URL-safe base64 for :class:`Base64Bytes`; a subclass of ``str``,
    ``int`` or ``float`` (not an enum: msgspec encodes those itself) as its plain value, as
    google-genai's models take it.

    Raises:
        NotImplementedError: ``obj`` has no JSON form (msgspec reports it as a TypeError).
    """
    if isinstance(obj, bytes):
        return binascii.b2a_base64(obj, newline=False).decode("ascii").translate(_TO_URLSAFE)
    if isinstance(obj, datetime.timedelta):
        return f"{obj.total_seconds():g}s"
    for plain in (str, int, float):
        if isinstance(obj, plain):
            return plain(obj)
    raise NotImplementedError(f"cannot encode objects of type {type(obj).__name__}")


_TO_URLSAFE = str.maketrans("+/", "-_")


def dec_hook(tp: type[Any], obj: Any) -> Any:
    """msgspec decode hook: builds :class:`Base64Bytes` from either base64 alphabet.

    Raises:
        NotImplementedError: ``tp`` is not a type this hook builds.
    """
    if tp is object:
        return obj
    if tp is Base64Bytes:
        if isinstance(obj, str):
            return Base64Bytes(decode_base64(obj))
        if isinstance(obj, (bytes, bytearray, memoryview)):
            return Base64Bytes(obj)
        raise ValueError(f"expected base64 text, got {type(obj).__name__}")
    raise NotImplementedError(f"cannot decode {tp!r}")


def enum_of(enum: type[StrEnum], *, echoed: bool = False) -> msgspec.Meta:
    """Metadata marking an enum-valued field (or list item) that takes the values of ``enum``.

    Use it as ``Annotated[HarmBlockThreshold, enum_of(HarmBlockThreshold)]``. Decoding ignores
    it (msgspec decodes the enum itself); request building checks the value against ``enum``,
    case-insensitively like google-genai, and sends the canonical value (see
    ``_validate/_rules.py`` for unknown values).

    Args:
        enum: The StrEnum listing the allowed values.
        echoed: The value is written by the model or the service and may be sent back as it
            came (``ExecutableCode.language`` in chat history, a ``File`` passed to a later
            call): it is not checked, so a value the API adds later never breaks a request.
    """
    return msgspec.Meta(extra={"enum": enum, "echoed": echoed})


class _Wire(
    msgspec.Struct,
    metaclass=WireMeta,
    kw_only=True,
    omit_defaults=True,
    rename="camel",
    repr_omit_defaults=True,
):
    """Base of every wire struct: keyword-only, camelCase on the wire, unset fields omitted.

    Construction converts and checks its keywords as google-genai's pydantic models do (nested
    dicts become structs; a wrong value raises
    :class:`~genai_actors.errors.InvalidRequestError` naming the field): see ``_construct``.
    Decoding skips that step.
    """

    def to_json_dict(self) -> dict[str, Any]:
        """Return the set fields as JSON-safe builtins with snake_case keys, as google-genai's
        ``to_json_dict`` does (``model_dump(mode="json", exclude_none=True)``)."""
        return self.model_dump(mode="json", exclude_none=True)

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Any = None,
        exclude: Any = None,
        context: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
    ) -> dict[str, Any]:
        """Return the fields as a dict, as google-genai's (pydantic) ``model_dump`` does.

        Args:
            mode: ``"python"`` (bytes, datetimes and enums as they are) or ``"json"`` (bytes
                as URL-safe base64, datetimes in ISO 8601, enums as their values).
            include: Field names (a set, or a dict for nested fields) to keep.
            exclude: Field names (a set, or a dict for nested fields) to leave out.
            context: Accepted for pydantic's signature; these types have no serializer
                that reads it.
            by_alias: camelCase keys (google-genai's aliases) instead of snake_case.
            exclude_unset: Leave out unset fields. A field counts as set when it is not
                ``None``: unlike pydantic, a field explicitly set to ``None`` is left out too.
            exclude_defaults: Leave out fields at their default (``None`` for every field).
            exclude_none: Leave out unset fields, at every depth (``None`` in a free-form
                dict stays). Off by default, as in google-genai.
            round_trip: Accepted for pydantic's signature; the dump is always one that
                ``model_validate`` reads back.
            warnings: Accepted for pydantic's signature; nothing here warns.

        Raises:
            InvalidRequestError: A bad ``mode``, or ``mode="json"`` meets a value with no
                JSON form.
        """
        from ._model_api import dump

        return dump(
            self,
            mode=mode,
            exclude_none=exclude_none or exclude_unset or exclude_defaults,
            by_alias=bool(by_alias),
            include=include,
            exclude=exclude,
            enc_hook=enc_hook,
        )

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        include: Any = None,
        exclude: Any = None,
        context: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
    ) -> str:
        """Return the fields as JSON text, as google-genai's ``model_dump_json`` does.

        The arguments are :meth:`model_dump`'s, plus ``indent`` (spaces per level; compact
        when ``None``) and ``ensure_ascii`` (escape every non-ASCII character).

        Raises:
            InvalidRequestError: A value has no JSON form.
        """
        from ._model_api import dump_json

        return dump_json(
            self,
            exclude_none=exclude_none or exclude_unset or exclude_defaults,
            by_alias=bool(by_alias),
            include=include,
            exclude=exclude,
            indent=indent,
            ensure_ascii=ensure_ascii,
            enc_hook=enc_hook,
        )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Return a copy with ``update`` applied, as google-genai's ``model_copy`` does.

        Unlike pydantic, which stores update values unchecked, the values are converted as
        the constructor converts them (a dict becomes its struct) and a wrong one raises.

        Args:
            update: New values by field name (snake_case or camelCase).
            deep: Copy nested values too (a shallow copy shares them).

        Raises:
            InvalidRequestError: A key of ``update`` is not a field, or a value does not fit
                its field; ``.path`` names it.
        """
        from ._model_api import copy_struct

        result: Self = copy_struct(self, update, deep)
        return result

    @classmethod
    def model_construct(cls, **values: Any) -> Self:
        """Build an instance from field values without converting or checking them, as
        pydantic's ``model_construct`` does (keys are the snake_case field names); only
        ``bytes`` in a base64 field become :class:`Base64Bytes`, so they are sent URL-safe.

        Raises:
            TypeError: A key is not a field name.
        """
        result: Self = construct_unchecked(cls, **values)
        for name in _base64_fields(cls):  # bytes stay URL-safe base64 on the wire
            value = getattr(result, name)
            if type(value) is bytes:
                setattr(result, name, Base64Bytes(value))
        return result

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        from_attributes: bool | None = None,
        context: Any = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Build an instance from a dict (snake_case or camelCase keys), as google-genai does.

        An instance is returned as it is; another wire struct or a pydantic model (a
        google-genai type) is read through its fields. Values are converted as the
        constructor converts them (pydantic's lax mode), at every depth; a key that is no
        field is left out when its value is ``None`` (google-genai's full dumps list fields
        these types lack). ``strict``, ``from_attributes``, ``context``, ``by_alias`` and
        ``by_name`` are accepted for pydantic's signature and change nothing.

        Raises:
            InvalidRequestError: (a ``ValueError``) an unknown key with a value, or a value
                that does not fit its field; ``.path`` names the field.
        """
        from ._model_api import validate

        result: Self = validate(cls, obj)
        return result

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        context: Any = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Build an instance from JSON text, as google-genai's ``model_validate_json`` does
        (the keyword arguments are accepted for pydantic's signature and change nothing).

        Raises:
            InvalidRequestError: (a ``ValueError``) the text is not JSON, or a value does not
                fit its field; ``.path`` names the field.
        """
        from ._model_api import validate_json

        result: Self = validate_json(cls, json_data)
        return result


class HttpResponse(_Wire, kw_only=True):
    """The HTTP response behind a result: headers and (optionally) the raw body."""

    headers: dict[str, str] | None = None
    body: str | None = None


_BASE64_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _base64_fields(cls: type[Any]) -> tuple[str, ...]:
    """The fields of ``cls`` declared ``Base64Bytes`` (or ``Base64Bytes | None``).

    Construction and decoding give them :class:`Base64Bytes` by themselves (no
    ``__post_init__``: decoding would run it for every struct of every response);
    ``model_construct``, which checks nothing, converts them with this.
    """
    names = _BASE64_FIELDS.get(cls)
    if names is None:
        names = _BASE64_FIELDS[cls] = tuple(
            field.name
            for field in msgspec.structs.fields(cls)
            if field.type is Base64Bytes or field.type == Base64Bytes | None
        )
    return names


_ENCODER = msgspec.json.Encoder(enc_hook=enc_hook)
_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def encode_json(obj: Any) -> bytes:
    """Encode ``obj`` (structs, builtins) to JSON bytes with URL-safe base64 bytes.

    Raises:
        TypeError: ``obj`` holds a value with no JSON form.
    """
    return _ENCODER.encode(obj)


def decode_json(data: bytes | str, type: type[_T]) -> _T:
    """Decode JSON into ``type`` with a cached decoder (unknown fields are ignored).

    Raises:
        msgspec.ValidationError: the JSON does not fit ``type``.
        msgspec.DecodeError: the input is not JSON.
    """
    decoder = _DECODERS.get(type)
    if decoder is None:
        decoder = _DECODERS[type] = msgspec.json.Decoder(type, dec_hook=dec_hook)
    result: _T = decoder.decode(data)
    return result


def to_builtins(obj: Any) -> Any:
    """Convert structs to their wire form as builtins (camelCase keys, base64 strings).

    Raises:
        TypeError: ``obj`` holds a value with no JSON form.
    """
    return msgspec.to_builtins(obj, enc_hook=enc_hook)
