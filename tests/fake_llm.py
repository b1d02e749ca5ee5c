"""A fake OpenAI Responses API server on 127.0.0.1 for tests of tool-calling agents.

It answers ``POST /v1/responses`` with scripted turns, in the wire format the official ``openai`` SDK parses into
``openai.types.responses.Response``: a turn is either function calls (``type == "function_call"`` items) or a
final assistant message (read back as ``response.output_text``). A turn may also be a callable that gets the parsed
request body, so a test can echo values from the ``function_call_output`` items the client sent back. Every request
body is logged; a wrong or missing bearer key gets OpenAI's 401 ``invalid_api_key`` error.

    with FakeLLM() as fake:
        fake.add(Turn(calls=[("get_alerts", {})]), lambda req: Turn(text=str(fake.tool_outputs(req))))
        client = OpenAI(api_key=fake.api_key, base_url=f"{fake.url}/v1")
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.servers import free_port, wait_for_port

NO_MORE_TURNS = "(no more scripted turns)"


@dataclass
class Turn:
    """One scripted reply: either tool calls or a final text message."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (tool name, arguments dict)
    text: str | None = None


Step = Turn | Callable[[dict[str, Any]], Turn]


@dataclass
class FakeLLM:
    """``with FakeLLM() as fake:`` serves the Responses API at ``fake.url`` (use ``f"{fake.url}/v1"`` as base URL)."""

    api_key: str = "fake-llm-key"
    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _counter: int = 0

    # -- control ------------------------------------------------------------------------------------------
    def add(self, *turns: Step) -> None:
        """Append turns to the script; each ``POST /v1/responses`` consumes the next one."""
        with self._lock:
            self.script.extend(turns)

    @staticmethod
    def tool_outputs(request: dict[str, Any]) -> dict[str, str]:
        """``call_id -> output`` for the ``function_call_output`` items in a request's ``input``."""
        items = request.get("input")
        found: dict[str, str] = {}
        if not isinstance(items, list):
            return found
        for item in items:
            if isinstance(item, dict) and item.get("type") == "function_call_output":
                output = item.get("output")
                found[str(item.get("call_id"))] = output if isinstance(output, str) else json.dumps(output)
        return found

    # -- server -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "FakeLLM is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeLLM:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return None

            def do_POST(self) -> None:
                fake._handle(self)

        port = free_port()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-llm", daemon=True)
        self._thread.start()
        wait_for_port(port)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- handling -----------------------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            parsed = None
        if h.path.split("?")[0].rstrip("/") != "/v1/responses":
            _send(h, 404, _error(f"Invalid URL (POST {h.path})", "invalid_request_error", None))
            return
        if not isinstance(parsed, dict):
            _send(h, 400, _error("We could not parse the JSON body of your request.", "invalid_request_error", None))
            return
        body: dict[str, Any] = parsed
        with self._lock:
            self.requests.append(body)
        given = (h.headers.get("authorization") or "").removeprefix("Bearer ")
        if given != self.api_key:
            message = f"Incorrect API key provided: {given[:6]}***{given[-4:]}."
            _send(h, 401, _error(message, "invalid_request_error", "invalid_api_key"))
            return
        if body.get("stream"):
            _send(h, 400, _error("FakeLLM does not stream; call without stream=True.", "invalid_request_error", None))
            return
        with self._lock:
            step = self.script.pop(0) if self.script else Turn(text=NO_MORE_TURNS)
        turn = step if isinstance(step, Turn) else step(body)
        _send(h, 200, self._response(body, turn))

    def _next_id(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def _response(self, body: dict[str, Any], turn: Turn) -> dict[str, Any]:
        output: list[dict[str, Any]] = []
        if turn.text is not None or not turn.calls:
            output.append(
                {
                    "type": "message",
                    "id": f"msg_{self._next_id()}",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": turn.text or "", "annotations": []}],
                }
            )
        for name, arguments in turn.calls:
            n = self._next_id()
            output.append(
                {
                    "type": "function_call",
                    "id": f"fc_{n}",
                    "call_id": f"call_{n}",
                    "name": name,
                    "arguments": json.dumps(arguments),
                    "status": "completed",
                }
            )
        input_tokens = max(1, len(json.dumps(body.get("input", ""))) // 4)
        output_tokens = max(1, len(json.dumps(output)) // 4)
        now = time.time()
        return {
            "id": f"resp_{self._next_id()}",
            "object": "response",
            "created_at": int(now),
            "completed_at": int(now),
            "status": "completed",
            "error": None,
            "incomplete_details": None,
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "metadata": body.get("metadata") or {},
            "model": str(body.get("model", "")),
            "output": output,
            "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)),
            "previous_response_id": body.get("previous_response_id"),
            "temperature": body.get("temperature", 1.0),
            "top_p": body.get("top_p", 1.0),
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools") or [],
            "truncation": body.get("truncation", "disabled"),
            "usage": {
                "input_tokens": input_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": input_tokens + output_tokens,
            },
            "user": body.get("user"),
        }


def _error(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _send(h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    try:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up; nothing to answer
