"""The served review gallery in Debian chromium: sign in, approve a creative, reload, see it; bytes change ⇒ reset."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import as_json, base_brief, write_brief
from tests.servers import served_api
from tests.test_gallery_browser import ARGS, CHROMIUM, _mixed_brief

KEY = "gallery-key-for-tests"


@pytest.fixture
def server(workdir: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CREATIVE_AI_API_KEY": KEY, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    with served_api(workdir, env) as served:
        yield served.url


def test_approve_reload_reset_and_zip(make_campaign, workdir: Path, server: str) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    brief = write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"]))
    assert make_campaign(brief, output=workdir / "out").status == "succeeded"
    assert httpx.get(f"{server}/gallery").status_code == 401
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{server}/gallery/login")
        page.fill("input[name=key]", KEY)
        with page.expect_navigation():
            page.click("button[type=submit]")
        with page.expect_navigation():
            page.click("text=test-campaign")
        card = page.locator("figure[data-variant='prod_a/en/1x1']")
        page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        card.locator("textarea").fill("Looks great")
        # The form posts, then redirects back: wait for that round trip before reloading.
        with page.expect_navigation(url=f"{server}/gallery/test-campaign**"):
            card.locator("button[value=approved]").click()
        page.wait_for_load_state("load")
        page.reload()
        card = page.locator("figure[data-variant='prod_a/en/1x1']")
        assert "approved" in card.locator(".decision").inner_text() and "Looks great" in card.inner_text()
        assert page.locator("figure[data-variant='prod_a/en/9x16'] .decision").count() == 0
        page.screenshot(path=str(workdir / "review-gallery.png"), full_page=True)
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        browser.close()
    assert (workdir / "review-gallery.png").stat().st_size > 10_000
    archive = zipfile.ZipFile(
        io.BytesIO(httpx.get(f"{server}/gallery/test-campaign/approved.zip", headers={"X-API-Key": KEY}).content)
    )
    assert archive.namelist() == ["test-campaign/prod_a/1x1/prod_a_1x1_en.png"]
    assert "creative_ai_session" in cookies and KEY not in cookies["creative_ai_session"]
    # New copy ⇒ new bytes ⇒ the approval no longer applies.
    write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"], campaign_message="New words"))
    assert make_campaign(brief, output=workdir / "out").status == "succeeded"
    html = httpx.get(f"{server}/gallery/test-campaign", headers={"X-API-Key": KEY}).text
    cards, _, trail = html.partition("<h2>Sign-off audit trail</h2>")
    assert "Looks great" not in cards and "Looks great" in trail  # the trail keeps every decision, on its old bytes
    empty = zipfile.ZipFile(
        io.BytesIO(httpx.get(f"{server}/gallery/test-campaign/approved.zip", headers={"X-API-Key": KEY}).content)
    )
    assert empty.namelist() == []


def _decide(server: str, variant: dict, decision: str, comment: str) -> None:  # type: ignore[type-arg]
    form = {k: variant[k] for k in ("product_id", "locale", "aspect_ratio")} | {
        "decision": decision,
        "comment": comment,
    }
    answer = httpx.post(f"{server}/gallery/test-campaign/decisions", data=form, headers={"X-API-Key": KEY})
    assert answer.status_code == 303, answer.text


def test_static_gallery_filters_by_review_state(make_campaign, workdir: Path, server: str) -> None:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    brief = write_brief(workdir, _mixed_brief())
    variants = as_json(make_campaign(brief, output=workdir / "out"))["variants"]
    ok = [v for v in variants if v["status"] == "ok"]
    assert len(ok) >= 4 and len(ok) < len(variants)
    approved, rejected = ok[0], ok[-1]
    _decide(server, approved, "approved", "Ship it")
    _decide(server, rejected, "rejected", "Logo too small")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((workdir / "out/test-campaign/index.html").as_uri())
        visible = "#by-locale figure:not([hidden])"
        assert page.locator(visible).count() == len(variants)
        page.select_option("#f-review", "approved")
        assert page.locator(visible).count() == 1 and "Ship it" in page.locator(visible).inner_text()
        page.select_option("#f-review", "rejected")
        assert page.locator(visible).count() == 1 and "Logo too small" in page.locator(visible).inner_text()
        page.select_option("#f-review", "unreviewed")
        assert page.locator(visible).count() == len(ok) - 2  # a creative that failed has nothing to review
        assert all("not reviewed" in t for t in page.locator(visible).all_inner_texts())
        page.select_option("#f-status", "failed")
        assert page.locator(visible).count() == 0
        page.select_option("#f-status", "")
        page.select_option("#f-review", "approved")
        page.select_option("#f-view", "compare")  # the filter holds in the side-by-side view too
        assert page.locator("#compare figure:not([hidden])").count() == 1
        page.screenshot(path=str(workdir / "review-filter.png"), full_page=True)
        browser.close()
    assert (workdir / "review-filter.png").stat().st_size > 10_000


def test_a_decision_made_on_other_bytes_leaves_the_creative_not_reviewed(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    from creative_ai.report.gallery import Review, render_gallery

    assert make_campaign(base_brief(aspect_ratios=["1x1", "9x16"]), output="out").status == "succeeded"
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    square = next(v for v in manifest["variants"] if v["aspect_ratio"] == "1x1")
    reviews = {
        "prod_a/en/1x1": Review(decision="approved", comment="", sha256=square["sha256"]),
        "prod_a/en/9x16": Review(decision="rejected", comment="", sha256="0" * 64),  # made on bytes since replaced
    }
    page = render_gallery(manifest, reviews=reviews).decode()
    states = dict(re.findall(r'data-ratio="(\w+)"[^>]*data-review="(\w*)"', page))
    assert states == {"1x1": "approved", "9x16": "unreviewed"}
    assert 'id="f-review"' not in render_gallery(manifest).decode()  # no decisions known: no review filter


def test_a_new_run_keeps_the_decisions_already_made_on_its_gallery(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository

    brief = base_brief(aspect_ratios=["1x1", "9x16"])
    assert make_campaign(brief, output="out").status == "succeeded"
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    square = next(v for v in manifest["variants"] if v["aspect_ratio"] == "1x1")
    repo = Repository.from_url(get_settings().database_url)
    try:
        repo.record_approval(
            campaign_id="test-campaign",
            product_id="prod_a",
            locale="en",
            aspect_ratio="1x1",
            sha256=square["sha256"],
            decision="approved",
            comment="",
            role="admin",  # the API key's decision signs every role
        )
    finally:
        repo.engine.dispose()
    assert make_campaign(brief, output="out").status == "succeeded"  # nothing changed: the same bytes
    page = (workdir / "out/test-campaign/index.html").read_text()
    states = dict(re.findall(r'data-ratio="(\w+)"[^>]*data-review="(\w*)"', page))
    assert states == {"1x1": "approved", "9x16": "unreviewed"}
