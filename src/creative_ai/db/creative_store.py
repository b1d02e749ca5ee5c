"""What campaign runs made: heroes, every provider call, variants, errors and reviewers' approvals (mixed into
Repository)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow
from creative_ai.db.upsert import upsert


@dataclass(frozen=True)
class HeroRecord:
    key: str
    sha256: str
    storage_key: str
    provider: str
    model: str
    prompt: str
    seed: int


class GenerationCall(TypedDict):
    """What a provider was asked: the ``generations`` columns known before the call's outcome."""

    campaign_id: str
    kind: str
    product_id: str
    provider: str
    model: str
    prompt: str
    seed: int
    width: int
    height: int


class CreativeStore:
    _session: sessionmaker[Session]

    # -- heroes & generations ----------------------------------------------------------------------------
    def find_hero(self, key: str) -> HeroRecord | None:
        with self._session() as s:
            row = s.scalars(select(t.Hero).where(t.Hero.key == key)).first()
            if row is None:
                return None
            return HeroRecord(row.key, row.sha256, row.storage_key, row.provider, row.model, row.prompt, row.seed)

    def save_hero(
        self,
        *,
        key: str,
        sha256: str,
        storage_key: str,
        product_id: str,
        prompt: str,
        provider: str,
        model: str,
        size_class: str,
        width: int,
        height: int,
        seed: int,
    ) -> None:
        values = dict(
            key=key,
            sha256=sha256,
            storage_key=storage_key,
            product_id=product_id,
            prompt=prompt,
            provider=provider,
            model=model,
            size_class=size_class,
            width=width,
            height=height,
            seed=seed,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            upsert(s, t.Hero, values, keys=["key"])

    def record_generation(
        self,
        *,
        campaign_id: str,
        product_id: str,
        provider: str,
        model: str,
        prompt: str,
        seed: int,
        width: int,
        height: int,
        latency_ms: float,
        outcome: str,
        cost_usd: float = 0.0,
        sha256: str | None = None,
        error: str | None = None,
        kind: str = "hero",
    ) -> None:
        row = t.Generation(
            campaign_id=campaign_id,
            product_id=product_id,
            provider=provider,
            model=model,
            prompt=prompt,
            seed=seed,
            width=width,
            height=height,
            latency_ms=latency_ms,
            cost_usd=cost_usd,
            sha256=sha256,
            outcome=outcome,
            error=error,
            kind=kind,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            s.add(row)

    def generations(self, campaign_id: str) -> list[t.Generation]:
        with self._session() as s:
            return list(s.scalars(select(t.Generation).where(t.Generation.campaign_id == campaign_id)))

    # -- variants & errors ----------------------------------------------------------------------------------
    def save_variant(
        self,
        *,
        campaign_id: str,
        product_id: str,
        locale: str,
        aspect_ratio: str,
        status: str,
        reason: str | None,
        message: str,
        file_path: str | None,
        sha256: str | None,
        hero_sha256: str | None,
        render_key: str | None,
        reused: bool,
        checks: list[dict[str, Any]],
        ad_name: str | None = None,
    ) -> None:
        now = utcnow()
        values = dict(
            campaign_id=campaign_id,
            product_id=product_id,
            locale=locale,
            aspect_ratio=aspect_ratio,
            status=status,
            reason=reason,
            message=message,
            file_path=file_path,
            sha256=sha256,
            hero_sha256=hero_sha256,
            render_key=render_key,
            reused=reused,
            checks=checks,
            ad_name=ad_name,
            created_at=now,
            updated_at=now,
        )
        with self._session.begin() as s:
            upsert(s, t.Variant, values, keys=["campaign_id", "product_id", "locale", "aspect_ratio"])

    def variants(self, campaign_id: str) -> list[t.Variant]:
        with self._session() as s:
            return list(s.scalars(select(t.Variant).where(t.Variant.campaign_id == campaign_id)))

    def delete_variants(
        self, campaign_id: str, keys: Iterable[tuple[str, str, str]], *, products: Iterable[str] = ()
    ) -> None:
        """Forget variants of a campaign, each given as (product id, locale, ratio), and the rows of ``products``
        (products its brief no longer has); unknown ones are ignored."""
        wanted, dropped = set(keys), set(products)
        with self._session.begin() as s:
            for row in s.scalars(select(t.Variant).where(t.Variant.campaign_id == campaign_id)):
                if (row.product_id, row.locale, row.aspect_ratio) in wanted:
                    s.delete(row)
            for product in s.scalars(select(t.Product).where(t.Product.campaign_id == campaign_id)):
                if product.product_id in dropped:
                    s.delete(product)

    def record_error(
        self,
        *,
        campaign_id: str,
        product_id: str | None,
        locale: str | None,
        aspect_ratio: str | None,
        stage: str,
        error_type: str,
        message: str,
    ) -> None:
        row = t.Error(
            campaign_id=campaign_id,
            product_id=product_id,
            locale=locale,
            aspect_ratio=aspect_ratio,
            stage=stage,
            error_type=error_type,
            message=message,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            s.add(row)

    def errors(self, campaign_id: str) -> list[t.Error]:
        with self._session() as s:
            return list(s.scalars(select(t.Error).where(t.Error.campaign_id == campaign_id)))

    # -- approvals ------------------------------------------------------------------------------------------------
    def record_approval(
        self,
        *,
        campaign_id: str,
        product_id: str,
        locale: str,
        aspect_ratio: str,
        sha256: str,
        decision: str,
        comment: str,
        role: str | None = None,
        by_name: str | None = None,
        hero_sha256: str | None = None,
        copy_sha256: str | None = None,
    ) -> None:
        row = t.Approval(
            campaign_id=campaign_id,
            product_id=product_id,
            locale=locale,
            aspect_ratio=aspect_ratio,
            sha256=sha256,
            decision=decision,
            comment=comment,
            role=role,
            by_name=by_name,
            hero_sha256=hero_sha256,
            copy_sha256=copy_sha256,
            created_at=utcnow(),
        )
        with self._session.begin() as s:
            s.add(row)

    def approvals(self, campaign_id: str) -> list[t.Approval]:
        """Every decision on the campaign's creatives, oldest first (the audit trail: rows are never changed)."""
        with self._session() as s:
            query = select(t.Approval).where(t.Approval.campaign_id == campaign_id)
            return list(s.scalars(query.order_by(t.Approval.id)))
