"""9:16 creatives run on Stories, Reels and TikTok: their text and logo stay clear of every one's interface, read
back by an independent OCR from the final pixels (right-to-left layouts included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from creative_ai.placements import REELS, STORIES, get_placement

ROOT = Path(__file__).resolve().parents[1]
SLACK = 6  # px
UNCLIP = 0.2  # the OCR detector grows each box by about this share of its height on every side


def test_the_9x16_safe_zone_keeps_clear_of_stories_and_reels() -> None:
    placement = get_placement("9x16")
    assert placement.zones == (STORIES, REELS)
    safe = placement.safe_box()
    assert (safe.top, safe.bottom) == (round(0.14 * 1920), 1920 - round(0.35 * 1920))
    assert (safe.left, safe.right) == (round(0.06 * 1080), 1080 - round(0.12 * 1080))


@pytest.mark.parametrize("brief", ["brief_packshots.yaml", "brief_world.yaml"])
def test_text_and_logo_of_every_9x16_creative_avoid_the_reels_interface(
    make_campaign, workdir: Path, brief: str
) -> None:  # type: ignore[no-untyped-def]
    rapidocr = pytest.importorskip("rapidocr")
    engine = rapidocr.RapidOCR(params={"Global.log_level": "critical"})
    summary = make_campaign(ROOT / "examples" / brief, output="out", ratios=["9x16"])
    assert summary.status == "succeeded"
    safe = get_placement("9x16").safe_box()
    for variant in summary.variants:
        found = engine(str(workdir / variant.file_path))
        boxes = [] if found.boxes is None else list(found.boxes)
        # The logo and at least one line of copy (the detector finds no Arabic lines; Hebrew stands for RTL).
        assert len(boxes) >= (1 if variant.locale == "ar" else 2), variant.locale
        for box in boxes:
            xs, ys = [float(x) for x, _y in box], [float(y) for _x, y in box]
            grown = UNCLIP * (max(ys) - min(ys))
            xs, ys = [min(xs) + grown, max(xs) - grown], [min(ys) + grown, max(ys) - grown]
            inside = (
                min(xs) >= safe.left - SLACK
                and max(xs) <= safe.right + SLACK
                and min(ys) >= safe.top - SLACK
                and max(ys) <= safe.bottom + SLACK
            )
            assert inside, (variant.locale, [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))], safe)
