"""The MCP server: typed read tools over campaign data, a manifest resource per campaign, guarded actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import CreativeAIError
from creative_ai.facts import Facts, find_campaign
from creative_ai.facts import models as m
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.outcome import confined_brief
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.submit import submit_job
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
)
ACTION_TOOLS = ("submit_brief", "rerun_campaign")
INSTRUCTIONS = (
    "Facts about creative-ai campaigns: their variants, errors, alerts and checks. Every number you report "
    "should come from a tool result."
)


def _answer(call: Callable[[], T]) -> T:
    """Our errors reach the client as tool errors with their message (no traceback in the server log)."""
    try:
        return call()
    except CreativeAIError as exc:
        raise ToolError(str(exc)) from exc


def build_server(
    *, settings: Settings, repo: Repository, store: Store, queue: Callable[[], JobQueue] | None = None
) -> MCPServer:
    """The server over these settings; ``queue`` makes the job queue the action tools use (when enabled)."""
    facts = Facts(settings=settings, repo=repo, store=store)
    server = MCPServer(name="creative-ai", instructions=INSTRUCTIONS, version="0.1.0")

    @server.tool()
    def list_campaigns() -> m.CampaignList:
        """Every campaign with its status and how many of its creatives were made."""
        return _answer(facts.list_campaigns)

    @server.tool()
    def get_campaign_details(campaign_id: str) -> m.CampaignDetails:
        """One campaign: products, variant counts, provider calls and errors, cost, jobs, open alerts."""
        return _answer(lambda: facts.campaign_details(campaign_id))

    @server.tool()
    def get_product_variants(campaign_id: str, product_id: str) -> m.ProductVariants:
        """A product's creatives by ratio and locale, how many look distinct, near-duplicates, what is missing."""
        return _answer(lambda: facts.product_variants(campaign_id, product_id))

    @server.tool()
    def get_recent_errors(campaign_id: str | None = None, minutes: int = 60) -> m.RecentErrors:
        """Errors recorded in the last ``minutes`` (secrets removed), newest first."""
        return _answer(lambda: facts.recent_errors(campaign_id, minutes=max(1, min(minutes, 7 * 24 * 60))))

    @server.tool()
    def get_alerts(status: Literal["open", "resolved", "all"] = "open", campaign_id: str | None = None) -> m.AlertList:
        """The monitoring agent's alerts."""
        return _answer(lambda: facts.alerts(None if status == "all" else status, campaign_id))

    @server.tool()
    def analyze_root_cause(campaign_id: str) -> m.RootCause:
        """The likely cause of a campaign's failures: auth/licence, quota, outage, refused content, bad input."""
        return _answer(lambda: facts.root_cause(campaign_id))

    @server.tool()
    def get_compliance_report(campaign_id: str) -> m.ComplianceReport:
        """Check results across a campaign's creatives: counts per check (skipped: did not apply), the score of the
        checks that applied, every failing creative, and for a refused campaign the prohibited terms that refused it."""
        return _answer(lambda: facts.compliance_report(campaign_id))

    @server.resource("campaign://{campaign_id}/manifest", mime_type="application/json")
    def manifest(campaign_id: str) -> str:
        """A campaign's manifest.json."""
        return _answer(lambda: facts.manifest(campaign_id))

    if settings.mcp_actions:
        if queue is None:
            raise ValueError("action tools need a job queue")
        jobs = queue

        def _submit(data: Any) -> m.Submitted:
            brief = confined_brief(data, assets_dir=settings.assets_dir)
            submitted = submit_job(brief, repo=repo, provider=None, idempotency_key=None)
            if submitted.created:
                dispatch(jobs(), repo, submitted.job.id)  # a broker that is down: the job waits for a reconciler
            job = submitted.job
            return m.Submitted(job_id=job.id, status=job.status, campaign_id=job.campaign_id, created=submitted.created)

        @server.tool()
        def submit_brief(brief: dict[str, Any]) -> m.Submitted:
            """Queue a campaign brief (same format as the CLI's) as a job."""
            return _answer(lambda: _submit(brief))

        @server.tool()
        def rerun_campaign(campaign_id: str) -> m.Submitted:
            """Queue a campaign's stored brief again (finished creatives are kept, failed ones retried)."""

            def rerun() -> m.Submitted:
                return _submit(dict(find_campaign(repo, campaign_id).brief))

            return _answer(rerun)

    return server
