# genai_actors.types._validate: request-side validation, its rules and its one engine.
#   _rules   enum-valued fields: allowed values, case folding, nearest value
#   _plans   per-type plans (dict keys, fields each walk visits) and error paths
#   _twins   strict twins: one check in C (types, enum values, keys, backend gates)
#   _walk    the walker, and coerce / normalize_keys / check_struct / repair
# Package-private: builders import these names from here; nothing is public in types.
"""Request-side validation of wire structs: its rules and its one engine.

Rules, the same for every request builder:

- A dict given where a struct belongs may use snake_case or camelCase keys; a key that is no
  field of the struct raises, naming the field path and the nearest field name.
- An enum-valued field (``Annotated[E, enum_of(E)]``, not ``echoed``) takes a member of
  ``E`` or its value in any letter case (google-genai looks members up by upper- and lower-case
  name) and is sent canonical; another value raises, naming the field, the nearest value and
  the allowed ones. A typed struct is then copied, never modified.
- Values have their declared types (msgspec's message, naming the field).
- Free-form values (``dict[str, Any]``: function args and responses) are left as they are; a
  typed struct found in a bare ``Any`` field (``config.tools``, a JSON schema) is checked too.

The engine: a plan compiled once per struct type from ``msgspec.inspect``, read by one
walker that renames dict keys, converts dicts where structs belong, makes enum values
canonical and names the first bad field (assembling the path while the error unwinds). Its
accelerator is the *strict twin* of a type, built once per type: the same fields with enum
fields typed ``Literal[...]`` (and, for one backend, the fields it lacks typed ``None``), so
that msgspec checks a whole value in one pass in C (converting a typed value, or decoding the
bytes a request body encodes to, which are then sent as they are); the walker runs only when
that check fails, to repair or to explain. Responses never go through this module.
"""

from __future__ import annotations

from ._rules import (
    EnumRule as EnumRule,
    enum_mark as enum_mark,
    enum_rule as enum_rule,
    warnings_issued as warnings_issued,
)
from ._twins import validation_error as validation_error, wire_check as wire_check
from ._walk import (
    check_struct as check_struct,
    coerce as coerce,
    field_keys as field_keys,
    normalize_keys as normalize_keys,
    repair as repair,
)

__all__: list[str] = []  # nothing public: imported by name by the request builders
