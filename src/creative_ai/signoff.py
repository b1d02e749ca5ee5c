"""Who must sign a creative off, and whether they have: the sign-off policy as data.

By default a creative needs its **creative lead**, the **market** reviewer of its locale or market (a person
holding ``market:<x>`` where x is the creative's locale, its language or the campaign's target market), and
**legal** when a legal rule flagged its copy (a restricted term, or a terms line it carries). A brief may say
otherwise with ``sign_off: {creative_lead: bool, market: bool, legal: flagged|always|never}``.

A creative is ``approved`` only when every required sign-off is in for what it is now; one rejection by a required
role rejects it (with that comment). A decision counts for the creative's current bytes, and survives new bytes
only where what its role judged is unchanged: the creative lead's while the hero is the same (new copy keeps it),
the market's and legal's while both the hero and the copy are (new copy resets them). An admin's decision (or the
API key's) signs every role, on exactly those bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from creative_ai.people import MARKET

Slot = Literal["creative_lead", "market", "legal"]
SLOTS: tuple[Slot, ...] = ("creative_lead", "market", "legal")
ADMIN = "admin"


@dataclass(frozen=True)
class Policy:
    creative_lead: bool = True
    market: bool = True
    legal: Literal["flagged", "always", "never"] = "flagged"


def policy_of(brief: Mapping[str, Any]) -> Policy:
    """The brief's ``sign_off`` policy (the default when it gives none)."""
    given = brief.get("sign_off") or {}
    return Policy(
        creative_lead=bool(given.get("creative_lead", True)),
        market=bool(given.get("market", True)),
        legal=given.get("legal", "flagged"),
    )


def copy_sha256(message: str, cta: str | None, terms: str | None) -> str:
    """What a creative says, as one hash: its headline, call to action and terms line."""
    return hashlib.sha256("\x00".join((message, cta or "", terms or "")).encode()).hexdigest()


@dataclass(frozen=True)
class Creative:
    """What the policy needs to know of one creative, now."""

    product_id: str
    locale: str
    aspect_ratio: str
    sha256: str
    hero_sha256: str | None
    copy_sha256: str | None
    market: str
    legal_flagged: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.product_id, self.locale, self.aspect_ratio)


def required(creative: Creative, policy: Policy) -> list[Slot]:
    slots: list[Slot] = []
    if policy.creative_lead:
        slots.append("creative_lead")
    if policy.market:
        slots.append("market")
    if policy.legal == "always" or (policy.legal == "flagged" and creative.legal_flagged):
        slots.append("legal")
    return slots


def market_names(creative: Creative) -> set[str]:
    """The names a market reviewer's role may give this creative's market by: its locale, language, market."""
    return {creative.locale.lower(), creative.locale.split("-")[0].lower(), creative.market.strip().lower()}


def role_label(slot: str, creative: Creative) -> str:
    """A slot as the role that signs it: ``market:de`` for the market slot of a German creative."""
    return f"{MARKET}{creative.locale}" if slot == "market" else slot


def slots_for(roles: frozenset[str], creative: Creative, policy: Policy) -> list[str]:
    """The required slots a person with ``roles`` signs on this creative (``["admin"]`` for an admin)."""
    if ADMIN in roles:
        return [ADMIN]
    names = market_names(creative)
    held = {
        "creative_lead": "creative_lead" in roles,
        "legal": "legal" in roles,
        "market": any(r.startswith(MARKET) and r[len(MARKET) :].lower() in names for r in roles),
    }
    return [slot for slot in required(creative, policy) if held[slot]]


@dataclass(frozen=True)
class Decision:
    role: str | None  # a slot, "admin", or None (a decision from before people existed: the API key's)
    decision: str  # approved | rejected
    comment: str
    by: str | None
    sha256: str
    hero_sha256: str | None
    copy_sha256: str | None
    at: str


def counts(d: Decision, slot: str, creative: Creative) -> bool:
    """Whether decision ``d`` signs ``slot`` of the creative as it is now (see the module docstring)."""
    if d.role in (None, ADMIN):
        return d.sha256 == creative.sha256
    if d.role != slot:
        return False
    if d.sha256 == creative.sha256:
        return True
    same_hero = d.hero_sha256 is not None and d.hero_sha256 == creative.hero_sha256
    if slot == "creative_lead":
        return same_hero
    return same_hero and d.copy_sha256 is not None and d.copy_sha256 == creative.copy_sha256


@dataclass
class SignOff:
    """Where a creative's sign-off stands: ``approved`` (every required role signed), ``rejected`` (a required
    role rejected it: ``comment`` says why) or ``pending`` (``pending`` names the roles still to sign)."""

    decision: Literal["approved", "rejected", "pending"]
    required: list[str]
    pending: list[str]
    signed: dict[str, Decision] = field(default_factory=dict)
    comment: str = ""
    sha256: str = ""


def state(creative: Creative, policy: Policy, decisions: Sequence[Decision]) -> SignOff:
    """The creative's sign-off from its decisions (oldest first): each slot's latest decision that counts."""
    needed = required(creative, policy)
    signed: dict[str, Decision] = {}
    for slot in needed:
        for d in reversed(decisions):
            if counts(d, slot, creative):
                signed[slot] = d
                break
    labels = [role_label(s, creative) for s in needed]
    pending = [role_label(s, creative) for s in needed if s not in signed]
    rejected = [d for d in signed.values() if d.decision == "rejected"]
    if rejected:
        latest = max(rejected, key=lambda d: d.at)
        return SignOff("rejected", labels, pending, signed, latest.comment, creative.sha256)
    if not pending:
        said = [d for d in signed.values() if d.comment]
        comment = max(said, key=lambda d: d.at).comment if said else ""
        return SignOff("approved", labels, [], signed, comment, creative.sha256)
    return SignOff("pending", labels, pending, signed, "", creative.sha256)
