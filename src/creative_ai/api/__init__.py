"""The HTTP front door: ``create_app(settings)``. Routes parse, call the core, present."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from creative_ai.api.deps import check_api_key
from creative_ai.api.docs import install_docs_policy
from creative_ai.api.errors import install_error_handlers
from creative_ai.api.metrics import install_metrics
from creative_ai.api.routes import alerts, approvals, campaigns, gallery, jobs, results, review_queue, system
from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.jobs import make_queue
from creative_ai.jobs.inprocess import InProcessJobs
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.reconcile import Reconciler
from creative_ai.logs import log
from creative_ai.runtime import Runtime


def create_app(settings: Settings, *, queue: JobQueue | None = None) -> FastAPI:
    """The API app; ConfigurationError for an empty or short CREATIVE_AI_API_KEY (an unset one serves openly)."""
    check_api_key(settings)
    if settings.api_key is None:
        log.warning(
            "api_without_key",
            detail="CREATIVE_AI_API_KEY is not set: routes are open to anyone unless people are added "
            "(creative-ai users add), whose tokens then protect them",
        )
    # The schema is migrated by the first request that needs the database (or at start with in-process jobs),
    # so the app starts, and /health reports, while the database is still unreachable.
    runtime = Runtime.open(settings, migrate=False)
    repo = runtime.repo

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if isinstance(app.state.queue, InProcessJobs):
            await to_thread.run_sync(_resume_unfinished, app.state.queue, repo)
        reconciler = Reconciler(app.state.queue, repo, settings).start()  # sends what the broker lost or never got
        # What was loaded to start lives as long as the process: out of the collector's sight, a full collection
        # scans only what requests made (on this machine: 145k objects, a 67 ms pause, stalling every request).
        gc.collect()
        gc.freeze()
        to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        yield
        reconciler.stop()
        app.state.queue.close()
        repo.engine.dispose()

    # /docs and /redoc are served with their own scripts and styles (no CDN): they work on a closed network.
    app = FastAPIOffline(
        title="creative-ai",
        version="0.1.0",
        summary="Campaign brief in, checked and localized social-ad creatives out.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.queue = queue or make_queue(settings, repo, checks=runtime.checks)
    install_error_handlers(app, settings=settings)
    install_metrics(app, repo)
    install_docs_policy(app)
    app.include_router(system.router)
    app.include_router(campaigns.router)
    app.include_router(jobs.router)
    app.include_router(review_queue.router)  # before the gallery's /gallery/{campaign_id}
    app.include_router(gallery.router)
    app.include_router(alerts.router)
    app.include_router(results.router)
    app.include_router(approvals.router)
    return app


def _resume_unfinished(queue: InProcessJobs, repo: Repository) -> None:
    """Jobs this process had accepted but not finished when it stopped: the database still has them."""
    repo.migrate()
    repo.requeue_running_parts()  # nothing else runs them: this process is the only executor
    for job_id in repo.unfinished_jobs():
        queue.enqueue(job_id)


def app_from_environment() -> FastAPI:
    """The app of each process of ``creative-ai serve --workers N`` (uvicorn imports it by name in every worker):
    settings from the environment, as the command read them."""
    from creative_ai.config import get_settings
    from creative_ai.logs import configure_logging

    configure_logging()
    return create_app(get_settings())


__all__ = ["app_from_environment", "create_app"]
