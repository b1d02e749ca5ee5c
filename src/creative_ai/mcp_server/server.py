"""The MCP server: typed read tools over campaign data, a manifest resource per campaign, guarded actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.types import Resource, ToolAnnotations
from pydantic import Field

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import CreativeAIError
from creative_ai.facts import Facts, find_campaign
from creative_ai.facts import models as m
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.outcome import confined_brief
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.submit import submit_job
from creative_ai.mcp_server.alert_tools import alert_tools
from creative_ai.mcp_server.answer import answer as _answer
from creative_ai.storage import Store

T = TypeVar("T")
READ_TOOLS = (
    "list_campaigns",
    "get_campaign_details",
    "get_product_variants",
    "get_recent_errors",
    "get_alerts",
    "analyze_root_cause",
    "get_compliance_report",
    "get_performance",
    "get_approvals",
)
ACTION_TOOLS = ("submit_brief", "rerun_campaign")
INSTRUCTIONS = (
    "Facts about creative-ai campaigns: their variants, errors, alerts and checks. Every number you report "
    "should come from a tool result."
)


READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
MANIFEST_URI = "campaign://{campaign_id}/manifest"

CampaignId = Annotated[str, Field(description="The campaign's id, as list_campaigns gives it.")]
ProductId = Annotated[
    str | None, Field(description="One product's id (see get_campaign_details); every product's when left out.")
]
Minutes = Annotated[int, Field(description="How far back to look, in minutes (1 to 10080, a week).")]
AlertStatus = Annotated[
    Literal["active", "open", "acknowledged", "snoozed", "muted", "resolved", "all"],
    Field(description="Which alerts: active (not resolved yet), one status, or all."),
]
OptionalCampaignId = Annotated[
    str | None, Field(description="Only this campaign's (its id, as list_campaigns gives it); all when left out.")
]
GroupBy = Annotated[
    list[m.Grouping] | None,
    Field(description="Which attributes to compare (locale, ratio, product, copy, hero); all when left out."),
]
Brief = Annotated[
    dict[str, Any], Field(description="A campaign brief as JSON, in the same format as the CLI's brief files.")
]


def _action(*, idempotent: bool) -> ToolAnnotations:
    return ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=idempotent, open_world_hint=False
    )


class CampaignServer(MCPServer):
    """``resources/list`` names every campaign's manifest, read through the ``campaign://{id}/manifest`` template."""

    def __init__(self, *, facts: Facts, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._facts = facts

    async def list_resources(self) -> list[Resource]:
        listed = await super().list_resources()
        for c in self._facts.list_campaigns().campaigns:
            listed.append(
                Resource(
                    uri=MANIFEST_URI.format(campaign_id=c.campaign_id),
                    name=f"{c.campaign_id} manifest",
                    description=f"The manifest.json of campaign {c.campaign_id} ({c.status}).",
                    mime_type="application/json",
                )
            )
        return listed


def build_server(
    *, settings: Settings, repo: Repository, store: Store, queue: Callable[[], JobQueue] | None = None
) -> MCPServer:
    """The server over these settings; ``queue`` makes the job queue the action tools use (when enabled)."""
    facts = Facts(settings=settings, repo=repo, store=store)
    server = CampaignServer(facts=facts, name="creative-ai", instructions=INSTRUCTIONS, version="0.1.0")
    _read_tools(server, facts)

    @server.resource(MANIFEST_URI, mime_type="application/json")
    def manifest(campaign_id: str) -> str:
        """A campaign's manifest.json."""
        try:
            return facts.manifest(campaign_id)
        except CreativeAIError as exc:  # an MCP error with our message, logged without a traceback
            raise ResourceNotFoundError(str(exc)) from exc

    if settings.mcp_actions:
        if queue is None:
            raise ValueError("action tools need a job queue")
        _action_tools(server, settings, repo, queue)
        alert_tools(server, facts, repo)
    return server


def _read_tools(server: MCPServer, facts: Facts) -> None:
    @server.tool(annotations=READ)
    def list_campaigns() -> m.CampaignList:
        """Every campaign with its status and how many of its creatives were made."""
        return _answer(facts.list_campaigns)

    @server.tool(annotations=READ)
    def get_campaign_details(campaign_id: CampaignId) -> m.CampaignDetails:
        """One campaign: products, variant counts, provider calls and errors, cost, jobs, open alerts."""
        return _answer(lambda: facts.campaign_details(campaign_id))

    @server.tool(annotations=READ)
    def get_product_variants(campaign_id: CampaignId, product_id: ProductId = None) -> m.CampaignVariants:
        """Per product (one, or all of the campaign's): creatives by ratio and locale, how many look distinct (one
        look per ratio and hero), near-duplicates within the product and with other products, what is missing."""
        return _answer(lambda: facts.campaign_variants(campaign_id, product_id))

    @server.tool(annotations=READ)
    def get_recent_errors(campaign_id: OptionalCampaignId = None, minutes: Minutes = 60) -> m.RecentErrors:
        """Errors recorded in the last ``minutes`` (secrets removed), newest first."""
        return _answer(lambda: facts.recent_errors(campaign_id, minutes=max(1, min(minutes, 7 * 24 * 60))))

    @server.tool(annotations=READ)
    def get_alerts(status: AlertStatus = "active", campaign_id: OptionalCampaignId = None) -> m.AlertList:
        """The monitoring agent's alerts, newest first: open, acknowledged (someone is on it), snoozed, muted or
        resolved (its condition re-evaluated clear)."""
        return _answer(lambda: facts.alerts(None if status == "all" else status, campaign_id))

    @server.tool(annotations=READ)
    def analyze_root_cause(campaign_id: CampaignId) -> m.RootCause:
        """The likely cause of a campaign's failures: auth/licence, quota, outage, refused content, bad input."""
        return _answer(lambda: facts.root_cause(campaign_id))

    @server.tool(annotations=READ)
    def get_compliance_report(campaign_id: CampaignId) -> m.ComplianceReport:
        """Check results across a campaign's creatives: counts per check (skipped: did not apply), the score of the
        checks that applied, every failing creative, and for a refused campaign the prohibited terms that refused it."""
        return _answer(lambda: facts.compliance_report(campaign_id))

    @server.tool(annotations=READ)
    def get_performance(campaign_id: CampaignId, group_by: GroupBy = None) -> m.Performance:
        """Results the ad platforms reported for a campaign's creatives: per creative impressions, clicks, CTR,
        conversions, CVR, spend, CPC, CPA with 95% intervals and a badge (winner / underperformer / no clear
        difference / not enough data yet); per attribute each value against the others. Every pair is compared
        (Holm-adjusted); a winner is significantly above every other creative, an underperformer below more than
        half of them. A verdict other than "not
        enough data yet" or "no clear difference" is statistically significant under the rule it carries; say
        "not enough data yet" rather than naming a winner the rule did not."""
        return _answer(lambda: facts.performance(campaign_id, group_by))

    @server.tool(annotations=READ)
    def get_approvals(campaign_id: CampaignId) -> m.ApprovalState:
        """Where each creative's sign-off stands (approved, rejected, or pending with the roles still to sign) and
        every decision in order (who, role, decision, the bytes' sha256). Read only: people sign off in the
        gallery; no tool approves."""
        return _answer(lambda: facts.approvals(campaign_id))


def _action_tools(server: MCPServer, settings: Settings, repo: Repository, jobs: Callable[[], JobQueue]) -> None:
    def _submit(data: Any) -> m.Submitted:
        brief = confined_brief(data, assets_dir=settings.assets_dir)
        submitted = submit_job(brief, repo=repo, provider=None, idempotency_key=None)
        if submitted.created:
            dispatch(jobs(), repo, submitted.job.id)  # a broker that is down: the job waits for a reconciler
        job = submitted.job
        return m.Submitted(job_id=job.id, status=job.status, campaign_id=job.campaign_id, created=submitted.created)

    @server.tool(annotations=_action(idempotent=False))
    def submit_brief(brief: Brief) -> m.Submitted:
        """Queue a campaign brief (same format as the CLI's) as a job."""
        return _answer(lambda: _submit(brief))

    @server.tool(annotations=_action(idempotent=False))
    def rerun_campaign(campaign_id: CampaignId) -> m.Submitted:
        """Queue a campaign's stored brief again (finished creatives are kept, failed ones retried)."""

        def rerun() -> m.Submitted:
            return _submit(dict(find_campaign(repo, campaign_id).brief))

        return _answer(rerun)
