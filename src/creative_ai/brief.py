"""Campaign brief: the model (§1) and ``load_brief`` for JSON and YAML, with errors that name the field."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from creative_ai.brief_issues import issues_from
from creative_ai.brief_links import landing_url, utm_parameters
from creative_ai.errors import BriefError, FieldIssue, InputError
from creative_ai.placements import DEFAULT_RATIOS, normalize_ratio

CAMPAIGN_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
PRODUCT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# BCP 47 subset: language, optional script, optional region, optional variants.
LOCALE_RE = re.compile(
    r"^(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)$"
)
MAX_TERMS = 160
MAX_DEPTH = 32  # levels of lists and mappings a brief may hold (it needs 4)
MAX_MESSAGE = 140
MAX_BRIEF_BYTES = 1_000_000


def normalize_locale(value: str) -> str:
    """Canonical case of a BCP 47 tag (``pt-br`` → ``pt-BR``); ValueError when it is not one."""
    match = LOCALE_RE.match(value.strip().replace("_", "-"))
    if not match:
        raise ValueError(f"{value!r} is not a BCP 47 language tag (examples: en, de, pt-BR, zh-Hant-TW)")
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    if match["variants"]:
        parts.extend(v.lower() for v in match["variants"].strip("-").split("-"))
    return "-".join(parts)


def _slug_product(value: str) -> str:
    if not PRODUCT_ID_RE.match(value) or ".." in value:
        raise ValueError(
            f"{value!r} is not a slug; use letters, digits, '_', '-' and '.', starting with a letter "
            "or digit, at most 128 characters, no '/' and no '..'"
        )
    return value


# Whitespace but the line break and the no-break spaces (U+00A0, U+2007, U+202F): those are the writer's choice.
_SPACES = re.compile(r"[^\S\n\u00a0\u2007\u202f]+")


def _copy_text(value: str) -> str:
    """Runs of spaces become one space; the writer's line breaks (empty lines dropped) and no-break spaces stay."""
    lines = (_SPACES.sub(" ", line).strip(" ") for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(value: str) -> str:
    """A label (a CTA): one line, line breaks read as spaces."""
    return _copy_text(value).replace("\n", " ")


def _message(value: str) -> str:
    text = _copy_text(value)
    if not text:
        raise ValueError("is empty; write the copy to put on the creative")
    if len(text) > MAX_MESSAGE:
        raise ValueError(f"is {len(text)} characters; at most {MAX_MESSAGE} are allowed")
    return text


def _terms_line(value: str) -> str:
    """A terms line (disclaimer): one paragraph, line breaks read as spaces, at most MAX_TERMS characters."""
    text = _copy_text(value).replace("\n", " ")
    if not text:
        raise ValueError("is empty; write the terms line, or leave it out")
    if len(text) > MAX_TERMS:
        raise ValueError(f"is {len(text)} characters; at most {MAX_TERMS} are allowed (it is set in two small lines)")
    return text


def _hex_color(color: str) -> str:
    if not HEX_RE.match(color):
        raise ValueError(f"{color!r} is not a hex colour; write it as #RRGGBB (e.g. #FF6B35)")
    hex6 = color[1:] if len(color) == 7 else "".join(c * 2 for c in color[1:])
    return "#" + hex6.upper()


HexColor = Annotated[str, AfterValidator(_hex_color)]
Locale = Annotated[str, AfterValidator(normalize_locale)]
Ratio = Annotated[str, AfterValidator(normalize_ratio)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Brand(_Model):
    logo: str | None = None
    name: str | None = None
    # Variants for backgrounds the main logo cannot stand out on (WCAG 1.4.11, 3:1): light for dark, dark for light.
    logo_light: str | None = None
    logo_dark: str | None = None


class SignOff(_Model):
    """Sign-offs a brief adds to the server's (see ``creative_ai.signoff``): a brief never removes one."""

    legal: Literal["flagged", "always"] = Field(
        default="flagged", description="always: legal signs every creative, not only those a legal rule flagged."
    )


class Product(_Model):
    id: str
    name: str = Field(min_length=1)
    description: str | None = None
    image: str | None = None
    message: str | None = None
    landing_url: str | None = Field(default=None, description="This product's ads' destination (else the brief's).")

    _id = field_validator("id")(classmethod(lambda cls, v: _slug_product(v)))

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError("is empty; every product needs a name")
        return value

    @field_validator("message")
    @classmethod
    def _msg(cls, value: str | None) -> str | None:
        return None if value is None else _message(value)

    _landing = field_validator("landing_url")(classmethod(lambda cls, v: landing_url(v)))


class CampaignBrief(_Model):
    campaign_id: str
    name: str | None = None
    products: list[Product] = Field(min_length=1)
    target_market: str = Field(min_length=1)
    target_audience: str = Field(min_length=1)
    campaign_message: str
    messages: dict[str, str] = Field(default_factory=dict)
    locale: str = "en"
    locales: list[Locale] | None = None
    brand_colors: list[HexColor] = Field(default_factory=list)
    brand: Brand | None = None
    cta: str | None = None
    messages_cta: dict[str, str] = Field(default_factory=dict)
    terms: str | None = Field(
        default=None, description="The terms line (disclaimer) set small under the copy, e.g. an offer's conditions."
    )
    messages_terms: dict[str, str] = Field(default_factory=dict, description="The terms line per locale.")
    aspect_ratios: list[Ratio] = Field(default_factory=lambda: list(DEFAULT_RATIOS))
    legal_rules: list[str] = Field(default_factory=list, description="Extra legal rule files (YAML), beside the brief.")
    landing_url: str | None = Field(default=None, description="Where the ads lead (exports add the UTM parameters).")
    utm: dict[str, str] = Field(
        default_factory=dict, description="UTM parameters the export adds to landing_url; utm_content is the ad_name."
    )

    sign_off: SignOff | None = Field(
        default=None,
        description="Sign-offs to add to the server's (creative lead, market, legal when flagged).",
    )

    _landing = field_validator("landing_url")(classmethod(lambda cls, v: landing_url(v)))
    _utm = field_validator("utm")(classmethod(lambda cls, v: utm_parameters(v)))

    _base_dir: Path = PrivateAttr(default_factory=Path.cwd)

    @field_validator("campaign_id")
    @classmethod
    def _campaign_id(cls, value: str) -> str:
        if not CAMPAIGN_ID_RE.match(value) or ".." in value:
            raise ValueError(
                f"{value!r} is not a slug; use lowercase letters, digits, '.', '_' and '-', starting with a "
                "letter or digit, at most 64 characters, no '/' and no '..'"
            )
        return value

    @field_validator("campaign_message")
    @classmethod
    def _campaign_message(cls, value: str) -> str:
        return _message(value)

    @field_validator("cta")
    @classmethod
    def _cta(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = _one_line(value)
        if not text or len(text) > 40:
            raise ValueError("must be 1 to 40 characters")
        return text

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return normalize_locale(value)

    @field_validator("locales")
    @classmethod
    def _locales(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("is empty; list at least one locale or leave it out")
        if len(set(value)) != len(value):
            raise ValueError(f"lists a locale twice: {value}")
        return value

    @field_validator("messages", "messages_cta")
    @classmethod
    def _messages(cls, value: dict[str, str]) -> dict[str, str]:
        return {normalize_locale(k): _message(v) for k, v in value.items()}

    @field_validator("messages_cta")
    @classmethod
    def _messages_cta(cls, value: dict[str, str]) -> dict[str, str]:
        return {k: _one_line(v) for k, v in value.items()}

    @field_validator("terms")
    @classmethod
    def _terms(cls, value: str | None) -> str | None:
        return None if value is None else _terms_line(value)

    @field_validator("messages_terms")
    @classmethod
    def _messages_terms(cls, value: dict[str, str]) -> dict[str, str]:
        return {normalize_locale(k): _terms_line(v) for k, v in value.items()}

    @field_validator("aspect_ratios")
    @classmethod
    def _ratios(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("is empty; list at least one ratio or leave it out for the default")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _cross_checks(self) -> CampaignBrief:
        seen: dict[str, int] = {}
        for i, product in enumerate(self.products):
            if product.id in seen:
                first = seen[product.id]
                raise ValueError(
                    f"products[{i}].id: {product.id!r} repeats products[{first}].id; product ids must be unique"
                )
            seen[product.id] = i
        if "locale" in self.model_fields_set and self.locales and self.locale not in self.locales:
            raise ValueError(
                f"locale: {self.locale!r} is not one of locales {list(self.locales)}; locale names the language "
                "campaign_message is written in: add it to locales, or leave locale out (the first of locales is then "
                "the source)"
            )
        wanted = self.target_locales
        for field in ("messages", "messages_cta", "messages_terms"):
            for key in getattr(self, field):
                if key not in wanted:
                    raise ValueError(f"{field}.{key}: locale {key!r} is not one of the campaign's locales {wanted}")
        return self

    @property
    def target_locales(self) -> list[str]:
        return list(self.locales) if self.locales else [self.locale]

    @property
    def source_locale(self) -> str:
        return self.locale if self.locales is None or self.locale in self.locales else self.locales[0]

    @property
    def base_dir(self) -> Path:
        """Folder that relative asset paths in the brief are resolved against."""
        return self._base_dir

    def with_base_dir(self, base_dir: Path) -> CampaignBrief:
        self._base_dir = base_dir
        return self


def parse_brief(data: Any, *, base_dir: Path | None = None, source: str = "") -> CampaignBrief:
    """Validate a parsed brief (a mapping) into a CampaignBrief; BriefError lists every issue."""
    if not isinstance(data, dict):
        raise BriefError(
            [FieldIssue("", f"the brief must be a mapping of fields, got {type(data).__name__}")],
            source=source,
        )
    if (depth := nesting(data)) > MAX_DEPTH:
        raise BriefError(
            [FieldIssue("", f"is nested {depth} levels deep; a brief has at most {MAX_DEPTH} levels")], source=source
        )
    try:
        brief = CampaignBrief.model_validate(data)
    except ValidationError as exc:
        raise BriefError(issues_from(exc), source=source) from exc
    return brief.with_base_dir(base_dir or Path.cwd())


def nesting(data: Any) -> int:
    """How many levels of lists and mappings ``data`` holds (walked without recursion: any depth is safe)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in value)
    return deepest


def load_brief(path: str | Path) -> CampaignBrief:
    """Read a brief from a ``.json``, ``.yaml`` or ``.yml`` file; relative asset paths resolve against its folder."""
    file = Path(path)
    return parse_brief(read_brief_file(file), base_dir=file.resolve().parent, source=str(file))


def read_brief_file(path: str | Path) -> Any:
    """The parsed content of a ``.json``, ``.yaml`` or ``.yml`` brief file (not yet validated)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"brief file not found: {file}")
    size = file.stat().st_size
    if size > MAX_BRIEF_BYTES:
        raise InputError(f"brief file {file} is {size} bytes; briefs are limited to {MAX_BRIEF_BYTES} bytes")
    try:
        text = file.read_text(encoding="utf-8-sig")  # a byte-order mark, as some editors write, is skipped
    except UnicodeDecodeError as exc:
        raise InputError(f"brief file {file} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    suffix = file.suffix.lower()
    too_deep = BriefError(
        [FieldIssue("", f"is nested too deeply to read; a brief has at most {MAX_DEPTH} levels")], source=str(file)
    )
    if suffix == ".json":
        try:
            data = json.loads(text)
        except RecursionError:
            raise too_deep from None
        except json.JSONDecodeError as exc:
            raise BriefError(
                [FieldIssue("", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")],
                source=str(file),
            ) from exc
    elif suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except RecursionError:
            raise too_deep from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise BriefError([FieldIssue("", f"malformed YAML{where}: {problem}")], source=str(file)) from exc
    else:
        raise InputError(f"brief file {file} must end in .json, .yaml or .yml")
    return data
