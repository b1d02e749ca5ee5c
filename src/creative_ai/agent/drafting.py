"""Drafting alerts and stakeholder e-mails from facts read through an MCP client session to our server.

``TemplateDrafter`` calls the tools in a fixed order and fills a Jinja2 template (offline, the default).
``OpenAIDrafter`` lets a model choose the tools (OpenAI Responses API, function tools). Every draft is fact
checked; one that fails is replaced by the template draft and the mismatch recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from mcp import Client
from mcp.server.mcpserver import MCPServer

from creative_ai.agent.briefing import alert_facts, incident_count
from creative_ai.agent.factcheck import FactCheck, fact_check, jargon, other_counts
from creative_ai.config import Settings
from creative_ai.errors import ConfigurationError, CreativeAIError
from creative_ai.facts.causes import OPERATOR_NOTES as CAUSE_NOTES
from creative_ai.logs import log

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # noqa: S701 plain-text e-mail and chat bodies, never HTML
)
LABELS = {
    "few_variants": "too few distinct creatives",
    "failure_burst": "failure burst",
    "provider_access": "provider access refused",
    "stalled_job": "job stalled",
    "missing_inputs": "packshots missing, heroes generated",
    "compliance": "creative checks failed",
    "near_duplicates": "near-duplicate creatives",
    "run_failed": "run failed or incomplete",
    "inbox_rejected": "briefs rejected by the inbox",
    "quality_checks": "creative checks warned",
    "underperformer": "creatives underperforming",
    "clear_winner": "clear winner among the creatives",
    "signoff_pending": "creatives waiting for your sign-off",
}


@dataclass(frozen=True)
class Task:
    """What to write: an ``alert`` for a rule's condition, or a stakeholder ``email`` about a campaign."""

    kind: Literal["alert", "email"]
    campaign_id: str
    rule: str = ""
    severity: str = "info"
    summary: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass
class Draft:
    subject: str
    body: str
    drafter: str
    evidence: list[Any] = field(default_factory=list)


class AlertDrafter(Protocol):
    name: str

    async def draft(self, task: Task, client: Client) -> Draft:
        """Write the draft, reading facts through ``client`` (a session with our MCP server)."""


async def _call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any] | None:
    result = await client.call_tool(name, arguments)
    if result.is_error or result.structured_content is None:
        return None
    return dict(result.structured_content)


def _subject(task: Task) -> str:
    if task.kind == "email":
        return f"Campaign {task.campaign_id}: status update"
    label = LABELS.get(task.rule, task.rule)
    where = f" — {task.campaign_id}" if task.campaign_id else ""
    return f"[creative-ai] {task.severity}: {label}{where}"


OPERATOR_NOTES = "Operator notes"
SETTING_NAMES = frozenset(name for name in Settings.model_fields if "_" in name)


def _reader(text: str) -> str:
    """``text`` when a reader may see it as it is (it names no setting, variable or option), else nothing."""
    return "" if jargon(text, setting_names=SETTING_NAMES) else text


TEMPLATES.filters["reader"] = _reader


def _with_links(task: Task, settings: Settings | None) -> Task:
    """An alert's facts with the gallery link and the cause in plain words (an e-mail's come with its task)."""
    if task.kind == "email":
        return task
    return replace(task, facts=alert_facts(settings, task.campaign_id, task.facts))


class TemplateDrafter:
    """Deterministic: the tools each kind of alert needs, then a template."""

    name = "template"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    async def draft(self, task: Task, client: Client) -> Draft:
        task = _with_links(task, self.settings)
        tools: dict[str, Any] = {}
        cid = task.campaign_id
        if cid:
            tools["get_campaign_details"] = await _call(client, "get_campaign_details", {"campaign_id": cid})
            tools["analyze_root_cause"] = await _call(client, "analyze_root_cause", {"campaign_id": cid})
        products = _products(task.facts)
        if task.rule in ("few_variants", "near_duplicates") and cid:
            targets = products or [p["product_id"] for p in (tools["get_campaign_details"] or {}).get("products", [])]
            tools["get_product_variants"] = [
                line
                for p in targets
                if (r := await _call(client, "get_product_variants", {"campaign_id": cid, "product_id": p}))
                for line in r.get("products", [])
            ]
        if task.rule in ("failure_burst", "provider_access") and cid:
            minutes = int(task.facts.get("window_minutes", 60)) or 60
            tools["get_recent_errors"] = await _call(
                client, "get_recent_errors", {"campaign_id": cid, "minutes": minutes}
            )
        if task.rule in ("compliance", "quality_checks") and cid:
            tools["get_compliance_report"] = await _call(client, "get_compliance_report", {"campaign_id": cid})
        if (task.rule in ("underperformer", "clear_winner") or task.kind == "email") and cid:
            tools["get_performance"] = await _call(client, "get_performance", {"campaign_id": cid})
        if task.kind == "email" and (not tools.get("get_campaign_details") or not tools.get("analyze_root_cause")):
            raise CreativeAIError(f"no campaign {cid!r} to write about")
        template = TEMPLATES.get_template("email.txt.j2" if task.kind == "email" else "alert.txt.j2")
        body = template.render(
            tools=tools,
            rule=task.rule,
            summary=task.summary,
            reason=task.reason,
            facts=task.facts,
            heading=OPERATOR_NOTES,
            operator=CAUSE_NOTES,
        )
        return Draft(_subject(task), _tidy(body), self.name, [*_given(task), tools, {"operator_notes": CAUSE_NOTES}])


class OpenAIDrafter:
    """A model writes the draft after calling whichever of our MCP tools it needs (Responses API tool loop)."""

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if settings.openai_api_key is None:
            raise ConfigurationError("the OpenAI drafter needs OPENAI_API_KEY")
        self.settings = settings

    async def draft(self, task: Task, client: Client) -> Draft:
        from openai import AsyncOpenAI

        key = self.settings.openai_api_key
        assert key is not None
        async with AsyncOpenAI(
            api_key=key.get_secret_value(),
            base_url=self.settings.openai_base_url,
            timeout=self.settings.request_timeout,
            max_retries=2,
        ) as model:
            return await self._loop(task, client, model)

    async def _loop(self, task: Task, client: Client, model: Any) -> Draft:
        task = _with_links(task, self.settings)
        listed = await client.list_tools()
        tools: list[Any] = [
            {
                "type": "function",
                "name": t.name,
                "description": t.description or "",
                "parameters": t.input_schema,
                "strict": False,
            }
            for t in listed.tools
        ]
        evidence: list[Any] = [*_given(task)]
        items: list[Any] = [{"role": "user", "content": _prompt(task)}]
        for _turn in range(self.settings.agent_llm_max_turns):
            response = await model.responses.create(
                model=self.settings.agent_llm_model, instructions=INSTRUCTIONS, input=items, tools=tools
            )
            calls = [item for item in response.output if item.type == "function_call"]
            if not calls:
                subject, body = _split(response.output_text, _subject(task))
                return Draft(subject, body, self.name, evidence)
            for call in calls:
                items.append(
                    {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments}
                )
                try:
                    arguments = json.loads(call.arguments or "{}")
                except json.JSONDecodeError:
                    arguments = {}
                result = await client.call_tool(call.name, arguments if isinstance(arguments, dict) else {})
                output = result.structured_content if result.structured_content is not None else _text(result)
                evidence.append(output)
                log.info("drafter_tool_call", tool=call.name, error=bool(result.is_error))
                items.append({"type": "function_call_output", "call_id": call.call_id, "output": json.dumps(output)})
        raise CreativeAIError(f"the drafting model did not finish within {self.settings.agent_llm_max_turns} turns")


INSTRUCTIONS = (
    "You write short operational messages about creative-ai ad campaigns for marketing leads. Read the facts with "
    "the tools before writing; use only numbers, ids and links that the tools or the given facts hold; never guess. "
    "Tell an incident with one count: the one in the given facts. Write in the reader's terms: no setting, "
    "environment variable or command names. Start with one line 'Subject: ...', then a blank line, then the body "
    "in plain text (no markdown headings)."
)
ALERT_NOTES = (
    f" Engineering detail (error texts, settings, variables) goes only after a line '{OPERATOR_NOTES}' at the end."
)


def _prompt(task: Task) -> str:
    if task.kind == "email":
        return (
            f"Write an e-mail to customer leadership about campaign {task.campaign_id}, explaining its delay. "
            f"Reason given by the team: {task.reason or 'none given'}. Say what is done, what is blocked and why, "
            "the impact, the next steps, the ETA and what it assumes (say there is no estimate when eta_minutes is "
            "null), the review gallery's link and whom to contact. Leadership reads it: no engineering advice. "
            f"Facts: {json.dumps(task.facts, default=str)}"
        )
    return (
        f"Write an alert for the '{task.rule}' rule ({LABELS.get(task.rule, task.rule)}), severity {task.severity}, "
        f"campaign {task.campaign_id or '(none)'}. What the rule saw: {task.summary}. "
        f"Facts: {json.dumps(task.facts, default=str)[:2000]}." + ALERT_NOTES
    )


def _split(text: str, fallback_subject: str) -> tuple[str, str]:
    lines = text.strip().splitlines()
    if lines and lines[0].lower().startswith("subject:"):
        return lines[0].split(":", 1)[1].strip() or fallback_subject, _tidy("\n".join(lines[1:]))
    return fallback_subject, _tidy(text)


def _text(result: Any) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def _given(task: Task) -> list[Any]:
    """What the drafter was told, which a draft may repeat: the rule's facts and summary, the e-mail's reason."""
    return [task.facts, {"campaign_id": task.campaign_id, "summary": task.summary, "reason": task.reason or ""}]


def _products(facts: dict[str, Any]) -> list[str]:
    items = facts.get("items", [facts])
    return [str(i["product_id"]) for i in items if isinstance(i, dict) and "product_id" in i]


@dataclass
class Composed:
    draft: Draft
    check: FactCheck
    replaced: bool
    first_drafter: str
    error: str | None = None


async def compose(task: Task, *, server: MCPServer, drafter: AlertDrafter) -> Composed:
    """Draft with ``drafter`` through an MCP session; fact check; fall back to the template draft if needed."""
    template = TemplateDrafter()
    async with Client(server) as client:
        error = None
        try:
            draft = await drafter.draft(task, client)
        except Exception as exc:  # noqa: BLE001 a failing model or network must not stop the alert
            error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("draft_failed", drafter=drafter.name, error=type(exc).__name__)
            draft = None
        if draft is not None:
            check = check_draft(task, draft)
            if check.ok:
                return Composed(draft, check, False, drafter.name)
            log.warning(
                "draft_failed_fact_check", drafter=drafter.name, unverified=check.unverified[:10], jargon=check.jargon
            )
        else:
            check = FactCheck(ok=False, numbers_checked=0, ids_checked=0, unverified=[])
        if drafter.name == template.name and draft is not None:
            return Composed(draft, check, False, drafter.name, error)
        fallback = await TemplateDrafter(getattr(drafter, "settings", None)).draft(task, client)
        return Composed(fallback, check, True, drafter.name, error)


def check_draft(task: Task, draft: Draft) -> FactCheck:
    """The fact check of a draft, with the incident's one count, and no engineering names where a reader reads
    (all of an e-mail; an alert above its operator notes)."""
    text = f"{draft.subject}\n{draft.body}"
    check = fact_check(text, draft.evidence)
    reader = text.split(f"\n{OPERATOR_NOTES}", 1)[0] if task.kind == "alert" else text
    count = incident_count(task.rule, task.facts)
    counts = other_counts(reader, count) if count is not None else []
    found = jargon(reader, setting_names=SETTING_NAMES)
    if not found and not counts:
        return check
    return replace(check, ok=False, unverified=[*check.unverified, *counts], jargon=found)


def make_drafter(settings: Settings) -> AlertDrafter:
    """The configured drafter: the model when chosen (or ``auto`` with a key), otherwise the templates."""
    choice = settings.agent_llm
    if choice == "openai" or (choice == "auto" and settings.openai_api_key is not None):
        return OpenAIDrafter(settings)
    return TemplateDrafter(settings)
