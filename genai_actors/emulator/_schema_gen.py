"""Deterministic JSON values that satisfy a schema.

Two dialects arrive on the wire: the OpenAPI subset of ``responseSchema`` / ``parameters``
(upper-case ``type``, ``nullable``, ``propertyOrdering``, ``anyOf``) and full JSON Schema in
``responseJsonSchema`` / ``parametersJsonSchema`` (``$ref``/``$defs``, ``const``, type lists,
``oneOf``/``allOf``, exclusive bounds). :func:`generate` reads both. Values are built from a seeded
RNG and words of the prompt (``hints``), so the same request yields the same JSON.
"""

from __future__ import annotations

import random
import re
from typing import Any

__all__ = ["SchemaError", "generate"]

_MAX_DEPTH = 12
_WORDS = ("alpha", "beacon", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "iris")


class SchemaError(ValueError):
    """The schema cannot be satisfied or is malformed (reported to the client as a 400)."""


def generate(
    schema: Any,
    rng: random.Random,
    hints: list[str] | None = None,
    values: dict[str, str] | None = None,
) -> Any:
    """Return a JSON value valid against ``schema``.

    Args:
        schema: An OpenAPI-subset Schema or a JSON Schema (decoded JSON).
        rng: The source of every arbitrary choice.
        hints: Words from the prompt to build strings from.
        values: ``property name -> text`` the prompt asked for (``city=Paris``); used for string,
            number and boolean properties of that name when they satisfy the schema.

    Raises:
        SchemaError: If the schema is malformed (for example an unresolvable ``$ref``).
    """
    gen = _Generator(schema, rng, hints or [], values or {})
    return gen.value(schema, "", 0)


class _Generator:
    def __init__(
        self, root: Any, rng: random.Random, hints: list[str], values: dict[str, str]
    ) -> None:
        self.root = root
        self.rng = rng
        self.hints = [h for h in hints if len(h) > 2] or list(_WORDS)
        self.values = {k.lower(): v for k, v in values.items()}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise SchemaError(f"Unsupported $ref {ref!r}: only local references are allowed")
            node: Any = self.root
            for piece in ref[1:].split("/"):
                if not piece:
                    continue
                piece = piece.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or piece not in node:
                    raise SchemaError(f"Unresolvable $ref {ref!r}")
                node = node[piece]
            if not isinstance(node, dict):
                raise SchemaError(f"$ref {ref!r} does not point at a schema")
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**node, **merged}
            seen += 1
            if seen > 32:
                raise SchemaError("Cyclic $ref")
        return schema

    def value(self, schema: Any, name: str, depth: int) -> Any:
        if schema is True or schema is None or schema == {}:
            return self.text(name)
        if schema is False:
            raise SchemaError(f"Schema for {name or 'the value'} accepts nothing")
        if not isinstance(schema, dict):
            raise SchemaError(f"Schema for {name or 'the value'} must be an object")
        schema = self.resolve(schema)
        if depth > _MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.pick_enum(schema["enum"], name)
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if options:
                non_null = [o for o in options if _type_of(o) != "null"] or options
                return self.value(non_null[0], name, depth + 1)
        if schema.get("allOf"):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                part = self.resolve(part) if isinstance(part, dict) else {}
                props = {**merged.get("properties", {}), **part.get("properties", {})}
                required = [*merged.get("required", []), *part.get("required", [])]
                merged = {**merged, **part, "properties": props, "required": required}
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return self.value({**merged, **rest}, name, depth + 1)
        kind = _type_of(schema)
        if kind == "null":
            return None
        if kind == "object" or (kind is None and "properties" in schema):
            return self.obj(schema, depth)
        if kind == "array" or (kind is None and "items" in schema):
            return self.array(schema, name, depth)
        if kind == "integer":
            return self.integer(schema, name)
        if kind == "number":
            return self.number(schema, name)
        if kind == "boolean":
            wanted = self.values.get(name.lower())
            if wanted is not None and wanted.lower() in ("true", "false"):
                return wanted.lower() == "true"
            return self.rng.random() < 0.5
        return self.string(schema, name)

    def pick_enum(self, options: list[Any], name: str) -> Any:
        wanted = self.values.get(name.lower())
        lowered = {str(o).lower(): o for o in options}
        if wanted is not None and wanted.lower() in lowered:
            return lowered[wanted.lower()]
        for hint in self.hints:
            if hint.lower() in lowered:
                return lowered[hint.lower()]
        return options[self.rng.randrange(len(options))]

    def obj(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties") or {}
        order = list(schema.get("propertyOrdering") or [])
        order += [k for k in props if k not in order]
        out: dict[str, Any] = {}
        for key in order:
            if key in props:
                out[key] = self.value(props[key], key, depth + 1)
        for key in schema.get("required") or []:
            if key not in out:
                out[key] = self.text(key)
        return out

    def array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        low = int(schema.get("minItems", 0) or 0)
        high = schema.get("maxItems")
        count = max(low, 2)
        if high is not None:
            if int(high) < low:
                raise SchemaError(f"maxItems < minItems for {name or 'the array'}")
            count = min(count, int(high))
        prefix = schema.get("prefixItems") or []
        items = schema.get("items", {})
        out = [self.value(p, name, depth + 1) for p in prefix[:count]]
        while len(out) < count:
            out.append(self.value(items, name, depth + 1))
        return out

    def bounds(
        self, schema: dict[str, Any], default_low: float, default_high: float
    ) -> tuple[float, float]:
        low = schema.get("minimum", default_low)
        high = schema.get("maximum", default_high)
        if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
            low = max(float(low), float(schema["exclusiveMinimum"]) + 1e-6)
        if "exclusiveMaximum" in schema and not isinstance(schema["exclusiveMaximum"], bool):
            high = min(float(high), float(schema["exclusiveMaximum"]) - 1e-6)
        low, high = float(low), float(high)
        if "minimum" in schema and "maximum" not in schema and high < low:
            high = low + 100
        if "maximum" in schema and "minimum" not in schema and low > high:
            low = high - 100
        if high < low:
            raise SchemaError("maximum < minimum")
        return low, high

    def integer(self, schema: dict[str, Any], name: str) -> int:
        low, high = self.bounds(schema, 0, 100)
        ilow, ihigh = int(-(-low // 1)), int(high // 1)
        if ihigh < ilow:
            raise SchemaError(f"No integer fits the bounds of {name or 'the value'}")
        wanted = self.values.get(name.lower())
        if wanted is not None and re.fullmatch(r"-?\d+", wanted) and ilow <= int(wanted) <= ihigh:
            return int(wanted)
        return self.rng.randint(ilow, ihigh)

    def number(self, schema: dict[str, Any], name: str) -> float:
        low, high = self.bounds(schema, 0.0, 100.0)
        wanted = self.values.get(name.lower())
        if wanted is not None:
            try:
                number = float(wanted)
            except ValueError:
                pass
            else:
                if low <= number <= high:
                    return number
        return round(self.rng.uniform(low, high), 3) if high - low > 0.01 else low

    def string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "date-time":
            return f"2025-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}T12:00:00Z"
        if fmt == "date":
            return f"2025-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}"
        if fmt == "time":
            return f"1{self.rng.randint(0, 9)}:30:00"
        if fmt in ("email", "idn-email"):
            return f"{self.hints[0].lower()}@example.com"
        if fmt in ("uri", "url", "iri"):
            return f"https://example.com/{self.hints[0].lower()}"
        if fmt == "uuid":
            return f"{self.rng.getrandbits(32):08x}-0000-4000-8000-{self.rng.getrandbits(48):012x}"
        text = self.values.get(name.lower()) or self.text(name)
        low = int(schema.get("minLength", 0) or 0)
        high = schema.get("maxLength")
        while len(text) < low:
            text += " " + self.hints[self.rng.randrange(len(self.hints))]
        if high is not None:
            text = text[: int(high)]
        return text

    def text(self, name: str) -> str:
        words = [self.hints[self.rng.randrange(len(self.hints))] for _ in range(2)]
        return " ".join(words)


def _type_of(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if isinstance(k, str) and k.lower() != "null"]
        kind = non_null[0] if non_null else "null"
    if isinstance(kind, str):
        lowered = kind.lower()
        return None if lowered == "type_unspecified" else lowered
    return None
