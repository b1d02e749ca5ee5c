"""Write the bulk-upload package for one ad platform: its sheet (CSV, and XLSX where its tool takes one) and images.

Pure: the caller gives the finished creatives as ``ExportItem`` values; nothing is read from a database. The package
is built in a temporary folder beside ``out_dir`` and renamed into place at the end, so a failure leaves nothing.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from PIL import Image, ImageOps, UnidentifiedImageError

from creative_ai.errors import AssetError, InputError, StorageError
from creative_ai.export.platforms import PLATFORMS, Platform, PlatformSpec, RatioSpec

JPEG_QUALITY = 92
MIN_JPEG_QUALITY = 60  # below this the painted copy starts to smear; an image that needs less is skipped
QUALITY_STEP = 4
RATIO_TOLERANCE = 0.01  # an image within 1 % of its declared ratio is taken as that ratio
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f]")


@dataclass(frozen=True)
class ExportItem:
    """One finished creative to put in the package."""

    ad_name: str
    campaign_id: str
    campaign_name: str | None
    product_id: str
    product_name: str
    locale: str
    aspect_ratio: str  # "1x1", "9x16", "16x9", "4x5"
    headline: str
    cta: str | None
    terms: str | None
    image: bytes  # the stored creative, PNG or JPEG
    landing_url: str | None
    utm: Mapping[str, str]


@dataclass
class PackageResult:
    """What was written (final paths), what was left out and why, and what the user still has to do."""

    sheet_paths: list[Path]
    image_paths: list[Path]
    skipped: list[tuple[str, str]]  # (ad_name, reason)
    readme_line: str
    notes: list[str] = field(default_factory=list)


class _Skip(Exception):
    """This item cannot go into this platform's package; the message says why."""


def write_package(
    items: Sequence[ExportItem], *, platform: Platform, out_dir: Path, left_out: Sequence[str] = ()
) -> PackageResult:
    """Write the bulk-upload package of ``items`` for ``platform`` into ``out_dir`` (new or empty), with a
    README.txt saying how to import it, its notes, and what is not in it (``left_out``: lines the caller adds)."""
    spec = PLATFORMS.get(platform)
    if spec is None:
        raise InputError(f"unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}")
    _check_items(items)
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir} already exists and is not empty; choose a new folder or empty this one first")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    except OSError as exc:
        raise StorageError(f"cannot write the package in {out_dir.parent}: {exc.strerror or exc}") from None
    done = False
    try:
        result = _build(items, spec=spec, staging=staging, out_dir=out_dir)
        lines = [result.readme_line, "", *result.notes]
        gone = [*left_out, *(f"{name}: {reason}" for name, reason in result.skipped)]
        if gone:
            lines += ["", "Not in this package:", *(f"- {line}" for line in gone)]
        (staging / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if out_dir.exists():
            out_dir.rmdir()  # empty (checked above); rename cannot replace a folder everywhere
        staging.rename(out_dir)
        done = True
        return result
    except OSError as exc:
        raise StorageError(f"cannot write the package to {out_dir}: {exc.strerror or exc}") from None
    finally:
        if not done:
            shutil.rmtree(staging, ignore_errors=True)


def _check_items(items: Sequence[ExportItem]) -> None:
    if not items:
        raise InputError("no items to export; give at least one finished creative")
    seen: set[str] = set()
    for item in items:
        name = item.ad_name
        if not name.strip() or name in {".", ".."} or _UNSAFE_NAME.search(name):
            raise InputError(
                f"ad name {name!r} cannot name an image file; use a name without slashes or control characters"
            )
        if name in seen:
            raise InputError(f"ad name {name!r} appears twice; every ad in a package needs its own name")
        seen.add(name)
        for key in item.utm:
            if not key.startswith("utm_"):
                raise InputError(f"ad {name!r}: tracking parameter {key!r} is not a utm_* key; name it utm_{key}")


def _build(items: Sequence[ExportItem], *, spec: PlatformSpec, staging: Path, out_dir: Path) -> PackageResult:
    images_dir = staging / "images"
    images_dir.mkdir()
    rows: list[dict[str, str]] = []
    image_names: list[str] = []
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    default_cta: dict[str, list[str]] = {}
    no_url: list[str] = []
    risky: list[str] = []
    for item in items:
        try:
            ratio = _ratio_spec(item, spec)
            _check_text(item, spec)
            data, quality = _encode(item, ratio=ratio, spec=spec)
        except _Skip as skip:
            skipped.append((item.ad_name, str(skip)))
            continue
        file_name = f"{item.ad_name}.jpg"
        (images_dir / file_name).write_bytes(data)
        image_names.append(file_name)
        if quality < JPEG_QUALITY:
            notes.append(f"{item.ad_name}: saved at JPEG quality {quality} to stay under {_size(spec.max_bytes)}")
        cta = _match_cta(item.cta, spec)
        if cta is None:
            default_cta.setdefault(item.cta or "", []).append(item.ad_name)
        url = destination_url(item.landing_url, ad_name=item.ad_name, utm=item.utm)
        if url == "":
            no_url.append(item.ad_name)
        rows.append(_row(item, spec=spec, ratio=ratio, url=url, cta=cta or spec.default_cta, image=file_name))
        if _formula_like(rows[-1]):
            risky.append(item.ad_name)
    for text, names in default_cta.items():
        said = f"call to action {text!r}" if text else "no call to action"
        notes.append(
            f"{said} ({', '.join(names)}) matches none of {spec.label}'s; the sheet uses its default {spec.default_cta}"
        )
    if no_url:
        notes.append(
            f"no landing URL for {', '.join(no_url)}: {spec.label} needs a destination URL before these ads can run"
        )
    if risky:
        notes.append(
            f"copy of {', '.join(risky)} starts with =, +, -, @ or a tab: a spreadsheet opening the .csv may read "
            "it as a formula; check the sheet in the .xlsx"
            + ("" if spec.xlsx else " (or import the .csv into a sheet as text)")
            + ", and upload the file as it is"
        )
    sheets = [_write_csv(staging / f"{spec.sheet_stem}.csv", spec=spec, rows=rows)]
    if spec.xlsx:
        sheets.append(_write_xlsx(staging / f"{spec.sheet_stem}.xlsx", spec=spec, rows=rows))
    return PackageResult(
        sheet_paths=[out_dir / p.name for p in sheets],
        image_paths=[out_dir / "images" / n for n in image_names],
        skipped=skipped,
        readme_line=spec.readme_line,
        notes=notes,
    )


def _ratio_spec(item: ExportItem, spec: PlatformSpec) -> RatioSpec:
    ratio = spec.ratios.get(item.aspect_ratio)
    if ratio is None:
        raise _Skip(f"{spec.label} image ads do not take {item.aspect_ratio}; it takes {spec.accepted()}")
    return ratio


def _check_text(item: ExportItem, spec: PlatformSpec) -> None:
    values = {"headline": item.headline, "terms": item.terms or ""}
    for header, limit in spec.text_limits.items():
        source = spec.fields.get(header)
        text = values.get(source or "", "")
        if len(text) > limit:
            raise _Skip(f"{header} is {len(text)} characters; {spec.label} takes at most {limit}")


def _encode(item: ExportItem, *, ratio: RatioSpec, spec: PlatformSpec) -> tuple[bytes, int]:
    """The item's image as the platform's JPEG, and the quality it was saved at."""
    try:
        with Image.open(io.BytesIO(item.image)) as opened:
            if opened.format not in {"PNG", "JPEG"}:
                raise AssetError(f"ad {item.ad_name!r}: the creative is {opened.format}, not PNG or JPEG")
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:  # Pillow raises all three on bad data
        raise AssetError(f"ad {item.ad_name!r}: the creative is not a readable PNG or JPEG ({exc})") from exc
    want_w, want_h = (int(part) for part in item.aspect_ratio.split("x"))
    actual = image.width / image.height
    if abs(actual / (want_w / want_h) - 1) > RATIO_TOLERANCE:
        raise _Skip(f"the image is {image.width}x{image.height}, not {item.aspect_ratio} as the item says")
    min_w, min_h = ratio.min_size
    if image.width < min_w or image.height < min_h:
        raise _Skip(
            f"the image is {image.width}x{image.height}; {spec.label} needs at least {min_w}x{min_h} for "
            f"{item.aspect_ratio}"
        )
    image = _fit_inside(_to_rgb(image), ratio.max_size)
    icc = image.info.get("icc_profile")
    return _fit_file_size(image, max_bytes=spec.max_bytes, icc_profile=icc, label=spec.label)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB for JPEG; any transparency is laid on white (the creative is opaque, so this is a safeguard)."""
    if image.mode == "RGB":
        return image
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        flat.info = dict(image.info)
        return flat
    converted = image.convert("RGB")
    converted.info = dict(image.info)
    return converted


def _fit_inside(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Scale down (never up, never crop) so the image fits inside ``box``, keeping its ratio."""
    scale = min(1.0, box[0] / image.width, box[1] / image.height)
    if scale >= 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = dict(image.info)
    return resized


def _fit_file_size(
    image: Image.Image, *, max_bytes: int, icc_profile: bytes | None = None, label: str = "the platform"
) -> tuple[bytes, int]:
    """JPEG bytes (4:4:4) at quality 92, or lower in steps until under ``max_bytes``; the quality used.

    Raises ``_Skip`` when even the lowest quality is over the limit.
    """
    quality = JPEG_QUALITY
    while True:
        data = _jpeg(image, quality=quality, icc_profile=icc_profile)
        if len(data) <= max_bytes:
            return data, quality
        if quality <= MIN_JPEG_QUALITY:
            raise _Skip(
                f"even at JPEG quality {quality} the image is {_size(len(data))}, over {label}'s limit of "
                f"{_size(max_bytes)}"
            )
        quality = max(MIN_JPEG_QUALITY, quality - QUALITY_STEP)


def _jpeg(image: Image.Image, *, quality: int, icc_profile: bytes | None) -> bytes:
    options: dict[str, object] = {"quality": quality, "subsampling": 0}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    try:
        image.save(buffer, format="JPEG", optimize=True, **options)
    except OSError:
        # Optimized Huffman tables need the whole file in one buffer, which Pillow sizes at one byte a pixel; a
        # grainy 4:4:4 image can be bigger than that. The same image without the optimization always encodes.
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _match_cta(text: str | None, spec: PlatformSpec) -> str | None:
    """The platform's value for our call to action, or None when none of its values matches."""
    if not text:
        return None
    key = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    return spec.cta_values.get(key)


def destination_url(landing_url: str | None, *, ad_name: str, utm: Mapping[str, str]) -> str:
    """``landing_url`` with ``utm_content=<ad_name>`` and the ``utm`` keys set once each; "" when there is none.

    The URL's own query is kept; a key it already has that we set is replaced, never repeated.
    """
    if landing_url is None or not landing_url.strip():
        return ""
    parts = urlsplit(landing_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise InputError(f"ad {ad_name!r}: landing URL {landing_url!r} is not an http(s) address with a host")
    ours = {**dict(utm), "utm_content": ad_name}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ours]
    query = urlencode([*kept, *ours.items()], quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _row(item: ExportItem, *, spec: PlatformSpec, ratio: RatioSpec, url: str, cta: str, image: str) -> dict[str, str]:
    campaign = item.campaign_name or item.campaign_id
    values: dict[str, str] = {
        "campaign": campaign,
        "ad_group": f"{campaign} - {item.locale} - {item.aspect_ratio}",
        "ad_name": item.ad_name,
        "headline": item.headline,
        "terms": item.terms or "",
        "url": url,
        "cta": cta,
        "image": image,
    }
    row = dict.fromkeys(spec.headers, "")
    for header, source in spec.fields.items():
        row[header] = values[source]
    row.update(spec.constants)
    row.update(ratio.cells)
    row[ratio.image_column] = image
    return row


def _formula_like(row: Mapping[str, str]) -> bool:
    """Whether a cell of the row would start a formula in a spreadsheet that opens the CSV."""
    return any(value[:1] in ("=", "+", "-", "@", "\t", "\r") for value in row.values() if value)


def _write_csv(path: Path, *, spec: PlatformSpec, rows: list[dict[str, str]]) -> Path:
    # Cells are written as they are: the importers read the raw text, so no spreadsheet-formula escaping is added.
    with path.open("w", encoding="utf-8-sig" if spec.csv_bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(spec.headers), extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, *, spec: PlatformSpec, rows: list[dict[str, str]]) -> Path:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only when a workbook is written

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ads"
    sheet.append(list(spec.headers))
    for row in rows:
        sheet.append([row[h] for h in spec.headers])
    for line in sheet.iter_rows():
        for cell in line:
            cell.data_type = "s"  # text, always: a headline starting with "=" is copy, not a formula
    book.save(path)
    return path
