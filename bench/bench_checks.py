"""All checks of one creative as a share of its render time (target ≤ 30%), on one core.

Per placement: render + encode of the creative (what ``produce_variant`` does besides checking) next to every
image check on it, each timed alone. The painted-text OCR runs once per generated hero and is shared by every
creative cut from it; it is shown per hero and spread over the creatives of one locale (the least sharing).
The copy checks run once per campaign before anything is generated and are shown per campaign.
"""

from __future__ import annotations

from timing import RUNS, median_ms, one_core, sample_logo

one_core()  # before numeric libraries are imported

import json
import statistics
from pathlib import Path

from PIL import Image

from creative_ai.brief import parse_brief
from creative_ai.checks.legal import preflight
from creative_ai.checks.painted_text import PaintedTextCheck
from creative_ai.checks.suite import image_checks
from creative_ai.config import Settings
from creative_ai.pipeline.variant import check_context, encode
from creative_ai.placements import HERO_SIZES, PLACEMENTS
from creative_ai.render.backdrop import draw_backdrop
from creative_ai.render.compose import Copy, plan_text, render_creative
from creative_ai.render.text import FontBook

PALETTE = ["#FF6B35", "#004E89", "#F4F4F4"]
TARGET_SHARE = 0.30
LOCALES = (1, 10)  # creatives per ratio sharing a hero: one locale, and the world example's ten
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = Settings()
    book = FontBook.default()
    logo = sample_logo()
    heroes = {
        name: draw_backdrop(width=w, height=h, palette=PALETTE, seed=7)
        for name, (w, h) in HERO_SIZES.items()
        if name != "single"
    }
    checks = image_checks(max_delta_e=settings.brand_max_delta_e, min_brand_share=settings.brand_min_share)
    painted = PaintedTextCheck()
    ocr_ms = {name: median_ms(lambda hero=hero: painted.run(hero), runs=5) for name, hero in heroes.items()}
    per_class = {name: sum(1 for p in PLACEMENTS.values() if p.orientation == name) for name in heroes}
    rows = []
    for ratio, placement in PLACEMENTS.items():
        hero = heroes[placement.orientation]
        copy = Copy("Make Waves This Summer!", "Shop now")
        text = plan_text(copy, placement=placement, book=book)
        rendered = render_creative(hero, placement=placement, text=text, palette=PALETTE, logo=logo, book=book)
        ctx = check_context(rendered, placement, logo=logo, palette=tuple(PALETTE))

        def render(hero: Image.Image = hero, placement=placement, copy: Copy = copy) -> bytes:  # type: ignore[no-untyped-def]
            text = plan_text(copy, placement=placement, book=book)
            out = render_creative(hero, placement=placement, text=text, palette=PALETTE, logo=logo, book=book)
            return encode(out.image, fmt="png", settings=settings)

        render_ms = median_ms(render)
        each = {check.name: median_ms(lambda check=check, ctx=ctx: check.run(ctx)) for check in checks}
        image_ms = median_ms(lambda ctx=ctx: [check.run(ctx) for check in checks])
        ocr_one_ms = ocr_ms[placement.orientation] / per_class[placement.orientation]
        rows.append(
            {
                "placement": ratio,
                "render_ms": round(render_ms, 1),
                "checks_ms": round(image_ms, 1),
                "each_ms": {k: round(v, 2) for k, v in each.items()},
                "painted_text_per_creative_ms": {n: round(ocr_one_ms / n, 1) for n in LOCALES},
                "share_image_checks": round(image_ms / render_ms, 3),
                "share_with_painted_text": {n: round((image_ms + ocr_one_ms / n) / render_ms, 3) for n in LOCALES},
            }
        )
    brief = parse_brief(_world_brief())
    copy_ms = median_ms(lambda: preflight(brief))

    names = [check.name for check in checks]
    print(f"image checks per creative vs render + encode (PNG), one core, median of {RUNS}")
    header = f"{'placement':<9} {'render ms':>9} {'checks ms':>9} " + " ".join(f"{n:>14}" for n in names)
    header += f" {'share':>6} " + " ".join(f"{f'+OCR/{n}loc':>10}" for n in LOCALES)
    print(header)
    print("-" * len(header))
    for r in rows:
        line = f"{r['placement']:<9} {r['render_ms']:>9.1f} {r['checks_ms']:>9.1f} "
        line += " ".join(f"{r['each_ms'][n]:>14.2f}" for n in names)
        line += f" {r['share_image_checks']:>6.2f} "
        line += " ".join(f"{r['share_with_painted_text'][n]:>10.2f}" for n in LOCALES)
        print(line)
    image_share = statistics.median(r["share_image_checks"] for r in rows)
    with_ocr = {n: statistics.median(r["share_with_painted_text"][n] for r in rows) for n in LOCALES}
    print(
        "painted-text OCR per generated hero (once, shared by every creative cut from it): "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in ocr_ms.items())
    )
    print(f"copy checks, whole world example (10 locales): {copy_ms:.2f} ms per campaign")
    verdict = "met" if image_share <= TARGET_SHARE else "NOT met"
    print(
        f"median share of the image checks in render time: {image_share:.2f} (target ≤ {TARGET_SHARE:.2f}): {verdict}"
    )
    for n, share in with_ocr.items():
        verdict = "met" if share <= TARGET_SHARE else "NOT met"
        print(f"  with painted-text OCR spread over {n} locale(s) of a generated hero: {share:.2f}: {verdict}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "bench_checks.json").write_text(
        json.dumps({"placements": rows, "ocr_per_hero_ms": ocr_ms, "copy_checks_ms": copy_ms}, indent=2, default=str)
    )


def _world_brief() -> dict[str, object]:
    import yaml

    data = yaml.safe_load((ROOT / "examples/brief_world.yaml").read_text())
    assert isinstance(data, dict)
    return data


if __name__ == "__main__":
    main()
