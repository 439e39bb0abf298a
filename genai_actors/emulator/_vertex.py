"""Vertex AI on the same server: path scopes, authentication, project checks and dispatch.

A Vertex AI path is ``/{v1beta1|v1}/projects/{p}/locations/{l}/{resource}[:{method}]``, or in
express mode (an API key, no project) ``/{version}/publishers/google/models/...``; google-genai
also GETs ``publishers/google/models/...`` without the prefix when it has a project. The
``projects/{p}/locations/{l}/`` prefix is taken off (it becomes :attr:`VertexCall.project` and
``location``) and the rest is looked up in the Vertex router, whose shapes are Vertex's own
(``publishers/*/models/*``, ``endpoints/*``, ``batchPredictionJobs/*``...).

Authentication: ``Authorization: Bearer`` (see ``_oauth``) on every path; an API key
(``x-goog-api-key``) only on express paths, as Vertex AI refuses keys for project resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._auth import authenticate
from ._errors import ApiError
from ._oauth import authenticate_bearer, unauthenticated
from ._proto import parse
from ._router import Call

if TYPE_CHECKING:
    from aiohttp import web

    from ._catalog import ModelInfo
    from ._state import EmulatorState

__all__ = ["VertexCall", "is_vertex", "model_info", "prepare", "publisher_model"]

_API_KEYS_REFUSED = (
    "API keys are not supported by this API. Expected OAuth2 access token or other "
    "authentication credentials that assert a principal. See "
    "https://cloud.google.com/docs/authentication"
)


class VertexCall(Call):
    """A :class:`Call` on a Vertex AI path.

    Attributes:
        project: The project of ``projects/{p}/locations/{l}/``, or ``""`` (express mode and
            prefix-less publisher model GETs).
        location: The location, or ``""``.
    """

    __slots__ = ("location", "project")

    def __init__(
        self,
        state: EmulatorState,
        request: web.Request,
        version: str,
        name: str,
        action: str,
        body: bytes,
        project: str = "",
        location: str = "",
    ) -> None:
        super().__init__(state, request, version, name, action, body)
        self.project = project
        self.location = location

    @property
    def prefix(self) -> str:
        """``projects/{p}/locations/{l}/``, or ``""`` without a project."""
        return f"projects/{self.project}/locations/{self.location}/" if self.project else ""

    @property
    def full_name(self) -> str:
        """The resource name with its project prefix, as Vertex AI names it in responses."""
        return self.prefix + self.name

    def body_as(self, message: str) -> dict[str, Any]:
        """Decode and validate the body as Vertex AI's ``message`` (camelCase keys).

        Raises:
            ApiError: 400 INVALID_ARGUMENT for malformed JSON, unknown fields or wrong types.
        """
        return parse(message, self.raw_json(), api_version=self.version, vertex=True)

    def delegate(self, name: str, body: Any = None) -> VertexCall:
        """The same request addressed to ``name`` (a Developer API shaped name, such as
        ``models/x``, for handlers shared with that API); ``body`` replaces the decoded body."""
        other = VertexCall(
            self.state,
            self.request,
            self.version,
            name,
            self.action,
            self.body,
            self.project,
            self.location,
        )
        other.set_json(self.raw_json() if body is None else body)
        return other


def is_vertex(version: str, rest: str) -> bool:
    """Whether ``/{version}/{rest}`` is a Vertex AI path (``v1beta1``, or ``v1`` on a project or
    publisher path)."""
    if version == "v1beta1":
        return True
    return version == "v1" and rest.startswith(("projects/", "publishers/"))


def prepare(
    state: EmulatorState, request: web.Request, version: str, rest: str, body: bytes
) -> tuple[VertexCall, str | None]:
    """Authenticate a Vertex AI request and make its call.

    Returns:
        The call and the model fault configuration applies to (``models/{id}``), if any.

    Raises:
        ApiError: 401 for a missing or refused credential; 403 PERMISSION_DENIED for a project
            outside ``Settings.vertex_projects``; 404 for a malformed scope.
    """
    segments = rest.rstrip("/").split("/")
    project = location = ""
    if segments[0] == "projects":
        if len(segments) < 5 or segments[2] != "locations" or not segments[1] or not segments[3]:
            raise ApiError(
                404, f"The requested URL /{version}/{rest} was not found on this server."
            )
        project, location = segments[1], segments[3]
        segments = segments[4:]
    _authenticate(state, request, express=not project)
    head, slash, last = "/".join(segments).rpartition("/")
    last, _, action = last.partition(":")
    name = head + slash + last
    if project:
        allowed = state.settings.vertex_projects
        if allowed and project not in allowed:
            raise permission_denied(f"projects/{project}/locations/{location}/{name}", action)
    call = VertexCall(state, request, version, name, action, body, project, location)
    model = None
    parts = call.segments
    if len(parts) == 4 and parts[0] == "publishers" and parts[2] == "models":
        model = f"models/{parts[3]}"
    elif len(parts) == 2 and parts[0] == "endpoints":
        model = state.vertex.endpoint_base(parts[1])  # a tuned model's faults: its base's
    return call, model


def _authenticate(state: EmulatorState, request: web.Request, *, express: bool) -> None:
    if "Authorization" in request.headers:
        authenticate_bearer(state, request)
        return
    if request.headers.get("x-goog-api-key") or request.query.get("key"):
        if not express:
            raise unauthenticated(_API_KEYS_REFUSED, "CREDENTIALS_MISSING")
        authenticate(state, request)
        return
    authenticate_bearer(state, request)


def permission_denied(resource: str, action: str) -> ApiError:
    """The 403 Vertex AI answers for a project the caller may not use."""
    permission = "aiplatform.endpoints.predict" if action else "aiplatform.googleapis.com.get"
    return ApiError(
        403,
        f"Permission '{permission}' denied on resource '//aiplatform.googleapis.com/{resource}' "
        "(or it may not exist).",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "IAM_PERMISSION_DENIED",
                "domain": "aiplatform.googleapis.com",
                "metadata": {"permission": permission, "resource": resource},
            }
        ],
    )


def publisher_model(call: VertexCall, method: str) -> str:
    """The Developer API name (``models/{id}``) of the Google publisher model a call names,
    checked to exist and to support ``method``.

    Raises:
        ApiError: 404 NOT_FOUND worded as Vertex AI words it.
    """
    parts = call.segments
    model_id = parts[3] if len(parts) >= 4 else ""
    name = f"models/{model_id}"
    info = call.state.models.get(name) or call.state.vertex.publisher_models.get(name)
    if parts[1] != "google" or info is None or method not in info.methods:
        raise model_not_found(call)
    return name


def model_info(call: VertexCall, name: str) -> ModelInfo:
    """The catalogue entry of ``models/{id}`` (the Developer API's, or Vertex AI's own)."""
    return call.state.models.get(name) or call.state.vertex.publisher_models[name]


def model_not_found(call: VertexCall) -> ApiError:
    """404 for a publisher model that does not exist (or cannot do what was asked)."""
    return ApiError(
        404,
        f"Publisher Model `{call.full_name}` was not found or your project does not have "
        "access to it. Please ensure you are using a valid model version. For more "
        "information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/"
        "model-versions",
    )
