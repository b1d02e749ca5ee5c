"""Reviewers' decisions in the static gallery: each creative approved, rejected or not reviewed yet.

A creative shows approved once every sign-off it needs is in, rejected once a required role rejected it
(``approvals.signoff_states``; here the manifest entry's sha256 must match too); while sign-offs are pending it is
not reviewed yet. The API's review gallery rewrites ``index.html`` after every decision.
"""

from __future__ import annotations

import json

from creative_ai.db.repository import Repository
from creative_ai.report.gallery import Review, render_gallery
from creative_ai.storage import Store, layout


def review_states(repo: Repository, campaign_id: str) -> dict[str, Review]:
    """``product/locale/ratio`` → the current decision on that creative (creatives not reviewed are absent)."""
    from creative_ai.approvals import signoff_states

    return {
        "/".join(key): Review(decision=s.decision, comment=s.comment, sha256=s.sha256)
        for key, s in signoff_states(repo, campaign_id).items()
        if s.decision != "pending"
    }


def refresh_gallery(campaign_id: str, *, store: Store, repo: Repository) -> bool:
    """Rewrite the campaign's static gallery from its stored manifest with the current decisions; False when
    ``store`` holds no manifest of that campaign (nothing to rewrite)."""
    key = layout.manifest_key(campaign_id)
    if not store.exists(key):
        return False
    manifest = json.loads(store.read(key))
    page = render_gallery(manifest, reviews=review_states(repo, campaign_id))
    store.write_if_changed(layout.gallery_key(campaign_id), page)
    return True
