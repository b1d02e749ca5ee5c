"""The legal matching, table-driven over every supported language: the bypasses a copywriter (or a careless
paste) produces are caught, negations that govern their claim still clear it, and every bundled rule file parses
with every one of its terms fired by a case."""

from __future__ import annotations

from importlib.resources import files

import pytest

from creative_ai.checks.legal import bundled, scan, terms_for

G, R = "guaranteed", "risk-free"
CASES = [  # locale, copy, the terms it must be found to carry (in rule order: global, language, market)
    # English: normalisation
    ("en", "Satisfaction guaranteed!", [G]),
    ("en", "GUARANTEED results", [G]),
    ("en", "guar\u200banteed glow", [G]),  # a zero-width space inside the word
    ("en", "guar\u00adanteed glow", [G]),  # a soft hyphen
    ("en", "gu\u0430ranteed glow", [G]),  # a Cyrillic а among Latin letters
    ("en", "ｇｕａｒａｎｔｅｅｄ glow", [G]),  # full-width letters
    ("en", "Gu\u0308aranteed glow", [G]),  # a combining accent
    # English: inflections and multiword variants
    ("en", "Miracles happen", ["miracle"]),
    ("en", "A miraculous glow", ["miracle"]),
    ("en", "Risk free trial", [R, "free"]),
    ("en", "Riskfree, always", [R]),
    ("en", "Risk-free", [R]),
    ("en", "Zero risk", [R]),
    ("en", "It cures dry skin", ["cures"]),
    ("en", "Cured in a week", ["cures"]),
    ("en", "Clinically-proven comfort", ["clinically proven"]),
    ("en", "Clinically tested comfort", ["clinically proven"]),
    ("en", "The #1 towel", ["#1"]),
    ("en", "Number one in comfort", ["#1"]),
    ("en", "Freestyle towels", []),  # word-bounded: free ≠ freestyle
    ("en", "Sugar-free snacks", []),  # a hyphenated compound is its own word
    ("en", "Bestow a gift", []),
    # English: negation that clears
    ("en", "Not clinically proven, just comfy", []),
    ("en", "Results not guaranteed", []),
    ("en", "Without any guarantees", []),
    ("en", "Never guaranteed", []),
    # English: negation that does not govern the claim
    ("en", "No questions asked, guaranteed glow", [G]),
    ("en", "No questions asked guaranteed glow", [G]),
    ("en", "Never been this guaranteed", [G]),
    ("en", "Not only clinically proven", ["clinically proven"]),
    ("en", "Not just the best", ["best"]),
    ("en", "No fuss. Guaranteed.", [G]),
    # German
    ("de", "Garantiert trocken", ["garantiert"]),
    ("de", "Garantierte Frische", ["garantiert"]),
    ("de", "Nicht garantiert", []),
    ("de", "Nicht klinisch getestet", []),
    ("de", "Nicht nur klinisch getestet", ["klinisch bewiesen"]),
    ("de", "Klinisch getestete Pflege", ["klinisch bewiesen"]),
    ("de", "Ohne Risiko testen", ["risikofrei"]),
    ("de", "Risiko-frei testen", ["risikofrei"]),
    ("de", "Kein Wundermittel, aber gut", []),
    ("de", "Die beste Wahl", ["beste"]),
    ("de", "Umweltfreundlich", ["umweltfreundlich"]),  # the market's list (EU)
    # French
    ("fr", "Séchage GARANTÍ", ["garanti"]),
    ("fr", "Résultats garantis", ["garanti"]),
    ("fr", "Ce n'est pas garanti", []),
    ("fr", "Pas seulement garanti", ["garanti"]),
    ("fr", "Sans risque", ["sans risque"]),
    ("fr", "Le meilleur choix", ["meilleur"]),
    ("fr", "Gratuit pour tous", ["gratuit"]),
    # Spanish
    ("es", "Resultados garantizados", ["garantizado"]),
    ("es", "No garantizado", []),
    ("es", "No solo garantizado", ["garantizado"]),
    ("es", "Prueba sin riesgo", ["sin riesgo"]),
    ("es", "Envío gratis", ["gratis"]),
    ("es", "La mejor toalla", ["el mejor"]),
    # Arabic
    ("ar", "نتائج مضمونة 100%", ["مضمون"]),
    ("ar", "النتائج غير مضمونة", []),
    ("ar", "نتائجُ مَضْمُونَة", ["مضمون"]),  # with vowel points
    ("ar", "والمضمون دائما", ["مضمون"]),  # with the clitics و and ال
    ("ar", "تجربة بدون مخاطر", ["بدون مخاطر"]),
    ("ar", "شحن مجاني", ["مجاني"]),
    ("ar", "الأفضل لك", ["أفضل"]),
    # Hebrew
    ("he", "תוצאות מובטחות", ["מובטח"]),
    ("he", "לא מובטח", []),
    ("he", "לא רק מובטח", ["מובטח"]),
    ("he", "משלוח בחינם", ["חינם"]),
    ("he", "ניסיון ללא סיכון", ["ללא סיכון"]),
    # Russian
    ("ru", "Гарантированный результат", ["гарантированно"]),
    ("ru", "Результат не гарантирован", []),
    ("ru", "Не только гарантирован", ["гарантированно"]),
    ("ru", "Без риска для вас", ["без риска"]),
    ("ru", "Бесплатная доставка", ["бесплатно"]),
    ("ru", "Лучшие полотенца", ["лучший"]),
    ("ru", "Клинически доказано", ["клинически доказано"]),
    # Greek
    ("el", "Εγγυημένο αποτέλεσμα", ["εγγυημένο"]),
    ("el", "ΕΓΓΥΗΜΕΝΟ ΑΠΟΤΕΛΕΣΜΑ", ["εγγυημένο"]),  # capitals carry no accents
    ("el", "Δεν είναι εγγυημένο", []),
    ("el", "Όχι μόνο εγγυημένο", ["εγγυημένο"]),
    ("el", "Δωρεάν αποστολή", ["δωρεάν"]),
    # Hindi
    ("hi", "100% गारंटी", ["गारंटी"]),
    ("hi", "गारंटी नहीं", []),
    ("hi", "मुफ्त डिलीवरी", ["मुफ़्त"]),
    ("hi", "चमत्कारी असर", ["चमत्कार"]),
    # Japanese
    ("ja", "効果を保証", ["保証"]),
    ("ja", "効果を保証しません", []),
    ("ja", "保証付きで心配ない", ["保証"]),  # the ない belongs to 心配, not to 保証
    ("ja", "送料無料", ["無料"]),
    ("ja", "ノーリスクで試せる", ["リスクなし"]),
    # Chinese
    ("zh", "效果保证", ["保证"]),
    ("zh", "不保证效果", []),
    ("zh", "不仅保证效果", ["保证"]),
    ("zh", "無風險試用", ["无风险"]),
    ("zh", "免费送货", ["免费"]),
    ("zh", "最佳选择", ["最好"]),
    # Korean
    ("ko", "효과 보장", ["보장"]),
    ("ko", "효과가 보장되지 않습니다", []),
    ("ko", "무료 배송", ["무료"]),
    ("ko", "업계 1위", ["1위"]),
    # Thai
    ("th", "รับประกันผล", ["รับประกัน"]),
    ("th", "ไม่รับประกันผล", []),
    ("th", "ส่งฟรี", ["ฟรี"]),
    ("th", "ดีที่สุดในไทย", ["ดีที่สุด"]),
]


@pytest.mark.parametrize(("locale", "text", "found"), CASES)
def test_claims_are_found_however_they_are_written_and_cleared_only_by_a_governing_negation(
    locale: str, text: str, found: list[str]
) -> None:
    assert [t.term for t in scan(text, terms_for(locale, "EU"), locale)] == found


def test_the_table_covers_every_language_and_fires_every_bundled_rule() -> None:
    rule_files = sorted(p.name for p in (files("creative_ai.checks") / "rules").iterdir() if p.name.endswith(".yaml"))
    languages = {name.removesuffix(".yaml") for name in rule_files if "-" not in name and name != "global.yaml"}
    assert languages >= {"ar", "he", "ja", "zh", "th", "hi", "ru", "el", "ko", "de", "fr", "es"}
    assert len(CASES) >= 60 and {c[0] for c in CASES} >= languages | {"en"}
    fired = {
        (term.source, term.term) for locale, text, _ in CASES for term in scan(text, terms_for(locale, "EU"), locale)
    }
    for name in rule_files:
        rules = bundled(name)
        assert rules is not None and rules.entries, name  # parses, and lists something
        for entry in rules.entries:
            assert entry.rule and entry.note, (name, entry.term)  # every rule has its id and a source note
            if name.startswith("market-") and name != "market-eu.yaml":
                continue  # matched in tests/test_legal.py with its own market
            assert (name, entry.term) in fired or _fires_alone(name, entry.term), (name, entry.term)


def _fires_alone(source: str, term: str) -> bool:
    """The term in copy of its own (rules the table does not name get this one case each)."""
    locale = "en" if source.startswith(("global", "market-")) else source.removesuffix(".yaml")
    return any(t.term == term and t.source == source for t in scan(term, terms_for(locale, "EU"), locale))
