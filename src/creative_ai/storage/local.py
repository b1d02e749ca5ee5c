"""Local-directory store: temp file in the same folder, fsync, then rename.

A write holds an exclusive ``flock`` on its temp file until the rename, so :meth:`LocalStore.sweep_temp` can tell
the temp file of a live write (locked) from one a killed process left (unlocked) without guessing from its age.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from pathlib import Path

from creative_ai.errors import StorageError
from creative_ai.storage.base import Store, safe_key

# ``.{name}.{random}.tmp``: what ``write`` names its temp files (``tempfile.mkstemp`` draws 8 of [a-z0-9_]).
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


class LocalStore(Store):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        target = (self.root / safe_key(key)).resolve()
        if not target.is_relative_to(self.root):
            raise StorageError(f"refusing to write outside the output folder: {key!r}")
        return target

    def write(self, key: str, data: bytes) -> None:
        target = self.path(key)
        tmp: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = _locked_temp(target)
            with os.fdopen(fd, "wb") as handle:  # the lock is held until the rename is done
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
                Path(tmp).chmod(0o644)
                Path(tmp).replace(target)
        except BaseException as exc:  # an interrupt too: no temp file is left behind, whatever stops the write
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write {target}: {exc.strerror}") from exc
            raise

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror}") from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {key}: {exc.strerror}") from exc

    def sweep_temp(self, prefix: str) -> int:
        """Remove the temp files of writes that never finished (their process was killed) under the folder
        ``prefix``: only files named as :meth:`write` names them, never one a live write still holds."""
        folder = self.path(prefix.rstrip("/"))
        removed = 0
        for parent, _dirs, files in os.walk(folder):  # symlinked folders are not followed
            for name in files:
                if TEMP_NAME.fullmatch(name) and _remove_if_abandoned(Path(parent, name)):
                    removed += 1
        return removed


def _locked_temp(target: Path) -> tuple[int, str]:
    """A new temp file beside ``target``, open and locked. One a sweep removed before it was locked is replaced."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.path.samestat(os.fstat(fd), Path(tmp).stat()):
                return fd, tmp
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            Path(tmp).unlink(missing_ok=True)
            raise
        os.close(fd)


def _remove_if_abandoned(path: Path) -> bool:
    """Unlink a temp file no live write holds (its lock is free); False when one does, or it is gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False  # gone already, or a symbolic link (never ours)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if not os.path.samestat(os.fstat(fd), path.stat()):
            return False
        path.unlink()
    except OSError:
        return False  # locked: a write in progress (or the file went away meanwhile)
    finally:
        os.close(fd)
    return True
