"""Outpainting of extended canvases by the edit-capable providers of the campaign's chain.

When framing must grow a canvas to keep a subject (see :mod:`creative_ai.render.framing`), a provider with
``supports_edit`` paints the new area; the original pixels are pasted back over its answer. Each fill is a paid
call, so it is kept like a hero (content-addressed in the store, a ``heroes`` row keyed by what was asked) and
every later render of the same canvas reuses it; every attempt is a ``generations`` row. Fills of distinct
canvases run ``concurrency`` at a time before the render loop; a canvas no provider could fill falls back to the
offline extension and says why in the sidecar.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PIL import Image

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import CreativeAIError, GenerationFailed, ProviderAuthError, ProviderError
from creative_ai.logs import log
from creative_ai.pipeline.claims import Claims
from creative_ai.pipeline.fallbacks import stop_if_refused
from creative_ai.pipeline.heroes import Generator, HeroStats
from creative_ai.pipeline.keys import OFFLINE
from creative_ai.pipeline.plan import CampaignPlan, ProductPlan
from creative_ai.pipeline.pool import CallPool
from creative_ai.pipeline.recorded import recorded
from creative_ai.placements import Placement
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider
from creative_ai.providers.retry import RetryPolicy
from creative_ai.render.framing import Fill, frame
from creative_ai.render.subject import Subject
from creative_ai.storage import Store


def canvas_digest(sketch: Image.Image) -> str:
    """What identifies a canvas to fill: its size, mode and pixels (alpha included)."""
    head = json.dumps([sketch.size, sketch.mode]).encode()
    return hashlib.sha256(head + sketch.tobytes()).hexdigest()


def fill_key(digest: str, provider: ImageProvider, prompt: str) -> str:
    return hashlib.sha256(json.dumps(["outpaint", digest, provider.name, provider.model, prompt]).encode()).hexdigest()


def _extend_with(provider: ImageProvider, png: bytes) -> Callable[[GenerationRequest], GenerationResult]:
    return lambda request: provider.extend(png, request)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@dataclass(frozen=True)
class FillJob:
    """One canvas to fill ahead of the render: a product's picture framed for a placement."""

    product: ProductPlan
    image: Image.Image
    sha256: str
    placement: Placement
    subject: Subject | None
    target: tuple[int, int, int, int] | None


@dataclass
class Outpainter:
    """Fills canvases through the chain's edit-capable providers, each canvas once per process and per store."""

    campaign_id: str
    chain: Sequence[ImageProvider]
    store: Store
    repo: Repository
    policy: RetryPolicy
    stats: HeroStats
    palette: tuple[str, ...] = ()
    sleep: Callable[[float], None] = time.sleep
    claims: Claims | None = None  # a fill is paid for once across runs (see :mod:`creative_ai.pipeline.claims`)
    _done: dict[str, tuple[Image.Image, str] | ProviderError] = field(default_factory=dict, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.chain = [p for p in self.chain if p.supports_edit]
        self._generator = Generator(
            campaign_id=self.campaign_id,
            palette=self.palette,
            chain=self.chain,
            store=self.store,
            repo=self.repo,
            policy=self.policy,
            stats=self.stats,
            sleep=self.sleep,
        )

    @classmethod
    def for_run(
        cls,
        plan: CampaignPlan,
        *,
        chain: Sequence[ImageProvider],
        store: Store,
        repo: Repository,
        policy: RetryPolicy,
        stats: HeroStats,
        settings: Settings,
    ) -> Outpainter:
        """The outpainter of one run: the chain's edit-capable providers, or none when outpainting is off."""
        return cls(
            campaign_id=plan.brief.campaign_id,
            chain=chain if settings.outpaint else [],
            store=store,
            repo=repo,
            policy=policy,
            stats=stats,
            palette=tuple(plan.brief.brand_colors),
            claims=Claims(repo, lease_s=settings.generation_lease),
        )

    @property
    def identity(self) -> str:
        """Which providers may fill canvases (part of every render key: another chain paints other pixels)."""
        return ",".join(f"{p.name}/{p.model}" for p in self.chain) or OFFLINE

    def identity_for(self, plan: ProductPlan) -> str:
        """:attr:`identity` plus the prompt that guides the painting (another prompt paints other pixels)."""
        if not self.chain:
            return OFFLINE
        return f"{self.identity}:{hashlib.sha256(plan.prompt.encode()).hexdigest()[:16]}"

    def for_product(self, plan: ProductPlan) -> Fill | None:
        if not self.chain:
            return None
        return lambda sketch: self.fill(plan, sketch)

    def fill(self, plan: ProductPlan, sketch: Image.Image) -> tuple[Image.Image, str]:
        """The filled canvas and "provider/model"; raises ProviderError (remembered) when no provider could."""
        digest = canvas_digest(sketch)
        memo = f"{digest}:{hashlib.sha256(plan.prompt.encode()).hexdigest()}"  # the prompt guides the painting
        with self._guard:
            lock = self._locks.setdefault(memo, threading.Lock())
        with lock:
            if memo not in self._done:
                try:
                    self._done[memo] = self._fill(plan, sketch, digest)
                except ProviderError as exc:
                    self._done[memo] = exc
            done = self._done[memo]
        if isinstance(done, ProviderError):
            raise done
        return done

    def _fill(self, plan: ProductPlan, sketch: Image.Image, digest: str) -> tuple[Image.Image, str]:
        request = GenerationRequest(
            prompt=plan.prompt,
            width=sketch.width,
            height=sketch.height,
            seed=plan.seed,
            subject=plan.product.name,
            palette=self.palette,
        )

        def find() -> tuple[Image.Image, str] | None:
            for provider in self.chain:
                kept = recorded(fill_key(digest, provider, plan.prompt), store=self.store, repo=self.repo)
                if kept is not None:
                    return kept.image, f"{kept.provider}/{kept.model}"
            return None

        if self.claims is None:
            return find() or self._paint(plan, sketch, digest, request)
        key = fill_key(digest, self.chain[0], plan.prompt)
        return self.claims.once(key, find=find, make=lambda: self._paint(plan, sketch, digest, request))

    def _paint(
        self, plan: ProductPlan, sketch: Image.Image, digest: str, request: GenerationRequest
    ) -> tuple[Image.Image, str]:
        png = _png(sketch)
        reasons = []
        for provider in self.chain:
            if self.stats.refused:
                raise GenerationFailed(
                    f"not asked for: the run stopped when the vendor refused the key: {self.stats.refused}"
                )
            try:
                hero = self._generator.make(
                    provider,
                    request,
                    call=_extend_with(provider, png),
                    product_id=plan.product.id,
                    key=fill_key(digest, provider, plan.prompt),
                    size_class=f"fill:{sketch.width}x{sketch.height}"[:16],
                    is_hero=False,
                )
            except ProviderAuthError as exc:  # a refused key: no other call of this run is made
                self.stats.refuse(str(exc))
                reasons.append(f"{provider.name}/{provider.model}: {exc}")
                break
            except ProviderError as exc:
                reasons.append(f"{provider.name}/{provider.model}: {exc}")
                continue
            return hero.image, f"{hero.provider}/{hero.model}"
        log.warning("outpaint_failed", campaign_id=self.campaign_id, product_id=plan.product.id, reasons=reasons)
        raise GenerationFailed("; then ".join(reasons))

    def planned(self, todo: Sequence[FillJob], *, look_up: bool = True) -> list[tuple[ProductPlan, int, int]]:
        """The fills :meth:`warm` would pay for (product, width, height): each distinct canvas the framing of
        ``todo`` asks for that no edit-capable provider of the chain has filled before (``look_up`` False: no
        database yet, so none has). Nothing is called."""
        if not self.chain:
            return []
        asked: dict[str, tuple[ProductPlan, int, int]] = {}
        for job in _distinct(todo).values():

            def probe(sketch: Image.Image, job: FillJob = job) -> tuple[Image.Image, str]:
                digest = canvas_digest(sketch)
                if not look_up or not any(
                    recorded(fill_key(digest, p, job.product.prompt), store=self.store, repo=self.repo)
                    for p in self.chain
                ):
                    asked.setdefault(f"{digest}:{job.product.prompt}", (job.product, sketch.width, sketch.height))
                return sketch.convert("RGB"), "planned"

            w, h = job.placement.width, job.placement.height
            try:
                frame(job.image, w, h, fill=probe, subject=job.subject, target=job.target)
            except CreativeAIError:
                continue  # that variant's render meets it again and reports it
        return list(asked.values())

    def warm(self, todo: Sequence[FillJob], *, concurrency: int) -> None:
        """Fill, ``concurrency`` at a time, every canvas the variants about to be rendered will ask for."""
        if not self.chain:
            return
        jobs = _distinct(todo)
        if not jobs:
            return

        def run(job: FillJob) -> None:
            w, h = job.placement.width, job.placement.height
            try:
                frame(job.image, w, h, fill=self.for_product(job.product), subject=job.subject, target=job.target)
            except CreativeAIError as exc:  # the render of that variant meets it again and reports it
                log.warning("outpaint_warm_failed", product_id=job.product.product.id, error=str(exc))

        contexts = [contextvars.copy_context() for _ in jobs]
        with CallPool(max_workers=max(1, min(concurrency, len(jobs))), thread_name_prefix="fill") as pool:
            list(pool.map(lambda pair: pair[0].run(run, pair[1]), zip(contexts, jobs.values(), strict=True)))
        stop_if_refused(self.stats, unasked=0)  # a refused key ends the run before its render


def _distinct(todo: Sequence[FillJob]) -> dict[tuple[str, str, int, int, tuple[int, int, int, int] | None], FillJob]:
    """One job per picture, prompt, placement size and target: the same canvas is framed once."""
    jobs: dict[tuple[str, str, int, int, tuple[int, int, int, int] | None], FillJob] = {}
    for job in todo:
        jobs.setdefault((job.sha256, job.product.prompt, job.placement.width, job.placement.height, job.target), job)
    return jobs
