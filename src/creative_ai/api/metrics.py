"""Prometheus metrics: HTTP requests counted here; jobs, provider calls and creatives read from the database
(the source of truth shared with every worker) at each scrape."""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creative_ai.api.errors import server_error
from creative_ai.db.delivery_store import AGENT_LEASE
from creative_ai.db.repository import Repository
from creative_ai.logs import correlation, log


class DatabaseCollector(Collector):
    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def collect(self) -> Iterator[Metric]:
        self.repo.migrate()
        counts = self.repo.counts()
        jobs = GaugeMetricFamily("creative_ai_jobs", "Jobs by status", labels=["status"])
        for status, n in counts["jobs"]:
            jobs.add_metric([status], n)
        yield jobs
        calls = CounterMetricFamily(
            "creative_ai_provider_calls", "Provider calls by provider and outcome", labels=["provider", "outcome"]
        )
        latency = CounterMetricFamily(
            "creative_ai_provider_latency_ms", "Summed provider call latency (ms)", labels=["provider", "outcome"]
        )
        for provider, outcome, n, total_ms in counts["calls"]:
            calls.add_metric([provider, outcome], n)
            latency.add_metric([provider, outcome], float(total_ms or 0.0))
        yield calls
        yield latency
        creatives = GaugeMetricFamily("creative_ai_creatives", "Creatives by status", labels=["status"])
        for status, n in counts["variants"]:
            creatives.add_metric([status], n)
        yield creatives
        deliveries = GaugeMetricFamily(
            "creative_ai_alert_deliveries",
            "Deliveries of open alerts by channel and state (pending, failed: retried by a later pass; delivered)",
            labels=["channel", "status"],
        )
        for channel, status, n in self.repo.delivery_counts():
            deliveries.add_metric([channel, status], n)
        yield deliveries
        held = self.repo.lease(AGENT_LEASE) is not None
        yield GaugeMetricFamily("creative_ai_agent_leader", "1 while an agent holds the agents' lease", value=int(held))


def _correlation_id(scope: Scope) -> str | None:
    """The caller's X-Request-ID when it is a plain token, else None (a fresh one is made)."""
    given = Headers(scope=scope).get("x-request-id", "")
    return given if given.isascii() and given.replace("-", "").isalnum() and len(given) <= 64 else None


class RequestAccounting:
    """Every HTTP request: a correlation id (bound to its log lines, echoed in X-Request-ID), one ``request`` log
    line, a count by route and status, and a bug turned into a logged, counted 500 (pure ASGI: no extra task or
    stream per request)."""

    def __init__(self, app: ASGIApp, *, requests: Counter, errors: Counter) -> None:
        self.app = app
        self.requests = requests
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with correlation(_correlation_id(scope)) as cid:
            scope.setdefault("state", {})["correlation_id"] = cid
            started = time.perf_counter()
            status = 500
            sent_start = False

            async def send_with_id(message: Message) -> None:
                nonlocal status, sent_start
                if message["type"] == "http.response.start":
                    sent_start = True
                    status = message["status"]
                    MutableHeaders(scope=message).append("X-Request-ID", cid)
                await send(message)

            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                if sent_start:
                    raise
                await server_error(Request(scope), exc)(scope, receive, send_with_id)
            route = getattr(scope.get("route"), "path", "unmatched")
            self.requests.labels(scope["method"], route, str(status)).inc()
            if status >= 500:
                self.errors.labels(str(status)).inc()
            log.info(
                "request",
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )


def install_metrics(app: FastAPI, repo: Repository) -> None:
    registry = CollectorRegistry()
    requests = Counter("creative_ai_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry)
    errors = Counter("creative_ai_http_errors", "HTTP answers with a 5xx status", ["status"], registry=registry)
    registry.register(DatabaseCollector(repo))

    app.add_middleware(RequestAccounting, requests=requests, errors=errors)

    @app.get(
        "/metrics",
        tags=["system"],
        response_class=PlainTextResponse,
        responses={200: {"description": "Prometheus text exposition format."}},
    )
    def metrics() -> Response:
        """Prometheus text format."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
