"""Input images (packshots, logos): found, hashed, decoded once, refused clearly when bad."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from creative_ai.errors import AssetError, InputError

if TYPE_CHECKING:
    from xml.etree import ElementTree

PRODUCT_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class InputImage:
    """A decoded input image; ``image`` is upright (``orientation`` is the EXIF tag it was turned by, 1: none)."""

    path: Path
    sha256: str
    image: Image.Image
    orientation: int = 1

    @property
    def has_transparency(self) -> bool:
        """True when a meaningful share (> 2%) of the pixels are see-through (a cut-out packshot)."""
        if self.image.mode != "RGBA":
            return False
        alpha = self.image.getchannel("A")
        hist = alpha.histogram()
        clear = sum(hist[:250])
        return clear > 0.02 * self.image.width * self.image.height


SVG_LONG_SIDE = 1024  # an SVG is drawn this large on its long side (placement scales it down from there)
_EXTERNAL_REF = re.compile(rb"""(?:(?:href|src)\s*=\s*["']|url\(\s*["']?)(?!#|data:)""", re.IGNORECASE)


def _is_svg(path: Path, data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return path.suffix.lower() in (".svg", ".svgz") or head.startswith((b"<svg", b"<?xml"))


SVG_MAX_BYTES = 2_000_000
SVG_MAX_DRAWN = 50_000  # elements drawn once every <use> is expanded: a logo needs a few hundred


def _refuse_costly_svg(data: bytes, *, path: Path, field: str) -> None:
    """A logo is small: an SVG whose drawing could take minutes (huge, or nested <use> copies that multiply into
    millions of elements) is refused before libvips starts on it, naming the limit it passed."""
    from xml.etree import ElementTree

    if len(data) > SVG_MAX_BYTES:
        raise AssetError(f"{field}: {path} is {len(data):,} bytes; an SVG logo may have at most {SVG_MAX_BYTES:,}")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - entity declarations are refused before this
    except ElementTree.ParseError as exc:
        raise AssetError(f"{field}: {path} is not well-formed SVG ({exc})") from None
    drawn = _drawn_elements(root)
    if drawn > SVG_MAX_DRAWN:
        raise AssetError(
            f"{field}: {path} draws {drawn:,} elements once its <use> copies are expanded; "
            f"an SVG logo may draw at most {SVG_MAX_DRAWN:,}"
        )


def _drawn_elements(root: ElementTree.Element) -> int:
    """How many elements drawing ``root`` visits, each <use> counted as the subtree it copies (a cycle counts as
    over the limit)."""
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    sizes: dict[int, int] = {}

    def size(element: ElementTree.Element, depth: int) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if depth > 64:
            return SVG_MAX_DRAWN + 1
        total = 1
        if element.tag.rsplit("}", 1)[-1] == "use":
            ref = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "href"), "")
            target = by_id.get(ref.lstrip("#"))
            if target is not None:
                total += size(target, depth + 1)
        for child in element:
            total = min(total + size(child, depth + 1), SVG_MAX_DRAWN + 1)
        sizes[key] = total
        return total

    return size(root, 0)


def _rasterise_svg(data: bytes, *, path: Path, field: str) -> Image.Image:
    """An SVG (a logo, usually) drawn by libvips at ``SVG_LONG_SIDE`` pixels on its long side, with its alpha.

    Files that pull in anything from outside themselves (another file, a URL, an XML entity) are refused: a logo
    must be self-contained, and a brief must not be able to read other files into a creative.
    """
    import numpy as np
    import pyvips

    if data[:2] == b"\x1f\x8b":
        raise AssetError(f"{field}: {path} is a compressed SVG; save it uncompressed (.svg, not .svgz)")
    if b"<!ENTITY" in data or _EXTERNAL_REF.search(data):
        raise AssetError(f"{field}: {path} refers to files or entities outside itself; embed them in the SVG")
    _refuse_costly_svg(data, path=path, field=field)
    try:
        native = pyvips.Image.new_from_buffer(data, "")
        scale = SVG_LONG_SIDE / max(native.width, native.height, 1)
        drawn = pyvips.Image.svgload_buffer(data, scale=scale)
        if drawn.bands == 3:
            drawn = drawn.bandjoin(255)
        pixels = np.ndarray(
            buffer=drawn.write_to_memory(), dtype=np.uint8, shape=[drawn.height, drawn.width, drawn.bands]
        )
    except pyvips.Error as exc:
        raise AssetError(f"{field}: {path} is not an SVG libvips can draw ({str(exc).splitlines()[0]})") from exc
    if pixels.shape[2] != 4:
        raise AssetError(f"{field}: {path} draws as {pixels.shape[2]} bands; an RGB(A) SVG is expected")
    return Image.fromarray(pixels)


def load_image(path: Path, *, field: str, max_pixels: int) -> InputImage:
    """Read, verify and decode an input image (PNG, JPEG, WebP or SVG); AssetError names the field and the problem."""
    if not path.is_file():
        raise AssetError(f"{field}: file not found: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AssetError(f"{field}: cannot read {path}: {exc.strerror}") from exc
    if _is_svg(path, data):
        drawn = _rasterise_svg(data, path=path, field=field)
        return InputImage(path=path, sha256=hashlib.sha256(data).hexdigest(), image=drawn)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise AssetError(
                    f"{field}: {path} is {width}×{height} ({width * height:,} pixels); input images are limited "
                    f"to {max_pixels:,} pixels (CREATIVE_AI_MAX_IMAGE_PIXELS)"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AssetError(
            f"{field}: {path} declares too many pixels to decode safely; input images are limited to "
            f"{max_pixels:,} pixels"
        ) from exc
    except UnidentifiedImageError as exc:
        raise AssetError(f"{field}: {path} is not an image Pillow can read (PNG, JPEG, WebP or SVG expected)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise AssetError(f"{field}: {path} is corrupt or truncated ({exc})") from exc
    # A phone or camera stores the sensor's pixels and says in EXIF how to turn them: turn them first.
    tag = image.getexif().get(EXIF_ORIENTATION, 1)
    orientation = tag if isinstance(tag, int) and 2 <= tag <= 8 else 1  # anything else: as stored
    upright: Image.Image = ImageOps.exif_transpose(image) if orientation != 1 else image
    converted = upright.convert("RGBA") if upright.mode in ("RGBA", "LA", "P", "PA") else upright.convert("RGB")
    return InputImage(path=path, sha256=hashlib.sha256(data).hexdigest(), image=converted, orientation=orientation)


def _inside(root: Path, path: Path) -> bool:
    """Whether ``path``, once every symbolic link is followed, is ``root`` or under it (``root`` resolved too)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of links (RuntimeError before Python 3.13), a NUL
        return False


def confined(root: Path, value: str, *, field: str) -> Path:
    """``root / value`` for a path a brief sent over the network: InputError unless it stays inside ``root`` once
    symbolic links are followed (a link in the assets folder that leads out of it is refused, not followed)."""
    path = Path(value)
    if path.is_absolute() or ".." in path.parts:
        raise InputError(f"{field}: {value!r} must be a path inside the assets folder (no absolute path, no '..')")
    if not _inside(root, root / path):
        raise InputError(
            f"{field}: {value!r} is a symbolic link (or lies under one) that leads outside the assets folder; "
            "put the file itself inside the assets folder"
        )
    return root / path


def find_product_image(product_id: str, assets_dir: Path) -> Path | None:
    """``<assets_dir>/products/<product_id>.{png,jpg,jpeg,webp}``, the first that exists; AssetError when it is a
    symbolic link leading outside the assets folder (refused, not followed)."""
    for ext in PRODUCT_EXTENSIONS:
        candidate = assets_dir / "products" / f"{product_id}{ext}"
        if candidate.is_file():
            if not _inside(assets_dir, candidate):
                raise AssetError(
                    f"products/{candidate.name} in the assets folder is a symbolic link leading outside it; "
                    "put the picture itself in the folder"
                )
            return candidate
    return None
