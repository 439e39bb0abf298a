"""The error hierarchy: mapping, google-genai compatible text, pickling, 429 details."""

from __future__ import annotations

import pickle

import pytest

from genai_actors import errors

BODY = {"error": {"code": 404, "message": "no such model", "status": "NOT_FOUND"}}


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        (400, "INVALID_ARGUMENT", errors.InvalidArgumentError),
        (400, "FAILED_PRECONDITION", errors.FailedPreconditionError),
        (401, "UNAUTHENTICATED", errors.UnauthenticatedError),
        (403, "PERMISSION_DENIED", errors.PermissionDeniedError),
        (404, "NOT_FOUND", errors.NotFoundError),
        (409, "ALREADY_EXISTS", errors.ConflictError),
        (418, "X", errors.ClientError),
        (429, "RESOURCE_EXHAUSTED", errors.RateLimitedError),
        (500, "INTERNAL", errors.InternalServerError),
        (503, "UNAVAILABLE", errors.ServiceUnavailableError),
        (504, "DEADLINE_EXCEEDED", errors.GatewayTimeoutError),
        (599, "X", errors.ServerError),
        (302, "X", errors.APIError),
    ],
)
def test_status_maps_to_class(code: int, status: str, cls: type[errors.APIError]) -> None:
    """Each status maps to its specific class, under ClientError/ServerError by range."""
    err = errors.error_from_response(code, {"error": {"code": code, "status": status}})
    assert type(err) is cls
    assert isinstance(err, errors.GenAIError)
    assert isinstance(err, errors.ClientError) == (400 <= code < 500)
    assert isinstance(err, errors.ServerError) == (500 <= code < 600)


def test_fields_and_text_match_google_genai() -> None:
    """code/status/message/details and str() follow google-genai ("{code} {status}. {details}")."""
    err = errors.error_from_response(404, [BODY])
    assert (err.code, err.status, err.message) == (404, "NOT_FOUND", "no such model")
    assert err.details == BODY
    assert err.response_json is err.details
    assert str(err) == f"404 NOT_FOUND. {BODY}"
    assert errors.error_from_response(0, BODY).code == 404


def test_errors_pickle_with_their_class_and_fields() -> None:
    """Errors survive pickling with their subclass and attributes."""
    for err in (
        errors.error_from_response(404, BODY, {"X-A": "1"}),
        errors.SessionClosed(1011, "internal", resumable=True),
        errors.UnsupportedByBackendError("Gemini Developer API", "config.labels"),
        errors.StreamCutError("cut"),
        errors.ResponseTooLargeError("too large", limit=10),
        errors.RequestTooLargeError(11, 10),
        errors.InvalidOptionError("http_options.timeout", "must be positive"),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert str(back) == str(err)
        assert back.__dict__ == err.__dict__


def test_rate_limited_reads_retry_info_quota_and_retry_after() -> None:
    """429 exposes retry_after from RetryInfo (else Retry-After), quota_id and per_day."""
    body = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [{"quotaMetric": "m", "quotaId": "PerMinute"}],
                },
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12.5s"},
            ],
        }
    }
    err = errors.error_from_response(429, body)
    assert isinstance(err, errors.RateLimitedError)
    assert (err.retry_after, err.quota_id, err.quota_metric, err.per_day) == (
        12.5,
        "PerMinute",
        "m",
        False,
    )
    bare = errors.error_from_response(429, {"error": {"code": 429}}, {"Retry-After": "3"})
    assert isinstance(bare, errors.RateLimitedError)
    assert bare.retry_after == 3.0
    assert bare.quota_id is None


def test_transport_errors_are_typed() -> None:
    """Timeouts are TimeoutError; stream cuts have their alias; ValueError-based errors stay so."""
    assert issubclass(errors.RequestTimeoutError, TimeoutError)
    assert issubclass(errors.StreamIdleTimeoutError, errors.RequestTimeoutError)
    assert errors.StreamInterruptedError is errors.StreamCutError
    assert issubclass(errors.ResponseTooLargeError, errors.TransportError)
    assert issubclass(errors.RequestTooLargeError, errors.InvalidRequestError)
    assert issubclass(errors.InvalidOptionError, TypeError)
    for cls in (
        errors.InvalidOptionError,
        errors.RequestTooLargeError,
        errors.UnknownApiResponseError,
        errors.EphemeralTokenAPIKeyError,
        errors.UnsupportedByBackendError,
        errors.UnknownFunctionCallArgumentError,
        errors.UnsupportedFunctionError,
        errors.FunctionInvocationError,
    ):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, errors.GenAIError)


def test_durations_and_retry_after_parsing() -> None:
    """Proto durations and Retry-After values parse to seconds; junk gives None."""
    assert errors.parse_duration("0.250s") == 0.25
    assert errors.parse_duration({"seconds": 2, "nanos": 500_000_000}) == 2.5
    assert errors.parse_duration("soon") is None
    assert errors.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert errors.parse_retry_after("junk") is None
