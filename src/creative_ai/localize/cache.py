"""The key an accepted machine translation is kept under: the model, both locales and the source text, hashed.

The same model, locales and text always give the same key, so a rerun finds what an earlier run kept.
"""

from __future__ import annotations

import hashlib

PREFIX = "tr:"


def translation_key(text: str, *, source: str, target: str, model: str) -> str:
    raw = f"{model}\n{source}\n{target}\n{text}".encode()
    return PREFIX + hashlib.sha256(raw).hexdigest()[:40]


__all__ = ["translation_key"]
