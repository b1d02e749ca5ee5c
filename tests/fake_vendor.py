"""A fake image-vendor server on 127.0.0.1 speaking the OpenAI Images and Gemini generateContent wire formats.

It answers with real PNG bytes of the requested size, logs every request, and plays scripted faults: latency,
429 with Retry-After, 500, a timeout (a reply slower than the client waits), malformed JSON, a content refusal,
and a wrong key (401 for OpenAI, 400 API_KEY_INVALID for Gemini). Used by the tests and by ``bench/``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

GEMINI_SIZES = {
    "1:1": (1024, 1024),
    "2:3": (832, 1248),
    "3:2": (1248, 832),
    "3:4": (864, 1184),
    "4:3": (1184, 864),
    "9:16": (768, 1344),
    "16:9": (1344, 768),
    "21:9": (1536, 672),
}
INTER_BOLD = Path(__file__).resolve().parents[1] / "src/creative_ai/fonts/Inter-Bold.otf"
GEMINI_PATH = re.compile(r"^/v1(?:beta|alpha)?/models/(?P<model>[^/:]+):generateContent$")


@dataclass
class Fault:
    """One scripted answer: ``kind`` in 500, 429, timeout, malformed, refusal, noimage; ``times`` None = forever."""

    kind: str
    times: int | None = 1
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Logged:
    vendor: str
    path: str
    model: str
    size: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    received: float = 0.0


@dataclass
class FakeVendor:
    openai_key: str = "sk-test-openai"
    gemini_key: str = "gemini-test-key"
    latency: float = 0.0
    painted_text: str | None = None  # lettering drawn into every picture, as image models sometimes do
    requests: list[Logged] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=lambda: {"openai": [], "gemini": []})
    in_flight: int = 0
    max_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- control ------------------------------------------------------------------------------------------
    def fail(
        self, vendor: str, kind: str, *, times: int | None = 1, retry_after: float | None = None, delay: float = 0.0
    ) -> None:
        with self._lock:
            self.faults[vendor].append(Fault(kind, times, retry_after, delay))

    def count(self, vendor: str) -> int:
        return sum(1 for r in self.requests if r.vendor == vendor)

    def _next_fault(self, vendor: str) -> Fault | None:
        with self._lock:
            queue = self.faults[vendor]
            if not queue:
                return None
            fault = queue[0]
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    queue.pop(0)
            return fault

    # -- server -------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeVendor:
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return None

            def do_POST(self) -> None:
                vendor._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeVendor:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- handling -----------------------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._route(h)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _route(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        ctype = h.headers.get("content-type", "")
        try:
            body = json.loads(raw) if raw and ctype.startswith("application/json") else {}
        except json.JSONDecodeError:
            body = {}
        if ctype.startswith("multipart/form-data"):
            body = {"_form": _form_fields(raw, ctype)}
        headers = {k.lower(): v for k, v in h.headers.items()}
        if h.path.startswith("/v1/images/generations") or h.path.startswith("/v1/images/edits"):
            self._openai(h, body, headers)
        elif match := GEMINI_PATH.match(h.path.split("?")[0]):
            self._gemini(h, body, headers, match["model"])
        else:
            self._send(h, 404, {"error": {"message": f"no route {h.path}"}})

    def _log(
        self,
        vendor: str,
        h: BaseHTTPRequestHandler,
        model: str,
        size: str,
        headers: dict[str, str],
        body: dict[str, Any],
    ) -> Logged:
        entry = Logged(vendor, h.path, model, size, headers, body, received=time.monotonic())
        with self._lock:
            self.requests.append(entry)
        return entry

    def _pre(self, vendor: str, h: BaseHTTPRequestHandler, entry: Logged) -> bool:
        """Latency and faults; True when a fault answered."""
        if self.latency:
            time.sleep(self.latency)
        fault = self._next_fault(vendor)
        if fault is None:
            return False
        if fault.delay:
            time.sleep(fault.delay)
        if fault.kind == "timeout":
            time.sleep(fault.retry_after or 5.0)
            entry.status = 504
            self._send(h, 504, {"error": {"message": "too slow"}})
        elif fault.kind == "500":
            entry.status = 500
            self._send(
                h,
                500,
                {"error": {"message": "internal error", "type": "server_error", "code": 500, "status": "INTERNAL"}},
            )
        elif fault.kind == "429":
            entry.status = 429
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            self._send(
                h,
                429,
                {
                    "error": {
                        "message": "slow down",
                        "type": "rate_limit_exceeded",
                        "code": 429,
                        "status": "RESOURCE_EXHAUSTED",
                    }
                },
                extra,
            )
        elif fault.kind == "malformed":
            entry.status = 200
            self._send_raw(h, 200, b'{"data": [ {"b64_json": "not json at all', "application/json")
        elif fault.kind == "refusal" and vendor == "openai":
            entry.status = 400
            self._send(
                h,
                400,
                {
                    "error": {
                        "message": "Your request was rejected by the safety system.",
                        "type": "image_generation_user_error",
                        "code": "moderation_blocked",
                    }
                },
            )
        elif fault.kind == "refusal":
            entry.status = 200
            self._send(h, 200, {"candidates": [], "promptFeedback": {"blockReason": "SAFETY"}})
        elif fault.kind == "noimage":
            entry.status = 200
            self._send(
                h,
                200,
                {"data": []}
                if vendor == "openai"
                else {
                    "candidates": [{"content": {"parts": [{"text": "no"}], "role": "model"}, "finishReason": "STOP"}]
                },
            )
        else:
            raise AssertionError(fault.kind)
        return True

    def _openai(self, h: BaseHTTPRequestHandler, body: dict[str, Any], headers: dict[str, str]) -> None:
        size = str(body.get("size", "1024x1024"))
        if "multipart" in headers.get("content-type", ""):  # images/edits: fields as form parts
            form = body.get("_form", {})
            size = str(form.get("size", size))
            files = form.get("_files", {})
            body = {
                "model": form.get("model", ""),
                "prompt": form.get("prompt", ""),
                "size": size,
                "image_bytes": form.get("_image_bytes", 0),
                "files": sorted(files),
                "mask_transparent_share": None,
            }
            problem = _edit_problem(files)
            if problem is None and "mask" in files:
                body["mask_transparent_share"] = _transparent_share(files["mask"])
            if problem is not None:
                entry = self._log("openai", h, str(body["model"]), size, headers, body)
                entry.status = 400
                self._send(h, 400, {"error": {"message": problem, "type": "invalid_request_error", "code": None}})
                return
        entry = self._log("openai", h, str(body.get("model", "")), size, headers, body)
        if headers.get("authorization") != f"Bearer {self.openai_key}":
            given = headers.get("authorization", "").removeprefix("Bearer ")
            entry.status = 401
            self._send(
                h,
                401,
                {
                    "error": {
                        "message": f"Incorrect API key provided: {given[:6]}***{given[-4:]}.",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
            return
        if self._pre("openai", h, entry):
            return
        width, height = (int(v) for v in size.split("x"))
        entry.status = 200
        self._send(
            h,
            200,
            {
                "created": int(time.time()),
                "data": [{"b64_json": _png_b64(width, height, body, self.painted_text)}],
                "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110},
            },
        )

    def _gemini(self, h: BaseHTTPRequestHandler, body: dict[str, Any], headers: dict[str, str], model: str) -> None:
        config = body.get("generationConfig", {})
        ratio = str(config.get("imageConfig", {}).get("aspectRatio", "1:1"))
        entry = self._log("gemini", h, model, ratio, headers, body)
        if headers.get("x-goog-api-key") != self.gemini_key or "key=" in h.path:
            entry.status = 400
            self._send(
                h,
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "API key not valid. Please pass a valid API key.",
                        "status": "INVALID_ARGUMENT",
                        "details": [{"reason": "API_KEY_INVALID"}],
                    }
                },
            )
            return
        if self._pre("gemini", h, entry):
            return
        width, height = GEMINI_SIZES.get(ratio, (1024, 1024))
        entry.status = 200
        self._send(
            h,
            200,
            {
                "candidates": [
                    {
                        "content": {
                            "role": "model",
                            "parts": [
                                {
                                    "inlineData": {
                                        "mimeType": "image/png",
                                        "data": _png_b64(width, height, body, self.painted_text),
                                    }
                                }
                            ],
                        },
                        "finishReason": "STOP",
                    }
                ],
                "modelVersion": model,
            },
        )

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None
    ) -> None:
        FakeVendor._send_raw(h, status, json.dumps(payload).encode(), "application/json", extra)

    @staticmethod
    def _send_raw(
        h: BaseHTTPRequestHandler, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(data)))
            for key, value in (extra or {}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer


def _png_b64(width: int, height: int, body: dict[str, Any], text: str | None = None) -> str:
    """A real PNG of the size asked for: two colour fields and a disc, seeded by the request (and ``text``
    lettered across its upper half when given)."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).digest()
    image = Image.new("RGB", (width, height), (digest[0], digest[1], digest[2]))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height // 2, width, height), fill=(digest[3], digest[4], digest[5]))
    r = min(width, height) // 4
    draw.ellipse((width // 2 - r, height // 2 - r, width // 2 + r, height // 2 + r), fill=(240, 240, 240))
    if text:
        font = ImageFont.truetype(str(INTER_BOLD), max(24, min(width, height) // 9))
        draw.text(
            (width // 10, height // 8), text, font=font, fill=(250, 250, 250), stroke_width=3, stroke_fill=(0, 0, 0)
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return base64.b64encode(buffer.getvalue()).decode()


def _open(data: bytes) -> Image.Image | None:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except OSError:
        return None
    return image


def _edit_problem(files: dict[str, bytes]) -> str | None:
    """What the Images edit endpoint would refuse: no image, an undecodable one, a mask of another size or
    without an alpha channel (its transparent pixels are what marks the area to paint)."""
    if "image" not in files:
        return "Missing required parameter: 'image'."
    image = _open(files["image"])
    if image is None:
        return "Invalid image file or mode for image 1, please check your image file."
    if "mask" in files:
        mask = _open(files["mask"])
        if mask is None or "A" not in mask.getbands():
            return "Invalid mask image format - mask image missing alpha channel"
        if mask.size != image.size:
            return "Invalid mask image format - mask size does not match image size"
    return None


def _transparent_share(data: bytes) -> float:
    mask = _open(data)
    assert mask is not None
    alpha = mask.getchannel("A")
    histogram = alpha.histogram()
    return round(histogram[0] / (mask.width * mask.height), 4)


def _form_fields(raw: bytes, ctype: str) -> dict[str, Any]:
    """Text fields of a multipart body, plus the byte size of the uploaded image."""
    boundary = ctype.split("boundary=", 1)[-1].strip('"').encode()
    fields: dict[str, Any] = {}
    for part in raw.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        match = re.search(rb'name="([^"]+)"', head)
        if not match:
            continue
        content = content.removesuffix(b"\r\n")
        if b"filename=" in head:
            name = match.group(1).decode().removesuffix("[]")
            fields.setdefault("_files", {})[name] = content
            if name == "image":
                fields["_image_bytes"] = len(content)
        else:
            fields[match.group(1).decode()] = content.decode(errors="replace")
    return fields
