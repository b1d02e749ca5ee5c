"""A spend cap: a run whose estimate (heroes to generate and outpaint fills to pay for, as ``--dry-run`` counts
them) exceeds it is refused before any provider call."""

from __future__ import annotations

from collections.abc import Sequence

from creative_ai.brief import CampaignBrief
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import SpendCapError
from creative_ai.pipeline.estimate import dry_run_report
from creative_ai.pipeline.plan import CampaignPlan, plan_campaign
from creative_ai.providers import ImageProvider
from creative_ai.render.text import FontBook
from creative_ai.storage import Store


def within_budget(
    plan: CampaignPlan,
    *,
    chain: Sequence[ImageProvider],
    repo: Repository,
    store: Store,
    settings: Settings,
    book: FontBook,
    cap: float | None,
) -> float | None:
    """The run's estimated cost in USD (None without a cap: nothing to check); raises SpendCapError when it is
    over ``cap``."""
    if cap is None:
        return None
    estimate = dry_run_report(plan, chain=chain, repo=repo, store=store, settings=settings, book=book)
    cost, calls = float(estimate["estimated_cost_usd"]), int(estimate["provider_calls_planned"])
    if cost > cap:
        raise SpendCapError(
            f"the run would cost an estimated ${cost:.2f} ({calls} paid provider call(s)), over the spend cap of "
            f"${cap:.2f} (--max-cost / CREATIVE_AI_MAX_COST): raise the cap, or narrow the run with --product, "
            "--locale or --ratio"
        )
    return cost


def brief_within_budget(
    brief: CampaignBrief, *, chain: Sequence[ImageProvider], repo: Repository, store: Store, settings: Settings
) -> float | None:
    """:func:`within_budget` for a brief about to be queued (the API refuses it at once rather than in a worker)."""
    if settings.max_cost is None:
        return None
    book = FontBook.default()
    plan = plan_campaign(
        brief,
        assets_dir=settings.assets_dir,
        max_pixels=settings.max_image_pixels,
        book=book,
        hero_strategy=settings.hero_strategy,
    )
    return within_budget(plan, chain=chain, repo=repo, store=store, settings=settings, book=book, cap=settings.max_cost)
