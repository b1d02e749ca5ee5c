"""The legal check: prohibited terms refuse the campaign before any generation, restricted terms flag their
creatives; case- and accent-folded, word-bounded, negation-aware; layered rules and rule files of the brief."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.checks.legal import scan, terms_for
from tests.conftest import as_json, base_brief, write_brief


@pytest.mark.parametrize(
    ("locale", "market", "text", "found"),
    [
        ("en", "EU", "Satisfaction guaranteed!", ["guaranteed"]),
        ("en", "EU", "GUARANTEED results", ["guaranteed"]),
        ("en", "EU", "Not clinically proven, just comfy", []),
        ("en", "EU", "Clinically proven comfort", ["clinically proven"]),
        ("en", "EU", "Freestyle towels", []),  # word-bounded: free ≠ freestyle
        ("de", "EU", "Garantiert trocken", ["garantiert"]),
        ("de", "EU", "Nicht garantiert", []),
        ("de", "EU", "Umweltfreundlich", ["umweltfreundlich"]),  # the market's list
        ("de", "US", "Umweltfreundlich", []),
        ("fr", "EU", "Séchage GARANTÍ", ["garanti"]),  # accent-folded
        ("en", "US", "Proudly made in USA", ["made in usa"]),
    ],
)
def test_matching(locale: str, market: str, text: str, found: list[str]) -> None:
    assert [t.term for t in scan(text, terms_for(locale, market), locale)] == found


def test_a_prohibited_localized_message_refuses_the_campaign_before_generation(cli, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(locales=["en", "de"], messages={"de": "Trockenheit garantiert!"})
    result = cli("run", str(write_brief(workdir, brief)), "--provider", "openai", "--output", "out")
    assert result.code == 2 and "Traceback" not in result.stderr
    assert "messages.de (de): prohibited term 'garantiert' (rule absolute-claims, de.yaml)" in result.stderr
    assert vendor.requests == [] and not list((workdir / "out").rglob("*.png"))  # nothing generated or written


def test_product_names_and_ctas_are_checked_too(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(products=[{"id": "p1", "name": "Miracle Towel"}], cta="Risk-free returns")
    result = cli("run", str(write_brief(workdir, brief)), "--output", "out")
    assert result.code == 2
    assert "products[0].name (en): prohibited term 'miracle'" in result.stderr
    assert "cta (en): prohibited term 'risk-free'" in result.stderr


def test_restricted_terms_flag_only_the_creatives_that_carry_them(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(locales=["en", "de"], messages={"de": "Klinisch bewiesen weich"})
    result = make_campaign(brief, output="out")
    assert result.status == "succeeded"
    for variant in as_json(result)["variants"]:
        sidecar = json.loads((workdir / variant["file_path"]).with_suffix(".json").read_text())
        legal = next(c for c in sidecar["checks"] if c["name"] == "legal")
        if variant["locale"] == "de":
            assert legal["status"] == "warn" and "klinisch bewiesen" in legal["evidence"]
            assert sidecar["checks_overall"] == "warn"
        else:
            assert legal["status"] == "pass"


def test_rule_files_named_by_the_brief(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    (workdir / "house-rules.yaml").write_text("prohibited:\n  - term: Hello World\n    rule: house-style\n")
    brief = base_brief(legal_rules=["house-rules.yaml"])
    result = cli("run", str(write_brief(workdir, brief)), "--output", "out")
    assert result.code == 2 and "prohibited term 'Hello World' (rule house-style, house-rules.yaml)" in result.stderr
    missing = cli("run", str(write_brief(workdir, base_brief(legal_rules=["nope.yaml"]))), "--output", "out")
    assert missing.code == 2 and "legal_rules: cannot read" in missing.stderr and "nope.yaml" in missing.stderr
    (workdir / "broken.yaml").write_text("prohibited: [{rule: x}]\n")
    broken = cli("run", str(write_brief(workdir, base_brief(legal_rules=["broken.yaml"]))), "--output", "out")
    assert broken.code == 2 and "broken.yaml: prohibited[0] needs a term" in broken.stderr


def test_the_api_answers_422_with_the_report(workdir: Path) -> None:
    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    settings = get_settings(output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'api.db'}")
    with TestClient(create_app(settings)) as client:
        bad = client.post("/campaigns/process", json=base_brief(campaign_message="Guaranteed dry in a minute"))
        assert bad.status_code == 422 and "prohibited term 'guaranteed'" in bad.text
        outside = client.post("/campaigns/process", json=base_brief(legal_rules=["/etc/passwd"]))
        assert outside.status_code == 422 and "legal_rules[0]" in outside.text
    assert not list((workdir / "out").rglob("*.png"))
