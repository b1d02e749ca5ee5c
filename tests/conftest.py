"""Shared fixtures: an isolated working folder, a CLI runner that runs the real command in a subprocess, and
``make_campaign``, which makes a campaign in-process the way ``creative-ai run`` does (for tests that only need
the campaign's files and rows, not the command's exit code or output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.receivers import smtp_server, webhook  # noqa: F401  (fixtures for every test module)

# The OCR runtime reports usage over the network unless told not to, and reads this when first imported.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
VENDOR_VARIABLES = {
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GOOGLE_AI_API_KEY",
}


# The files that take longest, run first: with the files shared between parallel workers (pytest-xdist,
# ``--dist loadfile``), a long file started last would leave the other workers idle at the end.
SLOW_FIRST = (
    "test_secrets.py",
    "test_worker.py",
    "test_vendor_providers.py",
    "test_bad_input.py",
    "test_world.py",
    "test_ocr_readback.py",
    "test_mcp.py",
    "test_agent.py",
    "test_outpaint.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: each file keeps its order


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.stdout)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean working folder with its own database; the environment points every setting into it."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("CREATIVE_AI_") or key in VENDOR_VARIABLES:
            monkeypatch.delenv(key)
    monkeypatch.setenv("CREATIVE_AI_DATABASE_URL", f"sqlite:///{tmp_path / 'creative_ai.db'}")
    monkeypatch.setenv("CREATIVE_AI_ASSETS_DIR", str(tmp_path / "assets"))
    return tmp_path


@pytest.fixture
def cli(workdir: Path):  # type: ignore[no-untyped-def]
    """Run ``python -m creative_ai ARGS`` in the working folder, no stdin, no TTY."""

    def run(*args: str, timeout: float = 120) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "creative_ai", *args],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ.copy(),
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def run_brief(
    path: Path | str,
    *,
    provider: str | None = None,
    model: str | None = None,
    output: Path | str | None = None,
    ratios: Sequence[str] = (),
    locales: Sequence[str] = (),
    products: Sequence[str] = (),
    hero: str | None = None,
    image_format: str | None = None,
) -> Any:
    """Make the campaign of a brief file in-process, wired as ``creative-ai run`` wires it; its RunSummary.

    The options are the command's: ``provider`` (a name or a chain), ``model``, ``output``, ``ratios``,
    ``locales``, ``products``, ``hero`` and ``image_format``. Settings come from the environment at the time of
    the call, like a fresh command.
    """
    from creative_ai.brief import load_brief
    from creative_ai.config import get_settings
    from creative_ai.db.repository import Repository
    from creative_ai.providers.selection import current_selection, resolve_chain
    from creative_ai.runtime import Runtime

    settings = get_settings(**({"output_dir": Path(output)} if output is not None else {}))
    campaign = load_brief(path)
    repo = Repository.from_url(settings.database_url)
    try:
        chain = resolve_chain(current_selection(settings, repo, flag=provider, model=model), settings=settings)
        return Runtime.open(settings, repo=repo, migrate=False).run(
            campaign,
            chain=chain,
            ratios=ratios,
            locales=locales,
            products=products,
            hero_strategy=hero,  # type: ignore[arg-type]
            image_format=image_format,  # type: ignore[arg-type]
        )
    finally:
        repo.engine.dispose()


MakeCampaign = Callable[..., Any]


@pytest.fixture
def make_campaign(workdir: Path) -> MakeCampaign:
    """``run_brief`` in the working folder: ``brief`` is a brief dict (written to ``brief.json`` there first) or
    the path of a brief file; the keyword options are ``run_brief``'s."""

    def make(brief: dict[str, Any] | Path | str, **options: Any) -> Any:
        return run_brief(write_brief(workdir, brief) if isinstance(brief, dict) else brief, **options)

    return make


def as_json(summary: Any) -> dict[str, Any]:
    """The RunSummary as ``creative-ai run --json`` prints it, read back."""
    return json.loads(json.dumps(summary.to_dict(), ensure_ascii=False))  # type: ignore[no-any-return]


def write_brief(folder: Path, data: dict, name: str = "brief.json") -> Path:  # type: ignore[type-arg]
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def base_brief(**overrides: object) -> dict:  # type: ignore[type-arg]
    data: dict[str, object] = {
        "campaign_id": "test-campaign",
        "products": [{"id": "prod_a", "name": "Product A", "description": "A test product"}],
        "target_market": "EU",
        "target_audience": "Testers",
        "campaign_message": "Hello World",
        "brand_colors": ["#FF6B35", "#004E89"],
        "aspect_ratios": ["1x1"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def vendor(workdir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The fake vendor server, with the environment pointing both SDKs at it and short retry waits."""
    from tests.fake_vendor import FakeVendor

    with FakeVendor() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", fake.openai_key)
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{fake.url}/v1")
        monkeypatch.setenv("GEMINI_API_KEY", fake.gemini_key)
        monkeypatch.setenv("CREATIVE_AI_GEMINI_BASE_URL", fake.url)
        monkeypatch.setenv("CREATIVE_AI_RETRY_BASE_DELAY", "0.01")
        monkeypatch.setenv("CREATIVE_AI_REQUEST_TIMEOUT", "3")
        yield fake


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server this machine runs (PGHOST/PGPORT or 127.0.0.1:5432)."""
    psycopg = pytest.importorskip("psycopg")
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    try:
        admin = psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at {host}:{port}: {exc}")
    name = f"creative_ai_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
