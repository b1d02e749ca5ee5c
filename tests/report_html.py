"""Reading the compliance report's HTML back: each creative row (``tr[data-variant]``) or defect row
(``tr[data-defect]``, ``product/locale/ratio|check``), its pictures and its text."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from PIL import Image


@dataclass
class Row:
    variant: str  # product/locale/ratio
    images: list[str] = field(default_factory=list)  # the src of each <img> in the row
    text: str = ""


class _Rows(HTMLParser):
    def __init__(self, attribute: str = "data-variant") -> None:
        super().__init__()
        self.attribute = attribute
        self.rows: list[Row] = []
        self._open: Row | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get(self.attribute):
            self._open = Row(str(found[self.attribute]))
            self.rows.append(self._open)
        elif tag == "img" and self._open is not None:
            self._open.images.append(str(found.get("src") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def creative_rows(html: str) -> dict[str, Row]:
    parser = _Rows()
    parser.feed(html)
    return {row.variant: row for row in parser.rows}


def defect_rows(html: str) -> list[Row]:
    """The defects list's rows in page order (``variant`` is ``product/locale/ratio|check``)."""
    parser = _Rows("data-defect")
    parser.feed(html)
    return parser.rows


def decode(src: str) -> Image.Image:
    """The picture of a ``data:image/...;base64,`` URI (AssertionError for any other kind of src)."""
    head, _, payload = src.partition(",")
    assert head.startswith("data:image/") and head.endswith(";base64"), src[:60]
    image = Image.open(io.BytesIO(base64.b64decode(payload, validate=True)))
    image.load()
    return image
