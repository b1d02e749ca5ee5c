"""The results report as plain text for a terminal: a table of creatives, the verdicts per attribute, the rule.

Creatives are listed by badge (winners first, then no clear difference, underperformers, not enough data yet) and
by CTR within a badge. Lines fit 120 columns: a cell too long for its column is cut with "…" and every sentence
(a reason, the rule) is wrapped. No colour codes, so the text reads the same in a file or a pipe. The helpers that
write numbers (:func:`percent`, :func:`interval`, :func:`money`, :func:`count`) serve the HTML page too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from creative_ai.results.models import shown

WIDTH = 120
DASH = "—"  # a number that is not known (no clicks for a CPC) or means nothing (spend across currencies)
BADGE_ORDER = ("winner", "no clear difference", "underperformer", "not enough data yet")
ATTRIBUTE_NAMES = {
    "locale": "locale",
    "ratio": "aspect ratio",
    "product": "product",
    "copy": "copy",
    "hero": "hero image",
}
NO_RESULTS = "No results yet for this campaign. Import a platform's report with: creative-ai results import FILE"


def percent(value: float | None) -> str:
    """A rate as a percentage with two decimals (``4.00%``), or a dash when unknown."""
    return DASH if value is None else f"{value:.2%}"


def interval(bounds: Sequence[float] | None) -> str:
    """A rate's range as ``3.49–4.58%``, or an empty string when there is none."""
    if not bounds:
        return ""
    low, high = bounds
    return f"{low * 100:.2f}–{high * 100:.2f}%"


def money(value: float | None) -> str:
    """An amount with two decimals and thousands separators, or a dash when unknown or not addable."""
    return DASH if value is None else f"{value:,.2f}"


def count(value: float | None) -> str:
    """A count with thousands separators; a fractional one (Google's conversions) to two places."""
    return DASH if value is None else shown(value)


def rate_with_interval(value: float | None, bounds: Sequence[float] | None) -> str:
    """``4.00% (3.49–4.58%)``: a rate and its range."""
    shown = percent(value)
    return f"{shown} ({interval(bounds)})" if bounds else shown


def badge_key(creative: Mapping[str, Any]) -> tuple[int, float, str]:
    """Sort key of a creative: its badge in :data:`BADGE_ORDER`, then the higher CTR first, then its name."""
    badge = str(creative.get("badge"))
    rank = BADGE_ORDER.index(badge) if badge in BADGE_ORDER else len(BADGE_ORDER)
    ctr = creative.get("ctr")
    return rank, -(ctr if ctr is not None else -1.0), str(creative.get("ad_name"))


def sorted_creatives(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The report's creatives in the order both views list them (see :func:`badge_key`)."""
    return sorted(report.get("creatives") or [], key=badge_key)


def currency_note(report: Mapping[str, Any]) -> str:
    """What the money columns are in, said plainly."""
    currency = report.get("currency")
    if currency == "mixed":
        return "mixed currencies: spend, CPC and CPA are not added up across them, so they are shown as —"
    if currency is None:
        return "currency not reported"
    return f"amounts in {currency}"


def badge_meanings(rule: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What each badge means under ``rule`` (the report's ``rule`` mapping), in plain words."""
    impressions = f"{rule.get('min_impressions', 0):,}"
    alpha = f"{rule.get('alpha', 0.05):g}"
    return [
        ("winner", "its CTR is significantly above every other creative it could be compared with"),
        (
            "underperformer",
            "its CTR is significantly below more than half of the other creatives compared, and above none",
        ),
        (
            "no clear difference",
            f"there is enough data, but it does not stand out: its differences could be chance (adjusted p-values "
            f"not below {alpha}), or it is above some and below others",
        ),
        (
            "not enough data yet",
            f"it has fewer than {impressions} impressions (fewer than {rule.get('min_clicks', 0):,} clicks for "
            "CVR), or no other creative has that many, so no comparison is made yet; this is not a judgement of "
            "the creative",
        ),
    ]


_HEADINGS = ("impr.", "clicks", "CTR (interval)", "conv.", "CVR", "spend", "CPC", "CPA")


def _line(name: str, numbers: Sequence[str], badge: str, *, widths: Sequence[int], name_width: int | None) -> list[str]:
    """One row: the ad name in ``name_width`` columns, the numbers right-aligned in ``widths``, the badge; with no
    ``name_width`` the name has a line of its own and the numbers go, indented, on the next."""
    cells = "".join(" " + n.rjust(w) for n, w in zip(numbers, widths, strict=True)) + "  " + badge
    if name_width is not None:
        return [(name.ljust(name_width) + cells).rstrip()]
    return [line for line in (name, ("  " + cells).rstrip()) if line.strip()]


def _numbers(row: Mapping[str, Any]) -> list[str]:
    return [
        count(row.get("impressions")),
        count(row.get("clicks")),
        rate_with_interval(row.get("ctr"), row.get("ctr_interval")),
        count(row.get("conversions")),
        percent(row.get("cvr")),
        money(row.get("spend")),
        money(row.get("cpc")),
        money(row.get("cpa")),
    ]


def _wrap(text: str, *, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _creatives(report: Mapping[str, Any]) -> list[str]:
    creatives = sorted_creatives(report)
    total = "all creatives"
    rows = [(str(c.get("ad_name")), _numbers(c), str(c.get("badge"))) for c in creatives]
    rows.append((total, _numbers(report.get("totals") or {}), ""))
    widths = [max(len(h), *(len(numbers[i]) for _, numbers, _ in rows)) for i, h in enumerate(_HEADINGS)]
    name_width: int | None = max(len("ad name"), *(len(name) for name, _, _ in rows))
    if (name_width or 0) + sum(w + 1 for w in widths) + 2 + max(len(b) for _, _, b in rows) > WIDTH:
        name_width = None  # too long to share a line with the numbers: each name goes on its own line
    rule = "-" * (name_width or 0)
    lines = _line("ad name", _HEADINGS, "badge", widths=widths, name_width=name_width)
    lines += _line(rule, ["-" * w for w in widths], "-----", widths=widths, name_width=name_width)
    for name, numbers, badge in rows:
        lines += _line(name, numbers, badge, widths=widths, name_width=name_width)
    lines.append("")
    for c in creatives:
        lines += _wrap(f"{c.get('ad_name')}: {c.get('badge')}: {c.get('badge_reason')}")
        tired = c.get("fatigue")
        if tired:
            said = "fatigued" if tired.get("fatigued") else "no fatigue"
            lines += _wrap(f"{said}: {tired.get('reason')}", indent="  ")
    return lines


def _attributes(report: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for attr, rows in (report.get("attributes") or {}).items():
        lines += ["", f"By {ATTRIBUTE_NAMES.get(attr, attr)}:"]
        for row in rows:
            lines += _wrap(f"{row.get('value')}:", indent="  ")
            for metric in ("ctr", "cvr"):
                verdict = row.get(f"{metric}_verdict") or {}
                lines += _wrap(f"{metric.upper()} {verdict.get('verdict')}: {verdict.get('reason')}", indent="    ")
    return lines


def _rule(report: Mapping[str, Any]) -> list[str]:
    rule = report.get("rule") or {}
    lines = ["", "The rule:"]
    for key, label in (("creatives", "Creatives"), ("ctr", "CTR"), ("cvr", "CVR"), ("caveat", "Caveat")):
        if rule.get(key):
            lines += _wrap(f"{label}: {rule[key]}", indent="  ")
    for badge, meaning in badge_meanings(rule):
        lines += _wrap(f'"{badge}" means {meaning}.', indent="  ")
    return lines


def render_table(report: Mapping[str, Any]) -> str:
    """The report (from :func:`creative_ai.results.performance.performance`) as plain text ending in a newline."""
    period = report.get("period") or {}
    lines = [f"Results of campaign {report.get('campaign_id')}"]
    if not report.get("creatives"):
        lines += ["", *_wrap(NO_RESULTS)]
    else:
        lines.append(f"{period.get('start')} to {period.get('end')}; {currency_note(report)}")
        lines += ["", *_creatives(report), *_attributes(report)]
    if waiting := report.get("without_results"):
        lines += ["", *_wrap(f"No results yet for {len(waiting)} current creative(s): {', '.join(waiting)}")]
    lines += _rule(report)
    return "\n".join(lines) + "\n"
