"""Required disclaimers: a market's rule that an offer (a percentage off, a "free" offer) carries its terms line;
the brief's terms line set small under the copy, legible (measured) and read back by an independent OCR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from creative_ai.checks.legal import variant_result
from creative_ai.placements import get_placement
from creative_ai.render.compose import Copy, plan_text
from creative_ai.render.text import FontBook
from tests.conftest import as_json, base_brief, run_brief, write_brief
from tests.test_ocr_readback import _need_tesseract, headline_picture, similarity, tesseract

TERMS = {"en": "Offer valid until 31 July 2026 while stocks last.", "de": "Angebot gültig bis 31. Juli 2026."}


def test_an_offer_without_its_terms_line_is_blocked_before_generation(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(campaign_message="30% off all summer", target_market="EU", aspect_ratios=["1x1", "9x16"])
    path = write_brief(workdir, brief)
    checked = cli("validate", str(path))
    assert checked.code == 2, checked.stdout
    assert "'30%' needs the market's terms line (rule offer-terms, market-eu.yaml)" in checked.stdout
    assert "locale en, ratio 9x16" in checked.stdout and "messages_terms.en" in checked.stdout
    result = cli("run", str(path), "--provider", "openai", "--output", "out", "--json")
    assert vendor.count("openai") == 0 and result.json()["status"] == "failed"


def test_the_rules_decide_fail_or_warn_per_market() -> None:
    free = variant_result("Free towel with every order", None, locale="en", market="US", extra=[])
    assert free.status == "fail" and "free-offer-terms" in free.evidence
    discount = variant_result("20% off towels", None, locale="en", market="US", extra=[])
    assert discount.status == "warn" and "discount-terms" in discount.evidence
    termed = variant_result("20% off towels", None, locale="en", market="US", extra=[], terms="Until June.")
    assert termed.status == "pass" and termed.measured["terms_line"] is True
    assert variant_result("خصم 30%", None, locale="ar", market="EU", extra=[]).status == "fail"  # any script
    assert variant_result("Dry in minutes", None, locale="en", market="EU", extra=[]).status == "pass"
    assert variant_result("100% cotton", None, locale="en", market="EU", extra=[]).status == "pass"  # not an offer
    assert variant_result("30% off", None, locale="en", market="Global", extra=[]).status == "pass"  # no rule there


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"rule": "x", "when_patterns": ["("]}, "is not a valid pattern"),
        ({"rule": "x", "when_rules": ["free-offers"], "severity": "block"}, "severity is fail or warn"),
        ({"rule": "x"}, "needs when_rules or when_patterns"),
        ({"rule": "x", "when_rules": ["a"], "colour": "red"}, "unknown keys ['colour']"),
    ],
)
def test_a_broken_disclaimer_rule_is_refused_with_its_place(
    cli,
    workdir: Path,
    entry: dict,
    complaint: str,  # type: ignore[type-arg]
) -> None:
    import yaml

    (workdir / "ours.yaml").write_text(yaml.safe_dump({"disclaimers": [entry]}), encoding="utf-8")
    result = cli("validate", str(write_brief(workdir, base_brief(legal_rules=["ours.yaml"]))))
    assert result.code == 2 and "legal rules ours.yaml: disclaimers[0]" in result.stderr, result.stderr
    assert complaint in result.stderr and "Traceback" not in result.stderr


def test_a_terms_line_too_long_for_two_lines_blocks_its_variants(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    long_terms = "Conditions apply " * 9  # 153 characters: more than two small lines of any text box hold
    brief = base_brief(campaign_message="Dry in minutes", terms=long_terms.strip(), aspect_ratios=["16x9"])
    result = cli("validate", str(write_brief(workdir, brief)))
    assert result.code == 2 and "the terms line (152 characters) does not fit in 2 lines" in result.stdout


def test_the_terms_line_is_on_every_creative_legible_and_read_back(tmp_path: Path) -> None:
    _need_tesseract()
    brief = base_brief(
        campaign_id="offer",
        campaign_message="30% off all summer",
        messages={"de": "30 % Rabatt den ganzen Sommer"},
        target_market="EU",
        locales=["en", "de"],
        cta="Shop now",
        terms=TERMS["en"],
        messages_terms={"de": TERMS["de"]},
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
    )
    summary = as_json(run_brief(write_brief(tmp_path, brief), output=tmp_path / "out", provider="local"))
    assert summary["status"] == "succeeded", summary
    book = FontBook.default()
    for variant in summary["variants"]:
        sidecar = json.loads(Path(variant["file_path"]).with_suffix(".json").read_text(encoding="utf-8"))
        checks = {c["name"]: c for c in sidecar["checks"]}
        where = (variant["locale"], variant["aspect_ratio"])
        assert checks["legal"]["status"] == "pass" and sidecar["terms"] == TERMS[variant["locale"]], where
        assert checks["legibility"]["measured"]["terms_contrast_ratio"] >= 4.5, (where, checks["legibility"])
        placement = get_placement(variant["aspect_ratio"])
        copy = Copy(sidecar["message"], sidecar["cta"], variant["locale"], sidecar["terms"])
        plan = plan_text(copy, placement=placement, book=book)
        assert list(plan.block.as_tuple()) == checks["legibility"]["measured"]["text_box"], where
        assert plan.terms is not None and plan.terms_box is not None
        picture = headline_picture(
            Path(variant["file_path"]), plan.terms_box.as_tuple(), color=sidecar["text"]["color"], size=plan.terms.size
        )
        read = tesseract(picture, "eng+deu")
        assert similarity(TERMS[variant["locale"]], read) >= 0.8, (where, read)


def test_without_the_terms_line_the_reading_fails(tmp_path: Path) -> None:
    """The read-back can fail: the same crop of a creative made without a terms line reads nothing like it."""
    _need_tesseract()
    brief = base_brief(campaign_id="plain", campaign_message="Dry in minutes", aspect_ratios=["1x1"])
    summary = as_json(run_brief(write_brief(tmp_path, brief), output=tmp_path / "out", provider="local"))
    variant = summary["variants"][0]
    placement = get_placement("1x1")
    plan = plan_text(Copy("Dry in minutes", None, "en", TERMS["en"]), placement=placement, book=FontBook.default())
    assert plan.terms_box is not None and plan.terms is not None
    sidecar = json.loads(Path(variant["file_path"]).with_suffix(".json").read_text(encoding="utf-8"))
    picture = headline_picture(
        Path(variant["file_path"]), plan.terms_box.as_tuple(), color=sidecar["text"]["color"], size=plan.terms.size
    )
    assert similarity(TERMS["en"], tesseract(picture, "eng")) < 0.5
    with Image.open(variant["file_path"]) as image:
        assert image.size == (1080, 1080)
