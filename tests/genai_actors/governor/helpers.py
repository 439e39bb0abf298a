"""Shared pieces of the governor tests: server-shaped 429/503 errors."""

from __future__ import annotations

from genai_actors import errors

RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"


def rate_limited(
    delay: float | None = None, quota_id: str = "PerMinute"
) -> errors.RateLimitedError:
    """A 429 as the API sends it: RetryInfo (when ``delay``) and a QuotaFailure."""
    details: list[object] = [
        {"@type": QUOTA_FAILURE, "violations": [{"quotaId": quota_id, "quotaMetric": "m"}]}
    ]
    if delay is not None:
        details.append({"@type": RETRY_INFO, "retryDelay": f"{delay}s"})
    body = {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": details}}
    return errors.RateLimitedError(429, body)


def unavailable() -> errors.ServiceUnavailableError:
    """A 503 UNAVAILABLE without a hint."""
    body = {"error": {"code": 503, "status": "UNAVAILABLE", "message": "overloaded"}}
    return errors.ServiceUnavailableError(503, body)
