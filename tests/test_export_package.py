"""Bulk-upload packages: each platform's sheet (CSV and XLSX read back), its images, skips, notes and atomic writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw

from creative_ai.errors import AssetError, InputError
from creative_ai.export import PLATFORMS, ExportItem, destination_url, write_package

SIZES = {"1x1": (1080, 1080), "9x16": (1080, 1920), "16x9": (1920, 1080), "4x5": (1080, 1350)}
UTM = {"utm_source": "paid_social", "utm_medium": "cpc", "utm_campaign": "spring été"}
LANDING = "https://shop.example.com/p/tea?ref=home&utm_source=old#top"


def png(size: tuple[int, int], *, mode: str = "RGB") -> bytes:
    """A small real creative: a gradient with a band and a block of "copy"."""
    w, h = size
    ramp = np.linspace(30, 220, w, dtype=np.float64)
    pixels = np.stack([np.tile(ramp, (h, 1)), np.full((h, w), 90.0), np.tile(ramp[::-1], (h, 1))], axis=-1)
    image = Image.fromarray(pixels.astype(np.uint8)).convert(mode)
    draw = ImageDraw.Draw(image)
    draw.rectangle((w // 10, h * 7 // 10, w * 9 // 10, h * 8 // 10), fill="white")
    draw.text((w // 8, h * 3 // 4), "Spring tea, 20% off", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def noisy_png(size: tuple[int, int], *, amplitude: float | None) -> bytes:
    """A gradient with seeded noise (``amplitude`` its spread), or pure noise when it is None: hard to compress."""
    w, h = size
    rng = np.random.default_rng(7)
    if amplitude is None:
        pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    else:
        base = np.zeros((h, w, 3)) + np.linspace(40, 200, w)[None, :, None]
        pixels = np.clip(base + rng.normal(0, amplitude, base.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def item(ad_name: str, ratio: str, **changes: object) -> ExportItem:
    fields: dict[str, object] = {
        "ad_name": ad_name,
        "campaign_id": "spring-25",
        "campaign_name": "Spring Tea",
        "product_id": "tea-1",
        "product_name": "Green Tea",
        "locale": "en-GB",
        "aspect_ratio": ratio,
        "headline": "Spring tea, 20% off",
        "cta": "Shop now",
        "terms": "Ends 31 May.",
        "image": png(SIZES[ratio]) if ratio in SIZES else png((1080, 1080)),
        "landing_url": LANDING,
        "utm": UTM,
    }
    fields.update(changes)
    return ExportItem(**fields)  # type: ignore[arg-type]


def all_ratios() -> list[ExportItem]:
    return [item(f"tea_{ratio}", ratio) for ratio in ("1x1", "9x16", "16x9", "4x5")]


def read_csv(path: Path, *, bom: bool) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") is bom
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def read_xlsx(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    sheet = load_workbook(path).active
    assert sheet is not None
    lines = [[cell.value for cell in line] for line in sheet.iter_rows()]
    headers = [str(h) for h in lines[0]]
    return headers, [dict(zip(headers, ("" if v is None else v for v in line), strict=True)) for line in lines[1:]]


def check_url(url: str, *, ad_name: str) -> None:
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["utm_content"] == [ad_name]
    for key, value in UTM.items():
        assert query[key] == [value]  # exactly once, the given value (the URL's old utm_source is gone)
    assert query["ref"] == ["home"]
    assert parts.fragment == "top"


def check_images(result_paths: list[Path], *, limit: int, sizes: dict[str, tuple[int, int]]) -> None:
    assert sorted(p.name for p in result_paths) == sorted(f"{name}.jpg" for name in sizes)
    for path in result_paths:
        assert path.is_file() and path.stat().st_size <= limit
        with Image.open(path) as image:
            assert image.format == "JPEG"
            assert image.size == sizes[path.stem]


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".partial"))


def test_meta_package_has_every_ratio_with_its_placement(tmp_path: Path) -> None:
    out = tmp_path / "meta"
    result = write_package(all_ratios(), platform="meta", out_dir=out)
    spec = PLATFORMS["meta"]
    assert result.skipped == []
    assert [p.name for p in result.sheet_paths] == ["meta_bulk_import.csv", "meta_bulk_import.xlsx"]
    csv_headers, csv_rows = read_csv(result.sheet_paths[0], bom=False)
    xlsx_headers, xlsx_rows = read_xlsx(result.sheet_paths[1])
    assert csv_headers == xlsx_headers == list(spec.headers)
    assert csv_rows == xlsx_rows
    assert [r["Ad Name"] for r in csv_rows] == ["tea_1x1", "tea_9x16", "tea_16x9", "tea_4x5"]
    for row in csv_rows:
        check_url(row["Link"], ad_name=row["Ad Name"])
        assert row["Image File Name"] == f"{row['Ad Name']}.jpg"
        assert row["Call to Action"] == "SHOP_NOW"
        assert row["Title"] == "Spring tea, 20% off" and row["Campaign Name"] == "Spring Tea"
    by_name = {r["Ad Name"]: r for r in csv_rows}
    assert "story" in by_name["tea_9x16"]["Instagram Positions"]
    assert by_name["tea_1x1"]["Facebook Positions"] == by_name["tea_4x5"]["Facebook Positions"] == "feed"
    check_images(result.image_paths, limit=spec.max_bytes, sizes={f"tea_{r}": s for r, s in SIZES.items()})
    assert "Import ads in bulk" in result.readme_line and "\n" not in result.readme_line
    assert result.notes == []
    assert leftovers(tmp_path) == []


def test_tiktok_takes_9x16_and_1x1_and_skips_the_rest_saying_which_it_takes(tmp_path: Path) -> None:
    result = write_package(all_ratios(), platform="tiktok", out_dir=tmp_path / "tt")
    spec = PLATFORMS["tiktok"]
    assert [name for name, _ in result.skipped] == ["tea_16x9", "tea_4x5"]
    for _, reason in result.skipped:
        assert "9x16, 1x1" in reason
    headers, rows = read_csv(result.sheet_paths[0], bom=True)  # TikTok wants "CSV UTF-8": with a BOM
    assert headers == list(spec.headers)
    assert read_xlsx(result.sheet_paths[1]) == (headers, rows)
    assert {r["Ad Name"]: r["Placements"] for r in rows} == {"tea_1x1": "Pangle", "tea_9x16": "TikTok"}
    for row in rows:
        check_url(row["Destination URL"], ad_name=row["Ad Name"])
        assert row["Call to Action"] == "Shop now" and row["Ad Format"] == "Single image"
    check_images(result.image_paths, limit=spec.max_bytes, sizes={"tea_1x1": (1080, 1080), "tea_9x16": (1080, 1920)})


def test_google_takes_square_and_portrait_and_scales_down_to_its_sizes(tmp_path: Path) -> None:
    items = [item("sq", "1x1", image=png((2000, 2000))), item("pt", "4x5", image=png((1600, 2000)))]
    items += [item("tall", "9x16"), item("wide", "16x9")]
    result = write_package(items, platform="google", out_dir=tmp_path / "g")
    spec = PLATFORMS["google"]
    assert [p.name for p in result.sheet_paths] == ["google_ads_editor.csv"]  # Editor imports CSV: no workbook
    assert dict(result.skipped).keys() == {"tall", "wide"}
    assert all("1x1, 4x5" in reason for _, reason in result.skipped)
    headers, rows = read_csv(result.sheet_paths[0], bom=True)
    assert headers == list(spec.headers)
    by_name = {r["Ad name"]: r for r in rows}
    assert by_name["sq"]["Square images"] == "sq.jpg" and by_name["sq"]["Portrait images"] == ""
    assert by_name["pt"]["Portrait images"] == "pt.jpg" and by_name["pt"]["Square images"] == ""
    for row in rows:
        check_url(row["Final URL"], ad_name=row["Ad name"])
        assert row["Call to action"] == "Shop now" and row["Ad type"] == "Demand Gen image ad"
    check_images(result.image_paths, limit=spec.max_bytes, sizes={"sq": (1200, 1200), "pt": (960, 1200)})


def test_a_large_creative_is_scaled_down_keeping_its_ratio_never_up(tmp_path: Path) -> None:
    items = [item("big", "9x16", image=png((2160, 3840))), item("small", "1x1", image=png((800, 800)))]
    result = write_package(items, platform="meta", out_dir=tmp_path / "m")
    check_images(
        result.image_paths, limit=PLATFORMS["meta"].max_bytes, sizes={"big": (1440, 2560), "small": (800, 800)}
    )


def test_an_image_over_the_size_limit_is_saved_at_a_lower_quality_and_said_so(tmp_path: Path) -> None:
    source = noisy_png((1080, 1080), amplitude=10)
    first = io.BytesIO()
    Image.open(io.BytesIO(source)).convert("RGB").save(first, format="JPEG", quality=92, subsampling=0, optimize=True)
    limit = PLATFORMS["tiktok"].max_bytes
    assert len(first.getvalue()) > limit  # the test means something: quality 92 does not fit
    result = write_package([item("grain", "1x1", image=source)], platform="tiktok", out_dir=tmp_path / "t")
    assert result.skipped == []
    check_images(result.image_paths, limit=limit, sizes={"grain": (1080, 1080)})
    assert any(n.startswith("grain: saved at JPEG quality") and "500 KB" in n for n in result.notes)


def test_an_image_that_cannot_get_under_the_limit_is_skipped_with_the_sizes(tmp_path: Path) -> None:
    items = [item("static", "9x16", image=noisy_png((1080, 1920), amplitude=None)), item("fine", "1x1")]
    result = write_package(items, platform="tiktok", out_dir=tmp_path / "t")
    assert [name for name, _ in result.skipped] == ["static"]
    reason = result.skipped[0][1]
    assert "even at JPEG quality 60" in reason and "limit of 500 KB" in reason
    assert [p.name for p in result.image_paths] == ["fine.jpg"]


def test_cta_without_a_match_gets_the_default_and_a_note(tmp_path: Path) -> None:
    items = [item("de", "1x1", cta="Jetzt kaufen!"), item("none", "4x5", cta=None), item("lm", "1x1", cta="learn MORE")]
    result = write_package(items, platform="meta", out_dir=tmp_path / "m")
    _, rows = read_csv(result.sheet_paths[0], bom=False)
    assert {r["Ad Name"]: r["Call to Action"] for r in rows} == {
        "de": "LEARN_MORE",
        "none": "LEARN_MORE",
        "lm": "LEARN_MORE",
    }
    assert any("'Jetzt kaufen!' (de)" in n and "default LEARN_MORE" in n for n in result.notes)
    assert any("no call to action (none)" in n for n in result.notes)
    assert not any("lm" in n for n in result.notes)
    google = write_package([item("x", "1x1", cta="Book a table")], platform="google", out_dir=tmp_path / "g")
    assert read_csv(google.sheet_paths[0], bom=True)[1][0]["Call to action"] == "Automated"


def test_no_landing_url_leaves_the_column_empty_and_says_one_is_needed(tmp_path: Path) -> None:
    items = [item("nourl", "9x16", landing_url=None), item("url", "1x1")]
    result = write_package(items, platform="tiktok", out_dir=tmp_path / "t")
    _, rows = read_csv(result.sheet_paths[0], bom=True)
    assert rows[0]["Destination URL"] == "" and rows[1]["Destination URL"] != ""
    assert any("nourl" in n and "TikTok needs a destination URL" in n and "url," not in n for n in result.notes)


def test_destination_url_sets_each_key_once_and_keeps_the_rest() -> None:
    url = destination_url(
        "https://x.example/a b?utm_content=old&q=1&q=2&utm_medium=email",
        ad_name="ad é/1",
        utm={"utm_medium": "cpc", "utm_term": "a&b=c"},
    )
    query = parse_qs(urlsplit(url).query)
    assert query == {"q": ["1", "2"], "utm_medium": ["cpc"], "utm_term": ["a&b=c"], "utm_content": ["ad é/1"]}
    assert url.count("utm_medium=") == 1 and " " not in urlsplit(url).query
    assert destination_url(None, ad_name="a", utm={}) == ""
    with pytest.raises(InputError, match="not an http"):
        destination_url("javascript:alert(1)", ad_name="a", utm={})


def test_an_image_that_is_not_its_declared_ratio_or_too_small_is_skipped(tmp_path: Path) -> None:
    items = [item("liar", "1x1", image=png((1080, 1920))), item("tiny", "1x1", image=png((200, 200)))]
    result = write_package([*items, item("ok", "1x1")], platform="google", out_dir=tmp_path / "g")
    reasons = dict(result.skipped)
    assert "1080x1920, not 1x1" in reasons["liar"]
    assert "needs at least 300x300" in reasons["tiny"]
    assert [p.name for p in result.image_paths] == ["ok.jpg"]


def test_copy_over_the_platform_limit_is_skipped_with_its_length(tmp_path: Path) -> None:
    long = item("long", "1x1", headline="A headline that is far too long for Google's forty!")
    result = write_package([long, item("ok", "1x1")], platform="google", out_dir=tmp_path / "g")
    assert result.skipped == [("long", "Headline 1 is 51 characters; Google Ads takes at most 40")]


def test_copy_that_looks_like_a_formula_stays_text_in_the_workbook(tmp_path: Path) -> None:
    result = write_package([item("f", "1x1", headline='=HYPERLINK("x")')], platform="meta", out_dir=tmp_path / "m")
    sheet = load_workbook(result.sheet_paths[1]).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=PLATFORMS["meta"].headers.index("Title") + 1)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_a_transparent_png_becomes_an_opaque_jpeg(tmp_path: Path) -> None:
    result = write_package(
        [item("rgba", "1x1", image=png((1080, 1080), mode="RGBA"))], platform="meta", out_dir=tmp_path / "m"
    )
    with Image.open(result.image_paths[0]) as image:
        assert image.format == "JPEG" and image.mode == "RGB"


def test_when_every_item_is_skipped_the_sheet_has_only_its_header(tmp_path: Path) -> None:
    result = write_package([item("w", "16x9")], platform="google", out_dir=tmp_path / "g")
    headers, rows = read_csv(result.sheet_paths[0], bom=True)
    assert headers == list(PLATFORMS["google"].headers) and rows == [] and result.image_paths == []


def test_an_existing_empty_out_dir_is_filled(tmp_path: Path) -> None:
    out = tmp_path / "ready"
    out.mkdir()
    result = write_package([item("a", "1x1")], platform="meta", out_dir=out)
    assert result.image_paths == [out / "images" / "a.jpg"] and result.image_paths[0].is_file()
    assert leftovers(tmp_path) == []


def test_a_non_empty_out_dir_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="already exists and is not empty"):
        write_package([item("a", "1x1")], platform="meta", out_dir=out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"] and (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_failure_mid_write_leaves_nothing(tmp_path: Path) -> None:
    items = [item("good", "1x1"), item("good2", "9x16"), item("broken", "1x1", image=b"\x89PNG\r\n\x1a\nnot really")]
    with pytest.raises(AssetError, match=r"'broken'.*not a readable PNG or JPEG"):
        write_package(items, platform="meta", out_dir=tmp_path / "pkg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "no items"),
        ([item("a", "1x1"), item("a", "9x16")], "appears twice"),
        ([item("../escape", "1x1")], "cannot name an image file"),
        ([item("a", "1x1", utm={"source": "x"})], "name it utm_source"),
        ([item("a", "1x1"), item("b", "1x1", landing_url="shop.example.com/tea")], "not an http"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tmp_path: Path, items: list[ExportItem], message: str) -> None:
    with pytest.raises(InputError, match=message):
        write_package(items, platform="tiktok", out_dir=tmp_path / "pkg")
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_platform_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="choose one of meta, tiktok, google"):
        write_package([item("a", "1x1")], platform="snap", out_dir=tmp_path / "p")  # type: ignore[arg-type]
