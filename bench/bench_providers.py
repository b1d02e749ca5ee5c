"""Hero generation wall time against the fake vendor with injected latency: concurrency 8 vs 1 vs the floor.

10 products × 3 ratios (one hero per orientation: 30 calls), 2 s per call. The floor is ceil(calls / 8) × 2 s.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from creative_ai import get_settings, parse_brief, run_campaign  # noqa: I001
from creative_ai.brief import CampaignBrief
from creative_ai.db.repository import Repository
from creative_ai.providers import get_provider
from creative_ai.storage.local import LocalStore
from tests.fake_vendor import FakeVendor

LATENCY = 2.0
PRODUCTS = 10


def _brief(tag: str) -> CampaignBrief:
    return parse_brief(
        {
            "campaign_id": f"bench-{tag}",
            "products": [{"id": f"{tag}_p{i}", "name": f"Product {i}"} for i in range(PRODUCTS)],
            "target_market": "EU",
            "target_audience": "Benchmarks",
            "campaign_message": "Fast enough",
            "aspect_ratios": ["1x1", "9x16", "16x9"],
        }
    )


def _run(vendor: FakeVendor, concurrency: int, tag: str) -> tuple[float, float, int]:
    """(hero stage seconds, whole run seconds, provider calls)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(
            output_dir=Path(tmp) / "out",
            openai_api_key=vendor.openai_key,
            openai_base_url=f"{vendor.url}/v1",
            concurrency=concurrency,
        )
        repo = Repository.open(f"sqlite:///{tmp}/db.sqlite")
        provider = get_provider("openai", settings=settings)
        marks: list[float] = []

        def progress(stage: str, done: int, _total: int) -> None:
            if stage == "render" and done == 0 and not marks:
                marks.append(time.perf_counter())

        start = time.perf_counter()
        summary = run_campaign(
            _brief(tag),
            provider=provider,
            store=LocalStore(settings.output_dir),
            repo=repo,
            settings=settings,
            display_root=str(settings.output_dir),
            progress=progress,
        )
        total = time.perf_counter() - start
        assert summary.status == "succeeded", summary.status
        return marks[0] - start, total, summary.provider_calls


def main() -> None:
    rows = []
    with FakeVendor(latency=LATENCY) as vendor:
        for concurrency in (8, 1):
            heroes, total, calls = _run(vendor, concurrency, f"c{concurrency}")
            rows.append((concurrency, calls, heroes, total))
    calls = rows[0][1]
    floor = math.ceil(calls / 8) * LATENCY
    print(f"{PRODUCTS} products × 3 ratios, fake vendor latency {LATENCY:g} s per call")
    print(f"{'concurrency':>11} {'calls':>6} {'heroes s':>9} {'vs floor':>9} {'whole run s':>12}")
    for concurrency, n, heroes, total in rows:
        print(f"{concurrency:>11} {n:>6} {heroes:>9.1f} {heroes / floor:>8.2f}× {total:>12.1f}")
    verdict = "met" if rows[0][2] / floor <= 1.25 else "NOT met"
    print(
        f"floor at concurrency 8 = ceil({calls}/8) × {LATENCY:g} s = {floor:.1f} s; hero stage target ≤ 1.25×: "
        f"{verdict}; concurrency 8 is {rows[1][2] / rows[0][2]:.1f}× faster than 1"
    )


if __name__ == "__main__":
    main()
