"""The results report as an HTML page (self-contained, deterministic, escaped, offline in a real browser) and as a
plain-text table, both from a report built by ``performance`` over a real SQLite database."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from creative_ai.db.repository import Repository
from creative_ai.db.results_store import ResultRow
from creative_ai.errors import InputError
from creative_ai.report.thumbnails import data_uri
from creative_ai.results.html import render_html
from creative_ai.results.performance import performance
from creative_ai.results.table import WIDTH, render_table

CAMPAIGN = "summer"
SCRIPT_COPY = 'Save <script>alert("x")</script> & $5 today'
# ad name, locale, ratio, copy, impressions, clicks, conversions per day over DAYS days
ADS = [
    ("summer_towel_en_1x1_aaaa1111", "en", "1x1", SCRIPT_COPY, 2000, 80, 8),
    ("summer_towel_de_1x1_bbbb2222", "de", "1x1", "Sommer am Strand", 2000, 30, 3),
    ("summer_towel_en_9x16_cccc3333", "en", "9x16", "Beach days", 2000, 50, 5),
    ("summer_towel_fr_16x9_dddd4444", "fr", "16x9", "Plage de $5 à $9", 40, 1, 0),
]
DAYS = 4
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _repo(tmp_path: Path, *, with_results: bool = True, currencies: tuple[str, ...] = ("USD",)) -> Repository:
    repo = Repository.open("sqlite:///" + str(tmp_path / "r.db"))
    repo.save_campaign(
        campaign_id=CAMPAIGN,
        name="Summer",
        status="succeeded",
        brief={"campaign_id": CAMPAIGN},
        brief_sha256="0" * 64,
        target_market="US",
        output_dir=str(tmp_path / "out"),
        products=[("towel", "Towel", None)],
    )
    rows = []
    for i, (name, locale, ratio, copy, impressions, clicks, conversions) in enumerate(ADS):
        repo.record_version(
            ad_name=name,
            campaign_id=CAMPAIGN,
            product_id="towel",
            locale=locale,
            aspect_ratio=ratio,
            version=1,
            sha256=name[-8:] * 8,
            previous_ad_name=None,
            message=copy,
            cta=None,
            hero="packshot",
        )
        for d in range(DAYS):
            day = date(2026, 7, 1) + timedelta(days=d)
            rows.append(
                ResultRow(
                    ad_name=name,
                    campaign_id=CAMPAIGN,
                    start=day,
                    end=day,
                    impressions=impressions,
                    clicks=max(clicks - d * (i + 1), 0),  # falling a little: the daily line has a slope
                    conversions=conversions,
                    spend=25.0,
                    currency=currencies[i % len(currencies)],
                    reach=impressions // 2,
                )
            )
    if with_results:
        repo.store_results(rows, source="generic", origin="test", sha256=None, rows_total=len(rows), unmatched=[])
    return repo


def _with_daily(report: dict[str, Any], repo: Repository) -> dict[str, Any]:
    """The report with each creative's daily rows (``daily``), as the page draws them when the report has them."""
    by_ad: dict[str, list[dict[str, Any]]] = {}
    for r in repo.metrics(CAMPAIGN):
        if r.period_start == r.period_end:
            row = {"day": r.period_start.isoformat(), "impressions": r.impressions, "clicks": r.clicks}
            by_ad.setdefault(r.ad_name, []).append(row)
    for c in report["creatives"]:
        c.setdefault("daily", by_ad.get(c["ad_name"], []))
    return report


def _picture(colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (400, 400), colour).save(out, "PNG")
    return data_uri(out.getvalue())


@pytest.fixture
def report(tmp_path: Path) -> dict[str, Any]:
    repo = _repo(tmp_path)
    return _with_daily(performance(repo, CAMPAIGN), repo)


@pytest.fixture
def pictures() -> dict[str, str]:
    return {name: _picture((40 * i, 120, 200)) for i, (name, *_) in enumerate(ADS)}


def test_every_creative_appears_with_its_badge_and_reason(report: dict[str, Any], pictures: dict[str, str]) -> None:
    page = render_html(report, thumbnails=pictures)
    badges = {c["ad_name"]: c["badge"] for c in report["creatives"]}
    assert set(badges.values()) >= {"winner", "underperformer", "not enough data yet"}
    for c in report["creatives"]:
        row = re.search(rf'<tr data-ad="{c["ad_name"]}">(.*?)</tr>', page, flags=re.DOTALL)
        assert row is not None, c["ad_name"]
        cells = row.group(1)
        assert f">{c['badge']}</span>" in cells
        assert c["badge_reason"].split(" vs ")[0].split(" on ")[0] in cells  # the reason as text, not colour only
        assert f'<img src="{pictures[c["ad_name"]]}"' in cells  # the thumbnail beside its numbers
        assert f"{c['impressions']:,}" in cells and f"{c['ctr']:.2%}" in cells
    assert "Wilson intervals" in page and "not a judgement of the creative" in page
    assert report["rule"]["ctr"] in page and report["rule"]["cvr"] in page


def test_charts_are_inline_svg_and_nothing_points_at_the_network(
    report: dict[str, Any], pictures: dict[str, str]
) -> None:
    page = render_html(report, thumbnails=pictures)
    charts = re.findall(r'<figure data-chart="(\w+)">\s*<svg', page)
    assert sorted(charts) == sorted(report["attributes"])
    assert page.count("<svg") == len(report["attributes"]) + len(report["creatives"])  # and one daily line each
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page and "<metadata" not in page
    for attribute in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page):
        assert attribute.startswith(("data:", "#")), attribute
    assert not re.search(r"url\(\s*['\"]?(?!#)", page)  # no CSS that fetches
    assert "@import" not in page and "<link" not in page and "<script" not in page


def test_copy_is_escaped_in_the_tables_and_the_charts(report: dict[str, Any], pictures: dict[str, str]) -> None:
    page = render_html(report, thumbnails=pictures)
    assert "<script" not in page
    escaped = "Save &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; $5 today"
    assert escaped in page  # the creative's copy and the copy attribute's row
    chart = re.search(r'<figure data-chart="copy">.*?</figure>', page, re.DOTALL)
    assert chart is not None and "Save &lt;script&gt;alert(" in chart[0]
    assert ">Plage de $5 à $9</text>" in chart[0]  # dollar signs are text, not a formula


def test_the_same_report_renders_to_the_same_bytes(tmp_path: Path, pictures: dict[str, str]) -> None:
    repo = _repo(tmp_path)
    first = render_html(_with_daily(performance(repo, CAMPAIGN), repo), thumbnails=pictures)
    second = render_html(_with_daily(performance(repo, CAMPAIGN), repo), thumbnails=pictures)
    assert first.encode() == second.encode()
    ids = re.findall(r'\sid="([^"]+)"', first)
    assert len(ids) == len(set(ids))  # charts on one page do not share element ids


def test_mixed_currencies_show_a_dash_for_money(tmp_path: Path) -> None:
    found = performance(_repo(tmp_path, currencies=("USD", "EUR")), CAMPAIGN)
    assert found["currency"] == "mixed"
    page = render_html(found, thumbnails={})
    assert "mixed currencies" in page
    row = re.search(rf'<tr data-ad="{ADS[0][0]}">(.*?)</tr>', page, flags=re.DOTALL)
    assert row is not None and row.group(1).count('<td class="n">—</td>') == 3  # spend, CPC, CPA
    assert "no picture" in row.group(1)
    text = render_table(found)
    assert "mixed currencies" in text
    line = next(x for x in text.splitlines() if x.startswith(ADS[0][0]) or (x.startswith("  ") and "%" in x))
    assert line.count("—") == 3


def test_a_thumbnail_that_is_not_a_data_uri_is_refused(report: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="not a data:image/ URI"):
        render_html(report, thumbnails={ADS[0][0]: "https://cdn.example.com/a.jpg"})


def test_a_campaign_without_results_says_how_to_import_them(tmp_path: Path) -> None:
    found = performance(_repo(tmp_path, with_results=False), CAMPAIGN)
    page = render_html(found, thumbnails={})
    assert "No results yet for this campaign" in page and "creative-ai results import FILE" in page
    assert "<svg" not in page and "<table" not in page
    text = render_table(found)
    assert "No results yet" in text and "creative-ai results import FILE" in text


def test_the_table_has_the_numbers_sorted_by_badge_then_ctr(report: dict[str, Any]) -> None:
    text = render_table(report)
    assert "\x1b" not in text and text.endswith("\n")
    assert all(len(line) <= WIDTH for line in text.splitlines())
    order = ["winner", "no clear difference", "underperformer", "not enough data yet"]
    ranked = sorted(report["creatives"], key=lambda c: (order.index(c["badge"]), -c["ctr"]))
    positions = [text.index(c["ad_name"]) for c in ranked]
    assert positions == sorted(positions)
    for c in report["creatives"]:
        low, high = c["ctr_interval"]
        assert f"{c['ctr']:.2%} ({100 * low:.2f}–{100 * high:.2f}%)" in text
        assert f"{c['impressions']:,}" in text and f"{c['cpc']:,.2f}" in text and c["badge_reason"][:40] in text
    totals = report["totals"]
    assert f"{totals['impressions']:,}" in text and f"{totals['spend']:,.2f}" in text
    for attr, rows in report["attributes"].items():
        for row in rows:
            assert row["ctr_verdict"]["reason"].split(" p")[0][:30] in text.replace("\n      ", " "), attr
    assert text.index("The rule:") > text.index("By locale:")
    assert "at least 1,000 impressions" in text and '"not enough data yet" means' in text


def test_long_ad_names_go_on_their_own_line_and_keep_the_columns(report: dict[str, Any]) -> None:
    long = "x" * 90
    report["creatives"][0]["ad_name"] = long
    lines = render_table(report).splitlines()
    assert all(len(line) <= WIDTH for line in lines)
    at = lines.index(long)
    assert lines[at + 1].startswith("  ") and f"{report['creatives'][0]['impressions']:,}" in lines[at + 1]


def _offline_page(browser, path: Path):  # type: ignore[no-untyped-def]
    """A page that lets only ``path`` itself (and ``data:`` URIs) load, and lists every other request tried."""
    asked: list[str] = []

    def allowed(url: str) -> bool:
        return url == path.as_uri() or url.startswith("data:")

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if allowed(r.request.url):
            r.continue_()
        else:
            asked.append(r.request.url)
            r.abort()

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", route)
    page.on("request", lambda request: None if allowed(request.url) else asked.append(request.url))
    return page, asked


def test_the_offline_page_notices_a_request(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fetching.html"
    path.write_text('<!doctype html><img src="http://127.0.0.1:9/x.png"><p>hi</p>', encoding="utf-8")
    page, asked = _offline_page(browser, path)
    page.goto(path.as_uri(), wait_until="load")
    assert "http://127.0.0.1:9/x.png" in asked


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def test_the_page_loads_nothing_and_its_pictures_and_charts_show(  # type: ignore[no-untyped-def]
    report: dict[str, Any], pictures: dict[str, str], tmp_path: Path, browser
) -> None:
    path = tmp_path / "results.html"
    path.write_text(render_html(report, thumbnails=pictures), encoding="utf-8")
    page, asked = _offline_page(browser, path)
    page.goto(path.as_uri(), wait_until="load")
    images = page.locator("td.thumb img")
    assert images.count() == len(report["creatives"])
    for i in range(images.count()):
        image = images.nth(i)
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        box = image.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    charts = page.locator("svg")
    assert charts.count() == len(report["attributes"]) + len(report["creatives"])
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 20
        assert charts.nth(i).locator("path").count() > 0
    assert "winner" in page.inner_text("#creatives")
    assert asked == []


def test_a_creative_with_one_day_gets_no_daily_chart(report: dict[str, Any]) -> None:
    report["creatives"][0]["daily"] = report["creatives"][0]["daily"][:1]
    page = render_html(report, thumbnails={})
    assert page.count("<svg") == len(report["attributes"]) + len(report["creatives"]) - 1
    row = re.search(rf'<tr data-ad="{report["creatives"][0]["ad_name"]}">(.*?)</tr>', page, flags=re.DOTALL)
    assert row is not None and "<svg" not in row.group(1) and "days of daily rows" in row.group(1)


def test_importing_the_views_loads_no_matplotlib() -> None:
    probe = "import sys, creative_ai.results.html, creative_ai.results.table; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"
