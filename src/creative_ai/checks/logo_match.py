"""Finding a logo in a creative at any scale from half to twice the expected size (used by the logo check).

The box the renderer reports is not trusted: the logo is looked for in the pixels by normalised cross-correlation
(OpenCV ``TM_CCOEFF_NORMED``), with the logo's alpha as the mask. Cheapest first, each step only when the one before
found nothing good enough:

1. the logo exactly where, and as large as, the renderer says it drew it (a few milliseconds);
2. every scale from ``MIN_SCALE`` to ``MAX_SCALE`` around that box, then the best hit refined in finer scale steps;
3. every scale over the whole creative, the best hits given a second look and the best two refined.

Searching is done in grey at a resolution where the logo is only 14-24 px high; the last confirmation is in colour
with the logo 40 px high, and a hit is judged by the geometric mean of that correlation and the correlation of edge
maps that include the logo's outline (48 px high). Image and template are both blurred a little, and the mask eroded
by a pixel, so that a logo that sits between two pixels of the reduced grid still scores near 1.

A logo of one flat colour (a white wordmark) has nothing to correlate under its mask. It is matched by its shape
instead: the creative becomes each pixel's distance to the logo's colour, the template is the logo's outline, and a
thin ring of background around the shape is scored with it (the contrast that makes such a logo visible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from creative_ai.placements import Box

Pixels = NDArray[np.float32]
Mask = NDArray[np.uint8]
Mode = Literal["grey", "colour", "ink"]  # what is correlated: grey levels, RGB, or distance to the logo's one colour

DEFAULT_THRESHOLD = 0.7  # measured: logos present 0.75-0.99; painted over, blurred or another logo <= 0.64
MIN_SCALE, MAX_SCALE = 0.5, 2.0
SCALE_STEPS = 7  # searched scales, evenly spaced in log from MIN_SCALE to MAX_SCALE (a factor 1.26 apart)
SCAN_HEIGHT = 14  # px: the logo's height at the resolution each scale is scanned at over the whole creative
SEARCH_HEIGHT = 20  # px: the same around the reported box
REFINE_HEIGHT = 24  # px: a hit's first confirmation, in scale steps of 1.06
CONFIRM_HEIGHT = 40  # px: the last confirmation, in scale steps of 1.03, in colour; its score is the one judged
CANDIDATES = 8  # best hits of the whole-creative scan given a second look; the best two of those are refined
BLUR = 0.7  # Gaussian sigma (px at the matching resolution) on image and template: tolerance to sub-pixel offsets
FLAT_STD = 8.0  # levels (0-255): a logo this uniform under its alpha is one flat colour, matched by its shape
RING = 0.05  # flat-colour logos: the background ring scored around the shape, share of the logo's height
SOURCE_HEIGHT = 2 * CONFIRM_HEIGHT  # the logo is shrunk once to this height before any template is made


@dataclass(frozen=True)
class LogoTemplate:
    """The logo, ready to be scaled: premultiplied RGB and grey, alpha, and how it is matched."""

    rgb: Pixels  # premultiplied by alpha: resizing it does not bleed the colour of transparent pixels into edges
    grey: Pixels  # premultiplied too
    alpha: Pixels
    ink: tuple[float, float, float] | None  # the colour of a flat-colour logo (matched by its shape), else None
    search_mode: Mode  # what the searches correlate; the last confirmation uses ``confirm_mode``

    @property
    def aspect(self) -> float:
        return float(self.alpha.shape[1] / self.alpha.shape[0])

    @property
    def confirm_mode(self) -> Mode:
        return "ink" if self.ink is not None else "colour"


@dataclass(frozen=True)
class LogoMatch:
    """A place the logo was found: its score, its scale against the expected size, its box in creative pixels.

    The score of a judged match is ``sqrt(correlation * edge_agreement)``: the correlation compares the pixels
    under the logo only, so a smooth gradient can match a logo of a few flat colours; the edges add its outline.
    """

    score: float
    scale: float
    box: Box
    correlation: float | None = None  # TM_CCOEFF_NORMED at the last confirmation (judged matches only)
    colour_agreement: float | None = None  # 1 - mean |creative - logo| / 255, weighted by the logo's alpha²
    edge_agreement: float | None = None  # TM_CCOEFF_NORMED of edge maps, logo outline included (judged matches)


def logo_template(logo: Image.Image) -> LogoTemplate:
    """Prepare ``logo`` once: shrink it, split colour and alpha, and choose how it is matched."""
    rgba = logo.convert("RGBA")
    if rgba.height > SOURCE_HEIGHT:
        width = max(1, round(rgba.width * SOURCE_HEIGHT / rgba.height))
        rgba = rgba.resize((width, SOURCE_HEIGHT), Image.Resampling.BOX)
    pixels = np.asarray(rgba, dtype=np.float32)
    alpha = pixels[..., 3] / 255.0
    inside = alpha >= 0.5
    if not inside.any():
        raise ValueError("the logo is fully transparent: there is nothing to look for")
    rgb = pixels[..., :3]
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    colour_std = float(rgb[inside].std(axis=0).max())
    grey_std = float(grey[inside].std())
    ink = None
    if colour_std < FLAT_STD:
        r, g, b = (float(v) for v in rgb[inside].mean(axis=0))
        ink = (r, g, b)
    mode: Mode = "ink" if ink is not None else "grey" if grey_std >= FLAT_STD else "colour"
    return LogoTemplate(rgb * alpha[..., None], grey * alpha, alpha, ink, mode)


_TEMPLATES: dict[int, tuple[Image.Image, LogoTemplate]] = {}


def cached_template(logo: Image.Image) -> LogoTemplate:
    """:func:`logo_template`, made once per logo image (every creative of a campaign looks for the same logo)."""
    cached = _TEMPLATES.get(id(logo))
    if cached is not None and cached[0] is logo:
        return cached[1]
    template = logo_template(logo)
    if len(_TEMPLATES) >= 16:
        _TEMPLATES.clear()
    _TEMPLATES[id(logo)] = (logo, template)  # holding the image keeps its id from being reused while cached
    return template


def _scaled(template: LogoTemplate, height: int, mode: Mode) -> tuple[Pixels, Mask, int]:
    """The template ``height`` px high, blurred, for ``mode``: (pixels, mask, border in px around the logo)."""
    height = max(height, 6)
    width = max(round(height * template.aspect), 6)
    alpha = cv2.resize(template.alpha, (width, height), interpolation=cv2.INTER_AREA)
    inside = (alpha >= 0.5).astype(np.uint8)
    if mode == "ink":
        # Distance to the ink is 0 on the shape and large around it: the template is 1 - alpha, with a ring of
        # background around the shape, and the mask is the shape grown by that ring.
        ring = max(1, round(RING * height))
        shape = cv2.copyMakeBorder(1.0 - alpha, ring, ring, ring, ring, cv2.BORDER_CONSTANT, value=1.0)
        grown = cv2.copyMakeBorder(inside, ring, ring, ring, ring, cv2.BORDER_CONSTANT, value=0)
        mask = cv2.dilate(grown, np.ones((2 * ring + 1, 2 * ring + 1), np.uint8)).astype(np.uint8)
        return cv2.GaussianBlur(shape, (0, 0), BLUR).astype(np.float32), mask, ring
    source = template.rgb if mode == "colour" else template.grey
    weighted = cv2.resize(source, (width, height), interpolation=cv2.INTER_AREA)
    if weighted.ndim == 3:
        colour = weighted / np.maximum(alpha, 1e-3)[..., None]
        colour = np.where((alpha > 0.02)[..., None], colour, colour[inside > 0].mean(axis=0))
    else:
        colour = weighted / np.maximum(alpha, 1e-3)
        colour = np.where(alpha > 0.02, colour, float(colour[inside > 0].mean()))
    # The blur mixes in what lies beyond the logo's edge, which the creative's background decides: score only the
    # pixels whose blurred value is the logo's own (the mask eroded by a pixel), unless that leaves too little.
    eroded = cv2.erode(inside, np.ones((3, 3), np.uint8)).astype(np.uint8)
    mask = eroded if eroded.sum() >= 0.25 * inside.sum() else inside
    return cv2.GaussianBlur(colour.astype(np.float32), (0, 0), BLUR).astype(np.float32), mask, 0


def _prepared(pixels: NDArray[np.uint8], mode: Mode, ink: tuple[float, float, float] | None) -> Pixels:
    """Creative pixels (grey or RGB, from :func:`_pil_mode`) as ``mode`` correlates them, blurred like a template."""
    values: Pixels = pixels.astype(np.float32)
    if mode == "ink" and ink is not None:
        values = np.linalg.norm(values - np.array(ink, dtype=np.float32), axis=2).astype(np.float32)
    blurred: Pixels = cv2.GaussianBlur(values, (0, 0), BLUR).astype(np.float32)
    return blurred


def _pil_mode(mode: Mode) -> str:
    return "L" if mode == "grey" else "RGB"


def correlate(image: Pixels, template: Pixels, mask: Mask) -> NDArray[np.float32]:
    """Masked TM_CCOEFF_NORMED of ``template`` over ``image``, with every undefined score set to 0.

    Where the image is flat under the mask the coefficient is 0/0: OpenCV returns inf, nan or a huge value there.
    A flat patch is not the logo, so those positions score 0; the rest is clipped to [-1, 1] against rounding.
    """
    result = cv2.matchTemplate(image, template, cv2.TM_CCOEFF_NORMED, mask=mask)
    valid = np.isfinite(result) & (np.abs(result) <= 1.0 + 1e-3)
    return np.clip(np.where(valid, result, 0.0), -1.0, 1.0).astype(np.float32)


def _peaks(scores: NDArray[np.float32], count: int, apart: tuple[int, int]) -> list[tuple[float, int, int]]:
    """The ``count`` best (score, x, y), each at least ``apart`` (x, y) from the ones before."""
    found: list[tuple[float, int, int]] = []
    scores = scores.copy() if count > 1 else scores
    dx, dy = apart
    for _ in range(count):
        _, best, _, (x, y) = cv2.minMaxLoc(scores)
        if best <= 0:
            break
        found.append((float(best), x, y))
        scores[max(y - dy, 0) : y + dy + 1, max(x - dx, 0) : x + dx + 1] = -1.0
    return found


class LogoFinder:
    """Searches one creative for one logo; ``height`` is the logo's height in pixels at scale 1."""

    def __init__(self, image: Image.Image, template: LogoTemplate, height: int) -> None:
        self.image = image
        self.template = template
        self.height = height
        self.scales = [float(s) for s in np.geomspace(MIN_SCALE, MAX_SCALE, SCALE_STEPS)]
        self._templates: dict[tuple[int, Mode], tuple[Pixels, Mask, int]] = {}  # most matches share a few

    def _template(self, height: int, mode: Mode) -> tuple[Pixels, Mask, int]:
        key = (height, mode)
        if key not in self._templates:
            self._templates[key] = _scaled(self.template, height, mode)
        return self._templates[key]

    def _size(self, scale: float) -> tuple[float, float]:
        h = self.height * scale
        return h * self.template.aspect, h

    def _window(self, cx: float, cy: float, w: float, h: float) -> Box:
        """A ``w`` x ``h`` box centred on (cx, cy), clipped to the creative."""
        width, height = self.image.size
        left, top = max(round(cx - w / 2), 0), max(round(cy - h / 2), 0)
        return Box(left, top, min(round(cx + w / 2), width), min(round(cy + h / 2), height))

    def _match(self, pixels: NDArray[np.uint8], origin: Box, scale: float, mode: Mode, count: int) -> list[LogoMatch]:
        """The best ``count`` places for the logo at ``scale`` in ``pixels``: the ``origin`` region, shrunk."""
        w, h = self._size(scale)
        k = pixels.shape[0] / origin.height
        templ, mask, border = self._template(round(h * k), mode)
        if templ.shape[0] > pixels.shape[0] or templ.shape[1] > pixels.shape[1]:
            return []
        scores = correlate(_prepared(pixels, mode, self.template.ink), templ, mask)
        kx = pixels.shape[1] / origin.width
        apart = (templ.shape[1] // 2 + 1, templ.shape[0] // 2 + 1)
        matches = []
        for score, x, y in _peaks(scores, count, apart):
            left, top = origin.left + (x + border) / kx, origin.top + (y + border) / k
            matches.append(LogoMatch(score, scale, Box(round(left), round(top), round(left + w), round(top + h))))
        return matches

    def search(self, region: Box, scale: float, logo_height: int, mode: Mode) -> LogoMatch | None:
        """The best place for the logo at ``scale`` inside ``region``, matched with the logo ``logo_height`` high."""
        k = min(1.0, logo_height / (self.height * scale))
        crop = np.asarray(self.image.crop(region.as_tuple()).convert(_pil_mode(mode)))
        if k < 1:
            size = (max(round(region.width * k), 1), max(round(region.height * k), 1))
            crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        found = self._match(crop, region, scale, mode, 1)
        return found[0] if found else None

    def confirm(
        self, hit: LogoMatch, spread: float, steps: int, logo_height: int, mode: Mode, *, slack: float = 0.1
    ) -> LogoMatch:
        """The best re-score of ``hit`` at ``steps`` scales within ``spread`` of its own, near its centre.

        ``slack`` is how far (share of the logo's height) the logo may be from ``hit``'s box, beyond two pixels.
        """
        best = LogoMatch(0.0, hit.scale, hit.box)
        cx, cy = (hit.box.left + hit.box.right) / 2, (hit.box.top + hit.box.bottom) / 2
        low, high = max(hit.scale / spread, MIN_SCALE), min(hit.scale * spread, MAX_SCALE)
        for scale in np.geomspace(low, max(low, high), steps):
            w, h = self._size(float(scale))
            margin = (slack + RING) * h + 2 * h / logo_height  # a flat-colour logo needs its ring of background too
            window = self._window(cx, cy, max(w, hit.box.width) + 2 * margin, max(h, hit.box.height) + 2 * margin)
            match = self.search(window, float(scale), logo_height, mode)
            if match is not None and match.score > best.score:
                best = match
        return best

    def refine(self, hit: LogoMatch) -> LogoMatch:
        """A search hit's scale and place refined (steps of 1.06, then 1.015 at a finer resolution), then scored."""
        mode = self.template.search_mode
        half_step = math.sqrt(self.scales[1] / self.scales[0])
        closer = self.confirm(hit, half_step, 5, REFINE_HEIGHT, mode)
        closest = self.confirm(closer, 1.03, 5, CONFIRM_HEIGHT, mode)
        return self.judge(closest) if mode == self.template.confirm_mode else self.at(closest.box)

    def at(self, box: Box) -> LogoMatch:
        """The logo judged exactly where, and as large as, ``box`` says (to two pixels of the confirming grid)."""
        hit = LogoMatch(0.0, box.height / self.height, box)
        return self.judge(self.confirm(hit, 1.0, 1, CONFIRM_HEIGHT, self.template.confirm_mode, slack=0.0))

    def judge(self, match: LogoMatch) -> LogoMatch:
        """``match`` scored as the geometric mean of correlation and edge agreement; colour agreement is recorded.

        The masked correlation sees only the pixels under the logo, so a smooth gradient can correlate with a logo
        of a few flat colours. The edge agreement also sees the logo's outline against whatever is around it.
        """
        k = min(1.0, CONFIRM_HEIGHT / match.box.height)
        templ, _, _ = self._template(round(match.box.height * k), "colour")
        crop = np.asarray(self.image.crop(match.box.as_tuple()).convert("RGB"))
        crop = cv2.resize(crop, (templ.shape[1], templ.shape[0]), interpolation=cv2.INTER_AREA).astype(np.uint8)
        alpha = cv2.resize(self.template.alpha, (templ.shape[1], templ.shape[0]), interpolation=cv2.INTER_AREA)
        weight = alpha**2  # pixels the logo only partly covers (thin strokes, edges) count less
        error = float((np.abs(_prepared(crop, "colour", None) - templ).mean(axis=2) * weight).sum() / weight.sum())
        colour = max(0.0, 1.0 - error / 255.0)
        edge = edge_agreement(self.image, match.box, self.template)
        score = math.sqrt(max(match.score, 0.0) * max(edge, 0.0))
        return LogoMatch(score, match.scale, match.box, match.score, colour, edge)

    def near(self, box: Box) -> LogoMatch | None:
        """The logo around ``box`` at any searched scale: overlapping it, or within half its height of it."""
        cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        hits = []
        for scale in self.scales:
            w, h = self._size(scale)
            reach_w = max(w, box.width) + max(w - box.width, 0) + (1 + 2 * RING) * box.height
            reach_h = max(h, box.height) + max(h - box.height, 0) + (1 + 2 * RING) * box.height
            window = self._window(cx, cy, reach_w, reach_h)
            hit = self.search(window, scale, SEARCH_HEIGHT, self.template.search_mode)
            hits += [hit] if hit is not None else []
        hits.sort(key=lambda m: m.score, reverse=True)  # the best two scales are refined: a small scale can win
        return max((self.refine(hit) for hit in hits[:2]), key=lambda m: m.score, default=None)

    def anywhere(self) -> LogoMatch | None:
        """The logo anywhere in the creative: the best hits of every scale, the top few confirmed."""
        mode = self.template.search_mode
        whole = Box(0, 0, *self.image.size)
        pixels = np.asarray(self.image.convert(_pil_mode(mode)))
        hits: list[LogoMatch] = []
        for scale in self.scales:  # smallest scale (finest level) first: each level is shrunk from the one before
            k = min(1.0, SCAN_HEIGHT / (self.height * scale))
            size = (max(round(whole.width * k), 1), max(round(whole.height * k), 1))
            if (pixels.shape[1], pixels.shape[0]) != size:
                pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
            hits += self._match(pixels, whole, scale, mode, 2)
        hits.sort(key=lambda m: m.score, reverse=True)
        looked = [self.confirm(hit, 1.0, 1, REFINE_HEIGHT, mode) for hit in hits[:CANDIDATES]]
        looked.sort(key=lambda m: m.score, reverse=True)
        return max((self.refine(hit) for hit in looked[:2]), key=lambda m: m.score, default=None)


def find_logo(
    image: Image.Image,
    logo: Image.Image | LogoTemplate,
    *,
    height: int,
    near: Box | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> LogoMatch | None:
    """The best match of ``logo`` in ``image``; ``height`` is the logo's expected height in pixels (scale 1).

    Cheapest first, each step only when the one before scores below ``threshold``: the logo exactly at ``near``
    (the box the renderer reports), any scale around ``near``, any scale anywhere in the image.
    """
    template = logo if isinstance(logo, LogoTemplate) else cached_template(logo)
    finder = LogoFinder(image, template, height)
    found: list[LogoMatch] = []
    steps = [lambda: finder.at(near), lambda: finder.near(near)] if near is not None else []
    for step in [*steps, finder.anywhere]:
        match = step()
        if match is not None:
            found.append(match)
            if match.score >= threshold:
                break
    return max(found, key=lambda m: m.score, default=None)


EDGE_HEIGHT = 48  # px: the logo's height when edge maps are compared
EDGE_SLACK = 0.15  # share of the logo's height the edges may sit off the judged box


def _edges(values: Pixels) -> Pixels:
    """Gradient magnitude (Sobel), the largest over the channels."""
    gx = cv2.Sobel(values, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(values, cv2.CV_32F, 0, 1, ksize=3)
    magnitude: Pixels = np.sqrt(gx**2 + gy**2)
    return magnitude.max(axis=2) if magnitude.ndim == 3 else magnitude


def edge_agreement(image: Image.Image, box: Box, template: LogoTemplate) -> float:
    """How well the creative's edges around ``box`` match the logo's own (outline and inner edges), -1..1."""
    height = EDGE_HEIGHT
    k = height / max(box.height, 1)
    width = max(round(box.width * k), 4)
    margin = round(EDGE_SLACK * height)
    around = (
        round(box.left - margin / k),
        round(box.top - margin / k),
        round(box.right + margin / k),
        round(box.bottom + margin / k),
    )
    size = (width + 2 * margin, height + 2 * margin)
    crop = np.asarray(image.convert("RGB").crop(around).resize(size, Image.Resampling.BOX), dtype=np.float32)
    alpha = cv2.resize(template.alpha, (width, height), interpolation=cv2.INTER_AREA)
    rgb = cv2.resize(template.rgb, (width, height), interpolation=cv2.INTER_AREA)  # premultiplied by alpha
    logo_edges = np.maximum(_edges((alpha * 255).astype(np.float32)), _edges(rgb.astype(np.float32)))
    found = cv2.GaussianBlur(_edges(crop), (0, 0), 1.0)
    wanted = cv2.GaussianBlur(logo_edges, (0, 0), 1.0)
    scores = cv2.matchTemplate(found, wanted, cv2.TM_CCOEFF_NORMED)
    scores = np.where(np.isfinite(scores), scores, 0.0)
    return float(np.clip(scores.max(), -1.0, 1.0))


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.width * a.height + b.width * b.height - inter)
