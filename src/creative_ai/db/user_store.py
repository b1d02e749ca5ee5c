"""People, their roles and API tokens (mixed into Repository). A token is shown once, when it is made; only its
sha256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from creative_ai.db import tables as t
from creative_ai.db.job_store import utcnow
from creative_ai.errors import InputError

TOKEN_PREFIX = "cai_"  # noqa: S105  (the mark of our tokens, not a secret)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Holder:
    """Who a valid token or session belongs to."""

    user_id: int
    name: str
    roles: frozenset[str]
    token_id: int


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class UserStore:
    _session: sessionmaker[Session]

    def add_user(self, *, name: str, email: str, roles: list[str]) -> t.User:
        row = t.User(name=name, email=email, roles=sorted(set(roles)), created_at=utcnow(), disabled_at=None)
        try:
            with self._session.begin() as s:
                s.add(row)
        except IntegrityError:
            raise InputError(f"a user named {name!r} exists already; choose another name") from None
        return row

    def users(self) -> list[t.User]:
        with self._session() as s:
            return list(s.scalars(select(t.User).order_by(t.User.name)))

    def has_users(self) -> bool:
        with self._session() as s:
            return bool(s.scalar(select(func.count()).select_from(t.User)))

    def user(self, name: str) -> t.User:
        with self._session() as s:
            found = s.scalar(select(t.User).where(t.User.name == name))
        if found is None:
            raise InputError(f"no user named {name!r}; see `creative-ai users list`")
        return found

    def disable_user(self, name: str) -> t.User:
        """Disable the user and revoke their tokens."""
        user = self.user(name)
        now = utcnow()
        with self._session.begin() as s:
            s.execute(update(t.User).where(t.User.id == user.id).values(disabled_at=now))
            s.execute(
                update(t.UserToken)
                .where(t.UserToken.user_id == user.id, t.UserToken.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        return self.user(name)

    def new_token(self, name: str, *, days: int) -> tuple[str, datetime]:
        """A new token for the user (the only time it is shown) and when it expires."""
        user = self.user(name)
        if user.disabled_at is not None:
            raise InputError(f"user {name!r} is disabled; add them again under another name, or ask an admin")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        expires = now + timedelta(days=days)
        with self._session.begin() as s:
            s.add(
                t.UserToken(
                    user_id=user.id, sha256=token_hash(token), created_at=now, expires_at=expires, revoked_at=None
                )
            )
        return token, expires

    def revoke_tokens(self, name: str) -> int:
        """Revoke every live token of the user; how many were."""
        user = self.user(name)
        with self._session.begin() as s:
            done = s.execute(
                update(t.UserToken)
                .where(t.UserToken.user_id == user.id, t.UserToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            return int(getattr(done, "rowcount", 0) or 0)

    def holder_of(self, token: str) -> Holder | None:
        """Whose the token is, when it is live (not expired, not revoked, its user not disabled)."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        return self._holder(t.UserToken.sha256 == token_hash(token), touch=True)

    def holder_by_token_id(self, token_id: int) -> Holder | None:
        """Whose the token with this id is, when it is still live (a session checks its token on every request)."""
        return self._holder(t.UserToken.id == token_id, touch=False)

    def _holder(self, where: ColumnElement[bool], *, touch: bool) -> Holder | None:
        now = utcnow()
        with self._session.begin() as s:
            found = s.execute(select(t.UserToken, t.User).join(t.User).where(where)).first()
            if found is None:
                return None
            token, user = found
            if token.revoked_at is not None or _aware(token.expires_at) <= now or user.disabled_at is not None:
                return None
            if touch:
                token.last_used_at = now
            return Holder(user.id, user.name, frozenset(user.roles), token.id)
