"""The fact check: every number and id of a draft must be in what the drafter was given."""

from __future__ import annotations

from creative_ai.agent.factcheck import fact_check

EVIDENCE = [
    {"campaign_id": "summer-sale-2026", "variants_ok": 12, "variants_total": 16, "cost_usd": 0.2412},
    {"products": [{"product_id": "towel_01"}], "updated_at": "2026-11-25T10:33:00+00:00", "price": 2.6},
    {"summary": "2 pair(s) of creatives look nearly the same", "ids": ["sale-10"]},
]


def test_a_faithful_draft_passes() -> None:
    text = (
        "Campaign summer-sale-2026 made 12 of 16 creatives for towel_01 at $0.24 on 2026-11-25.\n"
        "2 pair(s) look alike.\n1. Rerun it."
    )
    check = fact_check(text, EVIDENCE)
    assert check.ok and check.unverified == [] and check.numbers_checked == 4 and check.ids_checked == 3


def test_wrong_numbers_and_ids_are_caught() -> None:
    check = fact_check("Campaign summer-sale-2025 made 13 of 16 creatives for product towel_02.", EVIDENCE)
    assert not check.ok and set(check.unverified) == {"summer-sale-2025", "towel_02", "13"}


def test_near_misses_are_not_accepted() -> None:
    # 3 is 2.6 rounded, 33 is a minute of a timestamp, sale-1 is a prefix of sale-10; "spring" is a plain word,
    # never taken for an id, whatever word stands before it.
    check = fact_check("3 failures in 33 minutes on sale-1 in campaign spring.", EVIDENCE)
    assert set(check.unverified) == {"3", "33", "sale-1"}
