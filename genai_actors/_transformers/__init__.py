# genai_actors._transformers: pure input transformers and request builders (no I/O).
#   _errors      InvalidRequestError
#   _normalize   type-directed key normalisation, coercion, wire validation
#   _contents    contents / parts normalisation (google-genai's t_contents rules)
#   _names       model, cached-content, operation and file names
#   _jsonschema  JSON Schema for Python annotations (pydantic-shaped)
#   _schema      response_schema -> Schema, parse_response for .parsed
#   _functions   callables -> FunctionDeclaration; FunctionCall.args -> call kwargs
#   _config      config coercion, tools merging, speech config
#   _gating      vertex_only_fields / mldev_only_fields
#   _request     Request (verb, path, query, JSON body)
#   _generate    generateContent / countTokens / computeTokens builders
#   _models_api  embed, get/list/update/delete, videos, images, operations builders
"""Pure functions the ``models`` layer calls to turn user input into wire requests."""

from __future__ import annotations
