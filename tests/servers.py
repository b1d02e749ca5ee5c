"""Helpers for tests that start real processes: free ports, waiting for a listener, a served API."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def wait_for_port(port: int, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while not port_open(port):
        if time.monotonic() > end:
            raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
        time.sleep(0.05)


@dataclass
class Served:
    url: str
    log_path: Path
    pid: int = 0

    def log(self) -> bytes:
        return self.log_path.read_bytes()


@contextmanager
def served_api(workdir: Path, env: dict[str, str], *options: str) -> Iterator[Served]:
    """``creative-ai serve`` on a free port (with ``options``); its output goes to a file (a pipe filled by request
    events would stall the server)."""
    port = free_port()
    log_path = workdir / f"server-{port}.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "creative_ai", "serve", "--port", str(port), *options],
            cwd=workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
            yield Served(f"http://127.0.0.1:{port}", log_path, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A Redis of our own on a free port (skips the test when redis-server is not installed); yields its URL."""
    import pytest

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
