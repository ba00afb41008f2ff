"""Slack request signatures, checked before bolt sees a request.

bolt verifies signatures too, but answers a non-numeric timestamp with 500 and lets an
`ssl_check=1` body through before its signature check (answering 200). This check runs first
and refuses, with a 4xx and without reaching bolt, anything that is not signed by Slack now:
missing headers (401), a malformed timestamp (400), a timestamp more than 300 s off (401), or a
signature that does not match the raw body (401).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

MAX_AGE = 300  # seconds either way, as Slack recommends and bolt uses
VERSION = "v0"


class SignatureRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def compute_signature(signing_secret: str, timestamp: str, body: bytes | str) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed by the signing secret."""
    raw = body.encode() if isinstance(body, str) else body
    base = f"{VERSION}:{timestamp}:".encode() + raw
    return f"{VERSION}=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def check_signature(
    signing_secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    clock: Callable[[], float] = time.time,
) -> None:
    """Raise `SignatureRefused` unless `body` was signed with `signing_secret` within 300 s."""
    if not signing_secret:
        raise SignatureRefused(401, "no signing secret configured")
    timestamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if not timestamp or not signature:
        raise SignatureRefused(401, "missing signature headers")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise SignatureRefused(400, "malformed timestamp")
    if abs(clock() - int(timestamp)) > MAX_AGE:
        raise SignatureRefused(401, "stale timestamp")
    expected = compute_signature(signing_secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise SignatureRefused(401, "invalid signature")
