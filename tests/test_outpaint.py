"""Extended canvases painted by an edit-capable provider: the new area from the vendor, the original pixels kept,
each canvas paid for once, and the offline extension (said so in the sidecar) when the vendor cannot."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from creative_ai.errors import GenerationFailed
from creative_ai.render.framing import OFFLINE, frame
from tests.conftest import as_json, base_brief, write_brief

GROUND = (236, 236, 232)
RED = (200, 40, 40)
PAINT = (20, 160, 90)


def _wide_packshot() -> Image.Image:
    """A subject so wide that no 9:16 crop keeps 85% of it."""
    image = Image.new("RGB", (1200, 1200), GROUND)
    ImageDraw.Draw(image).rectangle((60, 520, 1140, 700), fill=RED)
    return image


def test_a_fill_paints_the_new_area_and_the_picture_is_pasted_back() -> None:
    seen: list[Image.Image] = []

    def fill(sketch: Image.Image) -> tuple[Image.Image, str]:
        seen.append(sketch)
        return Image.new("RGB", sketch.size, PAINT), "vendor/model-1"

    offline, _ = frame(_wide_packshot(), 1080, 1920)
    out, framing = frame(_wide_packshot(), 1080, 1920, fill=fill)
    assert framing.extended and framing.extension == "vendor/model-1" and framing.kept_share == 1.0
    (sketch,) = seen
    assert sketch.mode == "RGBA" and sketch.size == (1080, 1920)
    alpha = np.asarray(sketch.getchannel("A"))
    painted = alpha == 0
    assert 0.2 < painted.mean() < 0.9 and set(np.unique(alpha)) == {0, 255}
    pixels, offline_pixels = np.asarray(out), np.asarray(offline)
    assert np.all(pixels[painted] == PAINT)  # the vendor's pixels where the canvas grew
    assert np.array_equal(pixels[~painted], offline_pixels[~painted])  # the picture itself, untouched
    assert framing.as_dict()["extension"] == "vendor/model-1"


def test_a_fill_that_fails_falls_back_offline_and_says_why() -> None:
    def fill(_sketch: Image.Image) -> tuple[Image.Image, str]:
        raise GenerationFailed("vendor/model-1: HTTP 500")

    offline, _ = frame(_wide_packshot(), 1080, 1920)
    out, framing = frame(_wide_packshot(), 1080, 1920, fill=fill)
    assert framing.extension == OFFLINE and "HTTP 500" in (framing.extension_note or "")
    assert np.array_equal(np.asarray(out), np.asarray(offline))


def test_a_crop_that_keeps_the_subject_never_asks_for_a_fill() -> None:
    def fill(_sketch: Image.Image) -> tuple[Image.Image, str]:
        raise AssertionError("no extension was needed")

    image = Image.new("RGB", (1200, 1200), GROUND)
    ImageDraw.Draw(image).rectangle((500, 400, 700, 800), fill=RED)
    _out, framing = frame(image, 1080, 1920, fill=fill)
    assert not framing.extended and framing.extension is None


def _brief(workdir: Path, **overrides: object) -> Path:
    (workdir / "shots").mkdir(exist_ok=True)
    _wide_packshot().save(workdir / "shots/wide.png")
    data = base_brief(
        products=[{"id": "wide", "name": "Wide Item", "image": "shots/wide.png"}],
        aspect_ratios=["1x1", "9x16", "16x9", "4x5"],
        locales=["en", "de"],
        messages={"de": "Hallo Welt"},
        **overrides,
    )
    return write_brief(workdir, data)


def _sidecars(workdir: Path, summary: dict) -> list[dict]:  # type: ignore[type-arg]
    return [
        json.loads((workdir / v["file_path"]).with_suffix(".json").read_text())
        for v in summary["variants"]
        if v["status"] == "ok"
    ]


def _edits(vendor) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [r for r in vendor.requests if r.path.endswith("/images/edits")]


def test_openai_paints_each_extended_canvas_once(make_campaign, workdir: Path, vendor) -> None:  # type: ignore[no-untyped-def]
    result = make_campaign(_brief(workdir), provider="openai", output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    sidecars = _sidecars(workdir, summary)
    assert len(sidecars) == 8
    extended = {(s["aspect_ratio"], s["framing"]["extension"]) for s in sidecars if s["framing"]["extended"]}
    model = summary["model"]
    assert extended and {e for _r, e in extended} == {f"openai/{model}"}
    ratios = {r for r, _e in extended}
    edits = _edits(vendor)
    assert len(edits) == len(ratios)  # one call per extended canvas, shared by both locales
    for request in edits:
        assert request.body["files"] == ["image", "mask"] and 0 < request.body["mask_transparent_share"] < 1
    assert summary["provider_calls"] == len(edits) and summary["cost_estimate_usd"] > 0
    db = sqlite3.connect(workdir / "creative_ai.db")
    kinds = dict(db.execute("select kind, count(*) from generations where outcome = 'ok' group by kind").fetchall())
    assert kinds == {"fill": len(edits)}  # paid for, and not counted as heroes
    # The painted area comes from the vendor, the packshot's own pixels are where they were.
    nine = next(s for s in sidecars if s["aspect_ratio"] == "9x16" and s["locale"] == "en")
    assert nine["framing"]["extended"]
    with Image.open(workdir / nine["file_path"]) as image:
        top = np.asarray(image.convert("RGB"))[5:40, 300:780]
    assert np.abs(top.astype(int) - GROUND).max() > 30  # not the mirrored ground: the vendor painted it

    # New copy re-renders every creative, but no canvas is paid for twice.
    again = make_campaign(_brief(workdir, campaign_message="Hello again"), provider="openai", output="out")
    assert again.status == "succeeded"
    assert as_json(again)["provider_calls"] == 0 and len(_edits(vendor)) == len(edits)
    assert all(
        s["framing"]["extension"] == f"openai/{model}"
        for s in _sidecars(workdir, as_json(again))
        if s["framing"]["extended"]
    )


def test_a_vendor_that_cannot_paint_leaves_the_offline_extension(
    make_campaign, workdir: Path, vendor, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "2")
    vendor.fail("openai", "500", times=None)
    result = make_campaign(_brief(workdir), provider="openai", output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    assert summary["status"] == "succeeded"  # the creatives are made all the same
    extended = [s for s in _sidecars(workdir, summary) if s["framing"]["extended"]]
    assert extended
    for sidecar in extended:
        assert sidecar["framing"]["extension"] == OFFLINE
        assert "HTTP 500" in sidecar["framing"]["extension_note"]
    ratios = {s["aspect_ratio"] for s in extended}
    assert len(_edits(vendor)) == 2 * len(ratios)  # two attempts per canvas, not per creative

    # The vendor is back: an unchanged rerun paints what was extended offline, and keeps the rest.
    vendor.faults["openai"].clear()
    again = make_campaign(_brief(workdir), provider="openai", output="out")
    assert again.status == "succeeded"
    assert len(_edits(vendor)) == 3 * len(ratios)
    painted = [s for s in _sidecars(workdir, as_json(again)) if s["framing"]["extended"]]
    assert {s["framing"]["extension"] for s in painted} == {f"openai/{as_json(again)['model']}"}
    assert all(v["reused"] for v in as_json(again)["variants"] if v["aspect_ratio"] not in ratios)


def test_outpainting_can_be_turned_off(make_campaign, workdir: Path, vendor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_OUTPAINT", "false")
    result = make_campaign(_brief(workdir), provider="openai", output="out")
    assert result.status == "succeeded"
    assert not _edits(vendor)
    assert {s["framing"]["extension"] for s in _sidecars(workdir, as_json(result)) if s["framing"]["extended"]} == {
        OFFLINE
    }


@pytest.mark.parametrize("provider", ["gemini"])
def test_gemini_paints_through_generate_content(make_campaign, workdir: Path, vendor, provider: str) -> None:  # type: ignore[no-untyped-def]
    result = make_campaign(_brief(workdir), provider=provider, output="out")
    assert result.status == "succeeded"
    summary = as_json(result)
    extended = [s for s in _sidecars(workdir, summary) if s["framing"]["extended"]]
    assert extended and all(s["framing"]["extension"] == f"gemini/{summary['model']}" for s in extended)
    assert vendor.count("gemini") == len({s["aspect_ratio"] for s in extended})


def test_turning_outpainting_off_redraws_what_the_provider_painted(
    make_campaign, workdir: Path, vendor, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    first = make_campaign(_brief(workdir), provider="openai", output="out")
    assert first.status == "succeeded"
    painted = {s["file_path"] for s in _sidecars(workdir, as_json(first)) if s["framing"]["extended"]}
    assert painted
    monkeypatch.setenv("CREATIVE_AI_OUTPAINT", "false")
    second = make_campaign(_brief(workdir), provider="openai", output="out")
    assert second.status == "succeeded"
    redrawn = {s["file_path"]: s for s in _sidecars(workdir, as_json(second))}
    assert {redrawn[path]["framing"]["extension"] for path in painted} == {OFFLINE}
    # And a new prompt (the product's description) paints its canvases again.
    monkeypatch.delenv("CREATIVE_AI_OUTPAINT")
    before = len(_edits(vendor))
    brief = json.loads(_brief(workdir).read_text())
    brief["products"][0]["description"] = "A wide item on a sunny terrace"
    third = make_campaign(write_brief(workdir, brief), provider="openai", output="out")
    assert third.status == "succeeded"
    assert len(_edits(vendor)) > before
