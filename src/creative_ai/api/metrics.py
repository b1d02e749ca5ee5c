"""Prometheus metrics: HTTP requests counted here; jobs, provider calls and creatives read from the database
(the source of truth shared with every worker) at each scrape."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from creative_ai.api.errors import server_error
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


def install_metrics(app: FastAPI, repo: Repository) -> None:
    registry = CollectorRegistry()
    requests = Counter("creative_ai_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry)
    errors = Counter("creative_ai_http_errors", "HTTP answers with a 5xx status", ["status"], registry=registry)
    registry.register(DatabaseCollector(repo))

    @app.middleware("http")
    async def _count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get("x-request-id", "")
        cid = given if given.isascii() and given.replace("-", "").isalnum() and len(given) <= 64 else None
        with correlation(cid) as cid:
            request.state.correlation_id = cid
            started = time.perf_counter()
            try:
                response = await call_next(request)
            except Exception as exc:  # noqa: BLE001 - the one place a bug becomes an answer: logged, counted, 500
                response = server_error(request, exc)
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            requests.labels(request.method, path, str(response.status_code)).inc()
            if response.status_code >= 500:
                errors.labels(str(response.status_code)).inc()
            log.info(
                "request",
                method=request.method,
                route=path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            response.headers["X-Request-ID"] = cid
            return response

    @app.get(
        "/metrics",
        tags=["system"],
        response_class=PlainTextResponse,
        responses={200: {"description": "Prometheus text exposition format."}},
    )
    def metrics() -> Response:
        """Prometheus text format."""
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
