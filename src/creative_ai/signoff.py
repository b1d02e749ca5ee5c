"""Who must sign a creative off, and whether they have: the sign-off policy as data.

By default a creative needs its **creative lead**, the **market** reviewer of its locale or market (a person
holding ``market:<x>`` where x is the creative's locale, its language or the campaign's target market), and
**legal** when a legal rule flagged its copy (a restricted term, or a terms line it carries). The server's policy
(``creative-ai users policy``, kept in the database) may drop the lead's or the market's sign-off (not both) or ask
legal always; a brief may only add (``sign_off: {legal: always}``): whoever submits a brief never removes one.

A creative is ``approved`` only when every required sign-off is in for what it is now; one rejection by a required
role rejects it (with that comment). A decision counts for the creative's current bytes; only the creative lead's
survives new bytes, when the hero is the same and only the copy changed,
the market's and legal's on those bytes only (new copy, a new logo or layout resets them). An admin's decision (or
the API key's) signs every role, on exactly those bytes; one made before people existed counts as the lead's.
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


POLICY_SETTING = "signoff_policy"  # the server's policy, in the settings table (``creative-ai users policy``)


def stored_policy(value: Mapping[str, Any] | None) -> Policy:
    """The server's policy as stored (the default when none is)."""
    given = value or {}
    return Policy(
        creative_lead=bool(given.get("creative_lead", True)),
        market=bool(given.get("market", True)),
        legal="always" if given.get("legal") == "always" else "flagged",
    )


def policy_of(brief: Mapping[str, Any], floor: Policy | None = None) -> Policy:
    """The policy for a brief: the server's (``floor``), which the brief's ``sign_off`` may only add to (``legal:
    always``); whoever submits a brief can never remove a sign-off it needs."""
    base = floor or Policy()
    given = brief.get("sign_off") or {}
    return Policy(
        creative_lead=base.creative_lead,
        market=base.market,
        legal="always" if "always" in (base.legal, given.get("legal")) else "flagged",
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
    if d.role == ADMIN:
        return d.sha256 == creative.sha256
    if d.role is None:  # made with the shared key before people existed: the creative lead's, on those bytes
        return slot == "creative_lead" and d.sha256 == creative.sha256
    if d.role != slot and not (slot == "market" and d.role.startswith(MARKET)):
        return False
    if d.sha256 == creative.sha256:
        return True
    # The lead's survives new copy on the same hero (what they judged, the picture, is unchanged); any other change
    # of bytes (a new hero, a new logo, a new layout) needs every sign-off again.
    return (
        slot == "creative_lead"
        and d.hero_sha256 is not None
        and d.hero_sha256 == creative.hero_sha256
        and d.copy_sha256 is not None
        and d.copy_sha256 != creative.copy_sha256
    )


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
