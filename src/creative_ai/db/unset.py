"""``UNSET``: "leave this column as it is" in an update, where ``None`` is a value to write (``error=None``)."""

from __future__ import annotations

from enum import Enum
from typing import Final


class Unset(Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


def given(**columns: object) -> dict[str, object]:
    """The columns that were given a value (UNSET ones left out), for an UPDATE."""
    return {name: value for name, value in columns.items() if value is not UNSET}


__all__ = ["UNSET", "Unset", "given"]
