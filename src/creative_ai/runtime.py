"""The one composition root: ``Runtime.open(settings)`` builds what a run needs (a migrated repository, the store,
the check suite, the fonts) and every front door (CLI, API jobs, workers, agent inbox) goes parse → open → call →
present. Nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from creative_ai.brief import CampaignBrief
from creative_ai.checks.suite import CheckSuite
from creative_ai.config import HeroStrategy, ImageFormat, Settings
from creative_ai.db.repository import Repository
from creative_ai.errors import KeyRefused
from creative_ai.pipeline import run_campaign
from creative_ai.providers import ImageProvider
from creative_ai.providers.selection import current_selection, resolve_chain
from creative_ai.records import RunSummary
from creative_ai.render.text import FontBook
from creative_ai.storage import Store, make_store


@dataclass
class Runtime:
    """The components of one process's runs, made once and passed down explicitly."""

    settings: Settings
    repo: Repository
    store: Store
    display_root: str
    checks: CheckSuite
    book: FontBook = field(default_factory=FontBook.default)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        repo: Repository | None = None,
        checks: CheckSuite | None = None,
        migrate: bool = True,
    ) -> Runtime:
        """Migrate the database once (a no-op when already at head) and build the store and the check suite.

        ``checks`` shares one suite (and its painted-text memo) between the runtimes of a process's jobs;
        ``migrate=False`` leaves it to the run's first write (the CLI: a refused brief leaves no database behind).
        """
        repo = repo if repo is not None else Repository.from_url(settings.database_url)
        if migrate:
            repo.migrate()
        store, display_root = make_store(settings)
        return cls(settings, repo, store, display_root, checks or CheckSuite.from_settings(settings))

    def chain(self, *, provider: str | None = None, model: str | None = None) -> list[ImageProvider]:
        """The provider chain: ``provider`` (a flag or a job's choice), else the stored selection, else settings."""
        selection = current_selection(self.settings, self.repo, flag=provider, model=model)
        return resolve_chain(selection, settings=self.settings)

    def run(
        self,
        brief: CampaignBrief,
        *,
        chain: Sequence[ImageProvider],
        ratios: Sequence[str] = (),
        locales: Sequence[str] = (),
        products: Sequence[str] = (),
        publish: bool = True,
        hero_strategy: HeroStrategy | None = None,
        image_format: ImageFormat | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> RunSummary:
        """``run_campaign`` with this runtime's components. A run stopped by Ctrl-C or SIGTERM (KeyboardInterrupt)
        leaves its campaign ``interrupted``, one stopped by a refused key ``failed``; what it finished (heroes,
        creatives) is kept for the next run."""
        try:
            return run_campaign(
                brief,
                provider=chain,
                store=self.store,
                repo=self.repo,
                settings=self.settings,
                display_root=self.display_root,
                ratios=ratios,
                locales=locales,
                products=products,
                publish=publish,
                hero_strategy=hero_strategy,
                image_format=image_format,
                book=self.book,
                checks=self.checks,
                progress=progress or (lambda _stage, _done, _total: None),
            )
        except KeyboardInterrupt:
            self.mark_stopped(brief.campaign_id, "interrupted")
            raise
        except KeyRefused:
            self.mark_stopped(brief.campaign_id, "failed")
            raise

    def mark_stopped(self, campaign_id: str, status: str) -> None:
        """The campaign this process was making, and stopped, gets ``status``; any other status (the run had not
        recorded the campaign yet, or it refused it) is left as it is. A later run marks it running again."""
        if not self.repo.exists():
            return  # stopped before its first write: nothing is on record
        self.repo.migrate()  # a no-op once the run has migrated
        campaign = self.repo.campaign(campaign_id)
        if campaign is not None and campaign.status == "running":
            self.repo.set_campaign_status(campaign_id, status)
