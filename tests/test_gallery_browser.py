"""The static gallery in a real browser (Debian chromium driven by Playwright): every creative loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import as_json, base_brief

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _mixed_brief() -> dict:  # type: ignore[type-arg]
    """Two products in two locales and ratios: one product's copy cannot fit, German copy is the brief's own."""
    long = "Soft cotton towels dry fast and fold small so every family beach day starts light and ends happy together"
    return base_brief(
        products=[
            {"id": "ok_one", "name": "Fine"},
            {"id": "long_one", "name": "Long", "message": long + " this summer"},
        ],
        aspect_ratios=["1x1", "16x9"],
        locales=["en", "de"],
        messages={"de": "Hallo Welt"},
    )


def test_gallery_shows_every_creative_and_the_failed_one(make_campaign, workdir: Path, browser) -> None:  # type: ignore[no-untyped-def]
    brief = _mixed_brief()
    result = make_campaign(brief, output="out")
    assert result.status == "partial"  # the command's exit code 1
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((workdir / "out/test-campaign/index.html").as_uri())
    images = page.locator("img")
    ok = [v for v in as_json(result)["variants"] if v["status"] == "ok"]
    assert images.count() == len(ok)
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        width = image.evaluate("img => img.naturalWidth")
        assert width in (1080, 1920)
    text = page.inner_text("body")
    assert "partial" in text and "needs translation" in text and "does not fit" in text
    page.screenshot(path=str(workdir / "gallery.png"), full_page=True)
    assert (workdir / "gallery.png").stat().st_size > 10_000


def test_safe_zones_overlay_each_creative_where_the_placement_puts_them(make_campaign, workdir: Path, browser) -> None:  # type: ignore[no-untyped-def]
    from creative_ai.placements import get_placement

    brief = base_brief(aspect_ratios=["9x16", "16x9"], locales=["en", "ar"], messages={"ar": "اصنع موجة"})
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((workdir / "out/test-campaign/index.html").as_uri())
    zones = page.locator(".zone")
    assert zones.count() == 4 and not zones.first.is_visible()
    page.check("#zones")
    for i in range(zones.count()):
        zone = zones.nth(i)
        zone.scroll_into_view_if_needed()
        frame = zone.locator("xpath=..").bounding_box()
        box = zone.bounding_box()
        assert frame is not None and box is not None and zone.is_visible()
        ratio = "9x16" if frame["height"] > frame["width"] else "16x9"
        safe = get_placement(ratio).safe_box()
        placement = get_placement(ratio)
        assert abs((box["x"] - frame["x"]) / frame["width"] - safe.left / placement.width) < 0.01
        assert abs((box["y"] - frame["y"]) / frame["height"] - safe.top / placement.height) < 0.01
        assert abs(box["height"] / frame["height"] - safe.height / placement.height) < 0.01
    heading = page.locator("h3[lang=ar]").text_content() or ""
    assert "العربية" in heading and "right to left" in heading
    page.screenshot(path=str(workdir / "zones.png"), full_page=True)


def test_review_filters_compare_view_and_visible_evidence(make_campaign, workdir: Path, browser) -> None:  # type: ignore[no-untyped-def]
    # "gratis" is restricted in German: legal warns (the EU asks a free offer for its terms line: it has one)
    brief = _mixed_brief() | {
        "messages": {"de": "Gratis Wellen"},
        "messages_terms": {"de": "Solange der Vorrat reicht."},
    }
    result = as_json(make_campaign(brief, output="out"))
    failed = [v for v in result["variants"] if v["status"] == "failed"]
    assert failed and len(failed) < len(result["variants"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((workdir / "out/test-campaign/index.html").as_uri())
    visible = "#by-locale figure:not([hidden])"
    assert page.locator(visible).count() == len(result["variants"])
    page.select_option("#f-status", "failed")
    assert page.locator(visible).count() == len(failed)
    page.select_option("#f-locale", "de")
    assert page.locator(visible).count() == len([v for v in failed if v["locale"] == "de"])
    page.select_option("#f-status", "")
    page.select_option("#f-locale", "")
    page.select_option("#f-check", "legal")  # the creatives whose legal check warns or fails
    warned = [v for v in result["variants"] if any(c["name"] == "legal" and c["status"] == "warn" for c in v["checks"])]
    assert warned and page.locator(visible).count() == len(warned)
    page.select_option("#f-check", "logo")  # skipped on every creative (this brief has no logo): not a defect
    assert all(c["status"] == "skipped" for v in result["variants"] for c in v["checks"] if c["name"] == "logo")
    assert page.locator(visible).count() == 0
    page.select_option("#f-check", "")
    page.select_option("#f-view", "compare")
    assert page.locator("#by-locale").is_hidden() and page.locator("#compare").is_visible()
    row = page.locator("#compare .row").first
    assert row.locator("figure").count() == 2  # one ratio of one product, its two locales side by side
    assert sorted(row.locator("figure").evaluate_all("fs => fs.map(f => f.dataset.locale)")) == ["de", "en"]
    page.select_option("#f-view", "by-locale")
    body = page.inner_text("body")  # reasons and check evidence are on the page, not in tooltips
    assert all(v["reason"] and v["reason"][:40] in body for v in failed)
    assert "legal: restricted" in body  # a warning's evidence, shown without hovering
    assert "logo: no logo: the brief names none" in body  # and why a check was skipped
    assert "needs translation" in body
