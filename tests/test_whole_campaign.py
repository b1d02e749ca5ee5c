"""What a campaign publishes is the whole campaign: a run of part of a brief (``--ratio``, ``--locale``,
``--product``) keeps every creative made before in the manifest, the gallery and the campaign's status, lists what
was never made as not made yet, and a variant dropped from the brief has its files and rows removed."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from creative_ai.brief import parse_brief
from creative_ai.config import get_settings
from creative_ai.db.repository import Repository
from creative_ai.pipeline import publish_campaign, run_campaign
from creative_ai.providers import get_provider
from creative_ai.storage.local import LocalStore
from tests.conftest import as_json, base_brief, write_brief
from tests.test_fit_before_spend import ESSAY

PRODUCTS = [{"id": "prod_a", "name": "Product A"}, {"id": "prod_b", "name": "Product B"}]
RATIOS = ["1x1", "9x16"]


def _brief(**overrides: object) -> dict[str, Any]:
    data: dict[str, Any] = {"products": PRODUCTS, "aspect_ratios": RATIOS, "locales": ["en", "de"]}
    return base_brief(**(data | {"messages": {"de": "Hallo Welt"}} | overrides))


class _Figures(HTMLParser):
    """Each creative card of the gallery: product (its section), locale, ratio, status and picture."""

    def __init__(self) -> None:
        super().__init__()
        self.product = ""
        self.cards: list[dict[str, Any]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and found.get("id"):
            self.product = found["id"] or ""
        elif tag == "figure" and "data-status" in found:
            self.cards.append({"product": self.product, **found, "img": None, "text": ""})
            self._open = True
        elif tag == "img" and self._open:
            self.cards[-1]["img"] = found.get("src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cards[-1]["text"] += data


def gallery_cards(page: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The gallery's main grid, keyed product/locale/ratio (the side-by-side view is built by script, empty here)."""
    parser = _Figures()
    parser.feed(page.read_text())
    cards = {(c["product"], c["data-locale"], c["data-ratio"]): c for c in parser.cards}
    assert len(cards) == len(parser.cards)  # one card per creative
    return cards


def _manifest(out: Path, campaign: str = "test-campaign") -> dict[str, Any]:
    return json.loads((out / campaign / "manifest.json").read_text())  # type: ignore[no-any-return]


def _key(entry: dict[str, Any]) -> tuple[str, str, str]:
    return entry["product_id"], entry["locale"], entry["aspect_ratio"]


def _status(workdir: Path, campaign: str = "test-campaign") -> str:
    repo = Repository.from_url(f"sqlite:///{workdir / 'creative_ai.db'}")
    try:
        row = repo.campaign(campaign)
        assert row is not None
        return row.status
    finally:
        repo.engine.dispose()


def test_a_subset_run_after_a_full_run_keeps_the_whole_campaign_published(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, _brief())
    full = cli("run", str(path), "--output", "out", "--json")
    assert full.code == 0, full.stderr
    before = _manifest(workdir / "out")
    assert before["variants_total"] == before["variants_ok"] == 8 and _status(workdir) == "succeeded"

    part = cli("run", str(path), "--output", "out", "--ratio", "9x16", "--locale", "de", "--json")
    assert part.code == 0, part.stderr

    after = _manifest(workdir / "out")
    assert after["variants_total"] == after["variants_ok"] == 8 and after["status"] == "succeeded"
    assert [(_key(v), v["status"], v["file"], v["sha256"]) for v in after["variants"]] == [
        (_key(v), v["status"], v["file"], v["sha256"]) for v in before["variants"]
    ]
    assert after["locales"] == ["en", "de"] and after["aspect_ratios"] == RATIOS
    cards = gallery_cards(workdir / "out/test-campaign/index.html")
    assert set(cards) == {(p["id"], loc, r) for p in PRODUCTS for loc in ("en", "de") for r in RATIOS}
    for (product, locale, ratio), card in cards.items():
        assert card["data-status"] == "ok", card
        assert card["img"] == f"{product}/{ratio}/{product}_{ratio}_{locale}.png"
        assert (workdir / "out/test-campaign" / card["img"]).is_file()
    assert _status(workdir) == "succeeded"

    summary = part.json()
    assert [(v["product_id"], v["locale"], v["aspect_ratio"]) for v in summary["variants"]] == [
        ("prod_a", "de", "9x16"),
        ("prod_b", "de", "9x16"),
    ]  # the summary is this run's ...
    assert summary["variants_total"] == 2 and summary["status"] == "succeeded"
    assert summary["campaign_variants_total"] == summary["campaign_variants_ok"] == 8  # ... and counts the campaign
    assert summary["campaign_status"] == "succeeded" and summary["campaign_variants_not_made"] == 0

    # --product narrows the same way: the campaign still has all eight.
    one = cli("run", str(path), "--output", "out", "--product", "prod_b", "--locale", "en", "--json")
    assert one.code == 0 and one.json()["variants_total"] == 2 and one.json()["campaign_variants_ok"] == 8
    assert _manifest(workdir / "out")["variants_ok"] == 8 and _status(workdir) == "succeeded"


def test_a_brief_made_only_in_part_is_published_as_partial(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, _brief())
    part = cli("run", str(path), "--output", "out", "--ratio", "1x1", "--locale", "en")
    assert part.code == 0, part.stderr  # every creative this run made is fine

    manifest = _manifest(workdir / "out")
    assert manifest["status"] == "partial" and _status(workdir) == "partial"
    assert manifest["variants_total"] == 8 and manifest["variants_ok"] == 2 and manifest["variants_not_made"] == 6
    made = {_key(v) for v in manifest["variants"] if v["status"] == "ok"}
    assert made == {("prod_a", "en", "1x1"), ("prod_b", "en", "1x1")}
    pending = [v for v in manifest["variants"] if _key(v) not in made]
    assert len(pending) == 6 and all(v["status"] == "not_made" and v["file"] is None for v in pending)
    assert all(v["reason"] == "not made yet" for v in pending)

    cards = gallery_cards(workdir / "out/test-campaign/index.html")
    assert len(cards) == 8
    assert {k for k, c in cards.items() if c["data-status"] == "ok" and c["img"]} == made
    for key in set(cards) - made:
        assert cards[key]["data-status"] == "not_made" and cards[key]["img"] is None
        assert "not made yet" in cards[key]["text"]
    assert "partial" in (workdir / "out/test-campaign/index.html").read_text()
    assert "campaign: 2/8 creatives ok, 6 not made yet (partial)" in part.stdout, part.stdout

    # The rest of the brief, made later in another part, completes the campaign.
    rest = cli("run", str(path), "--output", "out", "--locale", "de", "--json")
    assert rest.code == 0 and rest.json()["campaign_status"] == "partial"  # 9x16/en is still not made
    assert cli("run", str(path), "--output", "out", "--ratio", "9x16", "--locale", "en").code == 0
    final = _manifest(workdir / "out")
    assert final["status"] == "succeeded" and final["variants_ok"] == 8 and _status(workdir) == "succeeded"


def test_a_locale_dropped_from_the_brief_is_removed_from_disk_manifest_and_database(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, _brief())
    assert cli("run", str(path), "--output", "out").code == 0
    other = write_brief(workdir, _brief(campaign_id="other-campaign"), name="other.json")
    assert cli("run", str(other), "--output", "out").code == 0  # same products and locales, another campaign
    campaign = workdir / "out/test-campaign"
    (campaign / "prod_a/1x1/notes.txt").write_text("kept")  # not a creative of the campaign
    german = [
        campaign / p["id"] / r / f"{p['id']}_{r}_de.{ext}" for p in PRODUCTS for r in RATIOS for ext in ("png", "json")
    ]
    assert all(f.is_file() for f in german)

    path.write_text(json.dumps(_brief(locales=["en"], messages={})))
    result = cli("run", str(path), "--output", "out", "--ratio", "1x1")  # a part of the brief still prunes
    assert result.code == 0, result.stderr
    removed = ["prod_a/de/1x1", "prod_a/de/9x16", "prod_b/de/1x1", "prod_b/de/9x16"]
    assert not [f for f in german if f.exists()]
    assert (campaign / "prod_a/1x1/notes.txt").read_text() == "kept"
    others = workdir / "out/other-campaign"
    assert all((others / f.relative_to(campaign)).is_file() for f in german)  # another campaign's are untouched
    assert f"warning: removed 4 creative(s) no longer in the brief: {', '.join(removed)}" in result.stdout

    manifest = _manifest(workdir / "out")
    assert {_key(v) for v in manifest["variants"]} == {(p["id"], "en", r) for p in PRODUCTS for r in RATIOS}
    assert manifest["locales"] == ["en"] and manifest["variants_ok"] == 4 and manifest["status"] == "succeeded"
    assert {c[1] for c in gallery_cards(campaign / "index.html")} == {"en"}
    repo = Repository.from_url(f"sqlite:///{workdir / 'creative_ai.db'}")
    try:
        assert {v.locale for v in repo.variants("test-campaign")} == {"en"}
        assert {v.locale for v in repo.variants("other-campaign")} == {"en", "de"}
    finally:
        repo.engine.dispose()

    again = cli("run", str(path), "--output", "out", "--json")  # nothing left to remove
    assert again.code == 0 and again.json()["removed"] == []
    quiet = cli("run", str(path), "--output", "out")
    assert quiet.code == 0 and "removed" not in quiet.stdout


def test_a_variant_that_failed_before_stays_failed_when_a_run_leaves_it_out(make_campaign, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = _brief(products=PRODUCTS[:1], messages={"de": ESSAY})  # the German copy fits no layout
    assert make_campaign(brief, output="out").status == "partial"
    part = as_json(make_campaign(brief, output="out", locales=["en"]))
    assert part["status"] == "succeeded" and part["variants_total"] == 2  # this run made all it was asked
    manifest = _manifest(workdir / "out")
    assert manifest["status"] == "partial" and _status(workdir) == "partial"
    by_key = {_key(v): v for v in manifest["variants"]}
    assert set(by_key) == {("prod_a", loc, r) for loc in ("en", "de") for r in RATIOS}
    for ratio in RATIOS:
        assert by_key[("prod_a", "en", ratio)]["status"] == "ok"
        failed = by_key[("prod_a", "de", ratio)]
        assert failed["status"] == "failed" and failed["file"] is None and "does not fit" in failed["reason"]
    assert part["campaign_status"] == "partial" and part["campaign_variants_ok"] == 2
    assert part["campaign_variants_not_made"] == 0


def test_a_product_dropped_from_a_campaign_made_in_parts_is_removed_when_it_publishes(workdir: Path) -> None:
    settings = get_settings(output_dir=workdir / "out", provider="local")
    repo = Repository.open(settings.database_url)
    store = LocalStore(settings.output_dir)
    provider = get_provider("local", settings=settings)
    common = dict(provider=provider, store=store, repo=repo, settings=settings, display_root="out")
    brief = parse_brief(_brief(locales=["en"], messages={}, aspect_ratios=["1x1"]))
    for product in PRODUCTS:
        run_campaign(brief, products=[product["id"]], **common)
    dropped = workdir / "out/test-campaign/prod_b/1x1/prod_b_1x1_en"
    assert dropped.with_suffix(".png").is_file() and dropped.with_suffix(".json").is_file()

    kept = parse_brief(_brief(products=PRODUCTS[:1], locales=["en"], messages={}, aspect_ratios=["1x1"]))
    part = run_campaign(kept, products=["prod_a"], publish=False, **common)
    assert dropped.with_suffix(".png").is_file()  # a part publishes nothing, removes nothing
    summary = publish_campaign(
        kept, [part], failed_parts={}, provider="local", model=part.model, store=store, repo=repo,
        display_root="out", duration_s=1.0,
    )  # fmt: skip
    assert not dropped.with_suffix(".png").exists() and not dropped.with_suffix(".json").exists()
    assert [v["product_id"] for v in _manifest(workdir / "out")["variants"]] == ["prod_a"]
    assert {v.product_id for v in repo.variants("test-campaign")} == {"prod_a"}
    assert [p.product_id for p in repo.products("test-campaign")] == ["prod_a"]
    assert part.removed == [] and summary.removed == ["prod_b/en/1x1"] and summary.campaign_status == "succeeded"
    repo.engine.dispose()
