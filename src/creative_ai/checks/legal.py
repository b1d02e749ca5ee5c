"""The legal check (phase ``copy``): prohibited and restricted terms per market and locale, before generation.

Rules are data: ``rules/global.yaml``, then the language (``de.yaml``), then the locale (``de-at.yaml``), then the
market (``market-eu.yaml``), then any files the brief names in ``legal_rules``. Matching is case- and
accent-folded, on word boundaries, and skips a term negated just before it ("not clinically proven").
A prohibited term anywhere in the brief's copy refuses the campaign (:class:`ComplianceError`); a restricted
term flags the creatives that carry it (``warn``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml

from creative_ai.checks.base import CheckResult
from creative_ai.errors import ComplianceError, InputError

Severity = Literal["fail", "warn"]
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "non",
        "nor",
        "isn't",
        "aren't",
        "don't",
        "doesn't",
        "kein",
        "keine",
        "keinen",
        "keiner",
        "nicht",
        "ohne",
        "niemals",
        "pas",
        "sans",
        "jamais",
        "ni",
        "sin",
        "nunca",
        "ningún",
        "ninguna",
        "nao",
        "não",
        "senza",
        "mai",
    ]
)
NEGATION_WINDOW = 3


@dataclass(frozen=True)
class Term:
    term: str
    rule: str
    severity: Severity
    source: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Hit:
    field: str
    locale: str
    term: str
    rule: str
    severity: Severity
    source: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "locale": self.locale,
            "term": self.term,
            "rule": self.rule,
            "severity": self.severity,
            "source": self.source,
            "text": self.text,
        }


def fold(text: str) -> str:
    """Case- and accent-folded, dashes unified, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    unified = re.sub(r"[\u2010-\u2015\u2212]", "-", stripped.casefold())
    return re.sub(r"\s+", " ", unified)


def _compile(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in fold(term).split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])")


def _load(text: str, source: str) -> list[Term]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"legal rules {source}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict) or set(data) - {"prohibited", "restricted"}:
        raise InputError(f"legal rules {source}: expected the keys prohibited and/or restricted")
    out: list[Term] = []
    for key, severity in (("prohibited", "fail"), ("restricted", "warn")):
        for i, entry in enumerate(data.get(key) or []):
            if not isinstance(entry, dict) or not str(entry.get("term", "")).strip():
                raise InputError(f"legal rules {source}: {key}[{i}] needs a term (and a rule name)")
            term = str(entry["term"]).strip()
            rule = str(entry.get("rule") or key)
            out.append(Term(term, rule, severity, source, _compile(term)))  # type: ignore[arg-type]
    return out


@cache
def _bundled(name: str) -> tuple[Term, ...]:
    resource = files("creative_ai.checks") / "rules" / name
    if not resource.is_file():
        return ()
    return tuple(_load(resource.read_text(encoding="utf-8"), name))


def _market_file(market: str) -> str:
    return "market-" + re.sub(r"[^a-z0-9]+", "-", market.casefold()).strip("-") + ".yaml"


def terms_for(locale: str, market: str, extra: Sequence[Path] = ()) -> list[Term]:
    return list(_terms_for(locale, market, tuple(extra)))


@cache
def _terms_for(locale: str, market: str, extra: tuple[Path, ...]) -> tuple[Term, ...]:
    """The layered rules for one locale in one market: global → language → locale → market → the brief's files."""
    language = locale.split("-")[0].lower()
    names = ["global.yaml", f"{language}.yaml"]
    if locale.lower() != language:
        names.append(f"{locale.lower()}.yaml")
    names.append(_market_file(market))
    terms = [t for name in names for t in _bundled(name)]
    for path in extra:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"legal_rules: cannot read {path} ({exc.strerror})") from exc
        terms.extend(_load(text, path.name))
    return tuple(terms)


def scan(text: str, terms: Iterable[Term]) -> list[Term]:
    """The terms found in ``text`` (each once), not counting negated occurrences."""
    folded = fold(text)
    found: list[Term] = []
    for term in terms:
        for match in term.pattern.finditer(folded):
            before = re.findall(r"[\w'’]+", folded[: match.start()])[-NEGATION_WINDOW:]
            if any(word.replace("’", "'") in NEGATORS for word in before):
                continue
            found.append(term)
            break
    return found


def check_fields(fields: Iterable[tuple[str, str, str]], *, market: str, extra: Sequence[Path] = ()) -> list[Hit]:
    """Every hit in ``fields`` — (field path, locale, text) — under that locale's rules."""
    hits: list[Hit] = []
    for field, locale, text in fields:
        for term in scan(text, terms_for(locale, market, extra)):
            hits.append(Hit(field, locale, term.term, term.rule, term.severity, term.source, text))
    return hits


def brief_fields(brief: Any) -> list[tuple[str, str, str]]:
    """Every copy field of a brief with the locale it is written in."""
    source = brief.source_locale
    fields: list[tuple[str, str, str]] = [("campaign_message", source, brief.campaign_message)]
    if brief.name:
        fields.append(("name", source, brief.name))
    if brief.cta:
        fields.append(("cta", source, brief.cta))
    fields += [(f"messages.{loc}", loc, text) for loc, text in brief.messages.items()]
    fields += [(f"messages_cta.{loc}", loc, text) for loc, text in brief.messages_cta.items()]
    for i, product in enumerate(brief.products):
        fields.append((f"products[{i}].name", source, product.name))
        if product.message:
            fields.append((f"products[{i}].message", source, product.message))
    return fields


def preflight(brief: Any, extra: Sequence[Path] = ()) -> list[Hit]:
    """Check the brief's copy; raises ComplianceError on a prohibited term, returns the restricted hits."""
    hits = check_fields(brief_fields(brief), market=brief.target_market, extra=extra)
    prohibited = [h for h in hits if h.severity == "fail"]
    if prohibited:
        raise ComplianceError(prohibited)
    return hits


def variant_result(headline: str, cta: str | None, *, locale: str, market: str, extra: Sequence[Path]) -> CheckResult:
    """The legal check of one creative's words (its locale's rules): pass, warn (restricted) or fail."""
    fields = [("message", locale, headline)] + ([("cta", locale, cta)] if cta else [])
    hits = check_fields(fields, market=market, extra=extra)
    measured = {"terms": [{"term": h.term, "rule": h.rule, "severity": h.severity} for h in hits]}
    if any(h.severity == "fail" for h in hits):
        worst = next(h for h in hits if h.severity == "fail")
        return CheckResult("legal", "fail", f"prohibited term {worst.term!r} ({worst.rule})", measured)
    if hits:
        named = ", ".join(f"{h.term!r} ({h.rule})" for h in hits)
        return CheckResult("legal", "warn", f"restricted: {named}", measured)
    return CheckResult("legal", "pass", f"no listed term for {locale} in market {market}", measured)
