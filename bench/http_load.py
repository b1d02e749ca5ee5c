"""A light HTTP/1.1 load generator: many clients as coroutines on one event loop, each on its own kept-alive
connection. It costs a fraction of a threaded httpx client per request, so on a small machine the figures measure
the server rather than the client's own interpreter lock."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


@dataclass
class Connection:
    host: str
    port: int
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    timings: list[tuple[str, float, int]] = field(default_factory=list)

    async def request(self, method: str, path: str, payload: object | None = None) -> Answer:
        """One request (JSON body when ``payload`` is given); its latency and status are kept in ``timings``."""
        body = b"" if payload is None else json.dumps(payload).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        if payload is not None:
            head += "Content-Type: application/json\r\n"
        started = time.perf_counter()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        answer = Answer(int(status_line.split()[1]), await self.reader.readexactly(length))
        self.timings.append((method, time.perf_counter() - started, answer.status))
        return answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def run_clients(
    base: str, clients: int, session: Callable[[Connection, int], Awaitable[None]]
) -> list[tuple[str, float, int]]:
    """``clients`` sessions at once, each on its own connection to ``base``: (method, seconds, status) of every
    request they made."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80

    async def main() -> list[tuple[str, float, int]]:
        connections = [Connection(host, port) for _ in range(clients)]

        async def one(i: int) -> None:
            try:
                await session(connections[i], i)
            finally:
                await connections[i].close()

        await asyncio.gather(*(one(i) for i in range(clients)))
        return [t for c in connections for t in c.timings]

    return asyncio.run(main())
