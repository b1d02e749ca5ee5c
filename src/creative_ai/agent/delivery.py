"""Alert delivery: messages, the channels that carry them (log, SMTP, Slack webhook) and a retrying router.

A delivery failure never stops the agent: ``Router.deliver`` reports each channel's outcome and never raises.
The webhook URL holds a secret token, so it never appears in an error or a log event.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

import aiosmtplib
import httpx
from pydantic import SecretStr

from creative_ai.errors import ConfigurationError, DeliveryError
from creative_ai.logs import log


@dataclass(frozen=True)
class Message:
    """One alert to deliver; ``severity`` is ``info``, ``warning`` or ``critical``."""

    subject: str
    body: str
    rule: str
    campaign_id: str | None
    severity: str
    thread: str | None = None  # one alert's messages share a thread: its first, the reminders, its resolution
    reply: bool = False  # a reminder or a resolution: it answers the thread's first message
    recipients: tuple[str, ...] = ()  # the people it is for, where its rule names them (a sign-off's reviewers)


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of delivering one message on one channel."""

    channel: str
    ok: bool
    attempts: int
    error: str | None


class Channel(Protocol):
    """Anything that can deliver a message; ``send`` raises ``DeliveryError`` on failure."""

    name: str

    def send(self, message: Message) -> None: ...


class LogChannel:
    """Writes the alert as a structured log event; never fails."""

    name = "log"

    def send(self, message: Message) -> None:
        log.info(
            "alert_delivered",
            channel=self.name,
            rule=message.rule,
            campaign_id=message.campaign_id,
            subject=message.subject,
            severity=message.severity,
        )


class SmtpChannel:
    """Sends the alert as a plain-text UTF-8 email through an SMTP server."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        recipients: list[str],
        username: str | None = None,
        password: SecretStr | None = None,
        starttls: bool = False,
        timeout: float = 10,
    ) -> None:
        if not recipients:
            raise ConfigurationError("SmtpChannel needs at least one recipient")
        self.host, self.port, self.sender = host, port, sender
        self.recipients = list(recipients)
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def build(self, message: Message) -> EmailMessage:
        """The email for ``message``, with From/To/Subject/Date/Message-ID headers; a reply (reminder, resolution)
        names its thread's first message in In-Reply-To and References."""
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = ", ".join(self.to(message))
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        domain = self.sender.rpartition("@")[2] or "localhost"
        readers = hashlib.sha256(",".join(sorted(self.to(message))).encode()).hexdigest()[:8]  # a thread per list
        first = f"<{message.thread}.{readers}@{domain}>" if message.thread else None
        if first is not None and not message.reply:
            email["Message-ID"] = first
        else:
            email["Message-ID"] = make_msgid(domain=domain)
        if first is not None and message.reply:
            email["In-Reply-To"] = first
            email["References"] = first
        email.set_content(message.body, charset="utf-8")
        return email

    def to(self, message: Message) -> list[str]:
        """Whom this message goes to on this channel."""
        return self.recipients

    def send(self, message: Message) -> None:
        email = self.build(message)
        password = self.password.get_secret_value() if self.password is not None else None
        try:
            asyncio.run(
                aiosmtplib.send(
                    email,
                    sender=self.sender,
                    recipients=self.to(message),
                    hostname=self.host,
                    port=self.port,
                    username=self.username,
                    password=password,
                    start_tls=self.starttls,
                    timeout=self.timeout,
                )
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"smtp {self.host}:{self.port} failed ({type(exc).__name__}: {exc})") from exc


class PeopleChannel(SmtpChannel):
    """E-mail to the people a message names (``Message.recipients``: e.g. the holders of a pending sign-off's
    role); to ``recipients`` (the alert list) when it names none, so that no one holding the role is noticed."""

    name = "people"

    def __init__(self, host: str, port: int, sender: str, recipients: list[str], **options: Any) -> None:
        super().__init__(host, port, sender, recipients or ["-"], **options)
        self.recipients = list(recipients)

    def to(self, message: Message) -> list[str]:
        found = list(message.recipients) or self.recipients
        if not found:
            raise DeliveryError(
                "no one holds the roles it is for (add them: creative-ai users add) and no alert recipients are set"
            )
        return found


class WebhookChannel:
    """Posts the alert to a Slack incoming webhook; any non-2xx answer is a failure."""

    name = "webhook"

    def __init__(self, url: str | SecretStr, timeout: float = 10) -> None:
        self._url = url if isinstance(url, SecretStr) else SecretStr(url)
        self.timeout = timeout

    def send(self, message: Message) -> None:
        payload = {"text": f"*{message.subject}*\n{message.body}"}
        try:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.post(self._url.get_secret_value(), json=payload)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook unreachable ({type(exc).__name__})") from None  # its URL is the secret
        if not response.is_success:
            raise DeliveryError(f"webhook returned HTTP {response.status_code}")


class Router:
    """Sends each message to ``log`` plus the channels its rule is routed to (``default`` when unrouted)."""

    def __init__(
        self,
        routes: Mapping[str, Sequence[str]],
        default: Sequence[str],
        channels: Mapping[str, Channel],
        attempts: int = 3,
        delay: float = 0.5,
    ) -> None:
        if attempts < 1:
            raise ConfigurationError("attempts must be at least 1")
        self.routes = {rule: list(names) for rule, names in routes.items()}
        self.default = list(default)
        self.channels: dict[str, Channel] = {"log": LogChannel(), **channels}
        self.attempts, self.delay = attempts, delay
        named = set(self.default).union(*self.routes.values())
        unknown = sorted(named - self.channels.keys())
        if unknown:
            raise ConfigurationError(f"routes name unknown channels: {', '.join(unknown)}")

    def targets(self, rule: str, severity: str = "info") -> list[str]:
        """The channel names a message of ``rule`` goes to, ``log`` first, without duplicates: its desk's when the
        rule is routed to one, and the default channels (everyone) too when it is critical."""
        routed = self.routes.get(rule, self.default)
        everyone = self.default if severity == "critical" else []
        return list(dict.fromkeys(["log", *routed, *everyone]))

    def deliver(self, message: Message, channels: Sequence[str] | None = None) -> list[DeliveryResult]:
        """Deliver ``message`` on every target channel (or on ``channels`` only) with retries; never raises."""
        names = self.targets(message.rule, message.severity) if channels is None else list(dict.fromkeys(channels))
        return [self._send(name, message) for name in names]

    def _send(self, name: str, message: Message) -> DeliveryResult:
        channel = self.channels.get(name)
        if channel is None:  # a channel an earlier configuration routed to
            return DeliveryResult(name, ok=False, attempts=0, error=f"channel {name!r} is not configured")
        error = ""
        for attempt in range(1, self.attempts + 1):
            try:
                channel.send(message)
            except DeliveryError as exc:
                error = str(exc)
            except Exception as exc:  # noqa: BLE001 - a broken channel must not stop the agent
                error = f"unexpected {type(exc).__name__}"
            else:
                return DeliveryResult(name, ok=True, attempts=attempt, error=None)
            if attempt < self.attempts and self.delay > 0:
                time.sleep(self.delay)
        log.warning(
            "alert_delivery_failed",
            channel=name,
            error=error,
            rule=message.rule,
            campaign_id=message.campaign_id,
            attempts=self.attempts,
        )
        return DeliveryResult(name, ok=False, attempts=self.attempts, error=error)
