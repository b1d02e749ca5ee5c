"""The brief model: JSON and YAML agree, ids are slugs, errors carry field paths and say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from creative_ai.brief import load_brief, normalize_locale, parse_brief
from creative_ai.errors import BriefError
from tests.conftest import EXAMPLES, base_brief


def _issues(data: object) -> dict[str, str]:
    with pytest.raises(BriefError) as info:
        parse_brief(data)
    return {issue.path: issue.message for issue in info.value.issues}


def test_json_and_yaml_give_the_same_brief(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "brief_multi_product.json").read_text())
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "b.json").write_text(json.dumps(data))
    assert load_brief(tmp_path / "b.yaml") == load_brief(tmp_path / "b.json")


def test_examples_load() -> None:
    multi = load_brief(EXAMPLES / "brief_multi_product.json")
    assert len(multi.products) == 3 and multi.aspect_ratios == ["1x1", "9x16", "16x9"]
    yaml_brief = load_brief(EXAMPLES / "brief_packshots.yaml")
    assert yaml_brief.aspect_ratios == ["1x1", "9x16", "16x9", "4x5"]
    assert yaml_brief.target_locales == ["en", "de", "fr"]
    assert yaml_brief.base_dir == EXAMPLES.resolve()


@pytest.mark.parametrize("bad", ["../../x", "a/b", "UPPER", "", "-lead", "a..b", "x" * 65])
def test_campaign_id_must_be_a_slug(bad: str) -> None:
    assert "is not a slug" in _issues(base_brief(campaign_id=bad))["campaign_id"]


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x", "a/b", "a..b", "with space", ""])
def test_product_id_must_be_a_slug(bad: str) -> None:
    issues = _issues(base_brief(products=[{"id": bad, "name": "P"}]))
    assert "products[0].id" in issues


def test_product_id_keeps_case() -> None:
    assert parse_brief(base_brief(products=[{"id": "Prod_A.1", "name": "P"}])).products[0].id == "Prod_A.1"


def test_every_missing_required_field_is_named() -> None:
    required = ["campaign_id", "products", "target_market", "target_audience", "campaign_message"]
    issues = _issues({k: v for k, v in base_brief().items() if k not in required})
    for field in required:
        assert issues[field] == "is required"


def test_collects_several_issues_at_once() -> None:
    issues = _issues(base_brief(campaign_id="Bad", brand_colors=["#12"], products=[{"id": "a", "name": ""}]))
    assert {"campaign_id", "brand_colors[0]", "products[0].name"} <= issues.keys()


def test_colours_are_normalised() -> None:
    assert parse_brief(base_brief(brand_colors=["#abc", "#00ff7f"])).brand_colors == ["#AABBCC", "#00FF7F"]


def test_message_limits() -> None:
    assert "at most 140" in _issues(base_brief(campaign_message="x" * 141))["campaign_message"]
    assert parse_brief(base_brief(campaign_message="  two   spaces ")).campaign_message == "two spaces"


def test_empty_products_and_unknown_nested_key() -> None:
    assert "at least one product" in _issues(base_brief(products=[]))["products"]
    assert (
        "unknown field"
        in _issues(base_brief(products=[{"id": "a", "name": "A", "colour": "red"}]))["products[0].colour"]
    )


def test_locales() -> None:
    assert normalize_locale("pt-br") == "pt-BR" and normalize_locale("zh-hant-tw") == "zh-Hant-TW"
    assert normalize_locale("en_GB") == "en-GB"
    with pytest.raises(ValueError, match="BCP 47"):
        normalize_locale("english")
    brief = parse_brief(base_brief(locales=["en", "de-de"], messages={"de-DE": "Hallo"}))
    assert brief.target_locales == ["en", "de-DE"] and brief.messages == {"de-DE": "Hallo"}
    assert "not one of the campaign's locales" in _issues(base_brief(messages={"fr": "Salut"}))["messages.fr"]
    assert "twice" in _issues(base_brief(locales=["en", "EN"]))["locales"]


def test_ratio_spellings_and_duplicates() -> None:
    assert parse_brief(base_brief(aspect_ratios=["1:1", "9:16", "1x1"])).aspect_ratios == ["1x1", "9x16"]
    assert "unknown aspect ratio" in _issues(base_brief(aspect_ratios=["3:2"]))["aspect_ratios[0]"]


def test_top_level_must_be_a_mapping() -> None:
    assert "must be a mapping" in _issues([1, 2])[""]


def test_landing_url_and_utm() -> None:
    brief = parse_brief(
        base_brief(
            landing_url="https://shop.example.com/summer",
            utm={"utm_source": "meta", "utm_campaign": " summer "},
            products=[{"id": "a", "name": "A", "landing_url": "https://shop.example.com/a"}],
        )
    )
    assert brief.utm == {"utm_source": "meta", "utm_campaign": "summer"}
    assert brief.products[0].landing_url == "https://shop.example.com/a"
    for field, value, message in (
        ("landing_url", "ftp://shop.example.com", "not an absolute http(s) URL"),
        ("landing_url", "shop.example.com/x", "not an absolute http(s) URL"),
        ("utm", {"utm_content": "x"}, "utm_content is set by the export"),
        ("utm", {"source": "meta"}, "'source' is not a UTM parameter"),
        ("utm", {"utm_source": ""}, "utm_source must be 1 to 200 characters"),
    ):
        with pytest.raises(BriefError) as caught:
            parse_brief(base_brief(**{field: value}))
        assert f"{field}: " in str(caught.value) and message in str(caught.value)
