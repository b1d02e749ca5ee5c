"""A recognisable key run through every fault is found nowhere: not in output, logs, files or the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import base_brief, write_brief
from tests.fake_vendor import FakeVendor

OPENAI_SECRET = "sk-proj-CANARY7f3a9e1d5b"
GEMINI_SECRET = "AIzaCANARY0c4e8b2a6f"
WRONG_SECRET = "sk-proj-CANARYwrong99"
FAULTS = ["500", "429", "malformed", "refusal", "noimage", "timeout"]


def _everything(workdir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(workdir.rglob("*")) if p.is_file())


@pytest.mark.timeout(900)  # 24 real runs of the CLI against every fault: about two minutes on an idle core
def test_keys_never_leak(cli, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeVendor(openai_key=OPENAI_SECRET, gemini_key=GEMINI_SECRET) as vendor:
        monkeypatch.setenv("CREATIVE_AI_OPENAI_BASE_URL", f"{vendor.url}/v1")
        monkeypatch.setenv("CREATIVE_AI_GEMINI_BASE_URL", vendor.url)
        monkeypatch.setenv("GOOGLE_AI_API_KEY", GEMINI_SECRET)  # the seed's variable is honoured
        monkeypatch.setenv("CREATIVE_AI_RETRY_BASE_DELAY", "0.01")
        monkeypatch.setenv("CREATIVE_AI_MAX_ATTEMPTS", "2")
        monkeypatch.setenv("CREATIVE_AI_REQUEST_TIMEOUT", "0.5")
        transcript = []
        for index, fault in enumerate(["badkey", *FAULTS, "ok"]):
            monkeypatch.setenv("OPENAI_API_KEY", WRONG_SECRET if fault == "badkey" else OPENAI_SECRET)
            for name in ("openai", "gemini"):
                if fault not in ("badkey", "ok"):
                    vendor.fail(name, fault, times=None, retry_after=1.0 if fault == "timeout" else 0.05)
            for chain in ("openai", "gemini", "openai,gemini,local"):
                # a new product each time, so no recorded hero spares the vendor the call
                product = {"id": f"p{index}-{chain.replace(',', '-')}", "name": f"Product {index}"}
                brief = write_brief(workdir, base_brief(campaign_id=f"leak-{index}", products=[product]))
                flags = ["--json"] if chain != "openai,gemini,local" else []
                result = cli("run", str(brief), "--provider", chain, "--output", "out", *flags)
                transcript += [result.stdout, result.stderr]
            for name in ("openai", "gemini"):
                vendor.faults[name].clear()
        listing = cli("providers", "--json")
        transcript += [listing.stdout, listing.stderr]
    assert vendor.count("openai") > 10 and vendor.count("gemini") > 10
    haystack = "\n".join(transcript).encode() + _everything(workdir)
    for secret in (OPENAI_SECRET, GEMINI_SECRET, WRONG_SECRET):
        assert secret.encode() not in haystack
        assert secret[-8:].encode() not in haystack  # not even the tail vendors echo back
    assert b"refused the API key" in haystack  # the bad-key run did happen and was reported
