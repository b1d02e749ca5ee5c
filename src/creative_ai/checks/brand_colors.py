"""Brand colours (phase ``image``): how much of what the brand controls is near a brand colour.

Measured: the product's own pixels on a packshot (a cut-out's opaque pixels; on a photograph, the product's box)
or an image model's picture; never our overlays, and never the backdrop we paint from the palette (it would pass
by construction). Its dominant colours (fast octree, area-weighted) are compared with the brand colours in
CIEDE2000.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from creative_ai.checks.base import CheckResult, ImageCheck, ImageContext
from creative_ai.render.color import hex_to_rgb

COLOURS = 12


def rgb_to_lab(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    """sRGB (0..255, shape (..., 3)) to CIELAB (D65)."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
    )
    xyz = linear @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1: NDArray[np.float64], lab2: NDArray[np.float64]) -> NDArray[np.float64]:
    """CIEDE2000 colour difference between broadcastable Lab arrays (kL = kC = kH = 1)."""
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    c_mean = (c1 + c2) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = h2p - h1p
    dhp = np.where(dhp > 180, dhp - 360, np.where(dhp < -180, dhp + 360, dhp))
    dhp = np.where(c1p * c2p == 0, 0, dhp)
    dHp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))
    lp_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hp_mean = np.where(
        c1p * c2p == 0,
        hsum,
        np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, hsum / 2 + 180, hsum / 2 - 180)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(hp_mean - 30))
        + 0.24 * np.cos(np.radians(2 * hp_mean))
        + 0.32 * np.cos(np.radians(3 * hp_mean + 6))
        - 0.20 * np.cos(np.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * np.exp(-(((hp_mean - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    sl = 1 + 0.015 * (lp_mean - 50) ** 2 / np.sqrt(20 + (lp_mean - 50) ** 2)
    sc = 1 + 0.045 * cp_mean
    sh = 1 + 0.015 * cp_mean * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    out: NDArray[np.float64] = np.sqrt(
        (dlp / sl) ** 2 + (dcp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dcp / sc) * (dHp / sh)
    )
    return out


class BrandColorCheck(ImageCheck):
    """The share of what the brand controls (its packshot's product pixels, or an image model's picture) within
    ΔE2000 ``max_delta_e`` of a brand colour: pass from ``min_share``, warn from ``warn_share``, fail below. The
    backdrop we paint from the palette is never measured: a creative on brand art only is not judged."""

    name = "brand_colors"

    def __init__(self, *, max_delta_e: float = 20.0, min_share: float = 0.15, warn_share: float = 0.05) -> None:
        self.max_delta_e, self.min_share, self.warn_share = max_delta_e, min_share, min(warn_share, min_share)

    def run(self, ctx: ImageContext) -> CheckResult:
        if not ctx.palette:
            return CheckResult(self.name, "skipped", "the brief gives no brand colours to compare with", {})
        if ctx.brand_pixels is None:
            return CheckResult(
                self.name,
                "skipped",
                "the picture is brand art drawn from the palette: nothing the brand supplied to measure",
                {"measured_on": None},
            )
        pixels = _opaque(ctx.brand_pixels)
        if pixels.size == 0:
            return CheckResult(self.name, "warn", f"the {ctx.brand_source} has no opaque pixels to measure", {})
        strip = Image.fromarray(pixels.reshape(1, -1, 3))
        quantized = strip.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE)
        counts = np.bincount(np.asarray(quantized).ravel(), minlength=COLOURS).astype(np.float64)
        palette = np.array((quantized.getpalette() or [])[: COLOURS * 3], dtype=np.float64).reshape(-1, 3)
        counts = counts[: len(palette)]  # a picture with few colours gets a shorter palette
        shares = counts / counts.sum()
        brand = np.array([hex_to_rgb(c) for c in ctx.palette], dtype=np.float64)
        distances = ciede2000(rgb_to_lab(palette)[:, None, :], rgb_to_lab(brand)[None, :, :])
        nearest = distances.min(axis=1)
        near_share = float(shares[nearest <= self.max_delta_e].sum())
        order = np.argsort(-shares)[:5]
        measured = {
            "measured_on": ctx.brand_source,
            "near_brand_share": round(near_share, 3),
            "min_share": self.min_share,
            "warn_share": self.warn_share,
            "max_delta_e": self.max_delta_e,
            "dominant": [
                {
                    "color": "#{:02X}{:02X}{:02X}".format(*(int(v) for v in palette[i])),
                    "share": round(float(shares[i]), 3),
                    "nearest_brand": ctx.palette[int(distances[i].argmin())],
                    "delta_e": round(float(nearest[i]), 1),
                }
                for i in order
                if shares[i] > 0
            ],
        }
        evidence = f"{near_share:.0%} of the {ctx.brand_source} within ΔE2000 {self.max_delta_e:g} of a brand colour"
        if near_share >= self.min_share:
            return CheckResult(self.name, "pass", evidence, measured)
        needs = f"{evidence} (on brand from {self.min_share:.0%})"
        if near_share >= self.warn_share:
            return CheckResult(self.name, "warn", needs, measured)
        return CheckResult(self.name, "fail", needs, measured)


def _opaque(picture: Image.Image, size: int = 128) -> NDArray[np.uint8]:
    """The picture's opaque pixels (alpha over half) as an (n, 3) array, at most ``size`` px on its long side."""
    small = picture.copy()
    small.thumbnail((size, size))
    rgba = np.asarray(small.convert("RGBA"))
    return np.ascontiguousarray(rgba[..., :3][rgba[..., 3] > 127])
