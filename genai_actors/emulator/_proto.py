"""Request-body validation that behaves like the Gemini API's proto-JSON parser.

The real API parses request JSON into protocol buffers: it accepts both the ``lowerCamelCase`` JSON
name and the original ``snake_case`` proto name of every field, rejects unknown fields with
``Invalid JSON payload received. Unknown name "x"...``, rejects values of the wrong type with
``Invalid value at 'field.path' (TYPE_FLOAT), "hot"``, and treats ``null`` as "not set".

:func:`parse` checks a decoded body against the message descriptions below and returns a copy
with every message key in camelCase (values inside free-form ``Struct`` fields are left
untouched), so the rest of the emulator reads one spelling only.

Type strings: ``string``, ``bool``, ``int``, ``float``, ``bytes`` (base64), ``value`` (any JSON,
``google.protobuf.Value``), ``struct`` (a JSON object), ``enum:Name``, a message name, ``[]T`` for
repeated fields and ``{}T`` for ``map<string, T>``. ``out:T`` marks an output-only field (the
API's ``OUTPUT_ONLY`` field behaviour): it is type-checked as ``T``, as the real parser reads it,
and then left out of the result, as the API ignores output-only fields a client sends back (a
fetched resource can be sent as it is).

Path fields the API also reads from the body (``model`` of ``countTokens``, ``predict``...) are
declared like any other field: the URL decides which model is used.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, NamedTuple

from ._errors import ApiError, field_violation

__all__ = ["MESSAGES", "VERTEX_MESSAGES", "parse", "snake"]

ENUMS: dict[str, frozenset[str]] = {
    "Type": frozenset(
        ["TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]
    ),
    "Modality": frozenset(["MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO", "VIDEO"]),
    "MediaResolution": frozenset(
        [
            "MEDIA_RESOLUTION_UNSPECIFIED",
            "MEDIA_RESOLUTION_LOW",
            "MEDIA_RESOLUTION_MEDIUM",
            "MEDIA_RESOLUTION_HIGH",
            "MEDIA_RESOLUTION_ULTRA_HIGH",
        ]
    ),
    "ThinkingLevel": frozenset(["THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH"]),
    "Mode": frozenset(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]),
    "HarmBlockThreshold": frozenset(
        [
            "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
            "BLOCK_LOW_AND_ABOVE",
            "BLOCK_MEDIUM_AND_ABOVE",
            "BLOCK_ONLY_HIGH",
            "BLOCK_NONE",
            "OFF",
        ]
    ),
    "TaskType": frozenset(
        [
            "TASK_TYPE_UNSPECIFIED",
            "RETRIEVAL_QUERY",
            "RETRIEVAL_DOCUMENT",
            "SEMANTIC_SIMILARITY",
            "CLASSIFICATION",
            "CLUSTERING",
            "QUESTION_ANSWERING",
            "FACT_VERIFICATION",
            "CODE_RETRIEVAL_QUERY",
        ]
    ),
    "Behavior": frozenset(["UNSPECIFIED", "BLOCKING", "NON_BLOCKING"]),
    "Scheduling": frozenset(["SCHEDULING_UNSPECIFIED", "SILENT", "WHEN_IDLE", "INTERRUPT"]),
    "Language": frozenset(["LANGUAGE_UNSPECIFIED", "PYTHON"]),
    "TunedModelState": frozenset(["STATE_UNSPECIFIED", "CREATING", "ACTIVE", "FAILED"]),
    "Outcome": frozenset(
        [
            "OUTCOME_UNSPECIFIED",
            "OUTCOME_OK",
            "OUTCOME_FAILED",
            "OUTCOME_DEADLINE_EXCEEDED",
        ]
    ),
}

MESSAGES: dict[str, dict[str, str]] = {
    "GenerateContentRequest": {
        "model": "string",
        "contents": "[]Content",
        "systemInstruction": "Content",
        "tools": "[]Tool",
        "toolConfig": "ToolConfig",
        "safetySettings": "[]SafetySetting",
        "generationConfig": "GenerationConfig",
        "cachedContent": "string",
        "serviceTier": "string",
        "store": "bool",
        "labels": "{}string",
        "continuationToken": "string",
    },
    "Content": {"role": "string", "parts": "[]Part"},
    "Part": {
        "text": "string",
        "thought": "bool",
        "thoughtSignature": "bytes",
        "inlineData": "Blob",
        "fileData": "FileData",
        "functionCall": "FunctionCall",
        "functionResponse": "FunctionResponse",
        "executableCode": "ExecutableCode",
        "codeExecutionResult": "CodeExecutionResult",
        "videoMetadata": "VideoMetadata",
        "mediaResolution": "struct",
        "toolCall": "struct",
        "toolResponse": "struct",
        "partMetadata": "struct",
        "audioTranscription": "struct",
    },
    "Blob": {"mimeType": "string", "data": "bytes"},
    "FileData": {"mimeType": "string", "fileUri": "string"},
    "FunctionCall": {"id": "string", "name": "string", "args": "struct"},
    "FunctionResponse": {
        "id": "string",
        "name": "string",
        "response": "struct",
        "parts": "[]struct",
        "willContinue": "bool",
        "scheduling": "enum:Scheduling",
    },
    "ExecutableCode": {"id": "string", "language": "enum:Language", "code": "string"},
    "CodeExecutionResult": {"id": "string", "outcome": "enum:Outcome", "output": "string"},
    "VideoMetadata": {"startOffset": "string", "endOffset": "string", "fps": "float"},
    "Tool": {
        "functionDeclarations": "[]FunctionDeclaration",
        "googleSearch": "struct",
        "googleSearchRetrieval": "struct",
        "googleMaps": "struct",
        "codeExecution": "struct",
        "urlContext": "struct",
        "fileSearch": "struct",
        "computerUse": "struct",
        "mcpServers": "[]struct",
    },
    "FunctionDeclaration": {
        "name": "string",
        "description": "string",
        "parameters": "Schema",
        "parametersJsonSchema": "value",
        "response": "Schema",
        "responseJsonSchema": "value",
        "behavior": "enum:Behavior",
    },
    "Schema": {
        "type": "enum:Type",
        "format": "string",
        "title": "string",
        "description": "string",
        "nullable": "bool",
        "enum": "[]string",
        "maxItems": "int",
        "minItems": "int",
        "properties": "{}Schema",
        "required": "[]string",
        "minProperties": "int",
        "maxProperties": "int",
        "minLength": "int",
        "maxLength": "int",
        "pattern": "string",
        "example": "value",
        "anyOf": "[]Schema",
        "propertyOrdering": "[]string",
        "default": "value",
        "items": "Schema",
        "minimum": "float",
        "maximum": "float",
    },
    "ToolConfig": {
        "functionCallingConfig": "FunctionCallingConfig",
        "retrievalConfig": "struct",
        "includeServerSideToolInvocations": "bool",
    },
    "FunctionCallingConfig": {"mode": "enum:Mode", "allowedFunctionNames": "[]string"},
    "SafetySetting": {"category": "string", "threshold": "enum:HarmBlockThreshold"},
    "GenerationConfig": {
        "stopSequences": "[]string",
        "responseMimeType": "string",
        "responseSchema": "Schema",
        "responseJsonSchema": "value",
        "responseModalities": "[]enum:Modality",
        "candidateCount": "int",
        "maxOutputTokens": "int",
        "temperature": "float",
        "topP": "float",
        "topK": "int",
        "seed": "int",
        "presencePenalty": "float",
        "frequencyPenalty": "float",
        "responseLogprobs": "bool",
        "logprobs": "int",
        "enableEnhancedCivicAnswers": "bool",
        "speechConfig": "struct",
        "thinkingConfig": "ThinkingConfig",
        "imageConfig": "struct",
        "mediaResolution": "enum:MediaResolution",
        "audioTranscriptionConfig": "struct",
    },
    "ThinkingConfig": {
        "includeThoughts": "bool",
        "thinkingBudget": "int",
        "thinkingLevel": "enum:ThinkingLevel",
    },
    "CountTokensRequest": {
        "model": "string",
        "contents": "[]Content",
        "generateContentRequest": "GenerateContentRequest",
    },
    "EmbedContentRequest": {
        "model": "string",
        "content": "Content",
        "taskType": "enum:TaskType",
        "title": "string",
        "outputDimensionality": "int",
    },
    "BatchEmbedContentsRequest": {"model": "string", "requests": "[]EmbedContentRequest"},
    "PredictLongRunningRequest": {
        "model": "string",
        "instances": "[]value",
        "parameters": "value",
        "webhookConfig": "struct",
    },
    "PredictRequest": {"model": "string", "instances": "[]value", "parameters": "value"},
    "CreateFileRequest": {"file": "File"},
    "File": {
        "name": "string",
        "displayName": "string",
        "mimeType": "string",
        "sizeBytes": "int",
        "createTime": "string",
        "updateTime": "string",
        "expirationTime": "string",
        "sha256Hash": "string",
        "uri": "string",
        "downloadUri": "string",
        "state": "string",
        "source": "string",
        "videoMetadata": "struct",
        "error": "struct",
    },
    "RegisterFilesRequest": {"uris": "[]string"},
    "CachedContent": {
        "name": "string",
        "model": "string",
        "displayName": "string",
        "ttl": "string",
        "expireTime": "string",
        "contents": "[]Content",
        "systemInstruction": "Content",
        "tools": "[]Tool",
        "toolConfig": "ToolConfig",
        "createTime": "string",
        "updateTime": "string",
        "usageMetadata": "struct",
    },
    "BatchGenerateContentRequest": {"batch": "GenerateContentBatch"},
    "GenerateContentBatch": {
        "name": "string",
        "model": "string",
        "displayName": "string",
        "inputConfig": "BatchInputConfig",
        "webhookConfig": "struct",
        "priority": "int",
    },
    "BatchInputConfig": {"fileName": "string", "requests": "InlinedRequests"},
    "InlinedRequests": {"requests": "[]InlinedRequest"},
    "InlinedRequest": {"request": "value", "metadata": "struct"},
    "AsyncBatchEmbedContentRequest": {"batch": "EmbedContentBatch"},
    "EmbedContentBatch": {
        "name": "string",
        "model": "string",
        "displayName": "string",
        "inputConfig": "BatchInputConfig",
        "priority": "int",
    },
    "TunedModelCreate": {
        "name": "out:string",
        "baseModel": "string",
        "displayName": "string",
        "description": "string",
        "temperature": "float",
        "topP": "float",
        "topK": "int",
        "state": "out:enum:TunedModelState",
        "createTime": "out:string",
        "updateTime": "out:string",
        "tuningTask": "TuningTask",
        "readerProjectNumbers": "[]int",
        "learningRateMultiplier": "float",
    },
    "TuningTask": {
        "startTime": "out:string",
        "completeTime": "out:string",
        "snapshots": "out:[]TuningSnapshot",
        "hyperparameters": "Hyperparameters",
        "trainingData": "TrainingData",
    },
    "TuningSnapshot": {
        "step": "int",
        "epoch": "int",
        "meanLoss": "float",
        "computeTime": "string",
    },
    "Hyperparameters": {
        "epochCount": "int",
        "batchSize": "int",
        "learningRate": "float",
        "learningRateMultiplier": "float",
    },
    "TrainingData": {"examples": "TuningExamples"},
    "TuningExamples": {"examples": "[]TuningExample"},
    "TuningExample": {"textInput": "string", "output": "string"},
    "FileSearchStoreCreate": {
        "name": "string",
        "displayName": "string",
        "embeddingModel": "string",
    },
    "ImportFileRequest": {
        "fileName": "string",
        "customMetadata": "[]CustomMetadata",
        "chunkingConfig": "ChunkingConfig",
    },
    "UploadToFileSearchStoreRequest": {
        "mimeType": "string",
        "displayName": "string",
        "customMetadata": "[]CustomMetadata",
        "chunkingConfig": "ChunkingConfig",
    },
    "CustomMetadata": {
        "key": "string",
        "stringValue": "string",
        "numericValue": "float",
        "stringListValue": "StringList",
    },
    "StringList": {"values": "[]string"},
    "ChunkingConfig": {"whiteSpaceConfig": "WhiteSpaceConfig"},
    "WhiteSpaceConfig": {"maxTokensPerChunk": "int", "maxOverlapTokens": "int"},
    "AuthToken": {
        "name": "string",
        "expireTime": "string",
        "newSessionExpireTime": "string",
        "uses": "int",
        "bidiGenerateContentSetup": "struct",
        "fieldMask": "string",
    },
    # A whole TunedModel may be sent back: only the fields ``_models`` lists as updatable change;
    # the immutable ones (baseModel, tuningTask) are read and not applied.
    "TunedModelPatch": {
        "name": "string",
        "baseModel": "string",
        "displayName": "string",
        "description": "string",
        "temperature": "float",
        "topP": "float",
        "topK": "int",
        "defaultCheckpointId": "string",
        "state": "out:enum:TunedModelState",
        "createTime": "out:string",
        "updateTime": "out:string",
        "tuningTask": "TuningTask",
        "readerProjectNumbers": "[]int",
    },
}

_CAMEL_TO_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    """``generationConfig`` -> ``generation_config`` (the proto field name)."""
    return _CAMEL_TO_SNAKE.sub("_", name).lower()


def _lookup_table(fields: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for camel in fields:
        table[camel] = camel
        table[snake(camel)] = camel
    return table


_LOOKUP: dict[str, dict[str, str]] = {name: _lookup_table(f) for name, f in MESSAGES.items()}

# What Vertex AI reads beyond the Developer API's messages (its own fields, and the config
# fields google-genai sends only to Vertex); every other message is shared.
_VERTEX_EXTRA: dict[str, dict[str, str]] = {
    "GenerateContentRequest": {"modelArmorConfig": "struct"},
    "GenerationConfig": {
        "routingConfig": "struct",
        "modelSelectionConfig": "struct",
        "audioTimestamp": "bool",
        "enableAffectiveDialog": "bool",
    },
    "SafetySetting": {"method": "string"},
    "Tool": {
        "retrieval": "struct",
        "enterpriseWebSearch": "struct",
        "parallelAiSearch": "struct",
        "exaAiSearch": "struct",
    },
    "Blob": {"displayName": "string"},
    "FileData": {"displayName": "string"},
    "FunctionCall": {"partialArgs": "[]struct", "willContinue": "bool"},
    "FunctionCallingConfig": {"streamFunctionCallArguments": "bool"},
    "CountTokensRequest": {
        "systemInstruction": "Content",
        "tools": "[]Tool",
        "generationConfig": "GenerationConfig",
    },
    "CachedContent": {"encryptionSpec": "struct", "kmsKeyName": "string"},
}
# Developer API fields Vertex AI does not have (google-genai refuses them for Vertex, §19 of
# the wire reference): sent anyway, they are unknown names there.
_VERTEX_ABSENT: dict[str, frozenset[str]] = {
    "Part": frozenset({"toolCall", "toolResponse", "partMetadata"}),
    "Tool": frozenset({"fileSearch"}),
    "ToolConfig": frozenset({"includeServerSideToolInvocations"}),
    "GenerationConfig": frozenset({"enableEnhancedCivicAnswers"}),
}
VERTEX_MESSAGES: dict[str, dict[str, str]] = {
    name: {
        k: v
        for k, v in {**fields, **_VERTEX_EXTRA.get(name, {})}.items()
        if k not in _VERTEX_ABSENT.get(name, ())
    }
    for name, fields in MESSAGES.items()
}
_VERTEX_LOOKUP: dict[str, dict[str, str]] = {
    name: _lookup_table(f) for name, f in VERTEX_MESSAGES.items()
}
_SCALAR_NAMES = {
    "string": "TYPE_STRING",
    "bool": "TYPE_BOOL",
    "int": "TYPE_INT64",
    "float": "TYPE_DOUBLE",
    "bytes": "TYPE_BYTES",
}


def parse(
    message: str, body: Any, *, api_version: str = "v1beta", vertex: bool = False
) -> dict[str, Any]:
    """Check ``body`` against ``message`` and return it with camelCase keys.

    Args:
        message: A key of :data:`MESSAGES`.
        body: The decoded JSON request body.
        api_version: Used in type URLs inside error messages.
        vertex: Read the body as Vertex AI does: its messages (:data:`VERTEX_MESSAGES`) and
            ``google.cloud.aiplatform`` type URLs.

    Returns:
        A normalised copy of the body; fields set to ``null`` are dropped.

    Raises:
        ApiError: 400 INVALID_ARGUMENT naming the first offending field.
    """
    dialect = _Dialect(
        VERTEX_MESSAGES if vertex else MESSAGES,
        _VERTEX_LOOKUP if vertex else _LOOKUP,
        f"google.cloud.aiplatform.{api_version}"
        if vertex
        else f"google.ai.generativelanguage.{api_version}",
    )
    if not isinstance(body, dict):
        raise _invalid_value("", _type_url(message, dialect), body)
    return _parse_message(message, body, "", dialect)


class _Dialect(NamedTuple):
    messages: dict[str, dict[str, str]]
    lookup: dict[str, dict[str, str]]
    package: str


def _type_url(name: str, dialect: _Dialect) -> str:
    return f"type.googleapis.com/{dialect.package}.{name}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list)):
        text = "{...}" if isinstance(value, dict) else "[...]"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _invalid_value(path: str, type_name: str, value: Any) -> ApiError:
    where = f" at '{path}'" if path else ""
    msg = f'Invalid value{where} ({type_name}), "{_short(value)}"'
    if isinstance(value, (dict, list)) and type_name.startswith("TYPE_"):
        kind = "an object" if isinstance(value, dict) else "a list"
        msg = f"Invalid JSON payload received. Unexpected {kind} for scalar field{where}."
    return ApiError(400, msg, details=[field_violation(path or None, msg)])


def _parse_message(name: str, obj: dict[str, Any], path: str, dialect: _Dialect) -> dict[str, Any]:
    fields = dialect.messages[name]
    lookup = dialect.lookup[name]
    out: dict[str, Any] = {}
    for key, value in obj.items():
        camel = lookup.get(key)
        if camel is None:
            where = f" at '{path}'" if path else ""
            msg = f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.'
            raise ApiError(400, msg, details=[field_violation(path or None, msg)])
        if value is None:
            continue
        spec = fields[camel]
        if spec.startswith("out:"):
            _parse_value(spec[4:], value, _join(path, snake(camel)), dialect)
            continue
        out[camel] = _parse_value(spec, value, _join(path, snake(camel)), dialect)
    return out


def _parse_value(spec: str, value: Any, path: str, dialect: _Dialect) -> Any:
    if spec.startswith("[]"):
        inner = spec[2:]
        if not isinstance(value, list):
            raise _invalid_value(path, _describe(inner, dialect), value)
        return [
            _parse_value(inner, item, f"{path}[{i}]", dialect)
            for i, item in enumerate(value)
            if item is not None
        ]
    if spec.startswith("{}"):
        inner = spec[2:]
        if not isinstance(value, dict):
            raise _invalid_value(path, _describe(spec, dialect), value)
        return {
            k: _parse_value(inner, v, f'{path}["{k}"]', dialect)
            for k, v in value.items()
            if v is not None
        }
    scalar = _SCALARS.get(spec)
    if scalar is not None:
        return scalar(value, path)
    if spec == "value":
        return value
    if spec == "struct":
        if not isinstance(value, dict):
            raise _invalid_value(path, "type.googleapis.com/google.protobuf.Struct", value)
        return value
    if spec.startswith("enum:"):
        enum_name = spec[5:]
        if isinstance(value, str) and value in ENUMS[enum_name]:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _invalid_value(path, _type_url(enum_name, dialect), value)
    if not isinstance(value, dict):
        raise _invalid_value(path, _type_url(spec, dialect), value)
    return _parse_message(spec, value, path, dialect)


def _describe(spec: str, dialect: _Dialect) -> str:
    if spec in _SCALAR_NAMES:
        return _SCALAR_NAMES[spec]
    if spec.startswith("enum:"):
        return _type_url(spec[5:], dialect)
    if spec in ("value", "struct") or spec.startswith("{}"):
        return "type.googleapis.com/google.protobuf.Struct"
    return _type_url(spec, dialect)


def _string(value: Any, path: str) -> str:
    if isinstance(value, str):
        return value
    raise _invalid_value(path, "TYPE_STRING", value)


def _bool(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true" or value == "false":
        return bool(value == "true")
    raise _invalid_value(path, "TYPE_BOOL", value)


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool):
        raise _invalid_value(path, "TYPE_INT64", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise _invalid_value(path, "TYPE_INT64", value)


def _float(value: Any, path: str) -> float:
    if isinstance(value, bool):
        raise _invalid_value(path, "TYPE_DOUBLE", value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise _invalid_value(path, "TYPE_DOUBLE", value)


def _bytes(value: Any, path: str) -> str:
    if isinstance(value, str):
        padded = value + "=" * (-len(value) % 4)
        try:
            base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise _invalid_value(path, "TYPE_BYTES", value) from None
        return value
    raise _invalid_value(path, "TYPE_BYTES", value)


_SCALARS = {"string": _string, "bool": _bool, "int": _int, "float": _float, "bytes": _bytes}
