"""The results report as one self-contained HTML page: numbers, badges with their reasons, and charts drawn inline.

Everything the page shows is inside it: thumbnails as ``data:`` URIs, charts as inline SVG drawn by matplotlib
(imported only when a page is rendered: it is slow to import), styles in a ``<style>`` block. The page asks the
network for nothing (no fonts, scripts, stylesheets or images), so it reads the same offline, mailed or archived.
The same report renders to the same bytes: the SVGs carry no date, and their element ids come from a fixed salt.

Charts: per attribute, the CTR of each value with its interval as error bars against the campaign's CTR; per
creative with daily rows (``daily`` in the creative's mapping, two days or more), a small line of its daily CTR.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from creative_ai.errors import InputError
from creative_ai.results import table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LABEL_CHARS = 38  # an attribute value (a whole line of copy) is cut to this on the chart; the table has it whole
VERDICT_COLOURS = {"better": "#1b7f4b", "worse": "#b3261e", "no clear difference": "#5d6370"}
MUTED = "#9aa0aa"
BADGE_CLASSES = {
    "winner": "winner",
    "underperformer": "underperformer",
    "no clear difference": "unclear",
    "not enough data yet": "nodata",
}


def _style(*, size: float) -> AbstractContextManager[None]:
    """The charts' look, for the time a chart is drawn (matplotlib's settings are put back after)."""
    import matplotlib

    return matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text: smaller, and no glyph paths whose ids could differ
            "font.family": "sans-serif",
            "font.size": size,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _svg(figure: Figure, *, salt: str) -> Markup:
    """``figure`` as an inline ``<svg>`` element: no XML prologue, no metadata, ids made from ``salt`` and prefixed
    with it, so that several charts on one page never share an element id."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", salt)
    text = re.sub(r'(\sid=")([^"]+")', rf"\g<1>{prefix}-\g<2>", text)
    text = re.sub(r"(url\(#|href=\"#)", rf"\g<1>{prefix}-", text)
    return Markup(text)  # noqa: S704  (matplotlib escapes the text it writes: copy with "<" stays text)


def _label(value: str) -> str:
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= LABEL_CHARS else one_line[: LABEL_CHARS - 1] + "…"


def attribute_chart(
    attr: str, rows: Sequence[Mapping[str, Any]], *, campaign_ctr: float | None, confidence: float
) -> Markup:
    """An SVG of the CTR of each value of ``attr`` with its interval as error bars; the campaign's CTR dashed."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    with _style(size=9):
        figure = Figure(figsize=(6.4, 0.9 + 0.38 * max(len(rows), 1)), layout="constrained")
        ax = figure.add_subplot()
        for i, row in enumerate(rows):
            ctr, bounds = row.get("ctr"), row.get("ctr_interval")
            if ctr is None:
                continue
            low, high = bounds or (ctr, ctr)
            colour = VERDICT_COLOURS.get(str((row.get("ctr_verdict") or {}).get("verdict")), MUTED)
            errors = [[100 * (ctr - low)], [100 * (high - ctr)]]
            ax.errorbar([100 * ctr], [i], xerr=errors, fmt="o", color=colour, ecolor=colour, capsize=3, markersize=5)
        if campaign_ctr is not None:
            ax.axvline(100 * campaign_ctr, color=MUTED, linestyle="--", linewidth=1)  # the caption says what it is
        ax.set_yticks(range(len(rows)), labels=[_label(str(r.get("value"))) for r in rows], parse_math=False)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=1))
        ax.set_xlabel(f"CTR with its {confidence:.0%} interval", parse_math=False)
        return _svg(figure, salt=f"attribute:{attr}")


def daily_chart(ad_name: str, days: Sequence[Mapping[str, Any]]) -> Markup:
    """A small SVG line of one creative's CTR per day (``days``: ``day``, ``impressions``, ``clicks``)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    ordered = sorted(days, key=lambda d: str(d.get("day")))
    xs = list(range(len(ordered)))
    ys = [100 * d["clicks"] / d["impressions"] if d.get("impressions") else float("nan") for d in ordered]
    with _style(size=7):
        figure = Figure(figsize=(2.6, 1.1), layout="constrained")
        ax = figure.add_subplot()
        ax.plot(xs, ys, color="#2f5fb3", linewidth=1.2, marker="o", markersize=2.5)
        ax.set_xticks([xs[0], xs[-1]], labels=[str(ordered[0].get("day")), str(ordered[-1].get("day"))])
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=1))
        ax.yaxis.set_major_locator(MaxNLocator(3))
        return _svg(figure, salt=f"daily:{ad_name}")


def _checked(thumbnails: Mapping[str, str]) -> dict[str, str]:
    for name, uri in thumbnails.items():
        if not uri.startswith("data:image/"):
            raise InputError(
                f"the thumbnail of {name} is not a data:image/ URI ({uri[:40]!r}); the page embeds every picture "
                "so that it loads nothing from the network (see creative_ai.report.thumbnails.data_uri)"
            )
    return dict(thumbnails)


def render_html(report: Mapping[str, Any], *, thumbnails: Mapping[str, str]) -> str:
    """The report (from :func:`creative_ai.results.performance.performance`) as a self-contained HTML page, each
    creative beside its thumbnail from ``thumbnails`` (ad name → ``data:`` URI)."""
    pictures = _checked(thumbnails)
    rule = report.get("rule") or {}
    totals = report.get("totals") or {}
    creatives = table.sorted_creatives(report)
    charts = {
        attr: attribute_chart(attr, rows, campaign_ctr=totals.get("ctr"), confidence=rule.get("confidence", 0.95))
        for attr, rows in (report.get("attributes") or {}).items()
        if rows
    }
    daily = {
        str(c["ad_name"]): daily_chart(str(c["ad_name"]), c["daily"])
        for c in creatives
        if len(c.get("daily") or []) >= 2
    }
    env = Environment(loader=PackageLoader("creative_ai.results", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(
        percent=table.percent, interval=table.interval, money=table.money, count=table.count, badge=BADGE_CLASSES.get
    )
    return env.get_template("results.html").render(
        report=report,
        rule=rule,
        totals=totals,
        creatives=creatives,
        thumbnails=pictures,
        charts=charts,
        daily=daily,
        currency_note=table.currency_note(report),
        meanings=table.badge_meanings(rule),
        attribute_names=table.ATTRIBUTE_NAMES,
        command="creative-ai results import FILE",
    )
