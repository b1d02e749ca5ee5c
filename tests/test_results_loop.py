"""Launch and learn, from outside: the real commands make a campaign, export it for Meta, import a Meta Ads
Manager report of those ad names (made here with the real header names), and the stored rows are read back with
sqlite3, not through the project's code."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import base_brief, write_brief

META_HEADERS = [
    "Ad name",
    "Day",
    "Reporting starts",
    "Reporting ends",
    "Impressions",
    "Reach",
    "Link clicks",
    "Results",
    "Amount spent (USD)",
]


def _brief(**overrides: object) -> dict:  # type: ignore[type-arg]
    return base_brief(
        products=[
            {"id": "prod_a", "name": "Product A", "description": "A test product"},
            {"id": "prod_b", "name": "Product B", "description": "Another test product"},
        ],
        aspect_ratios=["1x1", "9x16"],
        cta="Shop now",
        landing_url="https://shop.example.com/summer?ref=ad",
        utm={"utm_source": "meta", "utm_medium": "paid_social", "utm_campaign": "test-campaign"},
        **overrides,
    )


def _db(workdir: Path) -> sqlite3.Connection:
    return sqlite3.connect(workdir / "creative_ai.db")


def _metrics(workdir: Path) -> list[tuple[object, ...]]:
    with _db(workdir) as db:
        return db.execute(
            "SELECT id, ad_name, period_start, period_end, impressions, clicks, conversions, spend, currency, reach "
            "FROM ad_metrics ORDER BY ad_name, period_start"
        ).fetchall()


def _write_meta_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(META_HEADERS)
        writer.writerows(rows)
    return path


def _exported(cli, workdir: Path) -> tuple[Path, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    out = workdir / "meta-package"
    result = cli("export", "test-campaign", "--for", "meta", "--output", str(out))
    assert result.code == 0, result.stderr
    with (out / "meta_bulk_import.csv").open(encoding="utf-8") as handle:
        return out, list(csv.DictReader(handle))


def test_export_then_meta_report_import_matches_every_row_and_is_idempotent(cli, workdir: Path) -> None:
    brief = write_brief(workdir, _brief())
    assert cli("run", str(brief), "--output", "out").code == 0
    package, sheet = _exported(cli, workdir)

    # The sheet names each creative by the ad name its sidecar carries, and its URL carries that name as utm_content.
    sidecars = {
        json.loads(p.read_text())["ad_name"]: json.loads(p.read_text()) for p in (workdir / "out").rglob("prod_*.json")
    }
    assert len(sheet) == 4 and {row["Ad Name"] for row in sheet} == set(sidecars)
    for row in sheet:
        url = urlsplit(row["Link"])
        query = parse_qs(url.query)
        assert (url.netloc, url.path) == ("shop.example.com", "/summer")
        assert query == {
            "ref": ["ad"],
            "utm_source": ["meta"],
            "utm_medium": ["paid_social"],
            "utm_campaign": ["test-campaign"],
            "utm_content": [row["Ad Name"]],
        }
        assert row["Call to Action"] == "SHOP_NOW"
        assert (package / "images" / row["Image File Name"]).is_file()

    names = sorted(sidecars)
    rows: list[list[object]] = []
    for n, name in enumerate(names):
        for day in range(1, 4):
            stamp = f"2026-11-0{day}"
            rows.append([name, stamp, stamp, stamp, 1000 * (n + 1) + day, 900 + n, 20 + n + day, n, f"{3.5 + n:.2f}"])
    rows.append(["", "", "2026-11-01", "2026-11-03", 99999, "", 999, 99, "999.00"])  # Ads Manager's totals row
    rows.append(["someone-elses-ad", "2026-11-01", "2026-11-01", "2026-11-01", 500, 400, 7, 1, "2.00"])
    report = _write_meta_csv(workdir / "meta-export.csv", rows)

    first = cli("results", "import", str(report), "--json")
    assert first.code == 0, first.stderr
    answer = first.json()
    assert answer["source"] == "meta" and answer["matched"] == 12 and answer["stored"]["added"] == 12
    assert answer["unmatched"] == [{"ad_name": "someone-elses-ad", "lines": [15]}]
    stored = _metrics(workdir)
    assert len(stored) == 12
    known = [r for r in rows[:12]]
    assert sum(r[4] for r in stored) == sum(int(r[4]) for r in known)  # type: ignore[misc]
    assert sum(r[5] for r in stored) == sum(int(r[6]) for r in known)  # type: ignore[misc]
    assert sum(r[6] for r in stored) == sum(int(r[7]) for r in known)  # type: ignore[misc]
    assert abs(sum(r[7] for r in stored) - sum(float(r[8]) for r in known)) < 1e-6  # type: ignore[misc]
    assert {r[8] for r in stored} == {"USD"}
    assert {r[1] for r in stored} == set(names)

    again = cli("results", "import", str(report))
    assert again.code == 0
    assert "someone-elses-ad" in again.stderr and "no creative has this ad name" in again.stderr
    assert "0 new, 0 replaced, 12 unchanged" in again.stdout
    assert _metrics(workdir) == stored  # the same rows, the same ids: nothing changed


def test_an_overlapping_period_replaces_and_never_double_counts(cli, workdir: Path) -> None:
    assert cli("run", str(write_brief(workdir, _brief())), "--output", "out").code == 0
    _, sheet = _exported(cli, workdir)
    name = sheet[0]["Ad Name"]
    daily = [[name, f"2026-11-0{d}", f"2026-11-0{d}", f"2026-11-0{d}", 1000, 800, 10, 1, "2.00"] for d in (1, 2, 3)]
    assert cli("results", "import", str(_write_meta_csv(workdir / "daily.csv", daily))).code == 0
    # The same days again, as one period with corrected numbers (Meta's attribution settles after a few days).
    week = [[name, "", "2026-11-01", "2026-11-03", 3100, 2000, 33, 4, "6.20"]]
    result = cli("results", "import", str(_write_meta_csv(workdir / "period.csv", week)), "--json")
    assert result.json()["stored"] == {"added": 1, "replaced": 3, "unchanged": 0}
    stored = _metrics(workdir)
    assert [(r[2], r[3], r[4], r[5]) for r in stored] == [("2026-11-01", "2026-11-03", 3100, 33)]


def test_ad_name_stays_while_the_bytes_do_and_a_new_version_links_to_the_old(cli, workdir: Path) -> None:
    brief = write_brief(workdir, _brief())
    assert cli("run", str(brief), "--output", "out").code == 0
    sidecar = workdir / "out/test-campaign/prod_a/1x1/prod_a_1x1_en.json"
    first = json.loads(sidecar.read_text())
    assert first["ad_name"].startswith("test-campaign_prod_a_en_1x1_") and first["version"] == 1
    assert first["ad_name"].endswith(first["sha256"][:8])

    assert cli("run", str(brief), "--output", "out").code == 0  # nothing changed: the same name
    assert json.loads(sidecar.read_text())["ad_name"] == first["ad_name"]

    write_brief(workdir, _brief(campaign_message="Brand new words"))
    assert cli("run", str(brief), "--output", "out").code == 0
    second = json.loads(sidecar.read_text())
    assert second["sha256"] != first["sha256"] and second["ad_name"] != first["ad_name"]
    assert second["version"] == 2 and second["previous_ad_name"] == first["ad_name"]
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    entry = next(v for v in manifest["variants"] if (v["product_id"], v["aspect_ratio"]) == ("prod_a", "1x1"))
    assert (entry["ad_name"], entry["version"], entry["previous_ad_name"]) == (second["ad_name"], 2, first["ad_name"])
    with _db(workdir) as db:
        versions = db.execute(
            "SELECT version, ad_name, previous_ad_name FROM creative_versions "
            "WHERE product_id = 'prod_a' AND aspect_ratio = '1x1' ORDER BY version"
        ).fetchall()
        current = db.execute(
            "SELECT ad_name FROM variants WHERE product_id = 'prod_a' AND aspect_ratio = '1x1'"
        ).fetchone()
    assert versions == [(1, first["ad_name"], None), (2, second["ad_name"], first["ad_name"])]
    assert current == (second["ad_name"],)

    # Results of the ad that ran the first version still find their creative.
    row = [[first["ad_name"], "2026-11-01", "2026-11-01", "2026-11-01", 1000, 900, 12, 1, "2.00"]]
    result = cli("results", "import", str(_write_meta_csv(workdir / "old.csv", row)), "--json")
    assert result.json()["matched"] == 1 and result.json()["unmatched"] == []


def test_export_leaves_out_failed_and_unapproved_creatives(cli, workdir: Path) -> None:
    assert cli("run", str(write_brief(workdir, _brief())), "--output", "out").code == 0
    with _db(workdir) as db:
        db.execute("UPDATE variants SET status = 'failed', reason = 'check legal failed' WHERE product_id = 'prod_b'")
    out = workdir / "pkg"
    result = cli("export", "test-campaign", "--for", "tiktok", "--output", str(out))
    assert result.code == 0, result.stderr
    assert "prod_b/en/1x1: it failed: check legal failed" in result.stderr
    with (out / "tiktok_bulk_import.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all("_prod_a_" in r["Ad Name"] for r in rows)
    # A failed creative is not a current one: it is never listed as waiting for results.
    waiting = cli("results", "report", "test-campaign", "--format", "json").json()["without_results"]
    assert len(waiting) == 2 and all("_prod_a_" in name for name in waiting)
    assert "not approved" in (
        cli("export", "test-campaign", "--for", "meta", "--approved-only", "--output", str(workdir / "p2")).stderr
    )


def test_bad_report_and_unknown_campaign_are_clear_errors(cli, workdir: Path) -> None:
    junk = workdir / "junk.csv"
    junk.write_text("what,is,this\n1,2,3\n", encoding="utf-8")
    result = cli("results", "import", str(junk))
    assert result.code == 2 and "Traceback" not in result.stderr and "Ad name" in result.stderr
    missing = cli("export", "nope", "--for", "meta", "--output", str(workdir / "x"))
    assert missing.code == 2 and "no campaign 'nope'" in missing.stderr and not (workdir / "x").exists()
    report = cli("results", "report", "nope")
    assert report.code == 2 and "no campaign 'nope'" in report.stderr


def test_approved_only_exports_exactly_the_creatives_approved_for_their_bytes(cli, workdir: Path) -> None:
    from creative_ai.db.repository import Repository

    assert cli("run", str(write_brief(workdir, _brief())), "--output", "out").code == 0
    repo = Repository.open(f"sqlite:///{workdir / 'creative_ai.db'}")
    variants = {(v.product_id, v.aspect_ratio): v for v in repo.variants("test-campaign")}
    approved = variants[("prod_a", "1x1")]
    for v, decision, sha in (
        (approved, "approved", approved.sha256),
        (variants[("prod_b", "1x1")], "rejected", variants[("prod_b", "1x1")].sha256),
        (variants[("prod_b", "9x16")], "approved", "0" * 64),  # approved for other bytes: does not count
    ):
        repo.record_approval(
            campaign_id="test-campaign",
            product_id=v.product_id,
            locale=v.locale,
            aspect_ratio=v.aspect_ratio,
            sha256=sha or "",
            decision=decision,
            comment="",
            role="admin",  # the API key's decision signs every role
        )
    repo.engine.dispose()
    out = workdir / "approved-pkg"
    result = cli("export", "test-campaign", "--for", "meta", "--approved-only", "--output", str(out))
    assert result.code == 0, result.stderr
    with (out / "meta_bulk_import.csv").open(encoding="utf-8") as handle:
        assert [r["Ad Name"] for r in csv.DictReader(handle)] == [approved.ad_name]
    assert sorted(p.name for p in (out / "images").iterdir()) == [f"{approved.ad_name}.jpg"]
    assert "prod_b/en/1x1: rejected" in result.stderr and "prod_b/en/9x16: not approved" in result.stderr
