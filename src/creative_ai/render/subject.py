"""Find the subject of a picture: the product on a packshot, the salient region of a generated scene.

In order: the opaque pixels of a cut-out; the pixels that stand out from a modelled backdrop (a smooth surface fitted
to the picture's border, so white seamless paper, a gradient or vignetted sweep and a textured surface all count as
backdrop, with lightness changes such as a soft shadow weighted down), refined by GrabCut; for a generated scene,
spectral-residual saliency. When none of them finds a distinct subject the answer says so (``method == "none"``)
and the caller keeps the whole picture instead of guessing (a generated scene without one is cut at its centre:
nothing in it is the product).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

Box = tuple[int, int, int, int]
WORK = 256  # the long side the backdrop model works at
REFINE = 512  # the long side GrabCut refines at
STRIP = 0.05  # share of each side taken as the border the backdrop is fitted to
LIGHTNESS_WEIGHT = 0.35  # a change in lightness alone (shadow, vignette, sweep) counts this much of a colour change
MIN_FILL = 0.25  # a subject covers at least this share of its own box (a bottle ~0.85, a group of coins ~0.4)
GREY_CHROMA = 4.0  # a picture whose colours (Lab chroma, 99th percentile) stay under this is black and white


@dataclass(frozen=True)
class Subject:
    """Where the subject is (source pixels) and how it was found; ``box`` is the whole picture when not found."""

    box: Box
    method: str  # alpha, backdrop, saliency, none
    note: str | None = None
    scene: bool = False  # a generated scene with no subject: any crop of it is as good as another
    edges: frozenset[str] = frozenset()  # sides of the picture the subject is cut by (top, bottom, left, right)

    @property
    def found(self) -> bool:
        return self.method != "none"


def find_subject(image: Image.Image, *, generated: bool = False) -> Subject:
    """The subject of ``image`` (already upright: EXIF orientation is applied when assets load)."""
    w, h = image.size
    if image.mode in ("RGBA", "LA"):
        alpha = np.asarray(image.getchannel("A"))
        ys, xs = np.nonzero(alpha > 16)
        if xs.size and int(alpha.min()) < 240:  # a fully opaque alpha says nothing about the subject
            return Subject((int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), "alpha")
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    found = _against_backdrop(rgb)
    if found is not None:
        return Subject(found, "backdrop", edges=cut_by(found, (w, h)))
    if generated:
        salient = _saliency(rgb)
        if salient is not None:
            return Subject(salient, "saliency")
        return Subject((0, 0, w, h), "none", "no distinct subject in the generated scene: cut at its centre", True)
    return Subject((0, 0, w, h), "none", "no distinct subject found: the whole picture is kept")


def cut_by(box: Box, size: tuple[int, int]) -> frozenset[str]:
    """The sides of a ``size`` picture that ``box`` reaches (within 1%): a product photographed so close that the
    picture's edge cuts it, which must then stand on the same edge of a creative rather than float there."""
    w, h = size
    mx, my = max(2, round(w * 0.01)), max(2, round(h * 0.01))
    x0, y0, x1, y1 = box
    sides = {"left": x0 <= mx, "top": y0 <= my, "right": x1 >= w - mx, "bottom": y1 >= h - my}
    return frozenset(side for side, cut in sides.items() if cut)


def _small(rgb: Image.Image, long_side: int) -> tuple[Image.Image, float]:
    scale = min(1.0, long_side / max(rgb.size))
    coarse = rgb.reduce(max(1, int(1 / scale) // 2)) if scale < 0.5 else rgb
    size = (max(8, round(rgb.width * scale)), max(8, round(rgb.height * scale)))
    return coarse.resize(size, Image.Resampling.BOX), rgb.width / size[0]


def _lab(rgb: Image.Image) -> NDArray[np.float32]:
    pixels = np.asarray(rgb, dtype=np.float32) / 255.0
    smooth = cv2.GaussianBlur(pixels, (0, 0), 1.2)  # sensor noise and fine texture are not the subject
    return np.asarray(cv2.cvtColor(smooth, cv2.COLOR_RGB2Lab), dtype=np.float32)


def _design(xs: NDArray[np.float32], ys: NDArray[np.float32]) -> NDArray[np.float32]:
    """A quadratic surface's terms at normalised coordinates."""
    return np.stack([np.ones_like(xs), xs, ys, xs * xs, ys * ys, xs * ys], axis=-1)


def _backdrop_model(lab: NDArray[np.float32], weight: float) -> tuple[NDArray[np.float32], float]:
    """The backdrop under the whole picture, fitted to its border strips (robustly: the product may touch an
    edge), and the typical distance of the border from it."""
    h, w, _ = lab.shape
    sy, sx = max(2, round(h * STRIP)), max(2, round(w * STRIP))
    border = np.zeros((h, w), dtype=bool)
    border[:sy], border[-sy:], border[:, :sx], border[:, -sx:] = True, True, True, True
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = gx / max(1, w - 1) - 0.5, gy / max(1, h - 1) - 0.5
    terms = _design(gx, gy)
    a, b = terms[border], lab[border]
    keep = np.ones(len(a), dtype=bool)
    for _ in range(3):  # refit without the border pixels that do not look like backdrop
        coef, *_ = np.linalg.lstsq(a[keep], b[keep], rcond=None)
        residual = _distance(a @ coef, b, weight)
        spread = float(np.median(residual[keep])) + 1e-3
        keep = residual < max(4.0, 3.0 * spread)
        if keep.sum() < 0.3 * len(a):
            break
    model = (terms.reshape(-1, terms.shape[-1]) @ coef).reshape(h, w, 3).astype(np.float32)
    return model, float(np.percentile(_distance(a @ coef, b, weight)[keep], 95)) if keep.any() else 99.0


def _distance(a: NDArray[np.float32], b: NDArray[np.float32], weight: float) -> NDArray[np.float32]:
    d = a - b
    return np.asarray(np.sqrt((d[..., 0] * weight) ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2), np.float32)


def _against_backdrop(rgb: Image.Image) -> Box | None:
    small, scale = _small(rgb, WORK)
    lab = _lab(small)
    # A black-and-white picture has nothing but lightness to tell its subject by: it then counts in full.
    weight = 1.0 if float(np.percentile(np.hypot(lab[..., 1], lab[..., 2]), 99)) < GREY_CHROMA else LIGHTNESS_WEIGHT
    model, noise = _backdrop_model(lab, weight)
    if noise > 12.0:
        return None  # the border is no backdrop (a scene, a busy photograph)
    distance = _distance(lab, model, weight)
    threshold = max(7.0, 2.5 * noise)
    mask = (distance > threshold).astype(np.uint8)
    blob = _main_blob(mask)
    if blob is None:
        return None
    x0, y0, x1, y1 = blob
    if float(mask[y0:y1, x0:x1].mean()) < MIN_FILL:
        return None  # specks scattered over a surface (craters, stars, grain): no one subject
    box = (
        int(x0 * scale),
        int(y0 * scale),
        min(rgb.width, int(np.ceil(x1 * scale))),
        min(rgb.height, int(np.ceil(y1 * scale))),
    )
    return _refine(rgb, box) or box


def _main_blob(mask: NDArray[np.uint8]) -> Box | None:
    """The box of the largest connected region and those near its size; None when it is no distinct subject."""
    h, w = mask.shape
    k = max(3, round(min(h, w) * 0.02) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    closed = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, kernel)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    if count <= 1:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    biggest = int(areas.max())
    if biggest < 0.003 * h * w or int(closed.sum()) > 0.75 * h * w:
        return None
    parts = stats[1:][areas >= 0.15 * biggest]
    x0 = int(parts[:, cv2.CC_STAT_LEFT].min())
    y0 = int(parts[:, cv2.CC_STAT_TOP].min())
    x1 = int((parts[:, cv2.CC_STAT_LEFT] + parts[:, cv2.CC_STAT_WIDTH]).max())
    y1 = int((parts[:, cv2.CC_STAT_TOP] + parts[:, cv2.CC_STAT_HEIGHT]).max())
    if (x1 - x0) * (y1 - y0) > 0.9 * h * w:
        return None  # it fills the frame: nothing in particular to keep
    return x0, y0, x1, y1


def _refine(rgb: Image.Image, box: Box) -> Box | None:
    """GrabCut inside a margin around ``box`` (it separates the product from its own shadow and reflections);
    None when its answer is not a plausible tightening of the box."""
    small, scale = _small(rgb, REFINE)
    w, h = small.size
    x0, y0, x1, y1 = (v / scale for v in box)
    mx, my = (x1 - x0) * 0.08 + 2, (y1 - y0) * 0.08 + 2
    rect = (
        max(0, int(x0 - mx)),
        max(0, int(y0 - my)),
        min(w - 1, int(x1 + mx)) - max(0, int(x0 - mx)),
        min(h - 1, int(y1 + my)) - max(0, int(y0 - my)),
    )
    if rect[2] < 8 or rect[3] < 8 or rect[2] * rect[3] > 0.95 * w * h:
        return None
    mask = np.zeros((h, w), np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    pixels = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2BGR)
    cv2.setRNGSeed(0)
    cv2.grabCut(pixels, mask, rect, bgd, fgd, 3, cv2.GC_INIT_WITH_RECT)
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    blob = _main_blob(fg)
    if blob is None:
        return None
    bx0, by0, bx1, by1 = (round(v * scale) for v in blob)
    refined = (max(0, bx0), max(0, by0), min(rgb.width, bx1), min(rgb.height, by1))
    area = (box[2] - box[0]) * (box[3] - box[1])
    new = (refined[2] - refined[0]) * (refined[3] - refined[1])
    inside = (
        refined[0] >= box[0] - 4 and refined[1] >= box[1] - 4 and refined[2] <= box[2] + 4 and refined[3] <= box[3] + 4
    )
    return refined if inside and 0.55 * area <= new <= area else None


def _saliency(rgb: Image.Image) -> Box | None:
    """Spectral-residual saliency (the part of the log spectrum a smooth average does not explain), thresholded
    at three times its mean; the box of its main region."""
    small, scale = _small(rgb, 96)
    grey = np.asarray(small.convert("L"), dtype=np.float32) / 255.0
    spectrum = np.fft.fft2(grey)
    log_amplitude = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amplitude - cv2.blur(log_amplitude, (3, 3))
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    saliency = cv2.GaussianBlur(saliency.astype(np.float32), (0, 0), 2.5)
    mask = (saliency > 3.0 * float(saliency.mean())).astype(np.uint8)
    blob = _main_blob(mask)
    if blob is None:
        return None
    x0, y0, x1, y1 = blob
    return (
        int(x0 * scale),
        int(y0 * scale),
        min(rgb.width, int(np.ceil(x1 * scale))),
        min(rgb.height, int(np.ceil(y1 * scale))),
    )
