"""Sign-off of a campaign's creatives: each one's state under the policy (``signoff``), deciding as a person with
roles, and the audit trail (every decision in order, append-only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from creative_ai.errors import InputError, NotAllowed
from creative_ai.people import Principal
from creative_ai.signoff import (
    POLICY_SETTING,
    Creative,
    Decision,
    Policy,
    SignOff,
    copy_sha256,
    market_names,
    policy_of,
    required,
    slots_for,
    state,
    stored_policy,
)

if TYPE_CHECKING:
    from creative_ai.db import tables as t
    from creative_ai.db.repository import Repository

Key = tuple[str, str, str]  # product id, locale, ratio
DECISIONS = ("approved", "rejected")


def _legal_flagged(checks: Iterable[dict[str, Any]]) -> bool:
    """Whether a legal rule flagged the creative's copy: a restricted term or a missing disclaimer (the check
    warned), or a terms line it carries (a disclaimer legal signs)."""
    for c in checks:
        if c.get("name") != "legal":
            continue
        measured = c.get("measured") or {}
        if c.get("status") in ("warn", "fail") or measured.get("terms") or measured.get("terms_line"):
            return True
    return False


@dataclass(frozen=True)
class Campaign:
    """A campaign's creatives as the policy sees them, and the policy."""

    policy: Policy
    creatives: dict[Key, Creative]


def review_campaign(repo: Repository, campaign_id: str) -> Campaign:
    campaign = repo.campaign(campaign_id)
    if campaign is None:
        raise InputError(f"no campaign {campaign_id!r}")
    versions = {v.ad_name: v for v in repo.versions(campaign_id)}
    creatives = {}
    for v in repo.variants(campaign_id):
        if v.status != "ok" or not v.sha256:
            continue
        version = versions.get(v.ad_name or "")
        creatives[(v.product_id, v.locale, v.aspect_ratio)] = Creative(
            product_id=v.product_id,
            locale=v.locale,
            aspect_ratio=v.aspect_ratio,
            sha256=v.sha256,
            hero_sha256=v.hero_sha256,
            copy_sha256=copy_sha256(version.message, version.cta, version.terms) if version else None,
            market=campaign.target_market,
            legal_flagged=_legal_flagged(v.checks or []),
        )
    floor = stored_policy(repo.get_setting(POLICY_SETTING))
    return Campaign(policy_of(dict(campaign.brief), floor), creatives)


def _decision(row: t.Approval) -> Decision:
    return Decision(
        role=row.role,
        decision=row.decision,
        comment=row.comment or "",
        by=row.by_name,
        sha256=row.sha256,
        hero_sha256=row.hero_sha256,
        copy_sha256=row.copy_sha256,
        at=row.created_at.isoformat(),
    )


def signoff_states(repo: Repository, campaign_id: str) -> dict[Key, SignOff]:
    """Each made creative's sign-off (failed ones have none: they are never approved)."""
    found = review_campaign(repo, campaign_id)
    history: dict[Key, list[Decision]] = defaultdict(list)
    for row in repo.approvals(campaign_id):
        history[(row.product_id, row.locale, row.aspect_ratio)].append(_decision(row))
    return {key: state(c, found.policy, history.get(key, [])) for key, c in found.creatives.items()}


def decide(
    repo: Repository,
    campaign_id: str,
    keys: Sequence[Key],
    *,
    principal: Principal,
    decision: str,
    comment: str,
) -> list[Key]:
    """Record ``principal``'s decision on each creative of ``keys`` for every required role they hold on it (an
    admin's for all); NotAllowed when they hold none on one of them (nothing is recorded then)."""
    if decision not in DECISIONS:
        raise InputError("decision must be approved or rejected")
    found = review_campaign(repo, campaign_id)
    plans: list[tuple[Creative, list[str]]] = []
    for key in keys:
        creative = found.creatives.get(key)
        if creative is None:
            raise InputError(f"no creative {'/'.join(key)} ready for review in campaign {campaign_id!r}")
        slots = slots_for(principal.roles, creative, found.policy)
        if not slots:
            held = ", ".join(sorted(principal.roles)) or "no role"
            needs = ", ".join(
                "market:" + creative.locale if s == "market" else s
                for s in ("creative_lead", "market", "legal")
                if s in required(creative, found.policy)
            )
            raise NotAllowed(
                f"{principal.name} ({held}) cannot sign off {'/'.join(key)}: it needs {needs or 'no sign-off'}"
            )
        plans.append((creative, slots))
    for creative, slots in plans:
        for slot in slots:
            role = slot
            if slot == "market":  # recorded as the role the person holds: market:de-AT, market:EU
                names = market_names(creative)
                role = next(r for r in sorted(principal.roles) if r.startswith("market:") and r[7:].lower() in names)
            repo.record_approval(
                campaign_id=campaign_id,
                product_id=creative.product_id,
                locale=creative.locale,
                aspect_ratio=creative.aspect_ratio,
                sha256=creative.sha256,
                decision=decision,
                comment=comment[:2000],
                role=role,
                by_name=principal.name,
                hero_sha256=creative.hero_sha256,
                copy_sha256=creative.copy_sha256,
            )
    return [c.key for c, _ in plans]


AUDIT_FIELDS = (
    "at",
    "campaign_id",
    "product_id",
    "locale",
    "aspect_ratio",
    "by",
    "role",
    "decision",
    "comment",
    "sha256",
)


def audit_trail(repo: Repository, campaign_id: str) -> list[dict[str, str]]:
    """Every decision on the campaign's creatives, oldest first: when, which creative, who, for which role, the
    decision, its comment and the sha256 of the bytes it was made on."""
    if repo.campaign(campaign_id) is None:
        raise InputError(f"no campaign {campaign_id!r}")
    return [
        {
            "at": row.created_at.isoformat(timespec="seconds"),
            "campaign_id": row.campaign_id,
            "product_id": row.product_id,
            "locale": row.locale,
            "aspect_ratio": row.aspect_ratio,
            "by": row.by_name or "api key",
            "role": row.role or "admin",
            "decision": row.decision,
            "comment": row.comment or "",
            "sha256": row.sha256,
        }
        for row in repo.approvals(campaign_id)
    ]


@dataclass(frozen=True)
class Waiting:
    """A product × locale group of one campaign with creatives waiting for a role the person holds."""

    campaign_id: str
    product_id: str
    locale: str
    creatives: list[tuple[Key, SignOff]]  # those waiting for the person
    all: list[tuple[Key, SignOff]]  # every creative of the group (a bulk decision covers them all)


def queue_for(repo: Repository, principal: Principal) -> list[Waiting]:
    """What waits for this person's roles, across the campaigns: each product × locale group with a creative whose
    pending sign-off is one they can give."""
    groups: list[Waiting] = []
    for campaign in repo.campaigns():
        found = review_campaign(repo, campaign.id)
        states = signoff_states(repo, campaign.id)
        by_group: dict[tuple[str, str], list[tuple[Key, SignOff]]] = defaultdict(list)
        for key, so in sorted(states.items()):
            if so.decision != "pending":
                continue
            creative = found.creatives[key]
            mine = slots_for(principal.roles, creative, found.policy)
            if mine == ["admin"] or any(
                ("market:" + creative.locale if s == "market" else s) in so.pending for s in mine
            ):
                by_group[(key[0], key[1])].append((key, so))
        groups += [
            Waiting(campaign.id, p, loc, items, [(k, s) for k, s in sorted(states.items()) if k[:2] == (p, loc)])
            for (p, loc), items in sorted(by_group.items())
        ]
    return groups
