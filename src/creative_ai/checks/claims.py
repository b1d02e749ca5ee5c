"""Finding a claim in copy so that it cannot hide, and not finding it where the copy denies it.

Text and terms are normalised alike (:func:`normalise`): NFKC (full-width letters, ligatures, no-break spaces),
format characters removed (zero-width spaces and joiners, soft hyphens, direction marks), case-folded, accents
folded on Latin, Greek and Cyrillic letters, Arabic and Hebrew vowel points removed, and a letter from another
script that looks like one of its word's own letters mapped back ("guаranteed" with a Cyrillic а).

A term matches on word boundaries (a hyphenated compound such as "sugar-free" is one word), each of its words
with the endings its language lists (plurals, cases), its words joined by a space, a hyphen or nothing ("risk
free", "risk-free", "riskfree"), after any clitic its language writes onto a word (Arabic و ب ل ال, Hebrew ו ה ב
ל). In scripts written without spaces (Chinese, Japanese, Thai) and in Korean, whose particles attach to the word,
a term matches wherever it stands.

A negation clears a claim only when it governs it: the negator stands right before the claim, or with nothing but
a word its language lets stand between ("without any guarantee"), in the same clause ("No questions asked,
guaranteed glow" is a claim), and is not one of its language's non-negating phrases ("not only", "nicht nur"); or,
in languages that negate after the word (Japanese 保証しません, Korean 보장되지 않습니다, Hindi गारंटी नहीं), the
negation follows the claim closely in the same clause.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Clause boundaries: a negator on the other side of one does not govern the claim.
CLAUSE = re.compile(r"[,;:.!?…()\[\]{}\"“”„«»،؛؟。、，！？；：]|\s[-–—]\s|[–—]")
WORD_CHARS = r"\w\u0900-\u097f\u0e00-\u0e7f"  # letters, digits, and the vowel signs of Devanagari and Thai
TOKEN = re.compile(rf"[{WORD_CHARS}'’]+")
UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
POINTS = re.compile(r"[\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # niqqud, harakat, tatweel
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
FOLDED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")

# Letters that look alike across Latin, Cyrillic and Greek (lower case, after case folding).
_LATIN_OF = {
    **dict(zip("аеорсухіјѕԁһӏкмԛԝ", "aeopcyxijsdhlkmqw", strict=True)),  # Cyrillic
    **dict(zip("οαερικτυχνβ", "oaepiktuxvb", strict=True)),  # Greek
}
_CYRILLIC_OF = dict(zip("aeopcyxijsdhkm", "аеорсухіјѕԁһкм", strict=True))
_GREEK_OF = dict(zip("oaepiktuxvb", "οαερικτυχνβ", strict=True))


def _script(char: str) -> str:
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _unconfuse(word: str) -> str:
    """A word written in two of Latin, Cyrillic and Greek, spelled in the one most of its letters are in."""
    scripts = [_script(c) for c in word]
    counts = {s: scripts.count(s) for s in ("LATIN", "CYRILLIC", "GREEK")}
    if sum(1 for n in counts.values() if n) < 2:
        return word
    major = max(counts, key=lambda s: counts[s])
    table = {"LATIN": _LATIN_OF, "CYRILLIC": _CYRILLIC_OF, "GREEK": _GREEK_OF}[major]
    return "".join(table.get(c, c) if s != major else c for c, s in zip(word, scripts, strict=True))


def normalise(text: str) -> str:
    """``text`` as the legal check reads it (see the module's description)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf" and c not in "\u034f\ufe00\ufe0f")
    text = POINTS.sub("", text.casefold())
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and out and _script(out[-1]) in FOLDED_SCRIPTS:
            continue  # an accent on a Latin, Greek or Cyrillic letter
        out.append(char)
    text = unicodedata.normalize("NFC", "".join(out))
    text = re.sub(rf"[{WORD_CHARS}]+", lambda m: _unconfuse(m.group()), text)
    return re.sub(r"\s+", " ", DASHES.sub("-", text))


@dataclass(frozen=True)
class Language:
    """How copy in one language is matched (the ``language`` block of its rule file)."""

    endings: tuple[str, ...] = ()  # endings a word of a term may take: plurals, cases, declensions
    prefixes: tuple[str, ...] = ()  # clitics written onto the front of a word
    negators: frozenset[str] = frozenset()  # words that negate the claim right after them
    negators_after: tuple[str, ...] = ()  # negations written after the claim
    after_window: int = 8  # how many characters after the claim such a negation may start
    not_negation: tuple[str, ...] = ()  # negator + the next word that together negate nothing ("not only")
    may_intervene: frozenset[str] = frozenset()  # words that may stand between a negator and its claim

    @classmethod
    def from_data(cls, data: dict[str, object], source: str) -> Language:
        def words(key: str) -> tuple[str, ...]:
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ValueError(f"{source}: language.{key} must be a list of words")
            return tuple(normalise(v).strip() for v in value)

        unknown = set(data) - {f.name for f in cls.__dataclass_fields__.values()}
        if unknown:
            raise ValueError(f"{source}: unknown language keys {sorted(unknown)}")
        window = data.get("after_window", 8)
        if not isinstance(window, int) or not 0 < window <= 40:
            raise ValueError(f"{source}: language.after_window must be a whole number of characters (1-40)")
        return cls(
            endings=words("endings"),
            prefixes=words("prefixes"),
            negators=frozenset(words("negators")),
            negators_after=words("negators_after"),
            after_window=window,
            not_negation=words("not_negation"),
            may_intervene=frozenset(words("may_intervene")),
        )

    def merged(self, other: Language) -> Language:
        """The negation of both languages (copy mixes its own language with English terms)."""
        return Language(
            endings=self.endings,
            prefixes=self.prefixes,
            negators=self.negators | other.negators,
            negators_after=self.negators_after + other.negators_after,
            after_window=self.after_window if self.negators_after else other.after_window,
            not_negation=self.not_negation + other.not_negation,
            may_intervene=self.may_intervene | other.may_intervene,
        )


@dataclass(frozen=True)
class Matcher:
    """One term with its other spellings, compiled for its language."""

    term: str
    pattern: re.Pattern[str] = field(compare=False)

    @classmethod
    def build(cls, term: str, forms: Iterable[str], language: Language) -> Matcher:
        spellings = sorted({normalise(s).strip() for s in (term, *forms) if s.strip()}, key=len, reverse=True)
        return cls(term, re.compile("|".join(f"(?:{_spelling(s, language)})" for s in spellings)))


def _spelling(spelling: str, language: Language) -> str:
    if UNSPACED.search(spelling):
        return r"\s*".join(re.escape(part) for part in spelling.split())
    ending = "(?:" + "|".join(re.escape(e) for e in sorted(language.endings, key=len, reverse=True)) + ")?"
    words = [re.escape(w) + (ending if language.endings else "") for w in re.split(r"[\s-]+", spelling) if w]
    prefix = "(?:" + "|".join(re.escape(p) for p in language.prefixes) + ")?" if language.prefixes else ""
    return rf"(?<![{WORD_CHARS}-]){prefix}" + r"[\s-]*".join(words) + rf"(?![{WORD_CHARS}-])"


def find(text: str, matcher: Matcher, negation: Language) -> bool:
    """Whether ``text`` (normalised) makes the claim, counting no occurrence its copy negates."""
    return any(not _negated(text, m.start(), m.end(), negation) for m in matcher.pattern.finditer(text))


def _clause_before(text: str, start: int) -> str:
    head = text[:start]
    cuts = [m.end() for m in CLAUSE.finditer(head)]
    return head[cuts[-1] :] if cuts else head


def _clause_after(text: str, end: int) -> str:
    tail = text[end:]
    cut = CLAUSE.search(tail)
    return tail[: cut.start()] if cut else tail


def _negated(text: str, start: int, end: int, lang: Language) -> bool:
    before = _clause_before(text, start)
    after = _clause_after(text, end)
    if any(after[: lang.after_window + len(n)].find(n) >= 0 for n in lang.negators_after):
        return True
    if UNSPACED.search(text[start:end]):  # no spaces: a negator written right before the claim
        head = before.rstrip()
        return any(head.endswith(n) for n in lang.negators if UNSPACED.search(n))
    tokens = [t.replace("’", "'") for t in TOKEN.findall(before)]
    skipped = 0
    while tokens and tokens[-1] in lang.may_intervene and skipped < 2:
        tokens.pop()
        skipped += 1
    if not tokens or tokens[-1] not in lang.negators:
        return False
    following = TOKEN.findall(before[before.rfind(tokens[-1]) + len(tokens[-1]) :])
    phrase = f"{tokens[-1]} {following[0]}" if following else tokens[-1]
    return phrase not in lang.not_negation
