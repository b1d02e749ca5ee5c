"""The review gallery's sign-in: a signed, expiring token in a cookie, never a key or a person's token itself.

A session is ``<expiry>.<token id>.<signature>``: the expiry in Unix seconds, the id of the person's API token it
was opened with (0: the server's API key), and an HMAC-SHA256 of both under a secret derived from the API key (or,
on a server without one, a random secret kept in the database). Changing the key ends every key session; revoking
the token or disabling its person ends theirs (checked on every request); an expired or altered one is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from creative_ai.config import Settings

COOKIE = "creative_ai_session"
_PURPOSE = b"creative-ai gallery session v2"


def _secret(settings: Settings, secret: bytes | None) -> bytes:
    if settings.api_key is not None:
        return hmac.new(settings.api_key.get_secret_value().encode(), _PURPOSE, hashlib.sha256).digest()
    if secret is None:
        raise ValueError("a session needs the API key or the server's stored secret")
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, expiry: int, token_id: int) -> str:
    return hmac.new(key, f"{expiry}.{token_id}".encode(), hashlib.sha256).hexdigest()


def issue_token(settings: Settings, *, now: float | None = None, token_id: int = 0, secret: bytes | None = None) -> str:
    """A session valid for ``gallery_session_seconds`` from ``now``, for the person's token ``token_id`` (0: the
    API key)."""
    expiry = int(time.time() if now is None else now) + settings.gallery_session_seconds
    return f"{expiry}.{token_id}.{_signature(_secret(settings, secret), expiry, token_id)}"


def session_token_id(
    settings: Settings, token: str | None, *, now: float | None = None, secret: bytes | None = None
) -> int | None:
    """The token id of a session this server issued that has not expired (0: the API key's); None otherwise."""
    if not token or (settings.api_key is None and secret is None):
        return None
    expiry, _, rest = token.partition(".")
    token_id, _, signature = rest.partition(".")
    if not (expiry.isascii() and expiry.isdigit() and len(expiry) <= 12):
        return None
    if not (token_id.isascii() and token_id.isdigit() and len(token_id) <= 12):
        return None
    expected = _signature(_secret(settings, secret), int(expiry), int(token_id))
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    if int(expiry) <= (time.time() if now is None else now):
        return None
    if int(token_id) == 0 and settings.api_key is None:
        return None  # a key session on a server that has no key
    return int(token_id)


def token_ok(settings: Settings, token: str | None, *, now: float | None = None) -> bool:
    """Whether ``token`` is a live session of the server's API key."""
    return settings.api_key is not None and session_token_id(settings, token, now=now) == 0
