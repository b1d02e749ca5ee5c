"""Input images (packshots, logos): found, hashed, decoded once, refused clearly when bad."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from creative_ai.errors import AssetError

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


def load_image(path: Path, *, field: str, max_pixels: int) -> InputImage:
    """Read, verify and decode an input image; AssetError names the field and the problem."""
    if not path.is_file():
        raise AssetError(f"{field}: file not found: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AssetError(f"{field}: cannot read {path}: {exc.strerror}") from exc
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
        raise AssetError(f"{field}: {path} is not an image Pillow can read (PNG, JPEG or WebP expected)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise AssetError(f"{field}: {path} is corrupt or truncated ({exc})") from exc
    # A phone or camera stores the sensor's pixels and says in EXIF how to turn them: turn them first.
    orientation = int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)
    upright: Image.Image = ImageOps.exif_transpose(image) if orientation != 1 else image
    converted = upright.convert("RGBA") if upright.mode in ("RGBA", "LA", "P", "PA") else upright.convert("RGB")
    return InputImage(path=path, sha256=hashlib.sha256(data).hexdigest(), image=converted, orientation=orientation)


def find_product_image(product_id: str, assets_dir: Path) -> Path | None:
    """``<assets_dir>/products/<product_id>.{png,jpg,jpeg,webp}``, the first that exists."""
    for ext in PRODUCT_EXTENSIONS:
        candidate = assets_dir / "products" / f"{product_id}{ext}"
        if candidate.is_file():
            return candidate
    return None
