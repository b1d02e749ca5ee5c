"""World-ready copy: every script set without missing glyphs, right-to-left layouts mirrored and in bidi order,
line breaks that respect each script, long compounds hyphenated by the dictionary or refused, and the rendered
message read back by OCR where the OCR knows the script."""

from __future__ import annotations

import json
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest
import yaml

from creative_ai.errors import ConfigurationError, TextFitError
from creative_ai.placements import get_placement
from creative_ai.render import shaping
from creative_ai.render.compose import Copy, plan_text
from creative_ai.render.linebreak import NO_END, NO_START, tokens
from creative_ai.render.text import FontBook, fit_text
from tests.conftest import EXAMPLES, as_json, base_brief, run_brief

BOOK = FontBook.default()
WORLD = EXAMPLES / "brief_world.yaml"
OCR_LOCALES = ("en", "de", "fr", "ja", "zh")


def _normal(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum() or c in "%!")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world example made once in its own folder (in-process, as ``creative-ai run --json`` makes it)."""
    import os

    out = tmp_path_factory.mktemp("world")
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("CREATIVE_AI_")]:
            patch.delenv(key)
        patch.setenv("CREATIVE_AI_DATABASE_URL", f"sqlite:///{out / 'db.sqlite'}")
        patch.chdir(out)
        summary = run_brief(WORLD, output=out)
    assert summary.status == "succeeded", [v.reason for v in summary.variants if v.reason]
    (out / "summary.json").write_text(json.dumps(as_json(summary)))
    return out


def test_every_variant_of_the_world_example_is_made_and_checked(world: Path) -> None:
    summary = json.loads((world / "summary.json").read_text())
    brief = yaml.safe_load(WORLD.read_text())
    assert {"en", "de", "fr", "ar", "ja", "hi", "th"} <= set(brief["locales"])
    assert summary["variants_ok"] == summary["variants_total"] == len(brief["locales"]) * 4
    for variant in summary["variants"]:
        sidecar = json.loads(Path(variant["file_path"]).with_suffix(".json").read_text())
        checks = {c["name"]: c for c in sidecar["checks"]}
        assert checks["legibility"]["status"] == "pass", (variant["locale"], variant["aspect_ratio"], checks)
        assert checks["legibility"]["measured"]["contrast_ratio"] >= 4.5
        assert checks["legibility"]["measured"]["text_in_safe_zone"] is True
        assert checks["logo_placement"]["measured"]["logo_in_safe_zone"] is True
        assert BOOK.missing(sidecar["message"] + (sidecar.get("cta") or "")) == []  # no missing-glyph boxes


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_right_to_left_layouts_are_mirrored(world: Path, locale: str) -> None:
    for ratio in ("16x9", "1x1"):
        sidecar = json.loads((world / f"tidewell-world-2026/towel/{ratio}/towel_{ratio}_{locale}.json").read_text())
        checks = {c["name"]: c["measured"] for c in sidecar["checks"]}
        width = get_placement(ratio).width
        text_box, logo_box = checks["legibility"]["text_box"], checks["logo_placement"]["logo_box"]
        assert logo_box[0] < width / 2 < logo_box[2] or logo_box[2] <= width / 2  # logo on the left
        assert text_box[2] > width / 2  # text flush right
        english = json.loads((world / f"tidewell-world-2026/towel/{ratio}/towel_{ratio}_en.json").read_text())
        en_logo = {c["name"]: c["measured"] for c in english["checks"]}["logo_placement"]["logo_box"]
        assert en_logo[0] > width / 2  # and the left-to-right creative keeps it on the right


def _ink_columns(mask: np.ndarray) -> np.ndarray:
    return (mask > 96).any(axis=0)


@pytest.mark.parametrize(("locale", "first", "second"), [("he", "עשו", "גלים"), ("ar", "اصنع", "موجة")])
def test_bidi_puts_the_first_word_on_the_right(locale: str, first: str, second: str) -> None:
    size = 64
    line = np.asarray(BOOK.line(f"{first} {second}", size, locale=locale, line_height=100))
    a = np.asarray(BOOK.line(first, size, locale=locale, line_height=100))
    b = np.asarray(BOOK.line(second, size, locale=locale, line_height=100))

    def score(word: np.ndarray, at: int) -> float:
        window = line[:, at : at + word.shape[1]]
        return float((_ink_columns(window) == _ink_columns(word)).mean())

    right = line.shape[1] - a.shape[1]
    assert score(a, right) > score(a, 0)  # the first logical word is drawn at the right end
    assert score(b, 0) > score(b, line.shape[1] - b.shape[1])


def test_cjk_lines_never_start_with_closing_marks_nor_end_with_opening_ones() -> None:
    text = "この夏、波を起こそう！「限定」セール。今すぐ、お店へ。"
    layout = fit_text(text, book=BOOK, max_width=300, max_height=2000, max_size=40, min_size=40, max_lines=20,
                      locale="ja")  # fmt: skip
    assert len(layout.lines) > 2 and "".join(layout.lines) == text
    for line in layout.lines:
        assert line[0] not in NO_START and line[-1] not in NO_END, layout.lines


def test_thai_breaks_between_words() -> None:
    text = "สร้างคลื่นในฤดูร้อนนี้กับผ้าเช็ดตัวผืนใหญ่ของเรา"
    layout = fit_text(text, book=BOOK, max_width=260, max_height=2000, max_size=36, min_size=36, max_lines=20,
                      locale="th")  # fmt: skip
    words = [t.text for t in tokens(text, "th")]
    assert len(layout.lines) > 1 and "".join(layout.lines) == text
    boundaries = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    cut = 0
    for line in layout.lines[:-1]:
        cut += len(line)
        assert cut in boundaries, (layout.lines, words)


def test_a_long_german_compound_is_hyphenated_by_the_dictionary() -> None:
    import pyphen

    word = "Sommerschlussverkaufsveranstaltung"
    text = plan_text(Copy(f"{word} heute", None, "de"), placement=get_placement("9x16"), book=BOOK)
    lines = text.layout.lines
    assert any(line.endswith("-") for line in lines)
    assert text.layout.width <= text.text_box.width and text.text_box.right <= 1080  # never clipped
    rebuilt = "".join(line[:-1] if line.endswith("-") else line + " " for line in lines).strip()
    assert rebuilt == f"{word} heute"
    points = set(pyphen.Pyphen(lang="de_DE").positions(word))
    cut = 0
    for line in lines:
        if line.endswith("-"):
            cut += len(line) - 1
            assert cut in points, (lines, sorted(points))


def test_a_compound_that_cannot_fit_fails_with_a_reason(make_campaign) -> None:  # type: ignore[no-untyped-def]
    monster = (
        "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
        "skapitänsmützenabzeichensammlungsausstellung"
    )
    with pytest.raises(TextFitError, match="does not fit"):
        plan_text(Copy(monster, None, "de"), placement=get_placement("16x9"), book=BOOK)
    brief = base_brief(locales=["en", "de"], messages={"de": monster}, aspect_ratios=["16x9"])
    result = make_campaign(brief, output="out")
    assert result.status == "partial"  # the command's exit code 1
    (failed,) = [v for v in as_json(result)["variants"] if v["status"] == "failed"]
    assert failed["locale"] == "de" and "does not fit" in failed["reason"]


def test_missing_complex_shaping_is_a_clear_configuration_error(cli, workdir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from creative_ai.brief import parse_brief
    from creative_ai.pipeline.plan import plan_campaign

    monkeypatch.setattr(shaping, "complex_shaping_problem", lambda: "libvips with Pango is unavailable (test)")
    brief = parse_brief(base_brief(locales=["en", "ar"], messages={"ar": "اصنع موجة"}))
    with pytest.raises(ConfigurationError, match="locale ar needs complex-script shaping"):
        plan_campaign(brief, assets_dir=workdir, max_pixels=10**8, book=BOOK)
    english = parse_brief(base_brief())
    plan_campaign(english, assets_dir=workdir, max_pixels=10**8, book=BOOK)  # Latin copy needs no Pango


def test_ocr_reads_the_message_back(world: Path) -> None:
    rapidocr = pytest.importorskip("rapidocr")
    engine = rapidocr.RapidOCR(params={"Global.log_level": "critical"})
    brief = yaml.safe_load(WORLD.read_text())
    for locale in OCR_LOCALES:
        expected = brief["messages"].get(locale, brief["campaign_message"])
        found = engine(str(world / f"tidewell-world-2026/towel/1x1/towel_1x1_{locale}.png"))
        read = "".join(found.txts or ())
        best = max(
            SequenceMatcher(None, _normal(expected), _normal(read[i : i + len(expected) + 10])).ratio()
            for i in range(max(1, len(read)))
        )
        assert best >= 0.8, (locale, expected, read)
