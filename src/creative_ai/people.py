"""People and their roles: who may do what (``admin`` may do everything; a ``viewer`` only reads).

Roles: ``admin``, ``creative_lead``, ``legal``, ``ad_ops``, ``viewer`` and ``market:<market or locale>`` (e.g.
``market:de``, ``market:EU``), the reviewer of one market's creatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creative_ai.errors import InputError

ROLES = ("admin", "creative_lead", "legal", "ad_ops", "viewer")
MARKET = "market:"
_MARKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,34}$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

# What each kind of action needs (any one of the roles; ``market:*`` is any market reviewer).
SUBMIT = ("admin", "creative_lead", "ad_ops")  # run or queue a campaign, rerun it
OPERATE = ("admin", "creative_lead", "ad_ops")  # acknowledge, snooze or mute alerts; upload results
REVIEW = ("admin", "creative_lead", "legal", "market:*")  # approve or reject creatives
ADMINISTER = ("admin",)  # choose the provider for everyone


def parse_role(text: str) -> str:
    """A role as stored; InputError naming the roles there are."""
    role = text.strip()
    if role in ROLES:
        return role
    if role.startswith(MARKET) and _MARKET_RE.match(role[len(MARKET) :]):
        return MARKET + role[len(MARKET) :]
    raise InputError(
        f"{text!r} is not a role; use {', '.join(ROLES)} or market:<market or locale> (e.g. market:de, market:EU)"
    )


def parse_name(text: str) -> str:
    name = text.strip()
    if not NAME_RE.match(name):
        raise InputError(
            f"{text!r} is not a user name; use letters, digits, '.', '_', '@' and '-', at most 64 characters"
        )
    return name


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: a person (``name``, their roles), the server's API key (an admin), or anyone on a
    server that asks for no key (``via`` "open", an admin: nothing is protected)."""

    name: str
    roles: frozenset[str]
    via: str  # "token", "session", "key" or "open"

    def may(self, needed: tuple[str, ...]) -> bool:
        """Whether any of this principal's roles is one of ``needed`` (``admin`` may do everything)."""
        if "admin" in self.roles:
            return True
        for role in needed:
            if role == "market:*":
                if any(r.startswith(MARKET) for r in self.roles):
                    return True
            elif role in self.roles:
                return True
        return False
