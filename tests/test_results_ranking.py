"""The verdicts the report gives, on constructed data, against reference computations (statsmodels)."""

from __future__ import annotations

from itertools import combinations

import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from creative_ai.results.models import Counts
from creative_ai.results.ranking import rank
from creative_ai.results.stats import Rule


def _groups(spec: dict[str, tuple[int, int]]) -> dict[str, Counts]:
    return {g: Counts(impressions=n, clicks=k) for g, (k, n) in spec.items()}


def test_a_clearly_higher_ctr_on_large_samples_is_better_and_on_tiny_ones_not_enough_data() -> None:
    large = rank(
        _groups({"a": (3000, 100_000), "b": (2000, 100_000), "c": (2000, 100_000)}),
        metric="ctr",
        rule=Rule(),
        lead="all",
    )
    assert large["a"].standing == "leader" and large["a"].above == ["b", "c"]
    assert large["b"].standing == large["c"].standing == "no clear difference"
    tiny = rank(_groups({"a": (9, 300), "b": (6, 300), "c": (6, 300)}), metric="ctr", rule=Rule(), lead="all")
    assert {r.standing for r in tiny.values()} == {"not enough data yet"}
    assert "needs at least 1,000 impressions" in tiny["a"].reason


def test_one_weak_creative_does_not_make_every_other_a_winner() -> None:
    spec = {"weak": (500, 50_000), **{f"ok{i}": (1000, 50_000) for i in range(5)}}
    ranked = rank(_groups(spec), metric="ctr", rule=Rule(), lead="all")
    assert ranked["weak"].standing == "laggard" and len(ranked["weak"].below) == 5
    assert all(ranked[f"ok{i}"].standing == "no clear difference" for i in range(5))


def test_equal_rates_on_large_samples_are_no_clear_difference() -> None:
    ranked = rank(_groups({g: (2000, 100_000) for g in "abcd"}), metric="ctr", rule=Rule(), lead="majority")
    assert {r.standing for r in ranked.values()} == {"no clear difference"}


@pytest.mark.parametrize("lead", ["all", "majority"])
def test_p_values_are_holm_adjusted_over_every_pair_as_statsmodels_does(lead: str) -> None:
    spec = {"a": (230, 10_000), "b": (200, 10_000), "c": (190, 10_000), "d": (260, 10_000)}
    ranked = rank(_groups(spec), metric="ctr", rule=Rule(), lead=lead)  # type: ignore[arg-type]
    pairs = list(combinations(spec, 2))
    raw = [proportions_ztest([spec[a][0], spec[b][0]], [spec[a][1], spec[b][1]])[1] for a, b in pairs]
    reject, adjusted, _, _ = multipletests(raw, alpha=0.05, method="holm")
    significant = {frozenset(p) for p, r in zip(pairs, reject, strict=True) if r}
    found = {frozenset((g, o)) for g, r in ranked.items() for o in r.above}
    assert found == significant
    # a vs c: p < 0.05 before the correction, not after it; the correction is what keeps them apart.
    ab = pairs.index(("a", "c"))
    assert raw[ab] < 0.05 and adjusted[ab] >= 0.05 and frozenset(("a", "c")) not in found


def test_intervals_are_wilson_as_statsmodels_computes_them() -> None:
    for k, n in ((0, 1500), (37, 1500), (1500, 1500), (512, 40_000)):
        (r,) = rank(_groups({"x": (k, n)}), metric="ctr", rule=Rule(), lead="all").values()
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert r.interval is not None
        assert r.interval.low == pytest.approx(low, abs=1e-9) and r.interval.high == pytest.approx(high, abs=1e-9)
        assert r.standing == "not enough data yet" and "nothing to compare it with" in r.reason


def test_cvr_needs_clicks_and_compares_conversions_per_click() -> None:
    groups = {
        "a": Counts(impressions=100_000, clicks=4000, conversions=400),
        "b": Counts(impressions=100_000, clicks=4000, conversions=200),
        "c": Counts(impressions=100_000, clicks=10, conversions=5),
    }
    ranked = rank(groups, metric="cvr", rule=Rule(), lead="majority")
    assert ranked["a"].standing == "leader" and ranked["b"].standing == "laggard"
    assert ranked["c"].standing == "not enough data yet" and "20 clicks" in ranked["c"].reason


def test_more_conversions_than_clicks_is_never_tested_as_a_rate() -> None:
    groups = {
        "view": Counts(impressions=100_000, clicks=100, conversions=250),
        "a": Counts(impressions=100_000, clicks=4000, conversions=400),
        "b": Counts(impressions=100_000, clicks=4000, conversions=200),
    }
    ranked = rank(groups, metric="cvr", rule=Rule(), lead="majority")
    assert ranked["view"].standing == "not enough data yet" and ranked["view"].interval is None
    assert "more conversions (250) than clicks" in ranked["view"].reason
    assert ranked["a"].compared == 1 and ranked["a"].standing == "leader"
