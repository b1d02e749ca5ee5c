"""An honest score and report: a check that does not apply is skipped and left out of the score; the report lists
every defect (a failing or warning check) with its creative, evidence and picture; a refused campaign is recorded
and its report names what refused it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from creative_ai.checks import CheckResult, ImageContext, overall
from creative_ai.checks.brand_colors import BrandColorCheck
from creative_ai.checks.framing import FramingCheck
from creative_ai.checks.layout import LogoPlacementCheck
from creative_ai.checks.legal import variant_result
from creative_ai.checks.logo_presence import LogoPresenceCheck
from creative_ai.checks.painted_text import skipped
from creative_ai.checks.suite import CheckSuite
from creative_ai.db.repository import Repository
from creative_ai.facts import compliance
from creative_ai.pipeline.variant import check_context
from creative_ai.placements import PLACEMENTS
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.text import FontBook
from creative_ai.report.thumbnails import data_uri
from tests.conftest import as_json, base_brief, write_brief
from tests.report_html import creative_rows, decode, defect_rows

BOOK = FontBook.default()
PLACEMENT = PLACEMENTS["1x1"]


def _ctx(*, palette: tuple[str, ...] = (), generated: bool = False) -> ImageContext:
    """A rendered creative with no logo, no product found in its picture, and ``palette`` as the brand colours."""
    text = plan_text(Copy("Readable"), placement=PLACEMENT, book=BOOK)
    out = render_creative(
        Image.new("RGB", (1080, 1080), "#223344"),
        placement=PLACEMENT,
        text=text,
        palette=list(palette),
        logo=None,
        book=BOOK,
    )
    return check_context(out, PLACEMENT, logo=None, palette=palette, generated=generated)


def test_checks_that_do_not_apply_are_skipped_and_say_why() -> None:
    ctx = _ctx(generated=True)
    assert ctx.logo is None and ctx.logo_box is None and ctx.product_box is None
    results = {check.name: check.run(ctx) for check in CheckSuite().image}
    assert results["legibility"].status == "pass"  # the check that applies still judges
    for name, said in [
        ("logo", "the brief names none (brand.logo)"),
        ("logo_placement", "the brief names none (brand.logo)"),
        ("brand_colors", "no brand colours"),
        ("framing", "nothing to keep in frame"),  # brand art: no product in it to keep
    ]:
        assert results[name].status == "skipped" and said in results[name].evidence, results[name]
    packshot = skipped(source="input", provider="input")
    assert packshot.status == "skipped" and "packshot" in packshot.evidence
    # What applies but could not be measured is still a warning, never skipped: a packshot whose product was not
    # found, a logo that is expected but was not handed to the check.
    unlocated = FramingCheck().run(ImageContext(**{**ctx.__dict__, "generated_scene": False}))
    assert unlocated.status == "warn" and "not measured" in unlocated.evidence
    unseen = LogoPresenceCheck().run(ImageContext(**{**ctx.__dict__, "expects_logo": True}))
    assert unseen.status == "warn"
    assert LogoPlacementCheck().run(ImageContext(**{**ctx.__dict__, "expects_logo": True})).status == "fail"
    hero = Image.new("RGB", (64, 64), "#223344")  # an image model's picture in the brand's colour
    on_palette = BrandColorCheck().run(
        ImageContext(**{**_ctx(palette=("#223344",)).__dict__, "brand_pixels": hero, "brand_source": "generated hero"})
    )
    assert on_palette.status == "pass"  # with brand colours and something the brand controls, the check applies
    brand_art = BrandColorCheck().run(_ctx(palette=("#223344",)))  # only the art we paint from the palette
    assert brand_art.status == "skipped" and "brand art" in brand_art.evidence


def test_a_skipped_check_never_makes_a_creative_worse() -> None:
    passed, skip = CheckResult("a", "pass", ""), CheckResult("b", "skipped", "does not apply")
    assert overall([passed, skip]) == "pass" and overall([skip]) == "pass"
    assert overall([skip, CheckResult("c", "warn", "")]) == "warn"
    assert overall([skip, CheckResult("c", "fail", "")]) == "fail"
    checks = [passed.to_dict(), skip.to_dict(), skip.to_dict()]
    assert compliance.score(checks) == 1.0
    assert compliance.score([*checks, CheckResult("c", "warn", "").to_dict()]) == 0.5
    assert compliance.score([skip.to_dict()]) is None  # nothing applied: no score


def test_a_campaign_without_a_logo_scores_by_the_checks_that_applied(cli, make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = as_json(make_campaign(base_brief(aspect_ratios=["1x1", "9x16"]), output="out"))
    assert result["status"] == "succeeded"
    for variant in result["variants"]:
        sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
        statuses = {c["name"]: c["status"] for c in sidecar["checks"]}
        assert statuses["logo"] == statuses["logo_placement"] == "skipped"
        assert set(statuses.values()) == {"pass", "skipped"}, sidecar["checks"]  # the only non-pass: skipped
        assert sidecar["checks_overall"] == "pass" and sidecar["status"] == "ok"
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    assert manifest["compliance_score"] == 1.0
    assert {e["checks"]["logo"] for e in manifest["variants"]} == {"skipped"}
    gallery = (workdir / "out/test-campaign/index.html").read_text()
    assert 'class="badge skipped" title="check logo: skipped (does not apply)"' in gallery
    assert 'class="badge warn" title="check logo' not in gallery
    report = cli("report", "test-campaign").json()
    assert report["compliance_score"] == 1.0 and report["defects"] == []
    assert report["by_check"]["logo"] == {"skipped": 2} and report["checks_skipped"] > 0
    assert report["checks_applied"] == report["checks_passed"] == report["checks_total"] - report["checks_skipped"]


# Stored checks of a campaign: every creative passes what applies (no painted text to read on a packshot).
def _clean(legal: CheckResult) -> list[dict[str, Any]]:
    return [
        legal.to_dict(),
        {"name": "legibility", "status": "pass", "evidence": "contrast 7.1:1, text inside the safe zone"},
        {"name": "framing", "status": "pass", "evidence": "100% of the product is visible"},
        {"name": "logo_placement", "status": "pass", "evidence": "logo inside the safe zone"},
        {"name": "logo", "status": "pass", "evidence": "logo found, 4.2:1 against its surround"},
        {"name": "brand_colors", "status": "pass", "evidence": "64% of the picture within ΔE2000 20"},
        skipped(source="input", provider="input").to_dict(),
    ]


HIDDEN = "41% of the product is visible (needs 85%, uncovered): the headline overlaps it"
INVISIBLE = "the brand logo is there but hard to see: 1.3:1 against its surround, below 3.0:1"
VARIANTS = [("towel", "de", "1x1"), ("towel", "de", "9x16"), ("towel", "en", "1x1"), ("towel", "en", "9x16")]
COPY = {"de": "Weiche Wellen", "en": "Soft waves"}
RESTRICTED = ("Gratis Wellen", "de")  # "gratis" is restricted in German: the legal check warns


def _with(checks: list[dict[str, Any]], name: str, status: str, evidence: str) -> list[dict[str, Any]]:
    return [dict(c, status=status, evidence=evidence) if c["name"] == name else c for c in checks]


def _legal(text: str, locale: str) -> CheckResult:
    return variant_result(text, None, locale=locale, market="DE", extra=())


def _campaign(repo: Repository, campaign_id: str, *, crafted: bool) -> None:
    """Four creatives; ``crafted``: one product hidden (framing fails), one logo invisible (logo fails), one
    restricted term (legal warns), the rest as clean as the clean campaign."""
    brief = {"campaign_id": campaign_id, "aspect_ratios": ["1:1", "9:16"], "locales": ["en", "de"]}
    repo.save_campaign(
        campaign_id=campaign_id,
        name=None,
        status="partial" if crafted else "succeeded",
        brief=brief,
        brief_sha256="0" * 64,
        target_market="DE",
        output_dir="out",
        products=[("towel", "Towel", None)],
    )
    for product, locale, ratio in VARIANTS:
        checks, status, reason = _clean(_legal(COPY[locale], locale)), "ok", None
        if crafted and (locale, ratio) == ("en", "1x1"):
            checks, status, reason = _with(checks, "framing", "fail", HIDDEN), "failed", f"check framing: {HIDDEN}"
        elif crafted and (locale, ratio) == ("en", "9x16"):
            checks, status, reason = _with(checks, "logo", "fail", INVISIBLE), "failed", f"check logo: {INVISIBLE}"
        elif crafted and (locale, ratio) == ("de", "1x1"):
            checks = [_legal(*RESTRICTED).to_dict(), *checks[1:]]
        repo.save_variant(
            campaign_id=campaign_id,
            product_id=product,
            locale=locale,
            aspect_ratio=ratio,
            status=status,
            reason=reason,
            message="m",
            file_path=f"out/{campaign_id}/{locale}{ratio}.png",
            sha256=None,
            hero_sha256=None,
            render_key=None,
            reused=False,
            checks=checks,
        )


def test_a_crafted_campaign_scores_lower_and_its_report_lists_exactly_its_three_defects(tmp_path: Path) -> None:
    assert all(_legal(text, locale).status == "pass" for locale, text in COPY.items())
    restricted = _legal(*RESTRICTED)
    assert restricted.status == "warn" and "gratis" in restricted.evidence, restricted
    repo = Repository.open(f"sqlite:///{tmp_path / 'facts.db'}")
    _campaign(repo, "clean", crafted=False)
    _campaign(repo, "crafted", crafted=True)
    clean, crafted = compliance.report(repo, "clean"), compliance.report(repo, "crafted")
    assert clean["compliance_score"] == 1.0 and clean["defects"] == []  # packshots: painted text skipped
    assert crafted["compliance_score"] == round(21 / 24, 3) < clean["compliance_score"]
    assert [(d["variant"], d["check"], d["status"], d["evidence"]) for d in crafted["defects"]] == [
        ("towel/en/1x1", "framing", "fail", HIDDEN),
        ("towel/en/9x16", "logo", "fail", INVISIBLE),
        ("towel/de/1x1", "legal", "warn", restricted.evidence),
    ]  # failures first
    assert crafted["by_check"]["framing"] == {"fail": 1, "pass": 3}
    assert crafted["by_check"]["legal"] == {"pass": 3, "warn": 1}
    assert crafted["by_check"]["painted_text"] == {"skipped": 4}  # its own count, never a defect
    assert crafted["checks_applied"] == 24 and crafted["checks_skipped"] == 4
    # The MCP tool's summary agrees.
    summary = compliance.summary(repo, "crafted")
    assert summary.compliance_score == crafted["compliance_score"] and summary.skipped == 4
    assert sorted((f.check, f.aspect_ratio) for f in summary.failing) == [("framing", "1x1"), ("logo", "9x16")]
    assert summary.warnings == 1 and summary.refusal is None
    # In HTML every defect is shown beside its creative's picture.
    pictures = {}
    for n, (product, locale, ratio) in enumerate(VARIANTS):
        out = io.BytesIO()
        Image.new("RGB", (60, 60), (40 * n, 90, 200)).save(out, "PNG")
        pictures[f"{product}/{locale}/{ratio}"] = data_uri(out.getvalue())
    html = compliance.render(crafted, "html", thumbnails=pictures)
    rows = defect_rows(html)
    assert [r.variant for r in rows] == ["towel/en/1x1|framing", "towel/en/9x16|logo", "towel/de/1x1|legal"]
    for row, defect in zip(rows, crafted["defects"], strict=True):
        (src,) = row.images
        assert src == pictures[defect["variant"]] and decode(src).size == (60, 60)
        assert defect["evidence"] in row.text
    assert set(creative_rows(html)) == {"/".join(v) for v in VARIANTS}
    assert "No defects" in compliance.render(clean, "html") and "No defects" not in html
    table = list(csv.DictReader(io.StringIO(compliance.render(crafted, "csv"))))
    not_passed = {(r["locale"], r["aspect_ratio"], r["check"], r["status"]) for r in table if r["status"] != "pass"}
    assert not_passed == {
        ("en", "1x1", "framing", "fail"),
        ("en", "9x16", "logo", "fail"),
        ("de", "1x1", "legal", "warn"),
        ("en", "1x1", "painted_text", "skipped"),
        ("en", "9x16", "painted_text", "skipped"),
        ("de", "1x1", "painted_text", "skipped"),
        ("de", "9x16", "painted_text", "skipped"),
    }
    assert all(r["file_path"].startswith("out/crafted/") for r in table)


def test_a_creative_that_could_not_be_made_is_a_defect_with_its_reason(tmp_path: Path) -> None:
    repo = Repository.open(f"sqlite:///{tmp_path / 'facts.db'}")
    repo.save_campaign(
        campaign_id="c",
        name=None,
        status="partial",
        brief={"aspect_ratios": ["1:1"]},
        brief_sha256="0" * 64,
        target_market="EU",
        output_dir="out",
        products=[("p", "P", None)],
    )
    repo.save_variant(
        campaign_id="c",
        product_id="p",
        locale="en",
        aspect_ratio="1x1",
        status="failed",
        reason="the copy does not fit at the minimum font size",
        message="",
        file_path=None,
        sha256=None,
        hero_sha256=None,
        render_key=None,
        reused=False,
        checks=[],
    )
    (defect,) = compliance.report(repo, "c")["defects"]
    assert (defect["variant"], defect["check"], defect["status"]) == ("p/en/1x1", None, "fail")
    assert defect["evidence"] == "the copy does not fit at the minimum font size"


def test_a_refused_campaign_gets_a_report_of_what_refused_it(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    refused = base_brief(campaign_message="Satisfaction guaranteed")
    run = cli("run", str(write_brief(workdir, refused)), "--output", "out")
    assert run.code == 2 and "prohibited term 'guaranteed'" in run.stderr
    assert not (workdir / "out").exists()  # nothing made
    result = cli("report", "test-campaign")
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["status"] == "refused" and report["variants"] == [] and report["compliance_score"] is None
    hits = {(h["field"], h["locale"], h["term"]) for h in report["refusal"]["hits"]}
    assert ("campaign_message", "en", "guaranteed") in hits, hits
    assert all(h["rule"] and h["source"].endswith(".yaml") for h in report["refusal"]["hits"])
    html = cli("report", "test-campaign", "--format", "html").stdout
    assert "Refused" in html and "campaign_message" in html and "guaranteed" in html
    table = list(csv.DictReader(io.StringIO(cli("report", "test-campaign", "--format", "csv").stdout)))
    assert any(
        r["variant_status"] == "refused" and "campaign_message: prohibited term 'guaranteed'" in r["evidence"]
        for r in table
    ), table
    # A run of the corrected brief clears the refusal; a later refused brief keeps the creatives on record.
    assert cli("run", str(write_brief(workdir, base_brief())), "--output", "out").code == 0
    again = cli("report", "test-campaign").json()
    assert again["status"] == "succeeded" and again["refusal"] is None and len(again["variants"]) == 1
    assert cli("run", str(write_brief(workdir, refused)), "--output", "out").code == 2
    kept = cli("report", "test-campaign").json()
    assert kept["status"] == "refused" and kept["refusal"]["hits"] and len(kept["variants"]) == 1


def test_the_api_records_the_refusal_it_answers(workdir: Path) -> None:
    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    settings = get_settings(output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}")
    with TestClient(create_app(settings)) as client:
        bad = client.post("/campaigns/process", json=base_brief(cta="Risk-free returns"))
        assert bad.status_code == 422 and "prohibited term 'risk-free'" in bad.text
        assert client.get("/campaigns/test-campaign").json()["status"] == "refused"
    summary = compliance.summary(Repository.open(settings.database_url), "test-campaign")
    assert summary.status == "refused" and summary.refusal is not None
    assert ("cta", "en", "risk-free") in [(h.field, h.locale, h.term) for h in summary.refusal.hits]
