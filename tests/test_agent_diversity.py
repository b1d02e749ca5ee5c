"""Diversity that means something: two products that look the same is the alert; the locales of one creative
(the same picture, other copy) are neither near-duplicates nor fewer distinct looks. The pictures are measured here
with a hash of our own (an average hash over the decoded pixels), not the facts' difference hash."""

# ruff: noqa: F811 - the tests take the `env` fixture imported below as an argument
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from creative_ai.config import get_settings
from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.facts import Facts, diversity
from creative_ai.storage.local import LocalStore
from tests.conftest import base_brief
from tests.test_agent import _agent, _alerts, env  # noqa: F401 - env: the agent's environment (SMTP sink, webhook)

RATIOS = ["1x1", "9x16", "16x9"]


def _shot(path: Path, *, body: tuple[int, int, int], ground: tuple[int, int, int], round_: bool) -> None:
    """A photographed packshot: a product on a plain ground (a tall bottle, or a round tin)."""
    image = Image.new("RGB", (900, 900), ground)
    draw = ImageDraw.Draw(image)
    if round_:
        draw.ellipse((420, 380, 820, 780), fill=body)
    else:
        draw.rounded_rectangle((120, 80, 330, 820), radius=50, fill=body)
    image.save(path)


def _ahash(path: Path, size: int = 16) -> int:
    with Image.open(path) as image:
        pixels = list(image.convert("L").resize((size, size), Image.Resampling.BOX).tobytes())
    mean = sum(pixels) / len(pixels)
    return sum(1 << i for i, p in enumerate(pixels) if p > mean)


def _creative(out: Path, campaign: str, product: str, ratio: str, locale: str) -> Path:
    (found,) = (out / campaign / product / ratio).glob(f"{product}_{ratio}_{locale}.*[!n]")  # not the .json
    return found


def _pixels(path: Path) -> bytes:
    with Image.open(path) as image:
        return image.convert("RGB").tobytes()


def _facts() -> Facts:
    settings = get_settings()
    return Facts(settings, Repository.open(settings.database_url), LocalStore(settings.output_dir))


def test_two_products_on_the_same_packshot_raise_the_diversity_warning_naming_both(
    make_campaign, env: Path, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    _port, mail = smtp_server
    _shot(env / "shot.png", body=(30, 110, 190), ground=(236, 238, 240), round_=False)
    brief = base_brief(
        campaign_id="clones",
        products=[
            {"id": "prod_a", "name": "Alpha", "image": "shot.png"},
            {"id": "prod_b", "name": "Beta", "image": "shot.png"},
        ],
        aspect_ratios=RATIOS,
        locales=["en", "de"],
        messages={"de": "Hallo Welt"},
    )
    assert make_campaign(brief).status == "succeeded"
    out = env / "out"
    for ratio in RATIOS:  # the two products' creatives are the very same picture
        a, b = (_creative(out, "clones", p, ratio, "en") for p in ("prod_a", "prod_b"))
        assert _pixels(a) == _pixels(b) and _ahash(a) == _ahash(b)

    agent = _agent()
    agent.run_pass()
    (alert,) = [a for a in _alerts(agent) if a.rule == "near_duplicates"]
    assert alert.severity == "warning" and alert.status == "open"
    assert alert.facts["product_pairs"] == [["prod_a", "prod_b"]]
    assert "prod_a and prod_b" in alert.summary
    (message,) = [m for m in mail.received if "near-duplicate" in str(m.message["Subject"])]
    assert "warning" in str(message.message["Subject"])
    body = message.message.get_content()
    assert "prod_a and prod_b" in body and "prod_a/en/1x1 and prod_b/en/1x1 look alike (hash distance 0)" in body
    across = [p for p in alert.facts["pairs"] if p["across_products"]]
    # One pair per ratio (the hero is the same picture whatever the locale), each naming both products.
    assert len(across) == len(RATIOS) == alert.facts["across_products"]
    assert all(p["distance"] == 0 and p["compared"] == "hero" for p in across)
    assert {(p["a"].split("/")[0], p["b"].split("/")[0]) for p in across} == {("prod_a", "prod_b")}
    assert {p["a"].split("/")[2] for p in across} == set(RATIOS)
    # Each product still has its three looks: the problem is between products, not within one.
    assert "few_variants" not in {a.rule for a in _alerts(agent)}
    line = _facts().product_variants("clones", "prod_b")
    assert line.distinct == 3 and {d.b.split("/")[0] for d in line.near_duplicates} == {"prod_a"}


def test_a_healthy_campaign_of_two_products_two_locales_raises_no_diversity_alert(make_campaign, env: Path) -> None:  # type: ignore[no-untyped-def]
    _shot(env / "bottle.png", body=(30, 110, 190), ground=(236, 238, 240), round_=False)
    _shot(env / "tin.png", body=(200, 40, 40), ground=(40, 44, 48), round_=True)
    brief = base_brief(
        campaign_id="healthy",
        products=[
            {"id": "bottle", "name": "Bottle", "image": "bottle.png"},
            {"id": "tin", "name": "Tin", "image": "tin.png"},
        ],
        aspect_ratios=RATIOS,
        locales=["en", "de"],
        campaign_message="Fresh all summer",
        messages={"de": "Fresh all summer."},  # copy this close made the old facts call the locales duplicates
    )
    assert make_campaign(brief).status == "succeeded"
    out = env / "out"
    limit = get_settings().agent_duplicate_distance
    for ratio in RATIOS:
        en, de = (_creative(out, "healthy", "bottle", ratio, loc) for loc in ("en", "de"))
        assert _pixels(en) != _pixels(de)  # the locales really are two creatives (other copy, same picture)
        bottle, tin = (_creative(out, "healthy", p, ratio, "en") for p in ("bottle", "tin"))
        assert (_ahash(bottle) ^ _ahash(tin)).bit_count() > 4 * limit  # and the two products look nothing alike

    agent = _agent()
    agent.run_pass()
    rules = {a.rule for a in _alerts(agent)}
    assert not rules & {"near_duplicates", "few_variants"}, rules
    for product in ("bottle", "tin"):
        line = _facts().product_variants("healthy", product)
        assert line.ok == 6 and line.near_duplicates == []


def test_locales_do_not_lower_or_raise_distinct(make_campaign, env: Path) -> None:  # type: ignore[no-untyped-def]
    _shot(env / "bottle.png", body=(30, 110, 190), ground=(236, 238, 240), round_=False)
    for cid, locales in (("one-locale", ["en"]), ("three-locales", ["en", "de", "fr"])):
        brief = base_brief(
            campaign_id=cid,
            products=[{"id": "bottle", "name": "Bottle", "image": "bottle.png"}],
            aspect_ratios=RATIOS,
            locales=locales,
            campaign_message="Hello World",
            messages={k: v for k, v in {"de": "Hallo Welt, hallo Sommer", "fr": "Bonjour"}.items() if k in locales},
        )
        assert make_campaign(brief).status == "succeeded"
    one, three = (_facts().product_variants(cid, "bottle") for cid in ("one-locale", "three-locales"))
    assert (one.ok, three.ok) == (3, 9)
    assert one.distinct == three.distinct == len(RATIOS)  # one look per ratio of the one packshot
    assert three.near_duplicates == []


def _variant(product: str, locale: str, ratio: str, hero: str | None, sha: str) -> t.Variant:
    now = datetime.now(UTC)
    return t.Variant(
        campaign_id="c",
        product_id=product,
        locale=locale,
        aspect_ratio=ratio,
        status="ok",
        message="m",
        file_path=f"{sha}.png",
        sha256=sha,
        hero_sha256=hero,
        created_at=now,
        updated_at=now,
    )


def _sig(bits: int, grey: int = 128) -> diversity.Signature:
    return diversity.Signature(bits, bytes([grey]) * 48)


def test_looks_group_locales_and_compare_ratios_heroes_and_products() -> None:
    sigs = {"a1": _sig(0), "a2": _sig(1), "a3": _sig(0b1111 << 40), "b1": _sig(0b11), "b2": _sig((1 << 200) - 1)}
    mine = diversity.looks(
        [
            _variant("a", "en", "1x1", "h1", "a1"),
            _variant("a", "de", "1x1", "h1", "a2"),  # another locale of the same look
            _variant("a", "en", "4x5", "h1", "a3"),  # another ratio that looks like the square one
            _variant("a", "en", "16x9", None, "b2"),  # a look whose hero was not recorded
        ]
    )
    assert [len(look) for look in mine] == [2, 1, 1]
    distinct, pairs = diversity.within(mine, lambda v: sigs[str(v.sha256)], 4)
    assert distinct == 2  # the square and the 4x5 look alike; the 16x9 does not
    assert [(p.a, p.b, p.distance, p.across_products) for p in pairs] == [("a/en/1x1", "a/en/4x5", 4, False)]

    theirs = diversity.looks([_variant("b", "de", "1x1", "h2", "b1"), _variant("b", "en", "4x5", "h1", "b2")])
    heroes = {"h1": _sig(7), "h2": _sig(7 ^ 0b111)}
    found = diversity.across(mine, theirs, lambda v: sigs[str(v.sha256)], heroes.get, 4)
    # The square: stored heroes 3 apart, compared on the locale both have (de); the 4x5: the very same hero.
    assert [(p.a, p.b, p.distance, p.compared) for p in found] == [
        ("a/de/1x1", "b/de/1x1", 3, "hero"),
        ("a/en/4x5", "b/en/4x5", 0, "hero"),
    ]
    # Without stored heroes the squares' creatives of that locale are compared (1 and 0b11: 1 apart).
    unstored = diversity.across(mine, theirs, lambda v: sigs[str(v.sha256)], lambda _: None, 4)
    assert [(p.a, p.b, p.distance, p.compared) for p in unstored] == [
        ("a/de/1x1", "b/de/1x1", 1, "creative"),
        ("a/en/4x5", "b/en/4x5", 0, "hero"),
    ]
    # Heroes of one layout in other colours hash alike but do not look the same.
    recoloured = {"h1": _sig(7, grey=40), "h2": _sig(7, grey=200)}
    assert [p.b for p in diversity.across(mine, theirs, lambda v: sigs[str(v.sha256)], recoloured.get, 4)] == [
        "b/en/4x5"
    ]


def test_flat_pictures_of_one_layout_in_other_colours_are_not_alike() -> None:
    """The difference hash reads brightness gradients only; the colour thumbnail tells the two apart."""

    def flat(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
        image = Image.new("RGB", (320, 320), top)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 160, 320, 320), fill=bottom)
        draw.ellipse((80, 80, 240, 240), fill=(240, 240, 240))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    red, green = (
        diversity.signature(flat((180, 30, 30), (90, 10, 10))),
        diversity.signature(flat((30, 160, 60), (10, 70, 20))),
    )
    assert (red.hash ^ green.hash).bit_count() <= get_settings().agent_duplicate_distance  # the hash alone: alike
    assert diversity.colour_gap(red, green) > diversity.COLOUR_GAP
    assert diversity.colour_gap(red, diversity.signature(flat((180, 30, 30), (90, 10, 10)))) == 0
