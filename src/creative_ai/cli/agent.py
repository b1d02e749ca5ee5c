"""``creative-ai agent``: the monitoring loop, and the stakeholder e-mail about a campaign."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from creative_ai.cli.app import app, handles_errors
from creative_ai.errors import ConfigurationError, CreativeAIError

if TYPE_CHECKING:
    from creative_ai.config import Settings

agent_app = typer.Typer(help="The monitoring agent.", invoke_without_command=True)
app.add_typer(agent_app, name="agent")


def _agent(settings: Settings) -> Any:
    from creative_ai.agent.monitor import Agent
    from creative_ai.jobs import make_queue
    from creative_ai.runtime import Runtime

    runtime = Runtime.open(settings)
    return Agent(settings, repo=runtime.repo, store=runtime.store, queue=make_queue(settings, runtime.repo))


@agent_app.callback()
@handles_errors
def agent(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (waits for jobs it started).")] = False,
    interval: Annotated[float | None, typer.Option(help="Seconds between passes (CREATIVE_AI_AGENT_INTERVAL).")] = None,
) -> None:
    """Watch the inbox and campaign health; raise, draft and deliver alerts."""
    if ctx.invoked_subcommand is not None:
        return
    from creative_ai.config import get_settings
    from creative_ai.jobs.handover import hand_over_on_stop
    from creative_ai.logs import configure_logging

    settings = get_settings(**({"agent_interval": interval} if interval else {}))
    configure_logging()
    monitor = _agent(settings)
    signal.signal(signal.SIGTERM, lambda *_: monitor.stop.set())
    try:
        monitor.run(once=once)
    except KeyboardInterrupt:
        monitor.stop.set()
    finally:
        # The jobs it submitted from the inbox end before it exits; a stop signal meanwhile hands them over.
        hand_over_on_stop(lambda: [monitor.queue])
        monitor.queue.close()


@agent_app.command("email")
@handles_errors
def email(
    campaign: Annotated[str, typer.Option(help="Campaign id.")],
    reason: Annotated[str | None, typer.Option(help="Why it is late, in the team's words.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Also send it by SMTP (CREATIVE_AI_SMTP_*).")] = False,
    to: Annotated[
        list[str] | None, typer.Option(help="Recipient (repeatable; default CREATIVE_AI_ALERT_EMAIL_TO).")
    ] = None,
) -> None:
    """Write the e-mail to customer leadership explaining a campaign's delay, from the recorded facts."""
    from creative_ai.agent.delivery import Message, SmtpChannel
    from creative_ai.config import get_settings
    from creative_ai.logs import configure_logging

    settings = get_settings()
    configure_logging(level="WARNING")
    recipients = list(to or settings.alert_email_to)
    if send and (not settings.smtp_host or not recipients):
        raise ConfigurationError(
            "--send needs CREATIVE_AI_SMTP_HOST and a recipient (--to or CREATIVE_AI_ALERT_EMAIL_TO)"
        )
    monitor = _agent(settings)
    try:
        composed = monitor.email(campaign, reason)
    finally:
        monitor.queue.close()
    draft = composed.draft
    typer.echo(f"Subject: {draft.subject}\n\n{draft.body}", nl=False)
    if composed.replaced:
        typer.echo(f"(the {composed.first_drafter} draft failed its fact check and was replaced)", err=True)
    if send:
        channel = SmtpChannel(
            host=settings.smtp_host or "",
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            recipients=recipients,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
        try:
            channel.send(Message(draft.subject, draft.body, "stakeholder_email", campaign, "info"))
        except CreativeAIError as exc:
            raise ConfigurationError(f"the e-mail was written but not sent: {exc}") from exc
        typer.echo(f"sent to {', '.join(recipients)}", err=True)
