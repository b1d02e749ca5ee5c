"""The API's /docs in a real browser on a closed network: Swagger UI loads from the server itself, shows the brief's
fields, and "Try it out" submits the example brief as a job that then runs."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import served_api

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def test_docs_try_it_out_submits_the_example_brief(workdir: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    env = {**os.environ, "CREATIVE_AI_OUTPUT_DIR": str(workdir / "out")}
    with served_api(workdir, env) as server, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 2000})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
        page.goto(f"{server.url}/docs")
        operation = page.locator(".opblock-post", has_text="/campaigns/jobs").first
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
        body = operation.locator("textarea.body-param__text")
        example = json.loads(body.input_value())
        assert example["campaign_id"] == "summer-splash-eu-2025" and len(example["products"]) == 3
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for(timeout=20_000)
        assert status.inner_text().strip() == "202"
        answer = json.loads(operation.locator(".live-responses-table tbody .microlight").first.inner_text())
        browser.close()
        assert outside == []  # scripts, styles and the schema all came from the server
        for _ in range(400):
            job = httpx.get(f"{server.url}/campaigns/jobs/{answer['job_id']}").json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert job["status"] == "succeeded"
        assert (workdir / "out" / "summer-splash-eu-2025" / "manifest.json").is_file()


def test_redoc_renders_and_sends_nothing_to_another_origin(workdir: Path) -> None:
    """ReDoc's bundle shows a logo from a CDN: the page's policy stops that request inside the browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with served_api(workdir, dict(os.environ)) as server, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        own = (server.url, f"blob:{server.url}")  # ReDoc's search worker is a blob of the page's origin
        outside: list[str] = []
        blocked: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(own) else outside.append(r.url))
        page.on("requestfailed", lambda r: blocked.append(r.url) if r.failure == "csp" else None)
        page.goto(f"{server.url}/redoc")
        page.locator("h1", has_text="creative-ai").first.wait_for(timeout=20_000)
        page.get_by_text("Queue a campaign run").first.wait_for(timeout=10_000)  # an operation's description
        page.wait_for_load_state("networkidle")
        browser.close()
    assert outside == blocked  # each one asked for was refused by the policy before it reached the network
