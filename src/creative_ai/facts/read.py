"""``Facts``: the campaign facts the MCP tools, the agent's rules and its drafters all read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from creative_ai.config import Settings
from creative_ai.db import tables as t
from creative_ai.db.alert_store import ACTIVE
from creative_ai.db.repository import Repository, utcnow
from creative_ai.errors import InputError, StorageError
from creative_ai.facts import compliance, diversity
from creative_ai.facts import models as m
from creative_ai.facts.causes import ADVICE, classify, error_cause, final_failures
from creative_ai.facts.select import current_variants, find_campaign, iso, utc, variant_store_key
from creative_ai.scrub import scrub
from creative_ai.storage import Store, layout


@dataclass
class Facts:
    """Read access to campaigns, variants, errors, jobs and alerts, with secrets scrubbed from every text."""

    settings: Settings
    repo: Repository
    store: Store
    _signatures: dict[str, diversity.Signature] = field(default_factory=dict)
    _unread: set[str] = field(default_factory=set)

    def _campaign(self, campaign_id: str) -> t.Campaign:
        return find_campaign(self.repo, campaign_id)

    def _variants(self, c: t.Campaign) -> list[t.Variant]:
        """The campaign's variants that its current brief still asks for (older ratios and locales left out)."""
        return current_variants(self.repo, c)

    def list_campaigns(self) -> m.CampaignList:
        items = []
        for c in self.repo.campaigns():
            variants = self._variants(c)
            items.append(
                m.CampaignItem(
                    campaign_id=c.id,
                    name=c.name,
                    status=c.status,
                    target_market=c.target_market,
                    variants_total=len(variants),
                    variants_ok=sum(1 for v in variants if v.status == "ok"),
                    updated_at=utc(c.updated_at),
                )
            )
        return m.CampaignList(campaigns=items)

    def campaign_details(self, campaign_id: str) -> m.CampaignDetails:
        c = self._campaign(campaign_id)
        variants = self._variants(c)
        generations = self.repo.generations(campaign_id)
        brief: dict[str, Any] = dict(c.brief)
        products = []
        for p in self.repo.products(campaign_id):
            mine = [v for v in variants if v.product_id == p.product_id]
            products.append(
                m.ProductLine(
                    product_id=p.product_id,
                    name=p.name,
                    has_input_asset=p.input_asset is not None,
                    variants_ok=sum(1 for v in mine if v.status == "ok"),
                    variants_failed=sum(1 for v in mine if v.status != "ok"),
                )
            )
        jobs = [j for j in self.repo.jobs() if j.campaign_id == campaign_id]
        return m.CampaignDetails(
            campaign_id=c.id,
            name=c.name,
            status=c.status,
            target_market=c.target_market,
            locales=sorted({v.locale for v in variants}),
            aspect_ratios=[str(r) for r in brief.get("aspect_ratios", [])]
            or sorted({v.aspect_ratio for v in variants}),
            products=products,
            variants_total=len(variants),
            variants_ok=sum(1 for v in variants if v.status == "ok"),
            variants_failed=sum(1 for v in variants if v.status != "ok"),
            provider_calls=len(generations),
            provider_errors=sum(1 for g in generations if g.outcome != "ok"),
            heroes_generated=sum(1 for g in generations if g.outcome == "ok" and g.kind == "hero"),
            cost_usd=round(sum(g.cost_usd for g in generations), 4),
            jobs=[
                m.JobLine(
                    job_id=j.id,
                    status=j.status,
                    progress_done=j.progress_done,
                    progress_total=j.progress_total,
                    created_at=utc(j.created_at),
                    started_at=iso(j.started_at),
                    finished_at=iso(j.finished_at),
                )
                for j in jobs
            ],
            open_alerts=len(self.repo.alerts(status="active", campaign_id=campaign_id)),
            updated_at=utc(c.updated_at),
            stopped_by=_stopped_by(c),
            manifest_uri=f"campaign://{c.id}/manifest",
        )

    def _signature(self, key: str | None, sha256: str | None) -> diversity.Signature | None:
        """What the picture stored at ``key`` looks like, by the sha256 of its bytes (cached; None when unreadable)."""
        if not key or not sha256 or sha256 in self._unread:
            return None
        if sha256 not in self._signatures:
            try:
                self._signatures[sha256] = diversity.signature(self.store.read(key))
            except (StorageError, OSError):
                self._unread.add(sha256)
                return None
        return self._signatures[sha256]

    def _creative(self, variant: t.Variant) -> diversity.Signature | None:
        return self._signature(variant_store_key(variant), variant.sha256)

    def _hero(self, sha256: str) -> diversity.Signature | None:
        """A stored hero (a generated picture, before any copy is set on it); None for a packshot, which the store
        does not keep."""
        return self._signature(layout.picture_key(sha256), sha256)

    def product_variants(self, campaign_id: str, product_id: str) -> m.ProductVariants:
        c = self._campaign(campaign_id)
        everyone = self._variants(c)
        variants = [v for v in everyone if v.product_id == product_id]
        if not variants and product_id not in {p.product_id for p in self.repo.products(campaign_id)}:
            raise InputError(f"campaign {campaign_id!r} has no product {product_id!r}")
        ok = [v for v in variants if v.status == "ok"]
        limit = self.settings.agent_duplicate_distance
        mine = diversity.looks(ok)
        distinct, pairs = diversity.within(mine, self._creative, limit)
        others = [v for v in everyone if v.product_id != product_id and v.status == "ok"]
        for other in dict.fromkeys(v.product_id for v in others):
            theirs = diversity.looks([v for v in others if v.product_id == other])
            pairs += diversity.across(mine, theirs, self._creative, self._hero, limit)
        brief: dict[str, Any] = dict(c.brief)
        wanted_ratios = [str(r).replace(":", "x") for r in brief.get("aspect_ratios", [])]
        wanted_locales = sorted({v.locale for v in variants})
        return m.ProductVariants(
            campaign_id=campaign_id,
            product_id=product_id,
            total=len(variants),
            ok=len(ok),
            failed=len(variants) - len(ok),
            by_ratio=dict(sorted(Counter(v.aspect_ratio for v in ok).items())),
            by_locale=dict(sorted(Counter(v.locale for v in ok).items())),
            distinct=distinct,
            near_duplicates=pairs,
            missing_ratios=[r for r in wanted_ratios if r not in {v.aspect_ratio for v in ok}],
            missing_locales=[loc for loc in wanted_locales if loc not in {v.locale for v in ok}],
        )

    def campaign_variants(self, campaign_id: str, product_id: str | None = None) -> m.CampaignVariants:
        """One product's variants, or every product's (in the brief's order) when none is named."""
        self._campaign(campaign_id)
        products = [product_id] if product_id is not None else [p.product_id for p in self.repo.products(campaign_id)]
        return m.CampaignVariants(
            campaign_id=campaign_id, products=[self.product_variants(campaign_id, p) for p in products]
        )

    def recent_errors(self, campaign_id: str | None = None, minutes: int = 60, limit: int = 50) -> m.RecentErrors:
        if campaign_id is not None:
            self._campaign(campaign_id)
        rows = self.repo.recent_errors(utcnow() - timedelta(minutes=minutes), campaign_id)
        return m.RecentErrors(
            window_minutes=minutes,
            total=len(rows),
            errors=[
                m.ErrorLine(
                    campaign_id=e.campaign_id,
                    product_id=e.product_id,
                    locale=e.locale,
                    aspect_ratio=e.aspect_ratio,
                    stage=e.stage,
                    error_type=e.error_type,
                    message=scrub(e.message, self.settings)[:500],
                    at=utc(e.created_at),
                )
                for e in rows[:limit]
            ],
        )

    def alerts(self, status: str | None = "active", campaign_id: str | None = None) -> m.AlertList:
        """Alerts by status (``active``: not resolved yet; None: all), newest first."""
        if campaign_id is not None:
            self._campaign(campaign_id)
        rows = self.repo.alerts(status=status, campaign_id=campaign_id)
        return m.AlertList(
            open=sum(1 for a in rows if a.status in ACTIVE),
            alerts=[self.alert_line(a) for a in rows],
        )

    def alert_line(self, a: t.Alert) -> m.AlertLine:
        return m.AlertLine(
            alert_id=a.id,
            campaign_id=a.campaign_id,
            rule=a.rule,
            severity=a.severity,
            status=a.status,
            summary=scrub(a.summary, self.settings),
            first_seen=utc(a.first_seen),
            last_seen=utc(a.last_seen),
            notified_at=iso(a.notified_at),
            resolved_at=iso(a.resolved_at),
            acknowledged_at=iso(a.acknowledged_at),
            acknowledged_by=a.acknowledged_by,
            snoozed_until=iso(a.snoozed_until),
        )

    def root_cause(self, campaign_id: str, minutes: int = 24 * 60) -> m.RootCause:
        self._campaign(campaign_id)
        since = utcnow() - timedelta(minutes=minutes)
        calls, errors = final_failures(
            self.repo.recent_generations(since, campaign_id), self.repo.recent_errors(since, campaign_id)
        )
        counts: Counter[str] = Counter()
        evidence: list[str] = []
        for g in calls:
            counts[classify(g.outcome, g.error or "")] += 1
            if len(evidence) < 5:
                evidence.append(f"{g.provider} {g.outcome}: {scrub(g.error or '', self.settings)[:160]}")
        for e in errors:
            counts[error_cause(e)] += 1
            if len(evidence) < 5:
                evidence.append(f"{e.stage} {e.aspect_ratio}/{e.locale}: {scrub(e.message, self.settings)[:160]}")
        cause: m.Cause = "none"
        if counts:
            cause = counts.most_common(1)[0][0]  # type: ignore[assignment]
        return m.RootCause(
            campaign_id=campaign_id,
            cause=cause,
            errors_considered=len(calls) + len(errors),
            counts=dict(counts),
            evidence=evidence,
            advice=ADVICE[cause],
        )

    def compliance_report(self, campaign_id: str) -> m.ComplianceReport:
        """Counts per check and every failing check of the creatives the current brief asks for."""
        return compliance.summary(self.repo, campaign_id)

    def performance(self, campaign_id: str, group_by: list[m.Grouping] | None = None) -> m.Performance:
        """The campaign's results report (see ``results.performance``), under the configured statistical rule."""
        from creative_ai.results.performance import performance, rule_from

        self._campaign(campaign_id)
        found = performance(self.repo, campaign_id, rule=rule_from(self.settings), group_by=group_by)
        return m.Performance.model_validate(found)

    def approvals(self, campaign_id: str) -> m.ApprovalState:
        """Each creative's sign-off and the audit trail (comments scrubbed of secrets)."""
        from creative_ai.approvals import audit_trail, signoff_states

        self._campaign(campaign_id)
        states = signoff_states(self.repo, campaign_id)
        lines = [
            m.SignOffLine(
                product_id=p,
                locale=loc,
                aspect_ratio=r,
                status=s.decision,
                required=s.required,
                pending=s.pending,
                comment=scrub(s.comment, self.settings),
            )
            for (p, loc, r), s in sorted(states.items())
        ]
        counts = Counter(line.status for line in lines)
        trail = [row | {"comment": scrub(row["comment"], self.settings)} for row in audit_trail(self.repo, campaign_id)]
        return m.ApprovalState(
            campaign_id=campaign_id,
            counts={k: counts.get(k, 0) for k in ("approved", "rejected", "pending")},
            creatives=lines,
            decisions=trail,
        )

    def manifest(self, campaign_id: str) -> str:
        self._campaign(campaign_id)
        try:
            return self.store.read(layout.manifest_key(campaign_id)).decode()
        except StorageError as exc:
            raise InputError(f"campaign {campaign_id!r} has no manifest yet") from exc


def _stopped_by(campaign: t.Campaign) -> str | None:
    """What refused the campaign's latest run, or stopped it before anything was made; None otherwise."""
    if campaign.status not in ("refused", "failed"):
        return None
    return str((campaign.refusal or {}).get("error") or "") or None
