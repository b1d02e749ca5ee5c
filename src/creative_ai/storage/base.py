"""The file-store seam: keys are relative POSIX paths; writes are atomic; nothing escapes the root."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import PurePosixPath

from creative_ai.errors import StorageError


def safe_key(key: str) -> str:
    """Reject keys that could leave the store (absolute, '..', backslashes, empty parts)."""
    path = PurePosixPath(key)
    if not key or path.is_absolute() or "\\" in key or any(part in ("", ".", "..") for part in key.split("/")):
        raise StorageError(f"refusing unsafe storage key {key!r}")
    return str(path)


class Store(ABC):
    """Where creatives, sidecars, manifests and heroes live."""

    @abstractmethod
    def write(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically (readers see the old or the new bytes, never a mix)."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The bytes under ``key``; StorageError when absent."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""

    def sweep_temp(self, prefix: str) -> int:
        """Remove what killed writers left under ``prefix``; how many were removed. A store whose writes leave
        nothing behind (a PUT replaces an object whole) has nothing to sweep."""
        return 0

    def write_if_changed(self, key: str, data: bytes) -> bool:
        """Write only when the stored bytes differ; returns whether it wrote."""
        if self.exists(key) and self.read(key) == data:
            return False
        self.write(key, data)
        return True
