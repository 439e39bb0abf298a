# genai_actors.types: wire types as msgspec Structs.
#   _base        base struct, base64 bytes, cached JSON codecs, input union aliases, enum_of
#   _enums       StrEnum classes for enum-valued fields (fields themselves are str)
#   _enums_more  StrEnum classes of services built later (batches, tunings, live, ...)
#   _content     Content, Part and what a part carries
#   _parts       part-like values -> Part (t_part), UserContent / ModelContent
#   _tools       Tool, FunctionDeclaration, Schema, ToolConfig
#   _generate    GenerateContentConfig and nested settings
#   _response    GenerateContentResponse, Candidate, grounding, usage
#   _models      Model, embeddings, token counting
#   _media       images and videos
#   _operations  long-running operations
#   _caches      CachedContent and caches configs
#   _batches     BatchJob, batch sources/results and configs
#   _tunings     TuningJob, tuning datasets and configs
#   _files       File and the files configs
#   _file_search FileSearchStore, Document, import/upload operations and configs
#   _auth_tokens AuthToken, CreateAuthTokenConfig, minimal Live connect shapes
#   _live        Live server messages (LiveServerMessage and its parts)
#   _http        HttpOptions, HttpRetryOptions (client settings, not wire types)
#   _validate    request-side validation: dict keys, enum values, value types (private)
#   _generated_types  wire types, enums, constants of google-genai's types not written by hand
#   _generated_dicts  the XDict / XOrDict forms and input unions (for annotations)
#   _generated_index  which generated module holds each generated name
#                (the three are written by scripts/gen_types.py; the first two are imported
#                lazily, on the first use of one of their names, to keep the import cheap)
#
# Each public name is written once, in the __all__ of the module that defines it. The package
# re-exports every module's names with a star import (which mypy counts as an explicit
# re-export), and its own __all__ is their union (tests/genai_actors/types/test_exports.py).
"""Wire types of the Gemini API (``from genai_actors import types``)."""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from . import (
    _auth_tokens,
    _base,
    _batches,
    _caches,
    _content,
    _enums,
    _enums_more,
    _file_search,
    _files,
    _generate,
    _http,
    _live,
    _media,
    _models,
    _operations,
    _parts,
    _response,
    _tools,
    _tunings,
)
from ._auth_tokens import *  # noqa: F403
from ._base import *  # noqa: F403
from ._batches import *  # noqa: F403
from ._caches import *  # noqa: F403
from ._content import *  # noqa: F403
from ._enums import *  # noqa: F403
from ._enums_more import *  # noqa: F403
from ._file_search import *  # noqa: F403
from ._files import *  # noqa: F403
from ._generate import *  # noqa: F403
from ._generated_index import LAZY as _LAZY
from ._http import *  # noqa: F403
from ._live import *  # noqa: F403
from ._media import *  # noqa: F403
from ._models import *  # noqa: F403
from ._operations import *  # noqa: F403
from ._parts import *  # noqa: F403
from ._response import *  # noqa: F403
from ._tools import *  # noqa: F403
from ._tunings import *  # noqa: F403

if _typing.TYPE_CHECKING:
    from ._generated_dicts import *  # noqa: F403
    from ._generated_types import *  # noqa: F403

_MODULES = (
    _auth_tokens,
    _base,
    _batches,
    _caches,
    _content,
    _enums,
    _enums_more,
    _file_search,
    _files,
    _generate,
    _http,
    _live,
    _media,
    _models,
    _operations,
    _parts,
    _response,
    _tools,
    _tunings,
)

__all__ = [name for module in _MODULES for name in module.__all__]
__all__ += _LAZY


def __getattr__(name: str) -> _typing.Any:
    """Import a generated name's module on the first use of the name (PEP 562).

    Raises:
        AttributeError: ``name`` is no name of this package.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
