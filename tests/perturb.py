"""Realistic unintended changes to a finished creative, made on the picture itself: the headline moved, the logo
gone, the product scaled, the scrim or the text in another colour. Boxes are (left, top, right, bottom) in the
picture's own pixels; what a change removes is filled by OpenCV inpainting from the surrounding background."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]
Pixels = NDArray[np.uint8]


def _rgb(image: Image.Image) -> Pixels:
    return np.array(image.convert("RGB"), dtype=np.uint8)


def grow(box: Box, by: int, size: tuple[int, int]) -> Box:
    w, h = size
    left, top, right, bottom = box
    return max(0, left - by), max(0, top - by), min(w, right + by), min(h, bottom + by)


def _inpaint(pixels: Pixels, mask: NDArray[np.uint8]) -> Pixels:
    return cv2.inpaint(pixels, mask, 5, cv2.INPAINT_TELEA)  # type: ignore[no-any-return]


def text_layer(image: Image.Image, box: Box, color: RGB) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The headline set in ``color`` inside ``box``, taken apart: how much of ``color`` covers each pixel (0..1,
    anti-aliasing included) and the background without it (inpainted under the glyphs)."""
    pixels = _rgb(image)
    left, top, right, bottom = box
    near = np.abs(pixels.astype(np.int16) - np.array(color, dtype=np.int16)).max(axis=2) < 96
    mask = np.zeros(pixels.shape[:2], np.uint8)
    mask[top:bottom, left:right] = near[top:bottom, left:right].astype(np.uint8) * 255
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    background = _inpaint(pixels, mask).astype(np.float64)
    reach = (np.array(color, dtype=np.float64) - background).sum(axis=2)
    moved = (pixels.astype(np.float64) - background).sum(axis=2)
    alpha = np.clip(np.divide(moved, reach, out=np.zeros_like(moved), where=np.abs(reach) > 24), 0, 1)
    alpha[mask == 0] = 0
    return alpha, background


def _paint(background: NDArray[np.float64], alpha: NDArray[np.float64], color: RGB) -> Image.Image:
    a = alpha[..., None]
    return Image.fromarray(np.rint(background * (1 - a) + np.array(color, dtype=np.float64) * a).astype(np.uint8))


def move_text(image: Image.Image, box: Box, color: RGB, *, dx: int = 0, dy: int = 0) -> Image.Image:
    """The headline in ``box`` (set in ``color``) drawn ``dx``, ``dy`` px away from where it was."""
    alpha, background = text_layer(image, box, color)
    return _paint(background, np.roll(alpha, (dy, dx), axis=(0, 1)), color)


def recolor_text(image: Image.Image, box: Box, color: RGB, new: RGB) -> Image.Image:
    """The headline in ``box`` set in ``new`` instead of ``color``."""
    alpha, background = text_layer(image, box, color)
    return _paint(background, alpha, new)


def remove(image: Image.Image, box: Box, *, margin: int = 2) -> Image.Image:
    """Whatever is in ``box`` (a logo) gone, the background continued over it."""
    pixels = _rgb(image)
    left, top, right, bottom = grow(box, margin, image.size)
    mask = np.zeros(pixels.shape[:2], np.uint8)
    mask[top:bottom, left:right] = 255
    return Image.fromarray(_inpaint(pixels, mask))


def scale(image: Image.Image, box: Box, factor: float) -> Image.Image:
    """What is in ``box`` (the product) drawn ``factor`` times as large about the box's centre."""
    pixels = _rgb(image)
    left, top, right, bottom = box
    crop = pixels[top:bottom, left:right]
    w, h = round(crop.shape[1] * factor), round(crop.shape[0] * factor)
    bigger = cv2.resize(crop, (w, h), interpolation=cv2.INTER_LINEAR if factor > 1 else cv2.INTER_AREA)
    out = pixels.copy() if factor > 1 else _inpaint(pixels, _box_mask(pixels, box))
    cx, cy = (left + right) // 2, (top + bottom) // 2
    x0, y0 = cx - w // 2, cy - h // 2
    ih, iw = pixels.shape[:2]
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(iw, x0 + w), min(ih, y0 + h)
    out[dy0:dy1, dx0:dx1] = bigger[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0]
    return Image.fromarray(out)


def _box_mask(pixels: Pixels, box: Box) -> NDArray[np.uint8]:
    left, top, right, bottom = box
    mask = np.zeros(pixels.shape[:2], np.uint8)
    mask[top:bottom, left:right] = 255
    return mask


def scrim_ramp(size: tuple[int, int], text_box: Box, side: str) -> NDArray[np.float64]:
    """The soft scrim gradient from the text side (0 far from the text, 1 under it), as DESIGN.md draws it: from
    one text-box height above the text (or half its width beside it) to full strength at the text's edge."""
    w, h = size
    left, top, right, bottom = text_box
    if side == "bottom":
        start = max(0, top - (bottom - top))
        ramp = np.clip((np.arange(h) - start) / max(top - start, 1), 0, 1)
        return np.repeat(ramp[:, None], w, axis=1)
    if side == "left":
        start = min(w, right + (right - left) // 2)
        ramp = np.clip((start - np.arange(w)) / max(start - right, 1), 0, 1)
    else:  # right: text on the right, the scrim grows towards the right edge
        start = max(0, left - (right - left) // 2)
        ramp = np.clip((np.arange(w) - start) / max(left - start, 1), 0, 1)
    return np.repeat(ramp[None, :], h, axis=0)


def recolor_scrim(
    image: Image.Image, *, text_box: Box, side: str, strength: float, color: RGB, new: RGB
) -> Image.Image:
    """The scrim (``strength`` of ``color`` at most) painted in ``new`` instead: each pixel moves by
    ramp · strength · (new − color), the difference two alpha blends of the same weight make."""
    pixels = _rgb(image).astype(np.float64)
    weight = scrim_ramp(image.size, text_box, side)[..., None] * strength
    delta = np.array(new, dtype=np.float64) - np.array(color, dtype=np.float64)
    out = np.clip(pixels + weight * delta, 0, 255)
    return Image.fromarray(np.rint(out).astype(np.uint8))


def find_product(image: Image.Image, *, leave_out: list[Box]) -> Box:
    """The product's box: the bounds of the strong edges outside ``leave_out`` (the text, CTA and logo).

    The local art behind a packshot is a soft gradient, so what has edges there is the product."""
    gray = cv2.cvtColor(_rgb(image), cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(gray, 60, 160)
    for left, top, right, bottom in leave_out:
        edges[top:bottom, left:right] = 0
    ys, xs = np.nonzero(edges)
    if xs.size == 0:
        raise ValueError("no product found: nothing with edges outside the text and logo")
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
