"""The inbox takes exactly what ``creative-ai validate`` takes, paths relative to the brief as on the command line;
what it refuses waits in ``rejected/`` beside its reason and raises an alert that closes once it is fixed. A run
that ends failed or partial raises an alert that closes when the campaign succeeds. Driven through real
``creative-ai`` processes, a real SMTP sink and the fake vendor."""

# ruff: noqa: F811 - the tests take the `env` fixture imported below as an argument

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

from tests.conftest import base_brief
from tests.test_agent import env  # noqa: F401 - the agent's environment: SMTP sink, webhook, inbox

PACKSHOT = "../assets/products/bottle.png"


def _packshot(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (600, 800), (236, 238, 240))
    ImageDraw.Draw(image).rounded_rectangle((220, 120, 380, 700), radius=40, fill=(30, 110, 190))
    image.save(path)


def _drop(inbox: Path, name: str, brief: dict) -> Path:  # type: ignore[type-arg]
    inbox.mkdir(exist_ok=True)
    path = inbox / name
    path.write_text(yaml.safe_dump(brief, sort_keys=False), encoding="utf-8")
    return path


def _alerts(env: Path) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(env / "creative_ai.db")
    return list(db.execute("select campaign_id, rule, status from alerts order by id"))


def test_the_inbox_takes_what_validate_takes_and_alerts_on_what_it_refuses(cli, env: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    _packshot(env / "assets" / "products" / "bottle.png")
    _packshot(env / "elsewhere" / "bottle.png")
    inbox = env / "inbox"
    product = {"id": "bottle", "name": "Bottle", "image": PACKSHOT}
    briefs = {
        "good.yaml": base_brief(campaign_id="ib-good", products=[product]),
        "missing.yaml": base_brief(campaign_id="ib-missing", products=[{**product, "image": "../assets/x.png"}]),
        "claims.yaml": base_brief(campaign_id="ib-claims", campaign_message="Guaranteed to cure everything"),
    }
    verdicts = {}
    for name, brief in briefs.items():
        checked = cli("validate", str(_drop(inbox, name, brief)))
        verdicts[name] = (checked.code, checked.stderr.strip())
    assert verdicts["good.yaml"][0] == 0 and verdicts["missing.yaml"][0] == 2 and verdicts["claims.yaml"][0] == 2

    result = cli("agent", "--once")
    assert result.code == 0, result.stderr
    assert (inbox / "submitted" / "good.yaml").is_file()
    made = env / "out" / "ib-good" / "bottle" / "1x1" / "bottle_1x1_en.png"
    assert made.is_file()
    sidecar = json.loads(made.with_suffix(".json").read_text())
    assert sidecar["hero_source"] == "input"  # built on the packshot the brief named relative to itself
    for name in ("missing.yaml", "claims.yaml"):
        assert (inbox / "rejected" / name).is_file() and not (inbox / name).exists()
        reason = (inbox / "rejected" / f"{name}.error.txt").read_text()
        # The same reason validate gave, word for word (validate prints it after "error: ").
        said = verdicts[name][1].removeprefix("error: ").splitlines()
        assert said[0].rsplit(": ", 1)[0] in reason and all(line.strip() in reason for line in said[1:]), reason
    assert "file not found" in (inbox / "rejected" / "missing.yaml.error.txt").read_text()
    assert "prohibited term 'guaranteed'" in (inbox / "rejected" / "claims.yaml.error.txt").read_text()
    assert ("ib-missing", "inbox_rejected", "open") in _alerts(env)
    assert ("ib-claims", "inbox_rejected", "open") in _alerts(env)
    mailed = "\n".join(m.message.get_content() for m in mail.received)
    assert "missing.yaml" in mailed and "claims.yaml" in mailed and "file not found" in mailed

    # Fixed: the claims brief is dropped again without the claim, the other is taken away by its owner.
    (inbox / "rejected" / "missing.yaml").unlink()
    _drop(inbox, "claims.yaml", base_brief(campaign_id="ib-claims", campaign_message="Made for summer"))
    assert cli("agent", "--once").code == 0
    assert [status for cid, rule, status in _alerts(env) if rule == "inbox_rejected"] == ["resolved", "resolved"]


def test_a_brief_path_outside_the_assets_folder_is_refused_by_the_inbox(cli, env: Path) -> None:  # type: ignore[no-untyped-def]
    _packshot(env / "elsewhere" / "bottle.png")
    _packshot(env / "assets" / "products" / "inside.png")
    (env / "assets" / "products" / "link.png").symlink_to(env / "elsewhere" / "bottle.png")
    inbox = env / "inbox"
    for name, image in (("outside.yaml", "../elsewhere/bottle.png"), ("link.yaml", "../assets/products/link.png")):
        _drop(inbox, name, base_brief(campaign_id=name[:-5], products=[{"id": "b", "name": "B", "image": image}]))
    assert cli("agent", "--once").code == 0
    for name in ("outside.yaml", "link.yaml"):
        reason = (inbox / "rejected" / f"{name}.error.txt").read_text()
        assert "lies outside the assets folder (assets/)" in reason, reason
    assert not (env / "out" / "outside").exists() and not (env / "out" / "link").exists()


def test_a_failed_run_raises_an_alert_that_closes_when_the_campaign_succeeds(  # type: ignore[no-untyped-def]
    cli,
    env: Path,
    vendor,
    smtp_server,
    monkeypatch,
) -> None:
    _port, mail = smtp_server
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "1")
    vendor.fail("openai", "500", times=None)
    brief = env / "brief.json"
    brief.write_text(json.dumps(base_brief(campaign_id="broken")))
    assert cli("run", str(brief), "--provider", "openai", "--output", "out").code != 0
    assert cli("agent", "--once").code == 0
    assert ("broken", "run_failed", "open") in _alerts(env)
    sent = [m for m in mail.received if "broken" in m.message["Subject"]]
    assert len(sent) == 1 and "0 of 1 creatives made" in sent[0].message.get_content()
    assert cli("agent", "--once").code == 0
    assert len([m for m in mail.received if "broken" in m.message["Subject"]]) == 1  # not repeated
    vendor.faults["openai"].clear()
    assert cli("run", str(brief), "--provider", "openai", "--output", "out").code == 0
    assert cli("agent", "--once").code == 0
    assert ("broken", "run_failed", "resolved") in _alerts(env)


def test_a_job_its_run_cannot_plan_leaves_facts_and_email_that_say_so(cli, env: Path) -> None:  # type: ignore[no-untyped-def]
    """A campaign made once; its packshot then goes missing and a job of it fails at planning. The facts (what
    get_campaign_details says), the alert and the stakeholder e-mail agree with the job, not with the earlier run."""
    import time

    from fastapi.testclient import TestClient

    from creative_ai.api import create_app
    from creative_ai.config import get_settings
    from creative_ai.facts import Facts
    from creative_ai.runtime import Runtime

    _packshot(env / "assets" / "products" / "bottle.png")
    brief = base_brief(
        campaign_id="vanished",
        products=[{"id": "a", "name": "A"}, {"id": "bottle", "name": "B", "image": "products/bottle.png"}],
    )
    settings = get_settings(assets_dir=env / "assets")
    with TestClient(create_app(settings)) as client:
        assert client.post("/campaigns/process", json=brief).json()["variants_ok"] == 2
        (env / "assets" / "products" / "bottle.png").unlink()
        job = client.post("/campaigns/jobs", json=brief).json()["job_id"]
        for _ in range(200):
            status = client.get(f"/campaigns/jobs/{job}").json()
            if status["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
    assert status["status"] == "failed" and "file not found" in status["error"]
    runtime = Runtime.open(settings)
    details = Facts(settings=settings, repo=runtime.repo, store=runtime.store).campaign_details("vanished")
    assert details.status == "failed"  # not "succeeded" from the run before
    assert details.stopped_by is not None and "products[1].image: file not found" in details.stopped_by
    assert [j.status for j in details.jobs] == ["failed"]
    email = cli("agent", "email", "--campaign", "vanished")
    assert email.code == 0, email.stderr
    assert "every creative is made" not in email.stdout
    assert "stopped before making anything" in email.stdout and "file not found" in email.stdout
    assert cli("agent", "--once").code == 0
    assert ("vanished", "run_failed", "open") in _alerts(env)
