"""The compose file describes the services the README names; `docker compose config` validates it when present."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT


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


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_validates() -> None:
    result = subprocess.run(["docker", "compose", "config", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    if "is not a docker command" in result.stderr or "unknown" in result.stderr.lower():
        pytest.skip("docker client without the compose plugin")
    assert result.returncode == 0, result.stderr
