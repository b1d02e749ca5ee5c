"""The messages the agent writes itself, from the facts: an alert's resolution (sent in the alert's thread) and
the digest that carries the info alerts (notes: nothing is failing) in one message instead of one each."""

from __future__ import annotations

from datetime import datetime

from creative_ai.agent.alerts import aware
from creative_ai.agent.briefing import gallery_link
from creative_ai.db import tables as t
from creative_ai.db.repository import Repository
from creative_ai.errors import InputError
from creative_ai.facts import Facts
from creative_ai.facts.select import utc

DIGEST_RULE = "digest"
DIGEST_MAX = 50  # notes in one digest; the rest go in the next one


def resolution_draft(alert: t.Alert, facts: Facts, now: datetime) -> str:
    """``subject\\n\\nbody`` announcing that the alert's condition re-evaluated clear."""
    first = (alert.draft or alert.summary).partition("\n\n")[0].strip()
    for prefix in ("Reminder: ", "Resolved: "):
        first = first.removeprefix(prefix)
    lines = [
        f"Resolved at {utc(now)}: the agent's last check found this no longer holds.",
        "",
        f"It was: {alert.summary}",
        f"Open since {utc(alert.first_seen)}.",
    ]
    if alert.acknowledged_by:
        lines.append(f"Acknowledged by {alert.acknowledged_by}.")
    if alert.campaign_id:
        try:
            d = facts.campaign_details(alert.campaign_id)
        except InputError:
            pass
        else:
            lines.append(
                f"Campaign {d.campaign_id} now: {d.status}, {d.variants_ok} of {d.variants_total} creatives ok, "
                f"{d.variants_failed} failed."
            )
            lines.append(f"Review the creatives: {gallery_link(facts.settings, d.campaign_id)}")
    return f"Resolved: {first}\n\n" + "\n".join(lines)


def make_digest(repo: Repository, now: datetime, *, interval: float) -> int | None:
    """Gather the info alerts not sent yet into one digest when the last digest is older than ``interval``
    seconds (or there was none); its id, to queue like an alert, or None when nothing is due."""
    notes = repo.undigested()
    if not notes:
        return None
    last = repo.latest_digest()
    if last is not None and (now - aware(last.first_seen)).total_seconds() < interval:
        return None
    notes = notes[:DIGEST_MAX]
    campaigns = sorted({n.campaign_id for n in notes if n.campaign_id})
    subject = f"Digest: {len(notes)} note(s) on {len(campaigns)} campaign(s)"
    body = [
        "Notes from the campaign monitor. Nothing here is failing; each is worth a look when convenient.",
        "",
        *(f"- {n.campaign_id or 'all campaigns'}: {n.summary} ({n.rule}, alert {n.id})" for n in notes),
    ]
    digest_id = repo.add_alert(
        campaign_id="",
        rule=DIGEST_RULE,
        severity="info",
        status="digest",
        summary=subject,
        facts={"alerts": [n.id for n in notes], "campaigns": campaigns},
        first_seen=now,
        last_seen=now,
    )
    repo.update_alert(digest_id, draft=f"{subject}\n\n" + "\n".join(body), drafter="template")
    for note in notes:
        repo.update_alert(note.id, digest_id=digest_id)
    return digest_id
