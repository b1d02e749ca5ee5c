"""The MCP tools that act on alerts (acknowledge, snooze, mute, unmute): guarded like the other actions, and the
same implementation as ``creative-ai alerts`` and the API's ``/alerts`` routes."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from creative_ai.agent.lifecycle import Action, apply, parse_until
from creative_ai.db.repository import Repository
from creative_ai.facts import Facts
from creative_ai.facts import models as m
from creative_ai.mcp_server.answer import answer as _answer

ALERT_TOOLS = ("acknowledge_alert", "snooze_alert", "mute_alert", "unmute_alert")
CHANGE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

AlertId = Annotated[int, Field(description="The alert's id, as get_alerts gives it.")]
By = Annotated[str, Field(description="Who is doing it, as it should appear on the alert (a name or e-mail).")]
Until = Annotated[
    str, Field(description="How long: a duration (30m, 2h, 1d, 1w) or an ISO 8601 time; at most 90 days.")
]
OptionalUntil = Annotated[
    str | None, Field(description="How long: a duration (30m, 2h, 1d) or an ISO 8601 time; until unmuted if left out.")
]


def alert_tools(server: MCPServer, facts: Facts, repo: Repository) -> None:
    def act(alert_id: int, action: Action, by: str, until: str | None = None) -> m.AlertLine:
        moment = None if until is None else parse_until(until)
        return facts.alert_line(apply(repo, alert_id, action, by=by, until=moment))

    @server.tool(annotations=CHANGE)
    def acknowledge_alert(alert_id: AlertId, by: By = "mcp client") -> m.AlertLine:
        """Say someone is on an active alert: no more reminders; it still resolves (and says so) when fixed."""
        return _answer(lambda: act(alert_id, "ack", by))

    @server.tool(annotations=CHANGE)
    def snooze_alert(alert_id: AlertId, until: Until, by: By = "mcp client") -> m.AlertLine:
        """Keep an active alert quiet until a time; it is sent again then if its condition still holds."""
        return _answer(lambda: act(alert_id, "snooze", by, until))

    @server.tool(annotations=CHANGE)
    def mute_alert(alert_id: AlertId, until: OptionalUntil = None, by: By = "mcp client") -> m.AlertLine:
        """Mute the alert's rule on its campaign: its alerts are recorded but not sent until the mute ends."""
        return _answer(lambda: act(alert_id, "mute", by, until))

    @server.tool(annotations=CHANGE)
    def unmute_alert(alert_id: AlertId, by: By = "mcp client") -> m.AlertLine:
        """Lift the mute on the alert's rule and campaign."""
        return _answer(lambda: act(alert_id, "unmute", by))
