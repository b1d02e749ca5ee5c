"""Results at their edges: several platforms and periods for one ad, days with more clicks than views, amounts in
several currencies, creatives changed back, copy a spreadsheet would run, paths that cannot be written."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import base_brief, write_brief

GENERIC = "ad_name,start,end,impressions,clicks,conversions,spend,currency\n"


def _made(cli, workdir: Path, **overrides: object) -> list[str]:  # type: ignore[no-untyped-def]
    brief = base_brief(aspect_ratios=["1x1", "9x16"], **overrides)
    assert cli("run", str(write_brief(workdir, brief)), "--output", "out").code == 0
    manifest = json.loads((workdir / "out/test-campaign/manifest.json").read_text())
    return sorted(v["ad_name"] for v in manifest["variants"])


def _file(workdir: Path, name: str, lines: list[str], header: str = GENERIC) -> str:
    path = workdir / name
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _stored(workdir: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        return db.execute(
            "SELECT ad_name, source, period_start, period_end, impressions, spend, currency FROM ad_metrics "
            "ORDER BY ad_name, source, period_start"
        ).fetchall()


def test_other_platforms_add_up_and_a_day_inside_a_stored_month_is_kept_out(cli, workdir: Path) -> None:
    a, _ = _made(cli, workdir)
    month = _file(workdir, "month.csv", [f"{a},2026-11-01,2026-11-30,10000,200,10,100.00,USD"])
    assert cli("results", "import", month, "--source", "generic").code == 0
    tiktok = _file(
        workdir,
        "tiktok.csv",
        [f"{a},2026-11-05,5000,50,1,20.00,USD"],
        header="Ad name,Date,Impressions,Clicks,Conversions,Cost,Currency\n",
    )
    assert cli("results", "import", tiktok).code == 0
    day = _file(workdir, "day.csv", [f"{a},2026-11-05,2026-11-05,400,4,0,4.00,USD"])
    result = cli("results", "import", day, "--source", "generic", "--json")
    assert result.json()["stored"] == {"added": 0, "replaced": 0, "unchanged": 0}
    assert any("its days are in the stored 2026-11-01 to 2026-11-30 row" in s for s in result.json()["skipped"])
    assert result.json()["stored_totals"]["impressions"] == 0
    assert _stored(workdir) == [
        (a, "generic", "2026-11-01", "2026-11-30", 10000, 100.0, "USD"),
        (a, "tiktok", "2026-11-05", "2026-11-05", 5000, 20.0, "USD"),
    ]
    report = cli("results", "report", "test-campaign", "--format", "json").json()
    assert report["totals"]["impressions"] == 15000  # both platforms, each counted once


def test_days_with_more_clicks_than_views_never_break_the_report_or_the_agent(cli, workdir: Path) -> None:
    a, b = _made(cli, workdir)
    lines = [f"{a},2026-11-0{d},2026-11-0{d},5000,50,1,5.00,EUR" for d in range(1, 8)]
    lines += [f"{b},2026-11-0{d},2026-11-0{d},3000,30,0,3.00,EUR" for d in range(1, 7)]
    lines.append(f"{b},2026-11-07,2026-11-07,0,1,0,0.00,EUR")  # a click counted the day after its view
    assert cli("results", "import", _file(workdir, "r.csv", lines)).code == 0
    report = cli("results", "report", "test-campaign", "--format", "json")
    assert report.code == 0, report.stderr
    assert {c["ad_name"]: c["days"] for c in report.json()["creatives"]} == {a: 7, b: 6}
    assert cli("results", "report", "test-campaign").code == 0
    assert cli("agent", "--once").code == 0


def test_amounts_in_several_currencies_are_never_added(cli, workdir: Path) -> None:
    a, b = _made(cli, workdir)
    lines = [f"{a},2026-11-01,2026-11-01,1000,10,0,100.00,USD", f"{a},2026-11-01,2026-11-01,1000,10,0,100,JPY"]
    result = cli("results", "import", _file(workdir, "mixed.csv", lines), "--json")
    assert result.json()["stored"]["added"] == 0
    assert any("several currencies (JPY, USD)" in s for s in result.json()["skipped"])
    assert "spend in several currencies" in cli("results", "import", _file(workdir, "m2.csv", lines)).stdout
    known = _file(workdir, "eur.csv", [f"{a},2026-11-02,2026-11-02,1000,10,0,50.00,EUR"])
    none = _file(
        workdir, "none.csv", [f"{b},2026-11-02,2026-11-02,1000,10,0,7000"], header=GENERIC.replace(",currency", "")
    )
    assert cli("results", "import", known).code == 0 and cli("results", "import", none).code == 0
    report = cli("results", "report", "test-campaign", "--format", "json").json()
    assert report["currency"] == "mixed" and report["totals"]["spend"] is None and report["totals"]["cpc"] is None


def test_versions_follow_the_database_when_a_creative_changes_back_or_loses_its_sidecar(cli, workdir: Path) -> None:
    sidecar = workdir / "out/test-campaign/prod_a/1x1/prod_a_1x1_en.json"

    def run(message: str) -> dict:  # type: ignore[type-arg]
        assert cli("run", str(write_brief(workdir, base_brief(campaign_message=message))), "--output", "out").code == 0
        return json.loads(sidecar.read_text())  # type: ignore[no-any-return]

    one, two = run("Hello one"), run("Hello two")
    back = run("Hello one")
    assert (back["ad_name"], back["version"], back["previous_ad_name"]) == (one["ad_name"], 1, None)
    sidecar.unlink()
    three = run("Hello three")
    assert (three["version"], three["previous_ad_name"]) == (3, one["ad_name"])
    with sqlite3.connect(workdir / "creative_ai.db") as db:
        rows = db.execute(
            "SELECT version, ad_name, previous_ad_name FROM creative_versions WHERE aspect_ratio = '1x1' "
            "ORDER BY version"
        ).fetchall()
    assert rows == [
        (1, one["ad_name"], None),
        (2, two["ad_name"], one["ad_name"]),
        (3, three["ad_name"], one["ad_name"]),
    ]


def test_copy_a_spreadsheet_would_run_is_noted_and_bad_output_paths_are_clear_errors(cli, workdir: Path) -> None:
    _made(cli, workdir, campaign_message="@home all summer long", landing_url="https://shop.example.com/x")
    result = cli("export", "test-campaign", "--for", "meta", "--output", str(workdir / "pkg"))
    assert result.code == 0, result.stderr
    assert "may read it as a formula" in result.stderr
    readme = (workdir / "pkg" / "README.txt").read_text()
    assert "may read it as a formula" in readme and "Import ads in bulk" in readme
    with (workdir / "pkg" / "meta_bulk_import.csv").open(encoding="utf-8") as handle:
        assert {r["Title"] for r in csv.DictReader(handle)} == {"@home all summer long"}  # uploaded as written

    (workdir / "a-file").write_text("x")
    under_file = cli("export", "test-campaign", "--for", "meta", "--output", str(workdir / "a-file" / "sub"))
    assert under_file.code == 3 and "cannot write the package" in under_file.stderr
    assert "Traceback" not in under_file.stderr
    nowhere = cli("results", "report", "test-campaign", "--output", str(workdir / "no-such-dir" / "r.txt"))
    assert nowhere.code == 3 and "cannot write" in nowhere.stderr and "Traceback" not in nowhere.stderr
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith(".")) == []  # no staging folder left


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from creative_ai.errors import InputError
    from creative_ai.results import sources_files
    from creative_ai.results.sources import read_report

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ad_name", "date", "impressions", "clicks", "conversions", "spend"])
    for i in range(2000):
        sheet.append([f"ad{i}", "2026-11-01", 1000, 10, 0, 1.0])
    book.save(tmp_path / "big.xlsx")
    monkeypatch.setattr(sources_files, "MAX_UNPACKED", 50_000)
    with pytest.raises(InputError, match="unpacks to"):
        read_report(tmp_path / "big.xlsx")


def test_parallel_imports_on_postgresql_never_count_twice(postgres_url: str) -> None:
    import threading
    from datetime import date

    from creative_ai.db.repository import Repository
    from creative_ai.errors import StorageError
    from creative_ai.results.ingest import import_results
    from creative_ai.results.models import MetricRow, ParsedReport

    setup = Repository.open(postgres_url)
    setup.save_campaign(
        campaign_id="pg", name=None, status="succeeded", brief={}, brief_sha256="0" * 64, target_market="EU",
        output_dir="out", products=[],
    )  # fmt: skip
    names = [f"pg_p_en_1x1_{i:08x}" for i in range(5)]
    for name in names:
        setup.record_version(
            ad_name=name, campaign_id="pg", product_id="p", locale="en", aspect_ratio="1x1", version=1,
            sha256="0" * 64, previous_ad_name=None, message="m", cta=None, hero="packshot",
        )  # fmt: skip
    rows = [
        MetricRow(name, date(2026, 11, d), date(2026, 11, d), 1000, 10, 1, 2.0, "USD", line=i * 10 + d)
        for i, name in enumerate(names)
        for d in range(1, 6)
    ]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def one() -> None:
        repo = Repository.from_url(postgres_url)
        barrier.wait()
        try:
            import_results(ParsedReport("meta", rows), repo=repo, origin="same.csv")
            outcomes.append("ok")
        except StorageError as exc:
            outcomes.append(str(exc))
        finally:
            repo.engine.dispose()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = setup.metrics("pg")
    setup.engine.dispose()
    assert len(outcomes) == 4 and all(o == "ok" or "ran at the same time" in o for o in outcomes)
    assert len(stored) == 25 and sum(m.impressions for m in stored) == 25_000


def test_daily_rows_replace_a_stored_week_they_cover_and_never_cut_one_they_straddle(cli, workdir: Path) -> None:
    a, b = _made(cli, workdir)
    weeks = [f"{a},2026-11-01,2026-11-07,7000,70,7,70.00,USD", f"{b},2026-11-01,2026-11-07,7000,70,7,70.00,USD"]
    assert cli("results", "import", _file(workdir, "weeks.csv", weeks)).code == 0
    days = [f"{a},2026-11-0{d},2026-11-0{d},1100,11,1,11.00,USD" for d in range(1, 8)]  # all of a's week
    days += [f"{b},2026-11-{d:02d},2026-11-{d:02d},1100,11,1,11.00,USD" for d in range(5, 11)]  # b's straddles
    result = cli("results", "import", _file(workdir, "days.csv", days), "--json").json()
    assert result["stored"] == {"added": 7 + 3, "replaced": 1, "unchanged": 0}
    assert sum("its days are in the stored 2026-11-01 to 2026-11-07 row" in s for s in result["skipped"]) == 3
    assert result["stored_totals"]["impressions"] == 10 * 1100
    stored = _stored(workdir)
    assert [r[2] for r in stored if r[0] == a] == [f"2026-11-0{d}" for d in range(1, 8)]
    assert [(r[2], r[3]) for r in stored if r[0] == b] == [
        ("2026-11-01", "2026-11-07"),
        ("2026-11-08", "2026-11-08"),
        ("2026-11-09", "2026-11-09"),
        ("2026-11-10", "2026-11-10"),
    ]
    # Nothing counted twice, nothing lost: a's days replace its week; b keeps its week and gains three days.
    assert sum(r[4] for r in stored) == 7 * 1100 + 7000 + 3 * 1100  # type: ignore[misc]


def test_two_platforms_daily_give_one_day_each_for_fatigue_and_the_report(cli, workdir: Path) -> None:
    a, _ = _made(cli, workdir)
    meta = [f"{a},2026-11-0{d},2026-11-0{d},5000,50,1,5.00,USD" for d in range(1, 8)]
    assert cli("results", "import", _file(workdir, "meta.csv", meta), "--source", "generic").code == 0
    tiktok = [f"{a},2026-11-0{d},3000,30,0,3.00,USD" for d in range(1, 8)]
    header = "Ad name,Date,Impressions,Clicks,Conversions,Cost,Currency\n"
    assert cli("results", "import", _file(workdir, "tiktok.csv", tiktok, header=header)).code == 0
    report = cli("results", "report", "test-campaign", "--format", "json")
    assert report.code == 0, report.stderr
    (creative,) = [c for c in report.json()["creatives"] if c["ad_name"] == a]
    assert creative["days"] == 7 and creative["impressions"] == 7 * 8000
    assert [d["impressions"] for d in creative["daily"]] == [8000] * 7


def test_a_daily_export_with_per_ad_summary_rows_totals_as_the_file_does(cli, workdir: Path) -> None:
    a, b = _made(cli, workdir)
    header = "Ad name,Day,Reporting starts,Reporting ends,Impressions,Link clicks,Results,Amount spent (USD)\n"
    lines = []
    for name in (a, b):
        lines.append(f"{name},,2026-11-01,2026-11-02,2000,20,2,20.00")  # the ad's summary over its days
        lines += [f"{name},2026-11-0{d},2026-11-0{d},2026-11-0{d},1000,10,1,10.00" for d in (1, 2)]
    result = cli("results", "import", _file(workdir, "meta.csv", lines, header=header), "--json").json()
    assert result["file_totals"]["impressions"] == result["stored_totals"]["impressions"] == 4000
    assert any("conversions are read from 'Results'" in n for n in result["notes"])


def test_fractional_conversions_are_kept_and_the_verdict_quotes_the_table(cli, workdir: Path) -> None:
    a, b = _made(cli, workdir)
    header = "Ad name,Day,Impr.,Clicks,Conversions,Cost,Currency code\n"
    lines = [f"{a},2026-11-0{d},1000,14,0.5,5.00,USD" for d in range(1, 8)]
    lines += [f"{b},2026-11-0{d},1000,14,0.25,5.00,USD" for d in range(1, 8)]
    assert cli("results", "import", _file(workdir, "google.csv", lines, header=header)).code == 0
    report = cli("results", "report", "test-campaign", "--format", "json").json()
    convs = {c["ad_name"]: (c["conversions"], c["cvr_pct"]) for c in report["creatives"]}
    assert convs == {a: (3.5, 3.57), b: (1.75, 1.79)}
    assert report["totals"]["conversions"] == 5.25
    (ratio,) = [g for g in report["attributes"]["ratio"] if g["value"] == "1x1"]
    assert "CVR 3.57%" in ratio["cvr_verdict"]["reason"]
    table = cli("results", "report", "test-campaign").stdout
    assert " 3.50 " in table and " 1.75 " in table
