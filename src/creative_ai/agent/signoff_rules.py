"""The sign-off reminder: creatives waiting for a role's sign-off longer than the SLA, e-mailed to the people who
hold that role (from the users table) with their queue's link, again once per SLA period while they wait; the
alert resolves once they are signed."""

from __future__ import annotations

from datetime import UTC, datetime

from creative_ai.agent.condition import Condition
from creative_ai.approvals import signoff_states
from creative_ai.facts import Facts
from creative_ai.signoff import Creative, role_label, slots_for

RULE = "signoff_pending"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pending_signoffs(facts: Facts, campaign_id: str, now: datetime) -> list[Condition]:
    """One condition for the campaign's creatives whose sign-off has waited past ``agent_signoff_sla``."""
    from creative_ai.approvals import review_campaign

    repo, sla = facts.repo, facts.settings.agent_signoff_sla
    states = signoff_states(repo, campaign_id)
    if not any(s.decision == "pending" for s in states.values()):
        return []
    made = {v.ad_name: _aware(v.created_at) for v in repo.versions(campaign_id)}
    since = {(v.product_id, v.locale, v.aspect_ratio): made.get(v.ad_name or "") for v in repo.variants(campaign_id)}
    found = review_campaign(repo, campaign_id)
    waiting: list[tuple[Creative, list[str], float]] = []
    for key, so in sorted(states.items()):
        start = since.get(key)
        if so.decision != "pending" or start is None or (now - start).total_seconds() <= sla:
            continue
        waiting.append((found.creatives[key], so.pending, (now - start).total_seconds()))
    if not waiting:
        return []
    people = [u for u in repo.users() if u.disabled_at is None]
    recipients: set[str] = set()
    for creative, pending, _ in waiting:
        for user in people:
            signs = slots_for(frozenset(user.roles), creative, found.policy)
            if any(role_label(s, creative) in pending for s in signs if s != "admin"):
                recipients.add(user.email)
    roles = sorted({role for _, pending, _ in waiting for role in pending})
    base = facts.settings.public_url
    queue = f"{base.rstrip('/')}/gallery/queue" if base else "/gallery/queue on the review server"
    hours = round(sla / 3600, 1)
    return [
        Condition(
            campaign_id,
            RULE,
            "warning",
            f"{len(waiting)} creative(s) have waited for sign-off longer than {hours:g} hours ({', '.join(roles)})",
            {
                "creatives": [
                    {
                        "creative": "/".join(c.key),
                        "pending": pending,
                        "waiting_hours": round(waited / 3600, 1),
                    }
                    for c, pending, waited in waiting[:30]
                ],
                "creatives_total": len(waiting),
                "pending_roles": roles,
                "recipients": sorted(recipients),
                "sla_hours": hours,
                "queue": queue,
            },
        )
    ]
