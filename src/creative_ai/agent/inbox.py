"""The agent's inbox: a brief file dropped in the folder is checked as ``creative-ai validate`` checks it and
submitted as a job.

Accepted files move to ``submitted/``; a bad one moves to ``rejected/`` beside ``<name>.error.txt`` saying why (the
``inbox_rejected`` rule raises an alert while it lies there). Write files atomically (write elsewhere, then rename
into the folder); names starting with "." are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from creative_ai.config import Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import CreativeAIError, InputError
from creative_ai.jobs.dispatch import dispatch
from creative_ai.jobs.intake import dropped_brief
from creative_ai.jobs.queue import JobQueue
from creative_ai.jobs.submit import submit_job
from creative_ai.logs import log

SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class InboxResult:
    file: str
    job_id: str | None
    error: str | None


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 1
    while target.exists():
        target = folder / f"{Path(name).stem}.{n}{Path(name).suffix}"
        n += 1
    return target


def scan_inbox(settings: Settings, *, repo: Repository, queue: JobQueue) -> list[InboxResult]:
    """Submit every brief waiting in the inbox; never raises (a file that cannot be taken now waits)."""
    inbox = settings.agent_inbox
    if not inbox.is_dir():
        return []
    results = []
    for file in sorted(inbox.iterdir()):
        if not file.is_file() or file.name.startswith(".") or file.suffix.lower() not in SUFFIXES:
            continue
        try:
            results.extend(_take(file, settings, repo=repo, queue=queue))
        except Exception as exc:  # noqa: BLE001 one unreadable file or a broker outage must not stop the pass
            log.warning("inbox_deferred", file=file.name, error=f"{type(exc).__name__}: {exc}"[:300])
    return results


def _take(file: Path, settings: Settings, *, repo: Repository, queue: JobQueue) -> list[InboxResult]:
    inbox = file.parent
    try:
        brief = dropped_brief(file, settings)
        key = f"inbox:{file.name[:100]}:{_digest(file)}"
        submitted = submit_job(brief, repo=repo, provider=None, idempotency_key=key)
    except InputError as exc:
        rejected = inbox / "rejected"
        rejected.mkdir(exist_ok=True)
        target = _free_name(rejected, file.name)
        file.replace(target)
        target.with_name(target.name + ".error.txt").write_text(f"{exc}\n", encoding="utf-8")
        log.warning("inbox_rejected", file=file.name, error=str(exc)[:300])
        return [InboxResult(file.name, None, str(exc))]
    except CreativeAIError as exc:
        log.warning("inbox_deferred", file=file.name, error=str(exc)[:300])  # e.g. the database is down
        return []
    if submitted.job.status == "queued":
        # Also when the job already existed: the file still being here means its queueing did not finish.
        dispatch(queue, repo, submitted.job.id)  # a broker that is down: the job waits for a reconciler
    done = inbox / "submitted"
    done.mkdir(exist_ok=True)
    file.replace(_free_name(done, file.name))
    log.info("inbox_submitted", file=file.name, job_id=submitted.job.id, campaign_id=submitted.job.campaign_id)
    return [InboxResult(file.name, submitted.job.id, None)]


def _digest(file: Path) -> str:
    import hashlib

    return hashlib.sha256(file.read_bytes()).hexdigest()[:16]
