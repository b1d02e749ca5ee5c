"""The S3 store against moto's server mode on 127.0.0.1: same layout and bytes as the folder store, idempotent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from creative_ai.errors import StorageError
from creative_ai.storage.s3 import S3Store
from tests.conftest import as_json, base_brief, write_brief
from tests.report_html import creative_rows, decode
from tests.servers import free_port, wait_for_port

MOTO = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if not Path(MOTO).exists():
        pytest.skip("moto_server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    wait_for_port(port)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="creatives")
    yield endpoint
    proc.terminate()
    proc.wait(timeout=10)


def _objects(endpoint: str) -> dict[str, bytes]:
    client = boto3.client("s3", endpoint_url=endpoint)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket="creatives").get("Contents", [])]
    return {k: client.get_object(Bucket="creatives", Key=k)["Body"].read() for k in keys}


def test_bucket_gets_the_same_layout_and_bytes_as_a_folder(
    make_campaign, workdir: Path, s3_endpoint: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    brief = write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"], locales=["en", "de"]))
    local = make_campaign(brief, output="out")
    assert local.status == "succeeded"
    monkeypatch.setenv("CREATIVE_AI_STORE_URL", "s3://creatives/campaigns")
    monkeypatch.setenv("CREATIVE_AI_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("CREATIVE_AI_DATABASE_URL", f"sqlite:///{workdir / 's3.db'}")
    remote = make_campaign(brief)
    assert remote.status == "succeeded"
    summary = as_json(remote)
    assert summary["output_dir"] == "s3://creatives/campaigns"
    assert summary["variants"][0]["file_path"].startswith("s3://creatives/campaigns/test-campaign/prod_a/")
    objects = _objects(s3_endpoint)
    local_files = {
        str(p.relative_to(workdir / "out")): p.read_bytes()
        for p in (workdir / "out").rglob("*")
        if p.is_file() and p.suffix == ".png"
    }
    remote_pngs = {k.removeprefix("campaigns/"): v for k, v in objects.items() if k.endswith(".png")}
    assert remote_pngs == local_files  # same keys (heroes included) and byte-identical creatives
    assert "campaigns/test-campaign/manifest.json" in objects and "campaigns/test-campaign/index.html" in objects
    again = make_campaign(brief)
    assert again.status == "succeeded" and as_json(again)["provider_calls"] == 0
    assert _objects(s3_endpoint) == objects


def test_a_format_change_replaces_each_creative_in_the_bucket(
    make_campaign, workdir: Path, s3_endpoint: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_STORE_URL", "s3://creatives/campaigns")
    monkeypatch.setenv("CREATIVE_AI_S3_ENDPOINT_URL", s3_endpoint)
    brief = write_brief(workdir, base_brief(aspect_ratios=["1x1", "9x16"]))
    assert make_campaign(brief).status == "succeeded"
    assert make_campaign(brief, image_format="webp").status == "succeeded"
    creatives = sorted(k for k in _objects(s3_endpoint) if k.startswith("campaigns/test-campaign/prod_a/"))
    assert creatives == [
        f"campaigns/test-campaign/prod_a/{ratio}/prod_a_{ratio}_en.{ext}"
        for ratio in ("1x1", "9x16")
        for ext in ("json", "webp")
    ]


def test_unsafe_keys_and_unreachable_bucket(s3_endpoint: str) -> None:
    store = S3Store(bucket="creatives", endpoint_url=s3_endpoint)
    with pytest.raises(StorageError):
        store.write("../x.png", b"x")
    store.write("a/b.txt", b"hi")
    assert store.exists("a/b.txt") and store.read("a/b.txt") == b"hi" and not store.exists("a/c.txt")
    store.delete("a/b.txt")
    assert not store.exists("a/b.txt")
    with pytest.raises(StorageError, match="s3://missing"):
        S3Store(bucket="missing", endpoint_url=s3_endpoint).write("a.txt", b"x")


def test_service_on_a_bucket_serves_files_gallery_and_zip(workdir: Path, s3_endpoint: str) -> None:
    """The API with its store in a bucket: jobs write there, and files, gallery images and zips read from there."""
    import io
    import time
    import zipfile

    from fastapi.testclient import TestClient

    from creative_ai.api import create_app
    from creative_ai.config import get_settings

    settings = get_settings(
        store_url="s3://creatives/svc", s3_endpoint_url=s3_endpoint, database_url=f"sqlite:///{workdir / 'svc.db'}"
    )
    brief = base_brief(products=[{"id": "b1", "name": "Bucket One"}, {"id": "b2", "name": "Bucket Two"}])
    with TestClient(create_app(settings)) as client:
        job = client.post("/campaigns/jobs", json=brief).json()
        for _ in range(600):
            done = client.get(f"/campaigns/jobs/{job['job_id']}").json()
            if done["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert done["status"] == "succeeded", done
        assert done["summary"]["gallery_path"] == "s3://creatives/svc/test-campaign/index.html"
        objects = _objects(s3_endpoint)
        key = "svc/test-campaign/b2/1x1/b2_1x1_en.png"
        assert key in objects and not (workdir / "outputs").exists()
        served = client.get("/campaigns/test-campaign/files/b2/1x1/b2_1x1_en.png")
        assert served.status_code == 200 and served.headers["content-type"] == "image/png"
        assert served.content == objects[key]
        assert client.get("/campaigns/test-campaign/files/b2/1x1/missing.png").status_code == 404
        assert client.get("/campaigns/test-campaign/files/..%2F..%2Fsecret").status_code == 404
        page = client.get("/gallery/test-campaign").text
        assert 'src="/campaigns/test-campaign/files/b1/1x1/b1_1x1_en.png"' in page
        client.post(
            "/gallery/test-campaign/decisions",
            data={"product_id": "b1", "locale": "en", "aspect_ratio": "1x1", "decision": "approved"},
            follow_redirects=False,
        )
        archive = zipfile.ZipFile(io.BytesIO(client.get("/gallery/test-campaign/approved.zip").content))
        assert archive.namelist() == ["test-campaign/b1/1x1/b1_1x1_en.png"]
        assert archive.read("test-campaign/b1/1x1/b1_1x1_en.png") == objects["svc/test-campaign/b1/1x1/b1_1x1_en.png"]


def test_html_report_shows_the_creatives_of_a_bucket(
    cli, make_campaign, workdir: Path, s3_endpoint: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CREATIVE_AI_STORE_URL", "s3://creatives/campaigns")
    monkeypatch.setenv("CREATIVE_AI_S3_ENDPOINT_URL", s3_endpoint)
    assert make_campaign(base_brief(aspect_ratios=["1x1", "16x9"])).status == "succeeded"
    result = cli("report", "test-campaign", "--format", "html")
    assert result.code == 0, result.stderr
    rows = creative_rows(result.stdout)
    assert sorted(rows) == ["prod_a/en/16x9", "prod_a/en/1x1"]
    for variant, row in rows.items():
        (src,) = row.images
        thumb = decode(src)
        assert max(thumb.size) == 200 and (thumb.width > thumb.height) == variant.endswith("16x9")
    monkeypatch.delenv("CREATIVE_AI_STORE_URL")  # the creatives are in a bucket this configuration does not name
    refused = cli("report", "test-campaign", "--format", "html")
    assert refused.code == 3 and "set CREATIVE_AI_STORE_URL=s3://creatives/campaigns" in refused.stderr
    assert cli("report", "test-campaign").code == 0  # the JSON report needs no pictures
