"""Product staging: how large the product stands and where (the same box in every locale of a campaign), and a
cut-out packshot set on brand art with a soft contact shadow."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFilter

from creative_ai.placements import Box, Placement

AIR = 0.96  # the product never quite touches the edges of the area it may use


def product_target(region: Box, placement: Placement, size: tuple[int, int]) -> Box:
    """The box a product of ``size`` (its subject's width and height) fills inside ``region``.

    A tall product is scaled to the placement's product share of the frame's height, a wide one to that share of
    its width (the middle of the range; DESIGN.md), never past the region; centred across and resting low in it.
    """
    w, h = max(1, size[0]), max(1, size[1])
    low, high = placement.product_share
    share = (low + high) / 2
    wanted = share * placement.height / h if h >= w else share * placement.width / w
    scale = min(wanted, AIR * region.width / w, AIR * region.height / h)
    tw, th = max(1, round(w * scale)), max(1, round(h * scale))
    x = region.left + (region.width - tw) // 2
    y = region.top + (region.height - th) // 2 + round((region.height - th) * 0.35)
    return Box(x, y, x + tw, y + th)


def anchored(target: Box, edges: frozenset[str], placement: Placement) -> Box:
    """``target`` moved onto the frame's edges that the photograph cuts its product by (a bottle cut by the photo's
    bottom edge stands on the creative's bottom edge, so the cut reads as framing rather than as a product that
    ends in mid-air); cut on two opposite sides, it is scaled about its centre to span the frame between them."""
    x0, y0, x1, y1 = target.as_tuple()
    w, h = x1 - x0, y1 - y0
    if "top" in edges and "bottom" in edges:
        grow = placement.height / max(1, h)
        cx, w, h = (x0 + x1) / 2, round(w * grow), placement.height
        x0, y0 = round(cx - w / 2), 0
    elif "bottom" in edges:
        y0 = placement.height - h
    elif "top" in edges:
        y0 = 0
    if "left" in edges and "right" in edges:
        grow = placement.width / max(1, w)
        cy, h, w = y0 + h / 2, round(h * grow), placement.width
        x0, y0 = 0, round(cy - h / 2)
    elif "right" in edges:
        x0 = placement.width - w
    elif "left" in edges:
        x0 = 0
    return Box(x0, y0, x0 + w, y0 + h)


def place_packshot(
    backdrop: Image.Image, packshot: Image.Image, *, region: Box, placement: Placement
) -> tuple[Image.Image, Box]:
    """Composite an RGBA packshot into ``region`` with a soft contact shadow; returns the image and its box."""
    shot = packshot.convert("RGBA")
    bbox = shot.getchannel("A").getbbox() or (0, 0, shot.width, shot.height)
    shot = shot.crop(bbox)
    box = product_target(region, placement, shot.size)
    x, y, w, h = box.left, box.top, box.width, box.height
    shot = shot.resize((w, h), Image.Resampling.LANCZOS)
    out = backdrop.copy()
    # Contact shadow: a flattened, blurred ellipse under the product's base.
    sw_, sh_ = max(2, int(w * 1.05)), max(2, int(h * 0.08) + 4)
    pad = max(4, sh_)
    shadow = Image.new("L", (sw_ + 2 * pad, sh_ + 2 * pad), 0)
    ImageDraw.Draw(shadow).ellipse((pad, pad, pad + sw_, pad + sh_), fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(pad / 2))
    out.paste((0, 0, 0), (x + (w - sw_) // 2 - pad, y + h - sh_ // 2 - pad), shadow)
    out.paste(shot, (x, y), shot)
    return out, box
