"""Draws the example packshots and logo used by examples/brief_packshots.yaml (run once; outputs are committed)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parents[1] / "examples" / "assets"
SS = 2  # supersampling factor


def _canvas(w: int, h: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def _finish(image: Image.Image, path: Path) -> None:
    w, h = image.width // SS, image.height // SS
    image.resize((w, h), Image.Resampling.LANCZOS).save(path, optimize=True)


def _s(*values: float) -> list[float]:
    return [v * SS for v in values]


def towel(path: Path) -> None:
    image, draw = _canvas(560, 600)
    stripes = [(255, 107, 53), (244, 244, 244), (0, 78, 137), (244, 244, 244)]
    # folded stack: three layers with stripes, soft shading at the fold
    for layer, top in enumerate((330, 200, 70)):
        x0, x1 = 40 + layer * 8, 520 - layer * 8
        height = 140
        band = (x1 - x0) / 8
        for i in range(8):
            draw.rectangle(_s(x0 + i * band, top, x0 + (i + 1) * band, top + height), fill=stripes[i % 4])
        draw.rounded_rectangle(_s(x0, top, x1, top + height), radius=22 * SS, outline=(30, 40, 60), width=3 * SS)
        draw.rectangle(_s(x0 + 3, top + height - 24, x1 - 3, top + height - 3), fill=(0, 0, 0, 40))
    # fringe
    for x in range(64, 500, 14):
        draw.line(_s(x, 470, x - 2, 500), fill=(255, 107, 53), width=4 * SS)
    _finish(image, path)


def sunscreen(path: Path) -> None:
    image, draw = _canvas(300, 640)
    draw.rounded_rectangle(
        _s(60, 150, 240, 600), radius=40 * SS, fill=(244, 244, 244), outline=(0, 78, 137), width=4 * SS
    )
    draw.rectangle(_s(62, 300, 238, 430), fill=(255, 107, 53))
    draw.rounded_rectangle(_s(95, 40, 205, 160), radius=18 * SS, fill=(0, 78, 137))
    draw.rectangle(_s(120, 20, 180, 50), fill=(0, 58, 107))
    font = ImageFont.truetype(str(files("creative_ai") / "fonts" / "Inter-Bold.otf"), 40 * SS)
    draw.text(_s(150, 365), "SPF50", font=font, fill=(255, 255, 255), anchor="mm")
    draw.ellipse(_s(85, 470, 215, 560), fill=(0, 78, 137, 60))
    draw.rounded_rectangle(_s(78, 170, 98, 580), radius=10 * SS, fill=(255, 255, 255, 140))
    _finish(image, path)


def sandals(path: Path) -> None:
    image, _ = _canvas(620, 520)
    for dx, tilt in ((0, -6), (290, 6)):
        sole = Image.new("RGBA", (300 * SS, 520 * SS), (0, 0, 0, 0))
        d = ImageDraw.Draw(sole)
        d.ellipse(_s(40, 30, 260, 500), fill=(0, 78, 137))
        d.ellipse(_s(52, 44, 248, 486), fill=(40, 120, 180))
        d.arc(_s(60, 120, 240, 330), 200, 340, fill=(255, 107, 53), width=22 * SS)
        d.line(_s(150, 110, 150, 160), fill=(255, 107, 53), width=18 * SS)
        d.ellipse(_s(138, 100, 162, 124), fill=(244, 244, 244))
        sole = sole.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=False)
        image.alpha_composite(sole, (dx * SS, 0))
    _finish(image, path)


def logo(path: Path) -> None:
    image, draw = _canvas(600, 160)
    font = ImageFont.truetype(str(files("creative_ai") / "fonts" / "Inter-Bold.otf"), 92 * SS)
    shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
    sd = ImageDraw.Draw(shadow)
    sd.ellipse(_s(14, 14, 146, 146), fill=(0, 0, 0, 90))
    sd.text(_s(176, 84), "Tidewell", font=font, fill=(0, 0, 0, 90), anchor="lm")
    image.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(6 * SS)))
    draw.ellipse(_s(14, 14, 146, 146), fill=(255, 255, 255))
    for i, y in enumerate((62, 84, 106)):
        draw.arc(_s(30, y - 14 - i, 80, y + 14), 200, 340, fill=(0, 78, 137), width=7 * SS)
        draw.arc(_s(80, y - 14 - i, 130, y + 14), 20, 160, fill=(0, 78, 137), width=7 * SS)
    draw.text(_s(176, 84), "Tidewell", font=font, fill=(255, 255, 255), anchor="lm")
    _finish(image, path)


def main() -> None:
    (OUT / "products").mkdir(parents=True, exist_ok=True)
    (OUT / "brand").mkdir(parents=True, exist_ok=True)
    towel(OUT / "products" / "towel.png")
    sunscreen(OUT / "products" / "sunscreen.png")
    sandals(OUT / "products" / "sandals.png")
    logo(OUT / "brand" / "logo.png")


if __name__ == "__main__":
    main()
