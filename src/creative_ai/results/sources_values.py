"""The cells of a report read as values: numbers as the platforms print them, dates, periods, utm_content."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

Cell = str | int | float | date | None  # a CSV cell is a str; an XLSX cell may be any of these

# Written for "none" by Meta and Google ("--", " --"); an empty cell counts as zero too.
ZERO_TEXTS = frozenset({"", "-", "--", "—"})
CURRENCY_SYMBOLS = "$€£¥₹₩₽₺₫₪฿₴₦₱"
# Day formats the exports use: ISO, US month/day/year (Meta's English export), "Nov 3, 2026" (Google).
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d", "%d.%m.%Y")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_ISO_CODE = re.compile(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$")
_RANGE_SPLIT = re.compile(r"\s+[~–-]\s+")


class BadValue(ValueError):
    """A cell that does not read as what its column holds; ``reason`` ends the message ("is not a number")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def cell_text(value: Cell) -> str:
    """A cell as the user sees it, for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _number(value: Cell) -> float:
    if isinstance(value, (bool, date)):
        raise BadValue("is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = "".join(ch for ch in cell_text(value) if not ch.isspace())
    if text in ZERO_TEXTS:
        return 0.0
    text = _ISO_CODE.sub("", text.strip(CURRENCY_SYMBOLS).rstrip("%")).strip(CURRENCY_SYMBOLS)
    if text.startswith("-"):
        text = "-" + text[1:].strip(CURRENCY_SYMBOLS)
    if "," in text and "." in text:
        # the separator written last is the decimal one: "1,234.50" or "1.234,50"
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not _PLAIN_NUMBER.match(text):
        raise BadValue("is not a number")
    return float(text)


def parse_amount(value: Cell) -> float:
    """Money: ``"€1,234.50"``, ``"1.234,50"``, ``"--"`` (zero). Raises ``BadValue``."""
    number = _number(value)
    if number < 0:
        raise BadValue("is negative")
    return number


def parse_count(value: Cell) -> int:
    """A count: ``"1,234"``, ``"--"`` (zero)."""
    number = _number(value)
    if number < 0:
        raise BadValue("is negative")
    if not number.is_integer():
        raise BadValue("is not a whole number")
    return int(number)


def parse_conversions(value: Cell) -> float:
    """Conversions: a count, or a fraction (Google's data-driven attribution splits one among ads)."""
    number = _number(value)
    if number < 0:
        raise BadValue("is negative")
    return number


def parse_date(value: Cell) -> date:
    """A day: a spreadsheet date, ``"2026-11-03"``, ``"11/03/2026"``, ``"Nov 3, 2026"``. Raises ``BadValue``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = " ".join(cell_text(value).split())
    if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text):  # "2026-11-03 00:00:00"
        text = text[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue("is not a date")


def parse_period(value: Cell) -> tuple[date, date]:
    """A day, or a range of days in one cell: ``"2026-11-01 ~ 2026-11-07"``, ``"Nov 1, 2026 - Nov 30, 2026"``."""
    parts = _RANGE_SPLIT.split(cell_text(value).strip()) if isinstance(value, str) else []
    if len(parts) == 2:
        start, end = parse_date(parts[0]), parse_date(parts[1])
        if start > end:
            raise BadValue("ends before it starts")
        return start, end
    day = parse_date(value)
    return day, day


def parse_currency(value: Cell) -> str | None:
    """An ISO 4217 code in upper case, or None for an empty cell. Raises ``BadValue``."""
    text = cell_text(value).strip()
    if text in ZERO_TEXTS:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise BadValue("is not an ISO currency code (like USD)")
    return text.upper()


def utm_content(value: Cell) -> str | None:
    """``utm_content`` of a URL, or of a bare query string (Meta's URL tags); None when it has none."""
    text = cell_text(value).strip()
    if text in ZERO_TEXTS:
        return None
    query = urlsplit(text).query if "?" in text else text if "=" in text else ""
    found = parse_qs(query).get("utm_content")
    return found[0] if found and found[0] else None
