"""The static review gallery (``index.html``) at the campaign root: products × ratios × locales."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

NOT_REVIEWED = "unreviewed"


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on one creative's bytes."""

    decision: str  # approved or rejected
    comment: str
    sha256: str


def review_of(entry: Mapping[str, Any], reviews: Mapping[str, Review]) -> Review | None:
    """The decision on a manifest entry's creative, when one was made on exactly its bytes."""
    found = reviews.get(f"{entry['product_id']}/{entry['locale']}/{entry['aspect_ratio']}")
    return found if found is not None and found.sha256 == entry.get("sha256") else None


def render_gallery(manifest: dict[str, Any], *, reviews: Mapping[str, Review] | None = None) -> bytes:
    """The gallery page of a manifest; with ``reviews`` (``product/locale/ratio`` → decision, see
    :mod:`creative_ai.report.review`) each creative shows its review state and the page filters by it."""
    env = Environment(
        loader=PackageLoader("creative_ai.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("index.html")
    by_product: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in manifest["variants"]:
        shown = dict(entry)
        if reviews is not None and entry["status"] == "ok":
            review = review_of(entry, reviews)
            shown["review"] = review.decision if review else NOT_REVIEWED
            shown["review_comment"] = review.comment if review else ""
        by_product.setdefault(entry["product_id"], {}).setdefault(entry["locale"], {})[entry["aspect_ratio"]] = shown
    check_names = sorted({name for entry in manifest["variants"] for name in entry.get("checks", {})})
    html = template.render(manifest=manifest, grid=by_product, check_names=check_names, reviewed=reviews is not None)
    return html.encode()
