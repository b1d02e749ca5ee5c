"""The review gallery's sign-in: a signed, expiring token in a cookie, never the key itself.

A token is ``<expiry>.<signature>``: the expiry in Unix seconds and an HMAC-SHA256 of it under a secret derived
from the API key. Changing the key ends every session; a token past its expiry, or altered, is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from creative_ai.config import Settings

COOKIE = "creative_ai_session"
_PURPOSE = b"creative-ai gallery session v1"


def _secret(settings: Settings) -> bytes:
    assert settings.api_key is not None  # sessions exist only on a server with a key
    return hmac.new(settings.api_key.get_secret_value().encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(settings: Settings, expiry: int) -> str:
    return hmac.new(_secret(settings), str(expiry).encode(), hashlib.sha256).hexdigest()


def issue_token(settings: Settings, *, now: float | None = None) -> str:
    """A session token valid for ``gallery_session_seconds`` from ``now``."""
    expiry = int(time.time() if now is None else now) + settings.gallery_session_seconds
    return f"{expiry}.{_signature(settings, expiry)}"


def token_ok(settings: Settings, token: str | None, *, now: float | None = None) -> bool:
    """Whether ``token`` was issued by this server (with its current key) and has not expired."""
    if settings.api_key is None or not token:
        return False
    expiry, _, signature = token.partition(".")
    if not (expiry.isascii() and expiry.isdigit() and len(expiry) <= 12):
        return False
    if not hmac.compare_digest(signature.encode(), _signature(settings, int(expiry)).encode()):
        return False
    return int(expiry) > (time.time() if now is None else now)
