"""The legal check (phase ``copy``): prohibited and restricted terms per market and locale, before generation.

Rules are data: ``rules/global.yaml``, then the language (``de.yaml``), then the locale (``de-at.yaml``), then the
market (``market-eu.yaml``), then any files the brief names in ``legal_rules``; a language's file also says how
its copy is matched (endings, clitics, negations). Matching (:mod:`creative_ai.checks.claims`) normalises the text
so a claim cannot hide, matches inflected, spaced or hyphenated forms, and skips a claim the copy negates.
A prohibited term anywhere in the brief's copy refuses the campaign (:class:`ComplianceError`); a restricted
term flags the creatives that carry it (``warn``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml

from creative_ai.checks.base import CheckResult
from creative_ai.checks.claims import Language, Matcher, find, normalise
from creative_ai.errors import ComplianceError, InputError

Severity = Literal["fail", "warn"]
ENTRY_KEYS = {"term", "rule", "note", "forms"}
REQUIREMENT_KEYS = {"rule", "when_rules", "when_patterns", "severity", "note"}


@dataclass(frozen=True)
class Term:
    term: str
    rule: str
    severity: Severity
    source: str
    matcher: Matcher
    note: str | None = None  # where the rule comes from (a code, a regulator's guidance)


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


@dataclass(frozen=True)
class Entry:
    term: str
    rule: str
    severity: Severity
    note: str | None
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    """A disclaimer the market requires: copy that makes one of these claims carries a terms line."""

    rule: str
    when_rules: tuple[str, ...]  # a hit of any of these rule ids triggers it (e.g. free-offers)
    when_patterns: tuple[re.Pattern[str], ...]  # or any of these patterns in the normalised copy (e.g. a percentage)
    severity: Severity
    note: str | None
    source: str

    def triggered_by(self, text: str, hits: Sequence[Hit]) -> str | None:
        """What in the copy calls for the terms line, if anything does."""
        for hit in hits:
            if hit.rule in self.when_rules:
                return f"{hit.term!r} ({hit.rule})"
        folded = normalise(text)
        for pattern in self.when_patterns:
            if found := pattern.search(folded):
                return repr(found.group().strip())
        return None


@dataclass(frozen=True)
class RuleFile:
    """One rule file: how its language is matched (when it says), its entries and the disclaimers it requires."""

    source: str
    language: Language | None
    entries: tuple[Entry, ...]
    requirements: tuple[Requirement, ...] = ()

    def terms(self, language: Language) -> list[Term]:
        lang = self.language or language
        return [
            Term(e.term, e.rule, e.severity, self.source, Matcher.build(e.term, e.forms, lang), e.note)
            for e in self.entries
        ]


def _words(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where} must be a list of spellings")
    return tuple(v.strip() for v in value)


def _parse(text: str, source: str) -> RuleFile:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"legal rules {source}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict) or set(data) - {"prohibited", "restricted", "language", "disclaimers"}:
        raise InputError(f"legal rules {source}: expected the keys prohibited, restricted, disclaimers and/or language")
    language = None
    if data.get("language") is not None:
        if not isinstance(data["language"], dict):
            raise InputError(f"legal rules {source}: language must be a mapping")
        try:
            language = Language.from_data(data["language"], f"legal rules {source}")
        except ValueError as exc:
            raise InputError(str(exc)) from exc
    entries: list[Entry] = []
    for key, severity in (("prohibited", "fail"), ("restricted", "warn")):
        listed = data.get(key) or []
        if not isinstance(listed, list):
            raise InputError(f"legal rules {source}: {key} must be a list of entries")
        for i, entry in enumerate(listed):
            where = f"legal rules {source}: {key}[{i}]"
            if not isinstance(entry, dict) or not str(entry.get("term", "")).strip():
                raise InputError(f"{where} needs a term (and a rule name)")
            if set(entry) - ENTRY_KEYS:
                raise InputError(f"{where}: unknown keys {sorted(set(entry) - ENTRY_KEYS)}")
            term = str(entry["term"]).strip()
            note = str(entry["note"]).strip() if entry.get("note") else None
            forms = _words(entry.get("forms"), f"{where}.forms")
            entries.append(Entry(term, str(entry.get("rule") or key), severity, note, forms))  # type: ignore[arg-type]
    return RuleFile(source, language, tuple(entries), _requirements(data.get("disclaimers"), source))


def _requirements(listed: object, source: str) -> tuple[Requirement, ...]:
    if listed is None:
        return ()
    if not isinstance(listed, list):
        raise InputError(f"legal rules {source}: disclaimers must be a list of entries")
    out = []
    for i, entry in enumerate(listed):
        where = f"legal rules {source}: disclaimers[{i}]"
        if not isinstance(entry, dict) or not str(entry.get("rule", "")).strip():
            raise InputError(f"{where} needs a rule name")
        if set(entry) - REQUIREMENT_KEYS:
            raise InputError(f"{where}: unknown keys {sorted(set(entry) - REQUIREMENT_KEYS)}")
        severity = entry.get("severity", "fail")
        if severity not in ("fail", "warn"):
            raise InputError(f"{where}: severity is fail or warn, not {severity!r}")
        patterns = []
        for text in _words(entry.get("when_patterns"), f"{where}.when_patterns"):
            try:
                patterns.append(re.compile(text))
            except re.error as exc:
                raise InputError(f"{where}.when_patterns: {text!r} is not a valid pattern ({exc})") from exc
        when_rules = _words(entry.get("when_rules"), f"{where}.when_rules")
        if not patterns and not when_rules:
            raise InputError(f"{where} needs when_rules or when_patterns: what calls for the terms line")
        note = str(entry["note"]).strip() if entry.get("note") else None
        out.append(Requirement(str(entry["rule"]).strip(), when_rules, tuple(patterns), severity, note, source))
    return tuple(out)


@cache
def bundled(name: str) -> RuleFile | None:
    """A rule file shipped with the project; None when there is none of that name."""
    resource = files("creative_ai.checks") / "rules" / name
    if not resource.is_file():
        return None
    return _parse(resource.read_text(encoding="utf-8"), name)


def _market_file(market: str) -> str:
    return "market-" + re.sub(r"[^a-z0-9]+", "-", market.casefold()).strip("-") + ".yaml"


def terms_for(locale: str, market: str, extra: Sequence[Path] = ()) -> list[Term]:
    return list(_terms_for(locale, market, tuple(extra)))


def language_of(locale: str) -> Language:
    """How copy in ``locale`` is matched: its language's block (or English's), negations of English too."""
    english = _english()
    own = bundled(f"{locale.split('-')[0].lower()}.yaml")
    if own is None or own.language is None:
        return english
    return own.language.merged(english)


def _english() -> Language:
    base = bundled("global.yaml")
    return base.language if base is not None and base.language is not None else Language()


@cache
def _terms_for(locale: str, market: str, extra: tuple[Path, ...]) -> tuple[Term, ...]:
    """The layered rules for one locale in one market: global → language → locale → market → the brief's files."""
    language = locale.split("-")[0].lower()
    names = ["global.yaml", f"{language}.yaml"]
    if locale.lower() != language:
        names.append(f"{locale.lower()}.yaml")
    names.append(_market_file(market))
    own = bundled(f"{language}.yaml")
    lang = own.language if own is not None and own.language is not None else _english()
    terms = [t for name in names if (rules := bundled(name)) is not None for t in rules.terms(lang)]
    for path in extra:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"legal_rules: cannot read {path} ({exc.strerror})") from exc
        terms.extend(_parse(text, path.name).terms(lang))
    return tuple(terms)


def requirements_for(locale: str, market: str, extra: Sequence[Path] = ()) -> list[Requirement]:
    """The disclaimers required of copy in ``locale`` for ``market``, layered like the terms."""
    return list(_requirements_for(locale, market, tuple(extra)))


@cache
def _requirements_for(locale: str, market: str, extra: tuple[Path, ...]) -> tuple[Requirement, ...]:
    language = locale.split("-")[0].lower()
    names = ["global.yaml", f"{language}.yaml"]
    if locale.lower() != language:
        names.append(f"{locale.lower()}.yaml")
    names.append(_market_file(market))
    found = [r for name in names if (rules := bundled(name)) is not None for r in rules.requirements]
    for path in extra:
        found.extend(_parse(path.read_text(encoding="utf-8"), path.name).requirements)
    return tuple(found)


def scan(text: str, terms: Iterable[Term], locale: str = "en") -> list[Term]:
    """The terms found in ``text`` (each once), not counting occurrences its copy negates."""
    folded = normalise(text)
    negation = language_of(locale)
    return [term for term in terms if find(folded, term.matcher, negation)]


def check_fields(fields: Iterable[tuple[str, str, str]], *, market: str, extra: Sequence[Path] = ()) -> list[Hit]:
    """Every hit in ``fields`` — (field path, locale, text) — under that locale's rules."""
    hits: list[Hit] = []
    for field, locale, text in fields:
        for term in scan(text, terms_for(locale, market, extra), locale):
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


def variant_result(
    headline: str,
    cta: str | None,
    *,
    locale: str,
    market: str,
    extra: Sequence[Path],
    terms: str | None = None,
) -> CheckResult:
    """The legal check of one creative's words (its locale's rules): pass, warn (restricted term, or a disclaimer
    the rule wants but only warns about) or fail (prohibited term, or a required terms line missing)."""
    fields = [("message", locale, headline)] + ([("cta", locale, cta)] if cta else [])
    hits = check_fields(fields, market=market, extra=extra)
    missing = []
    if not terms:
        copy = headline + " " + (cta or "")
        for need in requirements_for(locale, market, extra):
            if (why := need.triggered_by(copy, hits)) is not None:
                missing.append((need, why))
    measured: dict[str, Any] = {"terms": [{"term": h.term, "rule": h.rule, "severity": h.severity} for h in hits]}
    measured["terms_line"] = bool(terms)
    measured["disclaimers_missing"] = [
        {"rule": n.rule, "severity": n.severity, "because": why, "source": n.source} for n, why in missing
    ]
    if any(h.severity == "fail" for h in hits):
        worst = next(h for h in hits if h.severity == "fail")
        return CheckResult("legal", "fail", f"prohibited term {worst.term!r} ({worst.rule})", measured)
    needs = "; ".join(
        f"{why} needs the market's terms line (rule {n.rule}, {n.source}): give the brief a terms line "
        f"(terms, or messages_terms.{locale})"
        for n, why in missing
    )
    if any(n.severity == "fail" for n, _ in missing):
        return CheckResult("legal", "fail", needs, measured)
    if hits or missing:
        named = ", ".join(f"{h.term!r} ({h.rule})" for h in hits)
        evidence = "; ".join(part for part in (f"restricted: {named}" if hits else "", needs) if part)
        return CheckResult("legal", "warn", evidence, measured)
    return CheckResult("legal", "pass", f"no listed term for {locale} in market {market}", measured)
