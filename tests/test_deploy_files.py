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
    assert {"api", "worker", "redis", "postgres", "migrate"} <= services.keys()
    assert services["api"]["command"][:2] == ["creative-ai", "serve"]
    assert services["worker"]["command"][:2] == ["creative-ai", "worker"]
    assert "CREATIVE_AI_BROKER_URL" in compose["x-common"]["environment"]


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_validates() -> None:
    result = subprocess.run(["docker", "compose", "config", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    if "is not a docker command" in result.stderr or "unknown" in result.stderr.lower():
        pytest.skip("docker client without the compose plugin")
    assert result.returncode == 0, result.stderr
