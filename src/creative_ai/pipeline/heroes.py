"""Stage 2: one hero per product and orientation class: input asset → recorded hero → generate.

Generation runs on a bounded pool across the whole campaign; each call is retried on transient errors and, when
a provider gives up, the next provider of the fallback chain is asked. Every attempt is a ``generations`` row.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from creative_ai.config import Settings
from creative_ai.db.repository import GenerationCall, Repository
from creative_ai.errors import (
    GenerationFailed,
    ProviderAuthError,
    ProviderError,
    StorageError,
    TransientProviderError,
)
from creative_ai.logs import log
from creative_ai.pipeline.claims import Claims
from creative_ai.pipeline.fallbacks import count_fallbacks, stands_in, stop_if_refused
from creative_ai.pipeline.hero_set import Hero, HeroSet, HeroStats
from creative_ai.pipeline.plan import CampaignPlan, ProductPlan
from creative_ai.pipeline.pool import CallPool
from creative_ai.pipeline.recorded import decoder, given, recorded
from creative_ai.placements import HERO_SIZES
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.providers.retry import RetryPolicy, with_retries
from creative_ai.storage import Store, layout

__all__ = ["Hero", "HeroSet", "HeroStats"]  # kept importable from here: every stage that reads heroes does


def hero_key(product_id: str, prompt: str, provider: str, model: str, size_class: str, slot: int | None = None) -> str:
    """What identifies a recorded hero. ``slot`` only for providers whose picture depends on it (offline art)."""
    width, height = HERO_SIZES[size_class]
    parts: list[object] = [product_id, prompt, provider, model, size_class, width, height]
    if slot is not None:
        parts.append(slot)
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def campaign_slots(plan: CampaignPlan) -> dict[str, int]:
    """Each product's place among the brief's products, the same whichever of them a run makes."""
    return {product.id: i for i, product in enumerate(plan.brief.products)}


def keyed_slot(provider: ImageProvider, slot: int | None) -> int | None:
    """The slot a provider's hero keys are made with: an image model ignores it, offline art is drawn by it."""
    return None if provider.generative else slot


def find_recorded(
    plan: ProductPlan,
    size_class: str,
    *,
    chain: Sequence[ImageProvider],
    store: Store,
    repo: Repository,
    slot: int | None = None,
) -> Hero | None:
    """A hero an earlier run made for the same product, prompt and size class with a provider of the chain.

    Offline art that stood in for an image model's picture is not reused while the chain asks an image model
    first: the run asks the image model again (and falls back again if it still fails)."""
    for provider in chain:
        if stands_in(provider, chain):
            continue
        key = hero_key(
            plan.product.id, plan.prompt, provider.name, provider.model, size_class, keyed_slot(provider, slot)
        )
        found = recorded(key, store=store, repo=repo)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class _Job:
    plan: ProductPlan
    size_class: str
    slot: int | None = None  # the product's place among the brief's products


class Generator:
    """Makes one hero through the fallback chain, recording every attempt."""

    def __init__(
        self,
        *,
        campaign_id: str,
        palette: tuple[str, ...],
        chain: Sequence[ImageProvider],
        store: Store,
        repo: Repository,
        policy: RetryPolicy,
        stats: HeroStats,
        sleep: Callable[[float], None],
        claims: Claims | None = None,
    ) -> None:
        self.campaign_id, self.palette, self.chain = campaign_id, palette, chain
        self.store, self.repo, self.policy, self.stats, self.sleep = store, repo, policy, stats, sleep
        self.claims = claims

    def __call__(self, job: _Job) -> Hero | str:
        """The job's hero, paid for once across runs: under a claim on its key, or recorded by the run that held it."""
        if self.claims is None or not self.chain:
            return self._through_chain(job)
        first = self.chain[0]
        key = hero_key(
            job.plan.product.id, job.plan.prompt, first.name, first.model, job.size_class, keyed_slot(first, job.slot)
        )

        def find() -> Hero | None:
            return find_recorded(
                job.plan, job.size_class, chain=self.chain, store=self.store, repo=self.repo, slot=job.slot
            )

        return self.claims.once(key, find=find, make=lambda: self._through_chain(job))

    def _through_chain(self, job: _Job) -> Hero | str:
        reasons = []
        for provider in self.chain:
            if self.stats.refused:
                return f"not asked for: the run stopped when the vendor refused the key: {self.stats.refused}"
            try:
                return self._with(provider, job)
            except ProviderAuthError as exc:  # a refused key: no other call of this run is made
                self.stats.refuse(str(exc))
                reasons.append(f"{provider.name}/{provider.model}: {exc}")
                break
            except ProviderError as exc:
                reasons.append(f"{provider.name}/{provider.model}: {exc}")
        return "hero generation failed — " + "; then ".join(reasons)

    def _with(self, provider: ImageProvider, job: _Job) -> Hero:
        width, height = HERO_SIZES[job.size_class]
        request = GenerationRequest(
            prompt=job.plan.prompt,
            width=width,
            height=height,
            seed=job.plan.seed,
            subject=job.plan.product.name,
            palette=self.palette,
            slot=job.slot,
        )
        return self.make(
            provider,
            request,
            call=provider.generate,
            product_id=job.plan.product.id,
            key=hero_key(
                job.plan.product.id,
                job.plan.prompt,
                provider.name,
                provider.model,
                job.size_class,
                keyed_slot(provider, job.slot),
            ),
            size_class=job.size_class,
        )

    def make(
        self,
        provider: ImageProvider,
        request: GenerationRequest,
        *,
        call: Callable[[GenerationRequest], GenerationResult],
        product_id: str,
        key: str,
        size_class: str,
        is_hero: bool = True,
    ) -> Hero:
        """One provider call with retries; every attempt recorded, the picture stored and kept under ``key``."""
        row = GenerationCall(
            campaign_id=self.campaign_id,
            kind="hero" if is_hero else "fill",
            product_id=product_id,
            provider=provider.name,
            model=provider.model,
            prompt=request.prompt,
            seed=request.seed,
            width=request.width,
            height=request.height,
        )
        started = [time.perf_counter()]

        def attempt() -> GenerationResult:
            started[0] = time.perf_counter()
            self.stats.add(calls=1)
            return call(request)

        def failed(attempt_no: int, exc: TransientProviderError, wait: float | None) -> None:
            outcome = type(exc).__name__ if wait is None else f"retry:{type(exc).__name__}"
            self._record(row, started[0], outcome=outcome, error=str(exc))
            log.warning(
                "provider_attempt_failed",
                provider=provider.name,
                model=provider.model,
                product_id=product_id,
                attempt=attempt_no,
                error=type(exc).__name__,
                wait_s=wait,
            )

        try:
            result = with_retries(attempt, policy=self.policy, on_failure=failed, sleep=self.sleep)
            image = decoder(result.image)()
        except TransientProviderError:
            raise  # already recorded by ``failed``
        except GenerationFailed as exc:
            self._record(row, started[0], outcome=type(exc).__name__, error=str(exc))
            raise
        except OSError as exc:
            message = f"provider returned bytes that are not an image: {exc}"
            self._record(row, started[0], outcome="BadResponse", error=message)
            raise GenerationFailed(message) from exc
        sha = hashlib.sha256(result.image).hexdigest()
        storage_key = layout.picture_key(sha)
        try:
            if not self.store.exists(storage_key):
                self.store.write(storage_key, result.image)
        except StorageError as exc:
            raise GenerationFailed(str(exc)) from exc
        self._record(row, started[0], outcome="ok", error=None, sha256=sha, cost=result.cost_usd)
        self.repo.save_hero(
            key=key,
            sha256=sha,
            storage_key=storage_key,
            product_id=product_id,
            prompt=request.prompt,
            provider=result.provider,
            model=result.model,
            size_class=size_class,
            width=image.width,
            height=image.height,
            seed=result.seed,
        )
        self.stats.add(generated=1 if is_hero else 0, cost=result.cost_usd)
        return Hero(given(image), sha, "generated", result.provider, result.model, result.seed)

    def _record(
        self,
        row: GenerationCall,
        started: float,
        *,
        outcome: str,
        error: str | None,
        sha256: str | None = None,
        cost: float = 0.0,
    ) -> None:
        latency = (time.perf_counter() - started) * 1000
        self.repo.record_generation(
            **row, latency_ms=latency, cost_usd=cost, sha256=sha256, outcome=outcome, error=error
        )


def make_all_heroes(
    products: Sequence[ProductPlan],
    *,
    campaign_id: str,
    palette: tuple[str, ...],
    chain: Sequence[ImageProvider],
    store: Store,
    repo: Repository,
    policy: RetryPolicy,
    concurrency: int,
    stats: HeroStats,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] = lambda _d, _t: None,
    slots: Mapping[str, int] | None = None,
    claims: Claims | None = None,
) -> dict[str, HeroSet]:
    """Every hero the campaign needs, generated ``concurrency`` at a time; failures are per size class.

    ``slots`` (see :func:`campaign_slots`; default: each product's place in ``products``) is what offline art is
    drawn by, so that a campaign's products look different from each other."""
    sets: dict[str, HeroSet] = {}
    jobs: list[_Job] = []
    slots = slots if slots is not None else {p.product.id: i for i, p in enumerate(products)}
    for plan in products:
        slot = slots.get(plan.product.id)
        known = {plan.packshot.sha256: plan.subject} if plan.packshot and plan.subject else {}
        hero_set = sets[plan.product.id] = HeroSet(packshot=plan.packshot, subjects=known)
        if plan.packshot is not None:
            stats.add(reused=1)
            continue
        for size_class in plan.size_classes:
            found = find_recorded(plan, size_class, chain=chain, store=store, repo=repo, slot=slot)
            if found is not None:
                hero_set.by_class[size_class] = found
                stats.add(reused=1)
            else:
                jobs.append(_Job(plan, size_class, slot))
    if not jobs:
        return sets
    generate = Generator(
        campaign_id=campaign_id,
        palette=palette,
        chain=chain,
        store=store,
        repo=repo,
        policy=policy,
        stats=stats,
        sleep=sleep,
        claims=claims,
    )
    # Each job runs in a copy of the caller's context, so log events keep the request's correlation id.
    contexts = [contextvars.copy_context() for _ in jobs]
    with CallPool(max_workers=min(concurrency, len(jobs)), thread_name_prefix="hero") as pool:
        outcomes = pool.map(lambda pair: pair[0].run(generate, pair[1]), zip(contexts, jobs, strict=True))
        for done, (job, outcome) in enumerate(zip(jobs, outcomes, strict=True), start=1):
            target = sets[job.plan.product.id]
            if isinstance(outcome, Hero):
                target.by_class[job.size_class] = outcome
                if outcome.source == "reused":  # another run made it while this one waited
                    stats.add(reused=1)
            else:
                target.failures[job.size_class] = outcome
            progress(done, len(jobs))
    return sets


def make_heroes(
    plan: CampaignPlan,
    *,
    chain: Sequence[ImageProvider],
    store: Store,
    repo: Repository,
    policy: RetryPolicy,
    settings: Settings,
    stats: HeroStats,
    progress: Callable[[str, int, int], None],
) -> dict[str, HeroSet]:
    """Stage 2 for a planned campaign: every hero, with each size class that could not be made recorded."""
    heroes = make_all_heroes(
        plan.products,
        campaign_id=plan.brief.campaign_id,
        palette=tuple(plan.brief.brand_colors),
        chain=chain,
        store=store,
        repo=repo,
        policy=policy,
        concurrency=settings.concurrency,
        stats=stats,
        progress=lambda done, total: progress("heroes", done, total),
        slots=campaign_slots(plan),
        claims=Claims(repo, lease_s=settings.generation_lease),
    )
    count_fallbacks(heroes, chain=chain, stats=stats)
    for product_id, hero_set in heroes.items():
        for size_class, failure in hero_set.failures.items():
            repo.record_error(
                campaign_id=plan.brief.campaign_id,
                product_id=product_id,
                locale=None,
                aspect_ratio=size_class,
                stage="hero",
                error_type="GenerationFailed",
                message=failure,
            )
    if stats.refused:  # the run ends here (its front door marks the campaign failed)
        unasked = sum(1 for s in heroes.values() for f in s.failures.values() if f.startswith("not asked for"))
        stop_if_refused(stats, unasked=unasked)
    return heroes
