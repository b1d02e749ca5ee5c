"""``run_campaign``: the one core every front door calls. Its body is the numbered stages of SPEC §3."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from creative_ai.brief import CampaignBrief
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import HeroStrategy, ImageFormat, Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import ComplianceError
from creative_ai.localize.copy import Translator
from creative_ai.localize.translators import make_translator
from creative_ai.pipeline.budget import within_budget
from creative_ai.pipeline.campaign_state import with_campaign
from creative_ai.pipeline.heroes import HeroStats, make_heroes
from creative_ai.pipeline.outpaint import Outpainter
from creative_ai.pipeline.plan import Scope, plan_run
from creative_ai.pipeline.publish import summarize, write_campaign
from creative_ai.pipeline.record import record_campaign, record_refusal, record_variants
from creative_ai.pipeline.render import paint_canvases, plan_work, render_variants
from creative_ai.providers import ImageProvider
from creative_ai.providers.retry import RetryPolicy
from creative_ai.records import RunSummary
from creative_ai.render.text import FontBook
from creative_ai.storage import Store

Progress = Callable[[str, int, int], None]


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def run_campaign(
    brief: CampaignBrief,
    *,
    provider: ImageProvider | Sequence[ImageProvider],
    store: Store,
    repo: Repository,
    settings: Settings,
    display_root: str,
    ratios: Sequence[str] = (),
    locales: Sequence[str] = (),
    products: Sequence[str] = (),
    publish: bool = True,
    hero_strategy: HeroStrategy | None = None,
    image_format: ImageFormat | None = None,
    translator: Translator | None = None,
    book: FontBook | None = None,
    checks: CheckSuite | None = None,
    progress: Progress = _noop,
) -> RunSummary:
    """Turn a brief into checked, stored, recorded creatives; returns an honest RunSummary.

    ``provider`` is one provider or a fallback chain tried in order for each hero. ``publish=False`` makes and
    records the variants but leaves the campaign's manifest, gallery and status to ``publish_campaign`` (a
    campaign fanned out over workers publishes once, when its last part is done).
    """
    started = time.perf_counter()
    chain = [provider] if isinstance(provider, ImageProvider) else list(provider)
    if not chain:
        raise ValueError("run_campaign needs at least one provider")
    book, fmt = book or FontBook.default(), image_format or settings.image_format
    checks = checks or CheckSuite.from_settings(settings)
    translator = translator if translator is not None else make_translator(settings, repo)

    # 1. Plan: expand variants, load input assets, preflight copy and fonts (raises before any file is written).
    scope = Scope(ratios, locales, products, hero_strategy)
    try:
        plan = plan_run(brief, scope, settings=settings, book=book, translator=translator)
    except ComplianceError as refused:  # the campaign is recorded as refused, with what refused it
        repo.migrate()
        record_refusal(brief, refused, repo=repo, display_root=display_root)
        raise
    within_budget(plan, chain=chain, repo=repo, store=store, settings=settings, book=book, cap=settings.max_cost)
    repo.migrate()  # the first write (a no-op once migrated): a brief that is wrong leaves no database behind
    record_campaign(plan, repo=repo, store=store, display_root=display_root)

    # 2. Heroes: input asset → recorded hero with the same key → generate (bounded pool, retries, fallback).
    stats = HeroStats()
    policy = RetryPolicy(settings.max_attempts, settings.retry_base_delay, settings.retry_max_delay)
    heroes = make_heroes(
        plan, chain=chain, store=store, repo=repo, policy=policy, settings=settings, stats=stats, progress=progress
    )

    # 3. Keys: every variant's store and render keys, once.
    paint = Outpainter.for_run(plan, chain=chain, store=store, repo=repo, policy=policy, stats=stats, settings=settings)
    work = plan_work(plan, heroes, outpainter=paint, fmt=fmt, settings=settings, book=book)

    # 4. Outpaint: canvases framing must extend are painted by an edit-capable provider first, concurrently.
    paint_canvases(plan, work, outpainter=paint, store=store, concurrency=settings.concurrency, book=book)

    # 5. Render, check and store every variant (unchanged ones are kept as they are).
    made = render_variants(
        plan, work, outpainter=paint, store=store, repo=repo, settings=settings, book=book, fmt=fmt,
        display_root=display_root, checks=checks, progress=progress,
    )  # fmt: skip

    # 6. Record every variant.
    record_variants(brief.campaign_id, made, repo=repo)

    # 7. Publish the whole campaign: earlier runs' variants too, dropped ones removed (parts publish elsewhere).
    first, counts = chain[0], stats
    state = write_campaign(
        brief, made, store=store, repo=repo, provider=first.name, model=first.model, display_root=display_root
    ) if publish else None  # fmt: skip
    return with_campaign(summarize(
        brief, [outcome for outcome, _ in made], counts=counts, provider=first.name, model=first.model,
        display_root=display_root, duration_s=time.perf_counter() - started, published=publish,
    ), state)  # fmt: skip
