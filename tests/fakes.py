"""A fake image provider for tests: real PNG bytes of the requested size, a call log, scripted failures."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from creative_ai.errors import GenerationFailed
from creative_ai.providers import GenerationRequest, GenerationResult, ImageProvider


@dataclass
class Script:
    calls: list[GenerationRequest] = field(default_factory=list)
    fail_subjects: set[str] = field(default_factory=set)
    garbage_subjects: set[str] = field(default_factory=set)


class FakeProvider(ImageProvider):
    name = "fake"
    models = ("fake-1", "fake-2")
    default_model = "fake-1"
    script: Script = Script()

    def generate(self, request: GenerationRequest) -> GenerationResult:
        self.script.calls.append(request)
        if request.subject in self.script.fail_subjects:
            raise GenerationFailed("vendor said no (scripted)")
        if request.subject in self.script.garbage_subjects:
            data = b"<html>not an image</html>"
        else:
            buffer = io.BytesIO()
            shade = (request.seed % 200, 90, 160)
            Image.new("RGB", (request.width, request.height), shade).save(buffer, format="PNG")
            data = buffer.getvalue()
        return GenerationResult(
            image=data,
            width=request.width,
            height=request.height,
            provider=self.name,
            model=self.model,
            seed=request.seed,
            cost_usd=0.04,
        )
