"""The compose file describes the services the README names; `docker compose config` validates it when present."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.servers import free_port


def test_compose_services_and_commands() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"api", "worker", "agent", "mcp", "redis", "postgres", "migrate"} <= services.keys()
    assert services["api"]["command"][:2] == ["creative-ai", "serve"]
    assert services["worker"]["command"][:2] == ["creative-ai", "worker"]
    assert services["agent"]["command"][:2] == ["creative-ai", "agent"]
    assert services["mcp"]["command"][:2] == ["creative-ai", "mcp"]
    assert "CREATIVE_AI_BROKER_URL" in compose["x-common"]["environment"]


def test_every_compose_command_is_a_real_command(cli) -> None:  # type: ignore[no-untyped-def]
    """Each service's command line parses with this build of the CLI (options included)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or command[0] != "creative-ai":
            continue
        result = cli(*command[1:], "--help")
        assert result.code == 0, (name, result.stderr)


LONG_RUNNING = ("api", "worker", "agent", "mcp", "redis", "postgres")
USES_THE_DATABASE = ("api", "worker", "agent", "mcp")


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose


def test_compose_starts_in_order_and_stays_up() -> None:
    services = _compose()["services"]
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"
    for name in USES_THE_DATABASE:  # nothing touches the schema before it is migrated
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
    for name in ("api", "worker", "redis", "postgres", "mcp"):
        test = services[name]["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
    assert services["worker"]["healthcheck"]["test"][1:] == ["creative-ai", "worker", "--check"]
    assert "/health" in " ".join(services["api"]["healthcheck"]["test"])


def test_compose_keeps_the_broker_and_binds_to_loopback() -> None:
    compose = _compose()
    services = compose["services"]
    redis = services["redis"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    volume = redis["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in compose["volumes"]  # a named volume, not the container's layer
    published = [(name, port) for name, s in services.items() for port in s.get("ports", [])]
    assert {name for name, _ in published} == {"api", "mcp"}
    for name, port in published:
        assert str(port).startswith("${CREATIVE_AI_BIND:-127.0.0.1}:"), (name, port)
    environment = compose["x-common"]["environment"]
    assert 0 < int(environment["CREATIVE_AI_JOB_VISIBILITY_TIMEOUT"]) < 3600  # not the one-hour default
    # Services listening on 0.0.0.0 need their keys: compose refuses to start without them (no restart loop).
    assert environment["CREATIVE_AI_API_KEY"].startswith("${CREATIVE_AI_API_KEY:?")
    assert environment["CREATIVE_AI_MCP_TOKEN"].startswith("${CREATIVE_AI_MCP_TOKEN:?")
    worker = services["worker"]["command"]
    assert worker[worker.index("--pool") + 1] in ("prefork", "threads")  # answers --check while it works


def test_worker_check_fails_without_a_broker(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The worker's healthcheck: exit 3 with one line when no broker is configured or none answers."""
    result = cli("worker", "--check")
    assert result.code == 3 and "CREATIVE_AI_BROKER_URL" in result.stderr
    monkeypatch.setenv("CREATIVE_AI_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    result = cli("worker", "--check")
    assert result.code == 3 and result.stderr.strip() == "error: broker unreachable (OperationalError)"


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_validates() -> None:
    keys = {"CREATIVE_AI_API_KEY": "compose-config-key", "CREATIVE_AI_MCP_TOKEN": "compose-config-token"}
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **keys},
    )
    if "is not a docker command" in result.stderr or "unknown" in result.stderr.lower():
        pytest.skip("docker client without the compose plugin")
    assert result.returncode == 0, result.stderr
