"""The statistics of ad results: intervals, tests and corrections agree with statsmodels, and verdicts are honest."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from creative_ai.errors import InputError
from creative_ai.results.stats import (
    Day,
    Interval,
    Rule,
    _normal_ppf,
    fatigue,
    holm,
    per,
    rate,
    two_proportion_p,
    wilson,
)

GRID = [(0, 1), (1, 1), (0, 10), (10, 10), (3, 10), (1, 1000), (20, 1000), (999, 1000), (0, 200000), (6000, 200000)]


@pytest.mark.parametrize(("k", "n"), GRID)
@pytest.mark.parametrize("confidence", [0.80, 0.90, 0.95, 0.99, 0.999])
def test_wilson_matches_statsmodels(k: int, n: int, confidence: float) -> None:
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    got = wilson(k, n, confidence=confidence)
    assert got is not None
    assert got.low == pytest.approx(max(0.0, low), abs=1e-9)
    assert got.high == pytest.approx(min(1.0, high), abs=1e-9)


def test_wilson_edges_and_bad_input() -> None:
    assert wilson(0, 0) is None
    assert wilson(0, 50) == Interval(0.0, wilson(0, 50).high)  # type: ignore[union-attr]
    assert wilson(50, 50).high == 1.0  # type: ignore[union-attr]
    with pytest.raises(InputError, match="more than"):
        wilson(11, 10)
    with pytest.raises(InputError, match="negative"):
        wilson(-1, 10)
    with pytest.raises(InputError, match="confidence"):
        wilson(1, 10, confidence=95)


def test_normal_quantile_matches_scipy() -> None:
    from scipy.stats import norm

    for p in [1e-12, 1e-6, 0.0005, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.77, 0.97575, 0.99, 1 - 1e-9]:
        assert _normal_ppf(p) == pytest.approx(float(norm.ppf(p)), rel=1e-12, abs=1e-12)


PAIRS = [
    (10, 100, 20, 100),
    (6000, 200000, 4000, 200000),
    (2120, 100000, 4000, 200000),
    (1, 50, 0, 60),
    (50, 50, 49, 50),
    (30, 1000, 30, 1000),
    (7, 13, 2, 40),
]


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), PAIRS)
def test_two_proportion_p_matches_statsmodels(k1: int, n1: int, k2: int, n2: int) -> None:
    _, expected = proportions_ztest([k1, k2], [n1, n2])
    assert two_proportion_p(k1, n1, k2, n2) == pytest.approx(float(expected), rel=1e-9, abs=1e-300)


def test_two_proportion_p_degenerate() -> None:
    assert two_proportion_p(0, 100, 0, 500) == 1.0
    assert two_proportion_p(100, 100, 500, 500) == 1.0
    with pytest.raises(InputError, match="at least one trial"):
        two_proportion_p(0, 0, 1, 10)


@pytest.mark.parametrize(
    "p",
    [
        [0.01],
        [0.01, 0.04, 0.03, 0.5],
        [0.2, 0.2, 0.001, 0.9, 0.049],
        [0.3, 0.6, 0.9],
        [0.0, 1.0, 0.02, 0.02],
        [0.04, 0.01, 0.03, 0.02, 0.05, 0.012, 0.011],
    ],
)
def test_holm_matches_statsmodels(p: list[float]) -> None:
    expected = multipletests(p, method="holm")[1]
    assert holm(p) == pytest.approx([float(x) for x in expected], abs=1e-12)


def test_holm_edges() -> None:
    assert holm([]) == []
    assert max(holm([0.5, 0.6, 0.7])) == 1.0
    with pytest.raises(InputError, match="p-value"):
        holm([0.5, 1.5])


def test_rate_and_per() -> None:
    assert rate(3, 4) == 0.75
    assert rate(3, 0) is None
    assert per(10.0, 4) == 2.5
    assert per(10.0, 0) is None


def test_rule_checks_its_thresholds() -> None:
    assert Rule().minimum("ctr") == 1000 and Rule().minimum("cvr") == 20
    for bad in [{"alpha": 0.0}, {"confidence": 1.0}, {"correction": "bonferoni"}, {"min_impressions": 0}]:
        with pytest.raises(InputError):
            Rule(**bad)  # type: ignore[arg-type]


START = date(2024, 5, 1)


def _days(ctrs: Sequence[float], frequencies: Sequence[float | None], impressions: int = 20_000) -> list[Day]:
    return [
        Day(
            START + timedelta(days=i),
            impressions,
            round(impressions * ctr),
            None if freq is None else round(impressions / freq),
        )
        for i, (ctr, freq) in enumerate(zip(ctrs, frequencies, strict=True))
    ]


FALLING = [0.030, 0.029, 0.027, 0.024, 0.021, 0.018, 0.016, 0.015, 0.014]
RISING = [1.2, 1.4, 1.6, 1.9, 2.2, 2.6, 3.0, 3.3, 3.6]


def test_falling_ctr_with_rising_frequency_is_fatigue() -> None:
    days = _days(FALLING, RISING)
    result = fatigue(list(reversed(days)))  # order of the rows does not matter
    assert result is not None and result.fatigued
    assert result.first_ctr is not None and result.last_ctr is not None and result.last_ctr < result.first_ctr
    assert result.first_frequency == pytest.approx(sum(1.2 + x for x in (0, 0.2, 0.4)) / 3, rel=1e-3)
    assert result.last_frequency is not None and result.last_frequency > 3
    assert result.p_value is not None and result.p_value < 0.05
    assert "tiring" in result.reason


def test_flat_ctr_is_not_fatigue() -> None:
    result = fatigue(_days([0.02] * 9, RISING))
    assert result is not None and not result.fatigued and "not a clear fall" in result.reason


def test_falling_ctr_with_falling_frequency_is_not_fatigue() -> None:
    result = fatigue(_days(FALLING, list(reversed(RISING))))
    assert result is not None and not result.fatigued
    assert result.p_value is not None and result.p_value < 0.05
    assert "not fatigue" in result.reason


def test_few_impressions_are_not_enough_to_judge_fatigue() -> None:
    days = _days(FALLING, RISING, impressions=300)  # 900 impressions in each third, under the 1,000 needed
    result = fatigue(days)
    assert result is not None and not result.fatigued and result.p_value is None
    assert "Not enough impressions" in result.reason and "1,000" in result.reason
    tested = fatigue(days, rule=Rule(min_impressions=900))
    assert tested is not None and tested.p_value is not None


def test_too_few_days_is_none() -> None:
    assert fatigue(_days(FALLING[:5], RISING[:5])) is None
    assert fatigue(_days(FALLING[:5], RISING[:5]), min_days=3) is not None


def test_missing_reach_says_frequency_is_not_in_the_data() -> None:
    result = fatigue(_days(FALLING, [None] * 9))
    assert result is not None and not result.fatigued
    assert result.first_frequency is None and result.last_frequency is None
    assert "Frequency is not in the data" in result.reason
    partial = fatigue(_days(FALLING, [None, None, None, *RISING[3:]]))
    assert partial is not None and not partial.fatigued and "reach is missing" in partial.reason


def test_fatigue_rejects_bad_days() -> None:
    days = _days(FALLING, RISING)
    with pytest.raises(InputError, match="two rows"):
        fatigue([*days, days[0]])
    with pytest.raises(InputError, match="more than"):
        fatigue([*days[1:], Day(START, 10, 11, 5)])
    with pytest.raises(InputError, match="reach"):
        fatigue([*days[1:], Day(START, 10, 1, -5)])
    with pytest.raises(InputError, match="min_days"):
        fatigue(days, min_days=2)
    assert math.isfinite(fatigue(days).p_value or 0.0)  # type: ignore[union-attr]
