"""The static review gallery (``index.html``) at the campaign root: products × ratios × locales."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape


def render_gallery(manifest: dict[str, Any]) -> bytes:
    env = Environment(
        loader=PackageLoader("creative_ai.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("index.html")
    by_product: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in manifest["variants"]:
        by_product.setdefault(entry["product_id"], {}).setdefault(entry["locale"], {})[entry["aspect_ratio"]] = entry
    check_names = sorted({name for entry in manifest["variants"] for name in entry.get("checks", {})})
    html = template.render(manifest=manifest, grid=by_product, check_names=check_names)
    return html.encode()
