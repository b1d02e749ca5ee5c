"""Render + encode per creative for each placement on one core, next to the bare floor (crop + encode); then the
9:16 creative per script (copy of the world example), next to the Latin baseline, text caches cleared each run."""

from __future__ import annotations

from timing import RUNS, median_ms, one_core, paired_ms, sample_logo

one_core()  # before numeric libraries are imported

import json
from pathlib import Path

from PIL import Image

from creative_ai.config import Settings
from creative_ai.pipeline.variant import encode
from creative_ai.placements import HERO_SIZES, PLACEMENTS
from creative_ai.render.backdrop import draw_backdrop
from creative_ai.render.compose import Copy, plan_text, product_region, render_creative
from creative_ai.render.crop import cover_crop
from creative_ai.render.packshot import product_target
from creative_ai.render.subject import Subject, find_subject
from creative_ai.render.text import FontBook

PALETTE = ["#FF6B35", "#004E89", "#F4F4F4"]
TARGET_MS, TARGET_RATIO = 120.0, 1.5
SEED_9X16_S = 1.73  # seconds per 9:16 creative in the system this replaces


def main() -> None:
    settings = Settings()
    book = FontBook.default()
    logo = sample_logo()
    heroes = {
        name: draw_backdrop(width=w, height=h, palette=PALETTE, seed=7)
        for name, (w, h) in HERO_SIZES.items()
        if name != "single"
    }
    rows = []
    for ratio, placement in PLACEMENTS.items():
        hero = heroes[placement.orientation]
        copy = Copy("Make Waves This Summer!", "Shop now")

        def creative(hero: Image.Image = hero, placement=placement, copy: Copy = copy) -> bytes:  # type: ignore[no-untyped-def]
            text = plan_text(copy, placement=placement, book=book)
            out = render_creative(
                hero, placement=placement, text=text, palette=PALETTE, logo=logo, book=book, subject=scene(hero)
            )
            return encode(out.image, fmt="png", settings=settings)

        def floor(hero: Image.Image = hero, placement=placement) -> bytes:  # type: ignore[no-untyped-def]
            return encode(cover_crop(hero, placement.width, placement.height), fmt="png", settings=settings)

        def jpeg(hero: Image.Image = hero, placement=placement, copy: Copy = copy) -> bytes:  # type: ignore[no-untyped-def]
            text = plan_text(copy, placement=placement, book=book)
            out = render_creative(
                hero, placement=placement, text=text, palette=PALETTE, logo=logo, book=book, subject=scene(hero)
            )
            return encode(out.image, fmt="jpg", settings=settings)

        (full_ms, floor_ms, ratio_of), jpg_ms = paired_ms(creative, floor), median_ms(jpeg)
        rows.append(
            {
                "placement": ratio,
                "size": placement.dimensions,
                "creative_ms": round(full_ms, 1),
                "floor_ms": round(floor_ms, 1),
                "ratio": round(ratio_of, 2),
                "creative_jpg_ms": round(jpg_ms, 1),
                "png_bytes": len(creative()),
            }
        )
    header = (
        f"{'placement':<9} {'size':<10} {'creative ms':>11} {'floor ms':>9} {'ratio':>6} {'jpg ms':>7} {'PNG KiB':>8}"
    )
    print("render + encode per creative, one core, median of 15 runs alternating with the floor (PNG compress_level 1)")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['placement']:<9} {r['size']:<10} {r['creative_ms']:>11.1f} {r['floor_ms']:>9.1f} "
            f"{r['ratio']:>6.2f} {r['creative_jpg_ms']:>7.1f} {r['png_bytes'] / 1024:>8.0f}"
        )
    story = next(r for r in rows if r["placement"] == "9x16")
    ok = story["creative_ms"] <= TARGET_MS and story["ratio"] <= TARGET_RATIO
    print(
        f"9x16 target (≤ {TARGET_MS:.0f} ms and ≤ {TARGET_RATIO}× floor): {'met' if ok else 'NOT met'}; "
        f"{SEED_9X16_S * 1000 / story['creative_ms']:.0f}× faster than the replaced system's {SEED_9X16_S} s"
    )
    scripts = by_script(book, logo, heroes["portrait"], settings)
    photos = photographed(book, logo, settings)
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    report = {"placements": rows, "scripts": scripts, "photographed": photos}
    (out / "bench_render.json").write_text(json.dumps(report, indent=2))


def scene(hero: Image.Image) -> Subject:
    """Brand art as the pipeline frames it: a scene with no product in it."""
    return Subject((0, 0, *hero.size), "none", scene=True)


def photographed(book: FontBook, logo: Image.Image, settings: Settings) -> list[dict[str, object]]:
    """A photographed packshot (1600×1200, product off-centre on a gradient sweep): its subject found once per
    run, then each placement framed with the product in its area (extended where needed), next to the floor."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.photos import photo

    shot = photo("gradient", box=(1100, 300, 1400, 1100), seed=1).image
    find_ms = median_ms(lambda: find_subject(shot))
    subject = find_subject(shot)
    rows: list[dict[str, object]] = []
    for ratio, placement in PLACEMENTS.items():
        copy = Copy("Make Waves This Summer!", "Shop now")

        def creative(placement=placement, copy: Copy = copy) -> bytes:  # type: ignore[no-untyped-def]
            text = plan_text(copy, placement=placement, book=book)
            x0, y0, x1, y1 = subject.box
            target = product_target(product_region(placement, text.rtl), placement, (x1 - x0, y1 - y0))
            out = render_creative(
                shot,
                placement=placement,
                text=text,
                palette=PALETTE,
                logo=logo,
                book=book,
                subject=subject,
                target=target.as_tuple(),
            )
            return encode(out.image, fmt="png", settings=settings)

        def floor(placement=placement) -> bytes:  # type: ignore[no-untyped-def]
            return encode(cover_crop(shot, placement.width, placement.height), fmt="png", settings=settings)

        full_ms, floor_ms, ratio_of = paired_ms(creative, floor)
        rows.append(
            {
                "placement": ratio,
                "creative_ms": round(full_ms, 1),
                "floor_ms": round(floor_ms, 1),
                "ratio": round(ratio_of, 2),
            }
        )
    print(
        f"\nphotographed packshot 1600x1200: subject found once per run in {find_ms:.0f} ms; "
        f"per creative, median of {RUNS}"
    )
    print(f"{'placement':<9} {'creative ms':>11} {'floor ms':>9} {'ratio':>6}")
    for row in rows:
        print(f"{row['placement']:<9} {row['creative_ms']:>11.1f} {row['floor_ms']:>9.1f} {row['ratio']:>6.2f}")
    return [{"find_subject_ms": round(find_ms, 1)}, *rows]


def _clear_text_caches() -> None:
    from creative_ai.render import shaping

    shaping._pango.cache_clear()
    shaping.pillow_width.cache_clear()


def by_script(book: FontBook, logo: Image.Image, hero: Image.Image, settings: Settings) -> list[dict[str, object]]:
    import yaml

    world = yaml.safe_load((Path(__file__).resolve().parents[1] / "examples/brief_world.yaml").read_text())
    placement = PLACEMENTS["9x16"]
    rows: list[dict[str, object]] = []
    for locale in world["locales"]:
        copy = Copy(
            world["messages"].get(locale, world["campaign_message"]),
            world["messages_cta"].get(locale, world["cta"]),
            locale,
        )

        def creative(copy: Copy = copy) -> bytes:
            _clear_text_caches()
            text = plan_text(copy, placement=placement, book=book)
            out = render_creative(hero, placement=placement, text=text, palette=PALETTE, logo=logo, book=book)
            return encode(out.image, fmt="png", settings=settings)

        rows.append({"locale": locale, "creative_ms": round(median_ms(creative), 1)})
    base = float(rows[0]["creative_ms"])  # type: ignore[arg-type]
    print(f"\n9x16 creative by script (world example copy, text caches cleared each run), median of {RUNS}")
    print(f"{'locale':<7} {'creative ms':>11} {'vs en':>6}")
    for row in rows:
        print(f"{row['locale']:<7} {row['creative_ms']:>11.1f} {float(row['creative_ms']) / base:>6.2f}")  # type: ignore[arg-type]
    return rows


if __name__ == "__main__":
    main()
