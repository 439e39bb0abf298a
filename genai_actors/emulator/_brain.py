"""The emulator's deterministic "model": what a generateContent request answers.

Everything is derived from the request through a hash, so the same request always gets the same
answer and different prompts get different answers. The brain answers with text that quotes the
prompt, JSON that satisfies ``responseSchema`` / ``responseJsonSchema``, enum values for
``text/x.enum``, function calls when declared functions are named in the prompt (or when
``mode: ANY``), a summary of function responses when the last turn carries them, thought parts
when ``thinkingConfig.includeThoughts`` is set, PNG images for the IMAGE modality and PCM audio for
speech models.

A prompt may chain rounds of function calls with "then" ("Use get_weather with city=Rome then
get_time with city=Rome"): each step is one model turn calling the functions it names, the
next step comes once the previous calls were answered, and the answer text comes after the last
step's responses.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any

import msgspec

from ._catalog import ModelInfo
from ._errors import ApiError, bad_request
from ._media import pcm16, png
from ._schema_gen import SchemaError, generate
from ._tokens import (
    count_content,
    count_part,
    count_response_schema,
    count_text,
    count_tools,
    tokenize,
    truncate_to_tokens,
)

__all__ = ["Generation", "generate_content", "prompt_tokens", "split_for_stream"]

_ENCODE = msgspec.json.encode
_VOCAB = (
    "the",
    "answer",
    "considers",
    "several",
    "angles",
    "carefully",
    "and",
    "with",
    "context",
    "while",
    "noting",
    "practical",
    "details",
    "worth",
    "remembering",
    "about",
    "timing",
    "cost",
    "quality",
    "and",
    "risk",
    "so",
    "that",
    "each",
    "next",
    "step",
    "stays",
    "clear",
    "simple",
    "measurable",
    "and",
    "easy",
    "to",
    "revisit",
    "later",
    "on",
)
_ASSIGN = re.compile(r"\b(\w+)\s*[=:]\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s,;)\]}]+))")
_FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$")
_SPACES = re.compile(r"\s+")
_THEN = re.compile(r"\bthen\b", re.IGNORECASE)


@dataclass
class Candidate:
    """One generated candidate: its final parts and finish reason."""

    index: int
    parts: list[dict[str, Any]]
    finish_reason: str = "STOP"
    grounding: dict[str, Any] | None = None


@dataclass
class Generation:
    """A whole answer, before it is framed as one response or as a stream."""

    candidates: list[Candidate]
    prompt_tokens: int
    candidate_tokens: int
    thought_tokens: int
    model_version: str
    response_id: str = ""
    cached_tokens: int = 0

    def usage(self) -> dict[str, Any]:
        """``usageMetadata`` for this answer."""
        out: dict[str, Any] = {
            "promptTokenCount": self.prompt_tokens,
            "candidatesTokenCount": self.candidate_tokens,
            "totalTokenCount": self.prompt_tokens + self.candidate_tokens + self.thought_tokens,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": self.prompt_tokens}],
        }
        if self.cached_tokens:
            out["cachedContentTokenCount"] = self.cached_tokens
            out["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": self.cached_tokens}]
        if self.thought_tokens:
            out["thoughtsTokenCount"] = self.thought_tokens
        return out

    def response(self) -> dict[str, Any]:
        """The complete ``GenerateContentResponse``."""
        candidates = []
        for c in self.candidates:
            entry: dict[str, Any] = {
                "content": {"parts": c.parts, "role": "model"},
                "finishReason": c.finish_reason,
                "index": c.index,
            }
            if c.grounding is not None:
                entry["groundingMetadata"] = c.grounding
            candidates.append(entry)
        return {
            "candidates": candidates,
            "usageMetadata": self.usage(),
            "modelVersion": self.model_version,
            "responseId": self.response_id,
        }


def prompt_tokens(request: dict[str, Any]) -> int:
    """Tokens of a (normalised) GenerateContentRequest: contents, system instruction, tools
    (and the response schema when counting with a tokenizer model)."""
    total = sum(count_content(c) for c in request.get("contents", ()))
    system = request.get("systemInstruction")
    if system:
        total += count_content(system)
    total += count_tools(request.get("tools", ()))
    return total + count_response_schema(request.get("generationConfig"))


def _check_request(request: dict[str, Any]) -> None:
    contents = request.get("contents")
    if not contents:
        raise bad_request(
            "* GenerateContentRequest.contents: contents is not specified\n", "contents"
        )
    for i, content in enumerate(contents):
        if not content.get("parts"):
            raise bad_request(
                f"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be "
                "empty.\n",
                f"contents[{i}].parts",
            )
        role = content.get("role", "")
        if role not in ("", "user", "model", "function", "tool"):
            raise bad_request("Please use a valid role: user, model.", f"contents[{i}].role")
        for j, part in enumerate(content["parts"]):
            data_keys = [
                k
                for k in (
                    "text",
                    "inlineData",
                    "fileData",
                    "functionCall",
                    "functionResponse",
                    "executableCode",
                    "codeExecutionResult",
                )
                if k in part
            ]
            if len(data_keys) > 1:
                raise bad_request(
                    f"* GenerateContentRequest.contents[{i}].parts[{j}].data: only one of "
                    f"{', '.join(data_keys)} may be set\n",
                    f"contents[{i}].parts[{j}]",
                )
            if not data_keys and not part.get("thoughtSignature"):
                raise bad_request(
                    f"* GenerateContentRequest.contents[{i}].parts[{j}].data: required oneof "
                    "field 'data' must have one initialized field\n",
                    f"contents[{i}].parts[{j}]",
                )
    cfg = request.get("generationConfig", {})
    temp = cfg.get("temperature")
    if temp is not None and not 0.0 <= temp <= 2.0:
        raise bad_request(
            "* GenerateContentRequest.generation_config.temperature: temperature must be in the "
            "range [0.0, 2.0]\n",
            "generation_config.temperature",
        )
    top_p = cfg.get("topP")
    if top_p is not None and not 0.0 <= top_p <= 1.0:
        raise bad_request(
            "* GenerateContentRequest.generation_config.top_p: top_p must be in the range "
            "[0.0, 1.0]\n",
            "generation_config.top_p",
        )
    count = cfg.get("candidateCount")
    if count is not None and not 1 <= count <= 8:
        raise bad_request(
            "* GenerateContentRequest.generation_config.candidate_count: candidate_count must "
            "be in the range [1, 8]\n",
            "generation_config.candidate_count",
        )
    max_tokens = cfg.get("maxOutputTokens")
    if max_tokens is not None and max_tokens < 1:
        raise bad_request(
            "* GenerateContentRequest.generation_config.max_output_tokens: must be positive\n",
            "generation_config.max_output_tokens",
        )
    if "responseSchema" in cfg and "responseJsonSchema" in cfg:
        raise bad_request(
            "* GenerateContentRequest.generation_config: only one of response_schema and "
            "response_json_schema may be set\n",
            "generation_config.response_schema",
        )
    mime = cfg.get("responseMimeType", "text/plain")
    if mime not in ("text/plain", "application/json", "text/x.enum"):
        raise bad_request(
            f"* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes "
            f"are `text/plain`, `application/json`, and `text/x.enum`; got `{mime}`.\n",
            "generation_config.response_mime_type",
        )
    if ("responseSchema" in cfg or "responseJsonSchema" in cfg) and mime == "text/plain":
        raise bad_request(
            "* GenerateContentRequest.generation_config.response_mime_type: "
            "response_mime_type must be `application/json` or `text/x.enum` when a response "
            "schema is set.\n",
            "generation_config.response_mime_type",
        )
    names: set[str] = set()
    for t, tool in enumerate(request.get("tools", ())):
        for d, decl in enumerate(tool.get("functionDeclarations", ())):
            name = decl.get("name", "")
            where = f"tools[{t}].function_declarations[{d}]"
            if not _FUNCTION_NAME.match(name):
                raise bad_request(
                    f"* GenerateContentRequest.{where}.name: Invalid function name. Must start "
                    "with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain "
                    "underscores, dots, colons and dashes, with a maximum length of 128.\n",
                    f"{where}.name",
                )
            if "parameters" in decl and "parametersJsonSchema" in decl:
                raise bad_request(
                    f"* GenerateContentRequest.{where}: only one of parameters and "
                    "parameters_json_schema may be set\n",
                    where,
                )
            names.add(name)
    fcc = request.get("toolConfig", {}).get("functionCallingConfig", {})
    for allowed in fcc.get("allowedFunctionNames", ()):
        if allowed not in names:
            raise bad_request(
                "* GenerateContentRequest.tool_config.function_calling_config."
                f"allowed_function_names: function {allowed} is not declared in tools\n",
                "tool_config.function_calling_config.allowed_function_names",
            )


def _declares_functions(request: dict[str, Any]) -> bool:
    """Whether the request declares any function (chains of calls need one)."""
    return bool(_declarations(request))


def _text_of(content: dict[str, Any]) -> str:
    pieces = []
    for part in content.get("parts", ()):
        if "text" in part and not part.get("thought"):
            pieces.append(part["text"])
        elif "inlineData" in part or "fileData" in part:
            blob = part.get("inlineData") or part.get("fileData") or {}
            pieces.append(f"[{blob.get('mimeType', 'media')}]")
    return " ".join(pieces)


def _quote(text: str, limit: int = 80) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def _keywords(text: str, exclude: set[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in tokenize(text):
        if len(word) > 3 and word.isalpha() and word.lower() not in exclude:
            seen.setdefault(word, None)
    caps = [w for w in seen if w[0].isupper()]
    return caps + [w for w in seen if not w[0].isupper()]


def _sentences(rng: random.Random, keywords: list[str], count: int) -> str:
    out = []
    for _ in range(count):
        words = [_VOCAB[rng.randrange(len(_VOCAB))] for _ in range(rng.randint(6, 10))]
        if keywords:
            words.insert(rng.randrange(1, len(words)), keywords[rng.randrange(len(keywords))])
        sentence = " ".join(words)
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def _signature(seed: int, index: int) -> str:
    digest = hashlib.sha256(f"signature:{seed}:{index}".encode()).digest()
    return base64.b64encode(digest).decode()


def _declarations(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for tool in request.get("tools", ()) for d in tool.get("functionDeclarations", ())]


def _stop(text: str, stops: list[str]) -> str:
    cut = len(text)
    for stop in stops:
        if stop:
            found = text.find(stop)
            if found != -1:
                cut = min(cut, found)
    return text[:cut]


def generate_content(
    request: dict[str, Any], model: ModelInfo, *, seed: int = 0, response_id: str = ""
) -> Generation:
    """Answer a normalised GenerateContentRequest.

    Args:
        request: The request body with camelCase keys (see ``_proto.parse``).
        model: The model answering (its kind decides images, speech, thinking).
        seed: The emulator's seed, mixed into every choice.
        response_id: The ``responseId`` to report.

    Raises:
        ApiError: 400 INVALID_ARGUMENT for requests the real API rejects (missing contents,
            empty parts, out-of-range sampling parameters, unsatisfiable schemas, ...).
    """
    _check_request(request)
    cfg: dict[str, Any] = request.get("generationConfig", {})
    contents: list[dict[str, Any]] = request["contents"]
    material = _ENCODE(
        [contents, request.get("systemInstruction"), cfg.get("seed"), seed, model.kind]
    )
    base_seed = int.from_bytes(hashlib.sha256(material).digest()[:8], "big")

    last = contents[-1]
    responses = [p["functionResponse"] for p in last.get("parts", ()) if "functionResponse" in p]
    prompt = ""
    rounds = 0  # function-response turns since the prompt
    for content in reversed(contents):
        if content.get("role", "user") == "model":
            continue
        prompt = _text_of(content)
        if prompt:
            break
        if any("functionResponse" in p for p in content.get("parts", ())):
            rounds += 1
    steps = _THEN.split(prompt) if _declares_functions(request) else [prompt]
    decls = _declarations(request)
    decl_names = {d.get("name", "").lower() for d in decls}
    keywords = _keywords(prompt, decl_names)

    modalities = set(cfg.get("responseModalities") or ())
    if model.kind == "image" and not modalities:
        modalities = {"TEXT", "IMAGE"}
    if "IMAGE" in modalities and model.kind != "image":
        raise bad_request("Model does not support the requested response modalities: image", None)
    if "AUDIO" in modalities and model.kind not in ("tts", "live"):
        raise bad_request("Model does not support the requested response modalities: audio", None)

    thinking_cfg = cfg.get("thinkingConfig", {})
    thinks = model.thinking and thinking_cfg.get("thinkingBudget", -1) != 0
    include_thoughts = bool(thinking_cfg.get("includeThoughts")) and thinks

    candidates: list[Candidate] = []
    out_tokens = 0
    thought_tokens = 0
    for index in range(cfg.get("candidateCount") or 1):
        rng = random.Random(base_seed + index)
        parts: list[dict[str, Any]] = []
        finish = "STOP"
        if thinks:
            thought = (
                f'**Considering the request**\n\nThe user wrote "{_quote(prompt, 60)}". '
                + _sentences(rng, keywords, 2)
            )
            thought_tokens += count_text(thought)
            if include_thoughts:
                parts.append(
                    {
                        "text": thought,
                        "thought": True,
                        "thoughtSignature": _signature(base_seed, index),
                    }
                )
        calls = (
            []
            if responses and rounds >= len(steps)
            else _function_calls(request, decls, steps[min(rounds, len(steps) - 1)], keywords, rng)
        )
        if calls:
            parts.extend({"functionCall": call} for call in calls)
        elif model.kind == "tts":
            audio = pcm16(f"{base_seed}:{index}")
            parts.append(
                {
                    "inlineData": {
                        "mimeType": "audio/L16;codec=pcm;rate=24000",
                        "data": base64.b64encode(audio).decode(),
                    }
                }
            )
        else:
            if not modalities or "TEXT" in modalities:
                text, finish = _answer_text(cfg, prompt, keywords, responses, rng)
                parts.append({"text": text})
            if "IMAGE" in modalities:
                image = png(f"{base_seed}:{index}")
                parts.append(
                    {
                        "inlineData": {
                            "mimeType": "image/png",
                            "data": base64.b64encode(image).decode(),
                        }
                    }
                )
        out_tokens += sum(count_part(p) for p in parts if not p.get("thought"))
        candidates.append(Candidate(index=index, parts=parts, finish_reason=finish))
    return Generation(
        candidates=candidates,
        prompt_tokens=prompt_tokens(request),
        candidate_tokens=out_tokens,
        thought_tokens=thought_tokens,
        model_version=model.name.removeprefix("models/"),
        response_id=response_id,
    )


def _answer_text(
    cfg: dict[str, Any],
    prompt: str,
    keywords: list[str],
    responses: list[dict[str, Any]],
    rng: random.Random,
) -> tuple[str, str]:
    mime = cfg.get("responseMimeType", "text/plain")
    schema = cfg.get("responseSchema")
    json_schema = cfg.get("responseJsonSchema")
    values = _assignments(prompt)
    if mime == "text/x.enum":
        options = (
            (schema or json_schema or {}).get("enum")
            if isinstance(schema or json_schema, dict)
            else None
        )
        if not options:
            raise bad_request(
                "* GenerateContentRequest.generation_config.response_schema: text/x.enum "
                "requires a schema with an enum\n",
                "generation_config.response_schema",
            )
        return str(_pick(options, prompt, rng)), "STOP"
    if mime == "application/json":
        try:
            if schema is not None or json_schema is not None:
                value = generate(
                    schema if schema is not None else json_schema, rng, keywords, values
                )
            else:
                value = {"response": _plain_text(prompt, keywords, responses, rng)}
        except SchemaError as exc:
            raise bad_request(
                f"* GenerateContentRequest.generation_config.response_schema: {exc}\n",
                "generation_config.response_schema",
            ) from None
        return _ENCODE(value).decode(), "STOP"
    text = _plain_text(prompt, keywords, responses, rng)
    stops = cfg.get("stopSequences") or []
    if stops:
        text = _stop(text, stops)
    limit = cfg.get("maxOutputTokens")
    if limit is not None:
        text, cut = truncate_to_tokens(text, limit)
        if cut:
            return text, "MAX_TOKENS"
    return text, "STOP"


def _pick(options: list[Any], prompt: str, rng: random.Random) -> Any:
    lowered = prompt.lower()
    for option in options:
        if str(option).lower() in lowered:
            return option
    return options[rng.randrange(len(options))]


def _plain_text(
    prompt: str, keywords: list[str], responses: list[dict[str, Any]], rng: random.Random
) -> str:
    if responses:
        pieces = [
            f"The function {r.get('name', 'call')} returned "
            f"{_ENCODE(r.get('response', {})).decode()}."
            for r in responses
        ]
        return " ".join(pieces) + " " + _sentences(rng, keywords, 1)
    return f'Emulated reply to "{_quote(prompt)}". ' + _sentences(rng, keywords, 3)


def _assignments(prompt: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ASSIGN.finditer(prompt):
        value = next(v for v in match.group(2, 3, 4) if v is not None)
        found.setdefault(match.group(1), value)
    return found


def _function_calls(
    request: dict[str, Any],
    decls: list[dict[str, Any]],
    prompt: str,
    keywords: list[str],
    rng: random.Random,
) -> list[dict[str, Any]]:
    if not decls:
        return []
    fcc = request.get("toolConfig", {}).get("functionCallingConfig", {})
    mode = fcc.get("mode", "AUTO")
    if mode == "NONE":
        return []
    allowed = set(fcc.get("allowedFunctionNames") or ())
    usable = [d for d in decls if not allowed or d.get("name") in allowed]
    lowered = prompt.lower()
    chosen = [
        d
        for d in usable
        if re.search(rf"(?<![\w.]){re.escape(d['name'].lower())}(?![\w])", lowered)
    ]
    if not chosen and mode == "ANY" and usable:
        chosen = [usable[0]]
    values = _assignments(prompt)
    calls = []
    for decl in chosen:
        schema = decl.get("parametersJsonSchema", decl.get("parameters"))
        args: Any = {}
        if schema is not None:
            try:
                args = generate(schema, rng, keywords, values)
            except SchemaError as exc:
                raise ApiError(
                    400, f"* GenerateContentRequest.tools: function {decl['name']}: {exc}\n"
                ) from None
        calls.append({"name": decl["name"], "args": args if isinstance(args, dict) else {}})
    return calls


def split_for_stream(generation: Generation, chunk_words: int) -> list[dict[str, Any]]:
    """Frame a generation as streamed ``GenerateContentResponse`` deltas.

    Thoughts, text (in runs of about ``chunk_words`` words), function calls and media each come
    as separate events; the last event carries every ``finishReason`` and the ``usageMetadata``.
    """
    per_candidate: list[list[dict[str, Any]]] = []
    for cand in generation.candidates:
        pieces: list[dict[str, Any]] = []
        for part in cand.parts:
            text = part.get("text")
            if text is not None and "inlineData" not in part:
                chunks = _word_chunks(text, chunk_words)
                for n, chunk in enumerate(chunks):
                    piece = {**part, "text": chunk}
                    if n and "thoughtSignature" in piece:
                        del piece["thoughtSignature"]
                    pieces.append(piece)
            else:
                pieces.append(part)
        per_candidate.append(pieces)
    count = max((len(p) for p in per_candidate), default=0) or 1
    events: list[dict[str, Any]] = []
    for i in range(count):
        cands = []
        for cand, pieces in zip(generation.candidates, per_candidate, strict=True):
            entry: dict[str, Any] | None = None
            if i < len(pieces):
                entry = {"content": {"parts": [pieces[i]], "role": "model"}, "index": cand.index}
            if i == count - 1:
                entry = entry or {
                    "content": {"parts": [{"text": ""}], "role": "model"},
                    "index": cand.index,
                }
                entry["finishReason"] = cand.finish_reason
                if cand.grounding is not None:
                    entry["groundingMetadata"] = cand.grounding
            if entry is not None:
                cands.append(entry)
        event: dict[str, Any] = {"candidates": cands}
        if i == count - 1:
            event["usageMetadata"] = generation.usage()
        event["modelVersion"] = generation.model_version
        event["responseId"] = generation.response_id
        events.append(event)
    return events


_WORD_RUNS = re.compile(r"\S+\s*")


def _word_chunks(text: str, size: int) -> list[str]:
    words = _WORD_RUNS.findall(text)
    if not words:
        return [text]
    lead = text[: len(text) - len(text.lstrip())]
    chunks = ["".join(words[i : i + size]) for i in range(0, len(words), max(1, size))]
    chunks[0] = lead + chunks[0]
    return chunks
