"""The served review gallery in Debian chromium: sign in, approve a creative, reload, see it; bytes change ⇒ reset."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import base_brief, write_brief
from tests.servers import served_api
from tests.test_gallery_browser import ARGS, CHROMIUM

KEY = "gallery-key"


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
    assert "creative_ai_key" in cookies
    # New copy ⇒ new bytes ⇒ the approval no longer applies.
    write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"], campaign_message="New words"))
    assert make_campaign(brief, output=workdir / "out").status == "succeeded"
    html = httpx.get(f"{server}/gallery/test-campaign", headers={"X-API-Key": KEY}).text
    assert "Looks great" not in html
    empty = zipfile.ZipFile(
        io.BytesIO(httpx.get(f"{server}/gallery/test-campaign/approved.zip", headers={"X-API-Key": KEY}).content)
    )
    assert empty.namelist() == []
